"""A shot the bench cannot record (the image store's disk is full) is held, and Retry records it for its zone."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from inspector_app.services.cases import Intake, TakenPhoto
from inspector_app.settings import Settings
from inspector_app.ui.bench_context import BenchContext
from inspector_app.ui.inspect.capture_page import CapturePage
from inspector_app.ui.inspect.workspace import case_model
from inspector_app.ui.preferences import BenchPreferences
from inspector_app.workstation import Workstation
from tests.small_disk import fill, small_tmpfs
from tests.ui.conftest import PASSWORD, demo_item

GATE_TIMEOUT = 60_000
A01 = demo_item("maison-aurel/a01")


@pytest.fixture
def bench_on_small_disk(demo_bench_template: Path, tmp_path: Path) -> Iterator[tuple[Workstation, Path]]:
    """The demo bench with its image store alone on a small file system."""
    with small_tmpfs(tmp_path / "small-disk", "24m") as disk:
        home = tmp_path / "home"
        shutil.copytree(demo_bench_template, home, ignore=shutil.ignore_patterns("store"))
        shutil.copytree(demo_bench_template / "store", disk / "store")
        ws = Workstation.open(Settings(home=home, database_url=Settings.embedded(home).database_url,
                                       store=disk / "store"))
        try:
            yield ws, disk
        finally:
            ws.close()


def test_a_shot_refused_by_a_full_store_is_retried_for_its_zone(qtbot: QtBot, preferences: BenchPreferences,
                                                               bench_on_small_disk: tuple[Workstation, Path]) -> None:
    ws, disk = bench_on_small_disk
    ines = BenchContext(ws, ws.users().authenticate("ines", PASSWORD), preferences)
    view = ines.cases.open(ines.user, Intake("T-FULL", "maison-aurel", "city-tote"))
    page = CapturePage(ines)
    qtbot.addWidget(page)
    page.show()
    page.show_case(view, case_model(ines, view).zones)
    zone = page.shot_list.current_shot().zone.id   # type: ignore[union-attr]

    filler = fill(disk)
    page.take(A01[zone])
    qtbot.waitUntil(lambda: not page.busy and page.unsaved == 1, timeout=GATE_TIMEOUT)
    assert "is full: free space there, nothing was recorded" in page.message.text()
    assert page.retry_button.isVisible() and ines.cases.resume(ines.user, "T-FULL").photos == {}

    qtbot.keyClick(page.shot_list, Qt.Key.Key_PageDown)   # the inspector moves on meanwhile
    assert page.shot_list.current_shot().zone.id != zone   # type: ignore[union-attr]
    filler.unlink()
    taken: list[TakenPhoto] = []
    page.shotTaken.connect(taken.append)
    page.shot_list.setFocus()
    qtbot.keyClick(page.shot_list, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)   # Retry
    qtbot.waitUntil(lambda: len(taken) == 1 and not page.busy, timeout=GATE_TIMEOUT)

    assert taken[0].zone == zone and page.unsaved == 0 and not page.retry_button.isVisible()
    assert ines.cases.resume(ines.user, "T-FULL").photos == {zone: taken[0].sha256}
    assert page.shot_list.shot(zone).taken
