"""Unexpected errors: logged in full and shown in a dialog, and the workstation keeps running.

An inspector mid-way through an item must not lose the window to a bug in
one action; the traceback goes to the log and to the dialog's details for the
support ticket.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger(__name__)


class ErrorReporter:
    """A ``sys.excepthook`` that shows a dialog (one at a time) instead of ending the program."""

    def __init__(self, log_file: Path | None = None):
        self.log_file = log_file
        self._showing = False

    def install(self) -> None:
        sys.excepthook = self

    def __call__(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        log.critical("unexpected error", exc_info=(exc_type, exc, tb))
        app = QApplication.instance()
        if app is None or QThread.currentThread() is not app.thread() or self._showing:
            return  # logged; a dialog only from the GUI thread, and never a second one on top
        self._showing = True
        try:
            self.dialog(exc_type, exc, tb).exec()
        finally:
            self._showing = False

    def dialog(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Critical, "Unexpected error",
                          f"Something went wrong: {exc_type.__name__}: {exc}",
                          QMessageBox.StandardButton.Ok, QApplication.activeWindow())
        where = f" Details were written to {self.log_file}." if self.log_file else ""
        box.setInformativeText("The workstation is still running, but the last action may not have finished."
                               + where)
        box.setDetailedText("".join(traceback.format_exception(exc_type, exc, tb)))
        return box
