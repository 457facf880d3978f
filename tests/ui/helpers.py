"""Driving the real library page the way a user does, and waiting for its workers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QModelIndex
from pytestqt.qtbot import QtBot

from inspector_app.ui.library_tree import COL_INFO, COL_NAME, Node
from inspector_app.ui.partner.library_page import LibraryPage
from reports.users import Role, User

#: An admin of a bench with no accounts yet (the ``workstation`` fixture): the role is all the services check.
BENCH_ADMIN = User("admin", "Bench admin", Role.ADMIN, (), False, None, datetime(2026, 11, 1, tzinfo=UTC))


def import_through_ui(qtbot: QtBot, page: LibraryPage, path: Path) -> None:
    """Import as Import pack… would, and wait until the import and any refresh are done."""
    with qtbot.waitSignal(page.imports.settled, timeout=60_000):
        page.import_pack(path)
    qtbot.waitUntil(lambda: not page.browser.busy, timeout=10_000)


def visible_tree(page: LibraryPage, parent: QModelIndex | None = None, depth: int = 0) -> list[str]:
    """The filtered tree as indented lines 'name | note', expanded or not."""
    proxy = page.browser.proxy
    parent = parent or QModelIndex()
    lines: list[str] = []
    for row in range(proxy.rowCount(parent)):
        index = proxy.index(row, COL_NAME, parent)
        note = proxy.index(row, COL_INFO, parent).data()
        lines.append(f"{'  ' * depth}{index.data()} | {note}")
        lines += visible_tree(page, index, depth + 1)
    return lines


def selected(page: LibraryPage) -> Node | None:
    return page.browser.selected_node()


def zone_key(zone: str, version: str = "2026.1.0", brand: str = "maison-test") -> tuple[str, ...]:
    return (brand, f"{version}#1", "city-tote", zone)
