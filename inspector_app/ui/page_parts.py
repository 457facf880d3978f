"""Pieces every screen is built from: keyboard actions scoped to the page, and the one-line outcome.

``page_action`` makes a page's keyboard action the same way everywhere: its
shortcut only fires while the page is the one in front (pages sit side by
side in the window's stack, and two may use the same key), and its tooltip
names the key. ``page_shortcuts`` lists them for the help overlay.
``MessageLine`` says how the last action ended, in the page, never in a
modal box.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import QLabel, QWidget

from .help_overlay import Shortcut, shortcut_text


def page_action(page: QWidget, text: str, key: str, tip: str, slot: Callable[[], object], *,
                offered: bool = True) -> QAction:
    """An action of ``page`` with its shortcut; one the role may not use is made but never offered (no key,
    hidden), so the page can still refer to it."""
    action = QAction(text, page, shortcut=QKeySequence(key), statusTip=tip, toolTip=f"{tip} ({key})")
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.setVisible(offered)
    action.triggered.connect(lambda _checked=False: slot())
    if offered:
        page.addAction(action)
    return action


def page_shortcuts(page: QWidget) -> list[Shortcut]:
    """The (keys, what they do) of every action offered on ``page``."""
    return [(shortcut_text(a.shortcut()), a.text().replace("&", "")) for a in page.actions()
            if not a.shortcut().isEmpty()]


class MessageLine(QLabel):
    """One line at the top of a page saying how the last action ended; hidden until there is one."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("message")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setMargin(6)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.hide()

    def say(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))

    def clear(self) -> None:
        self.say("")
