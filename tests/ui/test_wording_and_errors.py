"""Words the window shows, and the dialog that replaces a crash."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from inspector_app.services.wording import describe_data_location, describe_stage, describe_tolerances
from inspector_app.settings import Settings
from inspector_app.ui.error_dialog import ErrorReporter


def test_tolerances_in_words() -> None:
    assert describe_tolerances({"pitch_mm": [3.6, 4.4]}) == [
        "Stitch pitch 3.6–4.4 mm (stitch plus gap, along the seam)"]
    assert describe_tolerances({"max_delta_e": 6.0}) == ["Colour within ΔE 6 (CIEDE2000) of the references"]
    assert describe_tolerances({}) == []
    assert describe_tolerances({"future_bound": 2}) == ["future_bound: 2"]


def test_data_location_never_shows_a_password(tmp_path: Path) -> None:
    sqlite = Settings(tmp_path, f"sqlite:///{tmp_path}/db.sqlite3")
    assert describe_data_location(sqlite) == f"Data: {tmp_path} · SQLite database"
    shared = Settings(tmp_path, "postgresql+psycopg://bench:s3cret@db.example:5432/inspector")
    text = describe_data_location(shared)
    assert "PostgreSQL database inspector on db.example:5432" in text
    assert "s3cret" not in text


def test_stages_in_words() -> None:
    assert describe_stage("validating") == "Checking files"
    assert describe_stage("alpha: storing") == "alpha: copying into the store"


def test_unexpected_error_dialog_carries_the_traceback(qtbot: QtBot, tmp_path: Path) -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        exc_type, exc, tb = sys.exc_info()
    assert exc_type is not None and exc is not None
    box = ErrorReporter(tmp_path / "workstation.log").dialog(exc_type, exc, tb)
    qtbot.addWidget(box)
    assert "RuntimeError: boom" in box.text()
    assert "still running" in box.informativeText()
    assert str(tmp_path / "workstation.log") in box.informativeText()
    assert 'raise RuntimeError("boom")' in box.detailedText()


def test_emitting_does_not_drain_references_to_true(qapp: QApplication) -> None:
    """PySide6 6.12.0 on CPython 3.11 drops a reference to True per emit and aborts the
    process after a few hundred (excluded in pyproject.toml); fail loudly if such a build returns."""
    class Source(QObject):
        changed = Signal(int)

    source = Source()
    before = sys.getrefcount(True)
    for value in range(2000):
        source.changed.emit(value)
    assert sys.getrefcount(True) >= before
