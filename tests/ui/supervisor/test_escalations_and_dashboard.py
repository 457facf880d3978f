"""The escalation queue and the dashboard, on the verdicts ines signed."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from PySide6.QtCharts import QLineSeries, QStackedBarSeries
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from inspector_app.services.cases import Intake
from inspector_app.ui.bench_context import BenchContext
from inspector_app.ui.preferences import BenchPreferences
from inspector_app.ui.status_style import status_colour
from inspector_app.ui.supervisor.dashboard_page import DashboardPage, duration_text, rate_text
from inspector_app.ui.supervisor.escalations_page import EscalationsPage
from inspector_app.ui.supervisor.verdict_table_model import COLUMN_OF
from inspector_app.workstation import Workstation
from reports.ledger import LedgerEntry
from reports.users import Role, User
from tests.ui.conftest import PASSWORD


def test_escalation_queue_is_settled_by_a_review(qtbot: QtBot, sign_in: Callable[[str], BenchContext]) -> None:
    context = sign_in("sam")
    page = EscalationsPage(context)
    qtbot.addWidget(page)
    page.resize(1300, 850)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    assert page.model.index(0, COLUMN_OF["case"]).data() == "AU-INC-1"
    assert page.model.index(0, COLUMN_OF["decision"]).data() == "Inconclusive"
    assert "1 inconclusive verdict waits" in page.summary.text()
    detail = page.detail
    qtbot.waitUntil(lambda: detail.detail is not None and "verified" in detail.ledger.text(), timeout=30_000)
    assert detail.detail is not None and detail.detail.listing.case_number == "AU-INC-1"
    assert "Condition: the grain needs daylight to judge" in detail.reasons.text()

    qtbot.keyClick(page.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert detail.note.hasFocus()
    qtbot.keyClicks(detail.note, "inconclusive is right: the grain needs daylight")
    with qtbot.waitSignal(page.loaded, timeout=10_000, check_params_cb=lambda n: n == 0):
        qtbot.mouseClick(detail.submit, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 0
    assert page.summary.text() == "No inconclusive verdict is waiting: the queue is empty."
    assert context.audit.get_verdict(context.user, "AU-INC-1").reviews[0].agree


def bar_values(page: DashboardPage) -> dict[str, dict[str, float]]:
    """Decision word -> brand -> count, read back from the stacked bar chart."""
    chart = page.per_brand.chart()
    series = next(s for s in chart.series() if isinstance(s, QStackedBarSeries))
    brands = chart.axes(Qt.Orientation.Horizontal)[0].categories()
    return {bar.label(): {b: bar.at(i) for i, b in enumerate(brands)} for bar in series.barSets()}


def test_dashboard_charts_the_period(qtbot: QtBot, sign_in: Callable[[str], BenchContext]) -> None:
    context = sign_in("sam")
    context.audit.add_review(context.user, "KE-FAIL-1", agree=True)
    page = DashboardPage(context)
    qtbot.addWidget(page)
    page.resize(1300, 850)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.show()
    assert page.busy_bar.isHidden() and page.pages.currentIndex() == 1
    assert "<b>3</b>" in page.total.text()
    assert "100 %" in page.agreement.text() and "1 second opinion" in page.agreement.text()
    stats = context.audit.statistics(context.user)
    assert f"<b>{duration_text(stats.median_turnaround_s)}</b><br>median turnaround" in page.turnaround.text()
    assert f"<b>{rate_text(stats.override_rate)}</b><br>overridden" in page.override.text()
    values = bar_values(page)
    assert values["Pass"] == {"kestrel-athletics": 0.0, "maison-aurel": 1.0}
    assert values["Fail"] == {"kestrel-athletics": 1.0, "maison-aurel": 0.0}
    assert values["Inconclusive"] == {"kestrel-athletics": 0.0, "maison-aurel": 1.0}
    series = page.per_brand.chart().series()[0]
    assert [b.color() for b in series.barSets()] == [status_colour(v) for v in ("pass", "fail", "inconclusive")]
    per_day = next(s for s in page.per_day.chart().series() if isinstance(s, QLineSeries))
    assert sum(p.y() for p in per_day.points()) == 3

    # another period is computed on a worker, the busy bar showing meanwhile
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.period.setCurrentIndex(page.period.findText("All time"))
        assert page.busy_bar.isVisible()
    assert "<b>3</b>" in page.total.text()


def test_an_empty_period_says_so(qtbot: QtBot, workstation: Workstation, preferences: BenchPreferences) -> None:
    sue = User("sue", "Sue Supervisor", Role.SUPERVISOR, (), False, None, datetime.now(UTC))
    page = DashboardPage(BenchContext(workstation, sue, preferences))
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=20_000):
        page.show()
    assert page.pages.currentWidget() is page.message
    assert page.message.text() == "No verdicts were signed in this period (last 30 days)."


def test_a_supervisor_frees_the_case_a_crashed_bench_holds(qtbot: QtBot, signed_bench: Workstation,
                                                          sign_in: Callable[[str], BenchContext]) -> None:
    crashed = Workstation.open(replace(signed_bench.settings, bench="bench-7"))
    try:
        ines = crashed.users().authenticate("ines", PASSWORD)
        crashed.cases().open(ines, Intake("AU-HELD-1", "maison-aurel", "city-tote"))
    finally:
        crashed.close()   # the bench is gone; its claim stays
    page = EscalationsPage(sign_in("sam"))
    qtbot.addWidget(page)
    page.show()
    panel = page.claims
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=10_000)
    assert [panel.table.item(0, c).text() for c in range(4)] == ["AU-HELD-1", "maison-aurel city-tote", "ines",
                                                                 "bench-7"]
    assert not panel.release.isEnabled()   # no reason yet
    qtbot.keyClicks(panel.reason, "bench 7 lost power")
    assert panel.release.isEnabled()
    with qtbot.waitSignal(panel.loaded, timeout=10_000, check_params_cb=lambda n: n == 0):
        qtbot.mouseClick(panel.release, Qt.MouseButton.LeftButton)
    assert panel.summary.text() == "No bench holds an open case."
    with signed_bench.session_factory() as session:
        entry = session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq.desc()).limit(1)).one()
    assert (entry.kind, entry.actor, entry.subject) == ("claim_release", "sam", "AU-HELD-1")
    assert json.loads(entry.payload)["reason"] == "bench 7 lost power"
    ines = signed_bench.users().authenticate("ines", PASSWORD)
    assert signed_bench.cases().claim(ines, "AU-HELD-1").case_number == "AU-HELD-1"   # this bench takes it up
