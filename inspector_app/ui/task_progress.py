"""Feedback on work the user started: how far it is (with Cancel), and one line on how it ended.

Imports and account changes run in the background; while they run the user
sees the stage and a Cancel button, and afterwards one calm line in the page
(never a traceback, never a stack of message boxes to click away).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QProgressBar, QToolButton, QVBoxLayout, QWidget

from ..services.wording import describe_stage


class TaskProgress(QWidget):
    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setFixedWidth(180)
        self.bar.setTextVisible(False)
        self.cancel = QToolButton()
        self.cancel.setText("Cancel")
        self.cancel.setAutoRaise(True)
        self.cancel.clicked.connect(self._on_cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel)
        self.hide()

    def start(self, what: str) -> None:
        self.label.setText(f"Importing {what}…")
        self.bar.setRange(0, 0)  # busy until the first report gives a total
        self.cancel.setEnabled(True)
        self.show()

    def report(self, stage: str, done: int, total: int) -> None:
        self.label.setText(f"{describe_stage(stage)} {done}/{total}")
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)

    def finish(self) -> None:
        self.hide()

    def _on_cancel(self) -> None:
        self.cancel.setEnabled(False)
        self.label.setText("Cancelling…")
        self.cancelRequested.emit()


class TaskProgressDialog(QDialog):
    """The same display in a window-modal dialog: the page behind cannot change while a pack comes in.

    Escape or closing the dialog cancels, like the Cancel button.
    """

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("taskProgress")
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress = TaskProgress()
        self.progress.bar.setMinimumWidth(320)
        self.progress.cancel.setAutoRaise(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)

    def start(self, what: str) -> None:
        self.progress.start(what)
        self.open()

    def report(self, stage: str, done: int, total: int) -> None:
        self.progress.report(stage, done, total)

    def finish(self) -> None:
        self.progress.finish()
        self.accept()

    def reject(self) -> None:
        """Escape asks the work to stop; the dialog closes when it has (``finish``)."""
        if self.progress.cancel.isEnabled():
            self.progress.cancel.click()
