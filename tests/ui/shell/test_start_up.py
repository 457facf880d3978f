"""Start-up on a new bench: the demo library arrives in the background, and ``run_gui --demo`` works end to end."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from inspector_app.app import run_gui
from inspector_app.ui.bench_context import BenchContext
from inspector_app.ui.main_window import MainWindow
from inspector_app.ui.preferences import BenchPreferences
from inspector_app.ui.sign_in import SignInDialog
from inspector_app.workstation import Workstation, demo_pack_dirs
from tests.ui.conftest import PASSWORD
from tests.ui.helpers import BENCH_ADMIN
from tests.ui.packs import break_pack, build_pack


def seeding_window(qtbot: QtBot, workstation: Workstation, preferences: BenchPreferences,
                   dirs: list[Path]) -> tuple[MainWindow, list[str]]:
    """A window seeding ``dirs`` in the background, once it is done, with the status messages it showed."""
    window = MainWindow(BenchContext(workstation, BENCH_ADMIN, preferences), demo_dirs=dirs)
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.progress.isHidden(), timeout=60_000)
    return window, messages


def test_demo_seeding_fills_an_empty_library_once(qtbot: QtBot, tmp_path: Path, workstation: Workstation,
                                                  preferences: BenchPreferences) -> None:
    dirs = [build_pack(tmp_path / "a", brand="alpha-house", brand_name="Alpha House"),
            build_pack(tmp_path / "b", brand="beta-house", brand_name="Beta House")]
    window, messages = seeding_window(qtbot, workstation, preferences, dirs)
    brands = [b.slug for b in window.context.library.brands()]
    assert brands == ["alpha-house", "beta-house"]
    assert "Demo library imported: 2 brands." in messages

    again, _ = seeding_window(qtbot, workstation, preferences, [build_pack(tmp_path / "c", brand="gamma")])
    assert [b.slug for b in again.context.library.brands()] == brands   # not empty: not seeded again


def test_refused_demo_seeding_is_said_and_changes_nothing(qtbot: QtBot, tmp_path: Path, workstation: Workstation,
                                                         preferences: BenchPreferences) -> None:
    window, messages = seeding_window(qtbot, workstation, preferences, [break_pack(build_pack(tmp_path / "bad"))])
    assert any(m.startswith("The demo library was not imported:") for m in messages)
    assert window.context.library.brands() == []
    assert "SQLite" in window.location.text()


@pytest.fixture
def isolated_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """run_gui sets up logging, the excepthook and QSettings: keep all three away from the rest of the suite."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)
    QSettings.setDefaultFormat(QSettings.Format.NativeFormat)


@pytest.mark.skipif(not demo_pack_dirs(), reason="resources/demo/packs is not generated yet (tools/demogen)")
@pytest.mark.usefixtures("isolated_start")
def test_run_gui_with_demo_signs_in_and_seeds_the_bundled_library(qtbot: QtBot, workstation: Workstation) -> None:
    seen: list[list[str]] = []

    def drive() -> None:
        """Sign in as the demo inspector when the dialog shows; close the window once the library is in."""
        widgets = QApplication.topLevelWidgets()
        dialog = next((w for w in widgets if isinstance(w, SignInDialog) and w.isVisible()), None)
        window = next((w for w in widgets if isinstance(w, MainWindow) and w.isVisible()), None)
        if dialog is not None and not dialog.password.text():
            dialog.username.setText("ines")
            dialog.password.setText(PASSWORD)
            qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        elif window is not None and window.progress.isHidden() and window.context.library.brands():
            seen.append([b.slug for b in window.context.library.brands()])
            window.close()
            return
        QTimer.singleShot(100, drive)

    QTimer.singleShot(100, drive)
    QTimer.singleShot(180_000, QApplication.closeAllWindows)   # a safety net: never hang the suite
    assert run_gui(seed_demo=True) == 0
    assert seen == [sorted(p.name for p in demo_pack_dirs())]
