"""Statistics aggregated by the database equal the same figures computed in Python over the same rows."""

from __future__ import annotations

import random
import statistics
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from inspector_app.database import open_database
from inspector_app.services.audit import AuditService, Statistics
from reference_library.store import ContentStore
from reports.cases import CaseRow, ReviewRow, VerdictRow
from reports.ledger import aware
from reports.users import Role, User

MIDNIGHT = datetime(2026, 11, 20, tzinfo=UTC)
DECISIONS = ("PASS", "FAIL", "INCONCLUSIVE")


def _times(rng: random.Random) -> list[tuple[datetime, datetime]]:
    """(intake, decided) pairs: a spread over ten days, crowds around midnight UTC, ties and one-verdict days."""
    pairs = []
    for _ in range(250):
        decided = MIDNIGHT - timedelta(days=5) + timedelta(microseconds=rng.randrange(10 * 86400 * 10**6))
        pairs.append((decided - timedelta(microseconds=rng.randrange(1, 3 * 3600 * 10**6)), decided))
    for edge in (timedelta(microseconds=-1), timedelta(0), timedelta(microseconds=1), timedelta(seconds=-1)):
        for _ in range(3):   # same decision time, turnarounds that tie and that cross midnight
            pairs.append((MIDNIGHT + edge - timedelta(seconds=rng.choice([90, 90, 3600.5])), MIDNIGHT + edge))
    pairs.append((MIDNIGHT + timedelta(days=30), MIDNIGHT + timedelta(days=30)))            # zero turnaround
    pairs.append((MIDNIGHT - timedelta(days=40, seconds=7), MIDNIGHT - timedelta(days=40)))  # alone on its day
    return pairs


def _fill(factory: sessionmaker[Session], seed: int) -> None:
    rng = random.Random(seed)
    cases, verdicts, reviews = [], [], []
    for i, (intake, decided) in enumerate(_times(rng), start=1):
        brand = rng.choice(["maison-aurel", "brand-b", "brand-c"])
        decision = rng.choice(DECISIONS)
        cases.append({"id": i, "case_number": f"S-{i:04d}", "brand": brand, "model": "m", "pack_version": "1",
                      "pack_revision": 1, "intake_at": intake, "opened_by": "ann", "state": "decided"})
        verdicts.append({"id": i, "case_id": i, "brand": brand, "model": "m", "decision": decision,
                         "suggested": decision if rng.random() < 0.8 else rng.choice(DECISIONS), "reasons": {},
                         "reason_kinds": "", "judged_against": {}, "inspector": "ann", "intake_at": intake,
                         "decided_at": decided, "report_pdf_sha256": "0" * 64, "report_json_sha256": "0" * 64,
                         "ledger_seq": i})
        if rng.random() < 0.1:
            reviews.append({"verdict_id": i, "supervisor": "sue", "agree": rng.random() < 0.7, "note": "",
                            "at": decided + timedelta(days=1), "ledger_seq": 10_000 + i})
    with factory.begin() as session:
        session.execute(insert(CaseRow), cases)
        session.execute(insert(VerdictRow), verdicts)
        session.execute(insert(ReviewRow), reviews)


def _expected(factory: sessionmaker[Session], since: datetime | None, until: datetime | None) -> Statistics:
    """The figures the straightforward way: every row into Python."""
    def within(at: datetime) -> bool:
        return (since is None or at >= since) and (until is None or at < until)

    per_day: Counter[date] = Counter()
    per_brand: dict[str, Counter[str]] = defaultdict(Counter)
    turnaround: dict[date, list[float]] = defaultdict(list)
    overrides, reviews, agree = 0, 0, 0
    with factory() as session:
        for v in session.scalars(select(VerdictRow)):
            decided = aware(v.decided_at)
            if not within(decided):
                continue
            per_day[decided.date()] += 1
            per_brand[v.brand][v.decision] += 1
            turnaround[decided.date()].append((decided - aware(v.intake_at)).total_seconds())
            overrides += v.decision != v.suggested
            for r in session.scalars(select(ReviewRow).where(ReviewRow.verdict_id == v.id)):
                reviews, agree = reviews + 1, agree + r.agree
    everything = [t for day in turnaround.values() for t in day]
    n = len(everything)
    return Statistics(n, dict(sorted(per_day.items())), {b: dict(c) for b, c in sorted(per_brand.items())},
                      statistics.median(everything) if n else None, overrides / n if n else None, reviews,
                      agree / reviews if reviews else None,
                      {d: statistics.median(t) for d, t in sorted(turnaround.items())})


def _check(url: str, tmp_path: Path, tolerance: float) -> None:
    engine, factory = open_database(url)
    try:
        _fill(factory, seed=11)
        audit = AuditService(factory, ContentStore(tmp_path / "store"))
        sue = User("sue", "Sue", Role.SUPERVISOR, (), False, None, MIDNIGHT)
        windows: list[tuple[Any, Any]] = [
            (None, None), (MIDNIGHT, None), (None, MIDNIGHT), (MIDNIGHT - timedelta(days=2), MIDNIGHT),
            (MIDNIGHT - timedelta(microseconds=1), MIDNIGHT + timedelta(microseconds=1)),
            (MIDNIGHT + timedelta(days=100), None),                     # empty: nothing decided then
        ]
        for since, until in windows:
            got, want = audit.statistics(sue, since=since, until=until), _expected(factory, since, until)
            assert (got.verdicts, got.items_per_day, got.per_brand, got.override_rate, got.reviews,
                    got.agreement_rate) == (want.verdicts, want.items_per_day, want.per_brand, want.override_rate,
                                            want.reviews, want.agreement_rate), (since, until)
            assert list(got.turnaround_per_day) == list(want.turnaround_per_day)
            assert got.turnaround_per_day == pytest.approx(want.turnaround_per_day, abs=tolerance, rel=0)
            if want.median_turnaround_s is None:
                assert got.median_turnaround_s is None
            else:
                assert got.median_turnaround_s == pytest.approx(want.median_turnaround_s, abs=tolerance, rel=0)
        empty = audit.statistics(sue, since=MIDNIGHT + timedelta(days=100))
        assert empty == Statistics(0, {}, {}, None, None, 0, None, {})
        few = audit.statistics(sue, since=MIDNIGHT - timedelta(days=40, seconds=1),
                               until=MIDNIGHT - timedelta(days=39))
        assert (few.verdicts, few.median_turnaround_s, few.reviews, few.agreement_rate) == (1, 7.0, 0, None)
    finally:
        engine.dispose()


def test_sql_statistics_equal_python_on_sqlite(tmp_path: Path) -> None:
    """Exactly equal: SQLite hands back whole microseconds and Python takes the median."""
    _check(f"sqlite:///{tmp_path / 'stats.sqlite3'}", tmp_path, tolerance=0)


@pytest.mark.postgres
def test_sql_statistics_equal_python_on_postgres(pg_url: str, tmp_path: Path) -> None:
    """A session in another time zone still counts UTC days; percentile_cont interpolates in floating point."""
    url = make_url(pg_url).update_query_dict({"options": "-c timezone=Pacific/Kiritimati"})
    _check(url.render_as_string(hide_password=False), tmp_path, tolerance=1e-6)
