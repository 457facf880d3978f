"""A compact progress display for the status bar: what is happening, how far, and Cancel.

Imports run in the background, so progress sits in the status bar instead of
a modal dialog: the inspector can keep browsing while a pack comes in.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

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
