"""The admin's screens (users, organisation, models, settings) and the plumbing every page shares.

``page_action`` makes a page's keyboard action the same way everywhere: its
shortcut only fires while the page is the one in front (pages sit side by
side in the window's stack, and two may use the same key), and its tooltip
names the key. ``page_shortcuts`` lists them for the help overlay.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from ..help_overlay import Shortcut, shortcut_text


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
