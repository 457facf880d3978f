"""Qt test set-up: offscreen platform, a fresh data home per test, no threads left behind."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QThreadPool  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402

from inspector_app.ui.main_window import MainWindow  # noqa: E402
from inspector_app.workstation import Workstation  # noqa: E402

from .packs import build_pack  # noqa: E402


@pytest.fixture(autouse=True)
def no_leftover_work(qapp: QApplication) -> Iterator[None]:
    """Every test ends with the thread pool idle and late signals delivered, or fails."""
    yield
    assert QThreadPool.globalInstance().waitForDone(30_000), "a worker was still running 30 s after the test"
    qapp.processEvents()


@pytest.fixture
def workstation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workstation]:
    """A workstation on its own data home with a real SQLite database, migrated to head."""
    monkeypatch.setenv("INSPECTOR_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("INSPECTOR_DB_URL", raising=False)
    ws = Workstation.open()
    yield ws
    QThreadPool.globalInstance().waitForDone()
    ws.close()


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    return build_pack(tmp_path / "packs" / "maison-test")


@pytest.fixture
def window(qtbot: QtBot, workstation: Workstation) -> MainWindow:
    """The main window on an empty library, after its first read of the library."""
    win = MainWindow(workstation, demo_dirs=[])
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.browser.loaded, timeout=10_000):
        win.show()
    return win
