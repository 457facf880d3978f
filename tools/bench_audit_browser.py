"""The audit browser on 100,000 verdicts: the real page, model and view, offscreen.

Measures, from the moment of asking to the rows being in the model and then
painted (medians of several runs): the first page, fetching page 21 while
scrolling, every sort column both ways, several filters. Pages are read on
workers, so the GUI thread only inserts rows and paints; the longest
event-loop stall of each step is printed too (target: under 100 ms).

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tools.bench_audit_browser [--rows 100000]
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, Qt, QThreadPool, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from inspector_app.services.audit import VerdictQuery  # noqa: E402
from inspector_app.settings import Settings  # noqa: E402
from inspector_app.ui.bench_context import BenchContext  # noqa: E402
from inspector_app.ui.preferences import BenchPreferences  # noqa: E402
from inspector_app.ui.supervisor.audit_page import AuditPage  # noqa: E402
from inspector_app.ui.supervisor.verdict_filters import SETTLE_MS  # noqa: E402
from inspector_app.ui.supervisor.verdict_table_model import COLUMN_OF, COLUMNS  # noqa: E402
from inspector_app.workstation import Workstation  # noqa: E402
from reports.users import Role, User  # noqa: E402
from reports.verdict import Verdict  # noqa: E402
from tools.bench_audit import fill_verdicts  # noqa: E402

RUNS = 5


class StallMeter:
    """The longest gap between ticks of a 5 ms timer on the GUI thread: how long the window froze."""

    def __init__(self) -> None:
        self.longest_ms = 0.0
        self._clock = QElapsedTimer()
        self._clock.start()
        self._timer = QTimer()
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        self.longest_ms = max(self.longest_ms, self._clock.restart())

    def take(self) -> float:
        """The longest stall so far; measuring starts again."""
        longest, self.longest_ms = self.longest_ms, 0.0
        return longest


def until_loaded(page: AuditPage, action: Callable[[], object], page_number: int = 0) -> tuple[float, float]:
    """Milliseconds from ``action`` to page ``page_number`` being in the model, and then to the view painted."""
    loop = QEventLoop()
    arrived: list[int] = []

    def on_loaded(n: int) -> None:
        if n == page_number:
            arrived.append(n)
            loop.quit()

    page.model.loaded.connect(on_loaded)
    start = time.perf_counter()
    action()
    if not arrived:
        QTimer.singleShot(30_000, loop.quit)
        loop.exec()
    page.model.loaded.disconnect(on_loaded)
    if not arrived:
        raise RuntimeError(f"page {page_number + 1} did not arrive within 30 s")
    rows_in = time.perf_counter()
    page.table.viewport().repaint()
    return (rows_in - start) * 1000, (time.perf_counter() - start) * 1000


def timed_change(page: AuditPage, change: Callable[[], object], target: VerdictQuery) -> tuple[float, float]:
    """Medians over runs of a change to ``target`` from another query, which is restored untimed."""
    baseline = VerdictQuery() if target != VerdictQuery() else VerdictQuery(sort="case")
    times = []
    for _ in range(RUNS):
        until_loaded(page, lambda: page.model.set_query(baseline))
        times.append(until_loaded(page, change))
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


def report(what: str, times: tuple[float, float], stall_ms: float, runs: int = RUNS) -> None:
    median = f"median of {runs}, " if runs > 1 else ""
    print(f"{what:<50} rows in the model {times[0]:6.1f} ms, painted {times[1]:6.1f} ms "
          f"({median}longest GUI stall {stall_ms:.0f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        ws = Workstation.open(Settings.embedded(home))
        try:
            t = time.perf_counter()
            fill_verdicts(ws.session_factory, rows, random.Random(5))
            print(f"filled {rows:,} verdicts in {time.perf_counter() - t:.1f} s")
            run(BenchContext(ws, User("sue", "Sue Supervisor", Role.SUPERVISOR, (), False, None, datetime.now(UTC)),
                             BenchPreferences(QSettings(str(home / "prefs.ini"), QSettings.Format.IniFormat))))
            QThreadPool.globalInstance().waitForDone()
        finally:
            ws.close()
    app.processEvents()


def run(context: BenchContext) -> None:
    # The generated verdicts have no stored reports, so the detail of the row the page selects cannot open; that
    # is not what is measured here, and its logged traceback would be printed on the GUI thread.
    logging.getLogger("inspector_app.ui.messages").setLevel(logging.CRITICAL)
    stalls = StallMeter()
    start = time.perf_counter()
    page = AuditPage(context)
    page.resize(1400, 900)
    page.show()
    built = (time.perf_counter() - start) * 1000
    loaded, painted = until_loaded(page, lambda: None)
    report("first page (page built and shown, 50 rows read)", (built + loaded, built + painted), stalls.take(), 1)

    while page.model.pages_loaded < 20:
        until_loaded(page, page.table.scrollToBottom, page.model.pages_loaded)
    stalls.take()
    report("fetchMore of page 21 (rows 1001-1050), scrolling", until_loaded(page, page.table.scrollToBottom, 20),
           stalls.take(), 1)

    for column in COLUMNS:   # as a click on the header does it
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            target = VerdictQuery(sort=column.key, descending=order == Qt.SortOrder.DescendingOrder)
            times = timed_change(page, lambda c=COLUMN_OF[column.key], o=order: page.table.sortByColumn(c, o), target)
            report(f"sort by {column.title} {'descending' if target.descending else 'ascending'}", times,
                   stalls.take())

    filters = {
        "brand": VerdictQuery(brand="brand-c"),
        "brand + model": VerdictQuery(brand="brand-c", model="model-c2"),
        "inspector": VerdictQuery(inspector="inspector07"),
        "decision INCONCLUSIVE": VerdictQuery(decision=Verdict.INCONCLUSIVE),
        "reason authenticity": VerdictQuery(reason="authenticity"),
        "brand, sorted by model": VerdictQuery(brand="brand-c", sort="model", descending=False),
    }
    for label, query in filters.items():
        report(f"filter: {label}", timed_change(page, lambda q=query: page.model.set_query(q), query), stalls.take())
    print(f"(typing in a filter waits {SETTLE_MS} ms for the edit to settle before searching)")
    QThreadPool.globalInstance().waitForDone()   # the page's workers end before the page does
    page.close()


if __name__ == "__main__":
    main()
