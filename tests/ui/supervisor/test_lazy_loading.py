"""Many verdicts: the table reads them a page at a time as it scrolls, and sorts through the service."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from inspector_app.ui.bench_context import BenchContext
from inspector_app.ui.preferences import BenchPreferences
from inspector_app.ui.supervisor.audit_page import AuditPage
from inspector_app.ui.supervisor.verdict_table_model import COLUMN_OF
from inspector_app.workstation import Workstation
from reports.users import Role, User
from tools.bench_audit import fill_verdicts

ROWS = 130   # two full pages of 50 and a part


def supervisor() -> User:
    return User("sue", "Sue Supervisor", Role.SUPERVISOR, (), False, None, datetime.now(UTC))


def column(page: AuditPage, key: str) -> list[str]:
    return [page.model.index(r, COLUMN_OF[key]).data() for r in range(page.model.rowCount())]


def test_pages_are_fetched_as_the_table_scrolls(qtbot: QtBot, workstation: Workstation,
                                                preferences: BenchPreferences) -> None:
    fill_verdicts(workstation.session_factory, ROWS, random.Random(7))
    page = AuditPage(BenchContext(workstation, supervisor(), preferences))
    qtbot.addWidget(page)
    page.resize(1200, 700)
    with qtbot.waitSignal(page.model.loaded, timeout=10_000):
        page.show()
    qtbot.waitUntil(lambda: "130 verdicts match" in page.summary.text(), timeout=10_000)
    assert page.model.rowCount() == 50 and page.model.canFetchMore()
    decided = [page.model.listing(r).decided_at for r in range(50)]
    assert decided == sorted(decided, reverse=True)   # newest first

    with qtbot.waitSignal(page.model.loaded, timeout=10_000, check_params_cb=lambda n: n == 1):
        page.table.scrollToBottom()
    assert page.model.rowCount() == 100
    with qtbot.waitSignal(page.model.loaded, timeout=10_000, check_params_cb=lambda n: n == 2):
        page.table.scrollToBottom()
    assert page.model.rowCount() == ROWS and not page.model.canFetchMore()
    assert len(set(column(page, "case"))) == ROWS

    # a new order starts again from the first page, sorted by the database
    with qtbot.waitSignal(page.model.loaded, timeout=10_000):
        page.table.sortByColumn(COLUMN_OF["brand"], Qt.SortOrder.AscendingOrder)
    brands = column(page, "brand")
    assert len(brands) == 50 and brands == sorted(brands) and page.model.canFetchMore()
    with qtbot.waitSignal(page.model.loaded, timeout=10_000):
        page.table.sortByColumn(COLUMN_OF["overridden"], Qt.SortOrder.DescendingOrder)
    overridden = column(page, "overridden")
    assert overridden[0] == "Overridden" and overridden == sorted(overridden, reverse=True)

    # F5 reads again (a verdict signed meanwhile would appear) and keeps the order
    with qtbot.waitSignal(page.model.loaded, timeout=10_000):
        qtbot.keyClick(page.table, Qt.Key.Key_F5)
    assert page.model.query.sort == "overridden" and page.model.rowCount() == 50
