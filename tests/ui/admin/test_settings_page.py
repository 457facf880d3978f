"""The settings page: data locations shown (never a password), bench choices saved as they change."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QCameraDevice
from pytestqt.qtbot import QtBot

from inspector_app.settings import Settings
from inspector_app.ui.admin.settings_page import NO_CAMERA, SettingsPage, safe_database_url
from inspector_app.ui.bench_context import BenchContext
from inspector_app.ui.inspect.frame_sources import CameraChoice
from inspector_app.ui.preferences import BenchPreferences
from inspector_app.workstation import Workstation

from ..helpers import BENCH_ADMIN


@pytest.fixture
def admin(workstation: Workstation, preferences: BenchPreferences) -> Callable[[], BenchContext]:
    """An admin's context on a fresh bench (the settings page needs no accounts or library)."""
    return lambda: BenchContext(workstation, BENCH_ADMIN, preferences)


def test_a_database_password_is_never_shown(tmp_path: Path) -> None:
    shared = Settings(tmp_path, "postgresql+psycopg://bench:s3cret@db.example:5432/inspector")
    shown = safe_database_url(shared)
    assert "s3cret" not in shown and "db.example:5432/inspector" in shown and "bench:***@" in shown


def test_data_locations_and_how_to_change_them(qtbot: QtBot, admin: Callable[[], BenchContext]) -> None:
    context = admin()
    page = SettingsPage(context, list_cameras=list)
    qtbot.addWidget(page)
    settings = context.workstation.settings
    assert page.home.text() == str(settings.home)
    assert page.store.text() == str(settings.store_dir)
    assert page.database.text().startswith("sqlite:///") and str(settings.home) in page.database.text()
    texts = " ".join(label.text() for label in page.findChildren(type(page.home)))
    assert "INSPECTOR_HOME" in texts and "INSPECTOR_DB_URL" in texts


def test_no_camera_is_said_plainly(qtbot: QtBot, admin: Callable[[], BenchContext]) -> None:
    page = SettingsPage(admin(), list_cameras=list)
    qtbot.addWidget(page)
    page.show()
    assert page.no_camera.isVisible() and page.no_camera.text() == NO_CAMERA
    assert not page.camera.isVisible() and not page.resolution.isEnabled()


def test_choices_are_saved_as_they_change(qtbot: QtBot, tmp_path: Path, preferences: BenchPreferences,
                                          admin: Callable[[], BenchContext]) -> None:
    camera = CameraChoice(QCameraDevice(), "cam-1", "Bench camera", ("1920x1080", "640x480"))
    page = SettingsPage(admin(), list_cameras=lambda: [camera])
    qtbot.addWidget(page)
    page.show()
    assert page.scale_card.value() == 20.0 and page.theme.currentData() == "light"

    page.camera.setCurrentIndex(page.camera.findData("cam-1"))
    assert preferences.camera_device == "cam-1"
    assert [page.resolution.itemText(i) for i in range(page.resolution.count())] == [
        "Largest available", "1920 × 1080", "640 × 480"]
    page.resolution.setCurrentIndex(2)
    assert preferences.camera_resolution == "640x480"

    page.scale_card.setFocus()
    page.scale_card.selectAll()
    qtbot.keyClicks(page.scale_card, "25.5")
    assert preferences.scale_card_mm == 25.5
    page.set_hot_folder(str(tmp_path))
    assert preferences.hot_folder == str(tmp_path) and page.hot_folder.text() == str(tmp_path)

    with qtbot.waitSignal(page.themeChanged) as changed:
        page.theme.setFocus()
        qtbot.keyClick(page.theme, Qt.Key.Key_Down)
    assert changed.args == ["dark"] and preferences.theme == "dark"

    again = SettingsPage(admin(), list_cameras=lambda: [camera])   # remembered
    qtbot.addWidget(again)
    assert again.camera.currentData() == "cam-1" and again.resolution.currentData() == "640x480"
    assert again.scale_card.value() == 25.5 and again.theme.currentData() == "dark"
