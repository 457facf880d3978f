"""Importing through the window: refusals list every problem and change nothing; cancel changes nothing."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from inspector_app.app import run_gui
from inspector_app.services.library import LibraryService
from inspector_app.ui.main_window import MainWindow, pack_path_from_choice
from inspector_app.workstation import Workstation, demo_pack_dirs

from .helpers import import_through_ui
from .packs import break_pack, build_pack


def library_state(ws: Workstation) -> tuple[object, list[Path]]:
    """Everything an import could change: the catalog and the store's files."""
    service = LibraryService(ws.session_factory, ws.store)
    blobs = sorted(p for p in ws.store.root.rglob("*") if p.is_file() and "tmp" not in p.parts)
    return service.brands(), blobs


def test_refused_pack_lists_every_problem_and_changes_nothing(qtbot: QtBot, tmp_path: Path,
                                                              window: MainWindow, workstation: Workstation) -> None:
    import_through_ui(qtbot, window, build_pack(tmp_path / "good"))
    before = library_state(workstation)
    broken = break_pack(build_pack(tmp_path / "broken", version="2026.2.0"))

    import_through_ui(qtbot, window, broken)

    dialog = window.problems_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.addWidget(dialog)
    listed = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert len(listed) == len(dialog.error.problems) >= 3
    assert any("stiching" in text for text in listed)
    assert any("matches no file" in text for text in listed)
    assert any("windows.jpg" in text for text in listed)
    dialog.copy_to_clipboard()
    assert "stiching" in QApplication.clipboard().text()
    assert library_state(workstation) == before
    assert window.import_action.isEnabled() and not window.progress.isVisible()
    assert [p.version for p in window.browser.brands[0].packs] == ["2026.1.0"]


def test_cancelled_import_changes_nothing(qtbot: QtBot, window: MainWindow, pack_dir: Path,
                                          workstation: Workstation) -> None:
    before = library_state(workstation)
    cancelled: list[str] = []
    window.imports.cancelled.connect(cancelled.append)
    with qtbot.waitSignal(window.imports.settled, timeout=30_000):
        window.import_pack(pack_dir)
        window.progress.cancel.click()
    assert cancelled == ["maison-test"]
    assert library_state(workstation) == before
    assert "cancelled" in window.statusBar().currentMessage()


def test_a_second_import_waits_for_the_first(qtbot: QtBot, tmp_path: Path, window: MainWindow,
                                             pack_dir: Path) -> None:
    with qtbot.waitSignal(window.imports.settled, timeout=30_000):
        window.import_pack(pack_dir)
        assert not window.import_action.isEnabled()
        window.import_pack(build_pack(tmp_path / "other", brand="other-house", brand_name="Other House"))
        assert "already running" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not window.browser.busy)
    assert [b.slug for b in window.browser.brands] == ["maison-test"]


def test_choosing_pack_toml_means_its_folder(tmp_path: Path) -> None:
    assert pack_path_from_choice(tmp_path / "pack" / "pack.toml") == tmp_path / "pack"
    assert pack_path_from_choice(tmp_path / "pack.zip") == tmp_path / "pack.zip"


def test_demo_seeding_fills_an_empty_library(qtbot: QtBot, tmp_path: Path, workstation: Workstation) -> None:
    dirs = [build_pack(tmp_path / "a", brand="alpha-house", brand_name="Alpha House"),
            build_pack(tmp_path / "b", brand="beta-house", brand_name="Beta House")]
    window = MainWindow(workstation, seed_demo=True, demo_dirs=dirs)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.browser.loaded, timeout=30_000):
        window.show()
    assert [b.slug for b in window.browser.brands] == ["alpha-house", "beta-house"]

    again = MainWindow(workstation, seed_demo=True, demo_dirs=[build_pack(tmp_path / "c", brand="gamma")])
    qtbot.addWidget(again)
    with qtbot.waitSignal(again.browser.loaded, timeout=30_000):
        again.show()
    assert [b.slug for b in again.browser.brands] == ["alpha-house", "beta-house"]   # not empty: not seeded


def test_refused_demo_seeding_still_ends_on_the_library(qtbot: QtBot, tmp_path: Path,
                                                       workstation: Workstation) -> None:
    window = MainWindow(workstation, seed_demo=True, demo_dirs=[break_pack(build_pack(tmp_path / "bad"))])
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.browser.loaded, timeout=30_000):
        window.show()
    assert window.problems_dialog is not None
    qtbot.addWidget(window.problems_dialog)
    assert window.browser.pages.currentWidget() is window.browser.empty


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """run_gui configures the root logger; put it back so later tests log as before."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


@pytest.mark.skipif(not demo_pack_dirs(), reason="resources/demo/packs is not generated yet "
                                                 "(tools/demogen writes it)")
@pytest.mark.usefixtures("restore_logging")
def test_run_gui_with_demo_seeds_the_bundled_library(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
                                                     workstation: Workstation) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)   # run_gui installs its own; restore it after
    seen: list[list[str]] = []

    def close_when_seeded() -> None:
        window = next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)), None)
        if window is not None and window.browser.brands and not window.imports.busy:
            seen.append([b.slug for b in window.browser.brands])
            window.close()
        else:
            QTimer.singleShot(100, close_when_seeded)

    QTimer.singleShot(100, close_when_seeded)
    QTimer.singleShot(120_000, QApplication.quit)   # a safety net: never hang the suite
    assert run_gui(seed_demo=True) == 0
    assert seen and len(seen[0]) == len(demo_pack_dirs())
