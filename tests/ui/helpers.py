"""Driving the real window the way a user does, and waiting for its workers."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex
from pytestqt.qtbot import QtBot

from inspector_app.ui.library_tree import COL_INFO, COL_NAME, Node
from inspector_app.ui.main_window import MainWindow


def import_through_ui(qtbot: QtBot, window: MainWindow, path: Path) -> None:
    """Import as File > Import pack… would, and wait until the import and any refresh are done."""
    with qtbot.waitSignal(window.imports.settled, timeout=30_000):
        window.import_pack(path)
    qtbot.waitUntil(lambda: not window.browser.busy, timeout=10_000)


def visible_tree(window: MainWindow, parent: QModelIndex | None = None, depth: int = 0) -> list[str]:
    """The filtered tree as indented lines 'name | note', expanded or not."""
    proxy = window.browser.proxy
    parent = parent or QModelIndex()
    lines: list[str] = []
    for row in range(proxy.rowCount(parent)):
        index = proxy.index(row, COL_NAME, parent)
        note = proxy.index(row, COL_INFO, parent).data()
        lines.append(f"{'  ' * depth}{index.data()} | {note}")
        lines += visible_tree(window, index, depth + 1)
    return lines


def selected(window: MainWindow) -> Node | None:
    return window.browser.selected_node()


def zone_key(zone: str, version: str = "2026.1.0", brand: str = "maison-test") -> tuple[str, ...]:
    return (brand, f"{version}#1", "city-tote", zone)
