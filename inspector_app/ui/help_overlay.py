"""The keyboard help: every shortcut of the window and of the screen in front of the user.

Shown with F1 (or ?) over the window and closed with Esc or F1, so an
inspector learns the keys without leaving the item on the bench.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

Shortcut = tuple[str, str]   # (keys as shown, what they do)


def shortcut_text(action_shortcut: QKeySequence) -> str:
    """A key sequence as the user's platform writes it (Ctrl+I, ⌘I)."""
    return action_shortcut.toString(QKeySequence.SequenceFormat.NativeText)


class HelpOverlay(QDialog):
    def __init__(self, sections: Sequence[tuple[str, Sequence[Shortcut]]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("helpOverlay")
        self.setWindowTitle("Keyboard shortcuts")
        self.setModal(True)
        layout = QVBoxLayout(self)
        rows = [(title, keys, what) for title, shortcuts in sections for keys, what in shortcuts]
        self.table = QTableWidget(len(rows), 3, objectName="shortcutTable")
        self.table.setHorizontalHeaderLabels(["Where", "Keys", "What it does"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.setWordWrap(True)
        for row, (title, keys, what) in enumerate(rows):
            for col, text in enumerate((title, keys, what)):
                item = QTableWidgetItem(text)
                if col == 1:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, col, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        close = QLabel("Press Esc or F1 to close.")
        close.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout.addWidget(close)
        self.resize(720, 520)

    def keyPressEvent(self, event):  # type: ignore[no-untyped-def]
        if event.key() in (Qt.Key.Key_F1, Qt.Key.Key_Question):
            self.accept()
            return
        super().keyPressEvent(event)

    def shortcuts(self) -> list[tuple[str, str, str]]:
        """The rows shown, for tests and for the screenshot tool."""
        return [tuple(self.table.item(r, c).text() for c in range(3)) for r in range(self.table.rowCount())]  # type: ignore[misc]
