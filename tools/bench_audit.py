"""Audit at scale: every query of the supervisor screens, and the ledger walk, on generated verdicts.

Targets (issue 7): each query under 200 ms on 1,000,000 verdicts on
PostgreSQL (issue 5: 100 ms on 100,000 on SQLite); ``verify_chain`` in
constant memory. The database is made by the real migrations, so the
indexes are the shipped ones; PostgreSQL is filled with COPY, then
vacuumed and analysed as autovacuum would leave it.

    .venv/bin/python -m tools.bench_audit [--rows 100000]
    .venv/bin/python -m tools.bench_audit --db-url postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        --rows 1000000 [--explain] [--keep]

With ``--db-url`` a fresh database is created on that server (the URL's own
database is only used to create it) and dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import multiprocessing
import random
import resource
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, insert, text, update
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from inspector_app.database import open_database
from inspector_app.services.audit import SORT_KEYS, AuditService, VerdictQuery, verify_ledger
from reference_library.store import ContentStore
from reports.cases import CaseRow, ReviewRow, VerdictRow
from reports.ledger import GENESIS, LedgerEntry, LedgerHead, canonical_json, entry_hash, verify_chain
from reports.report_data import ReportData
from reports.users import Role, User
from reports.verdict import Verdict
from reports.verification import verdict_row_mismatch
from tools.scratch_postgres import scratch_postgres

BRANDS = {f"brand-{b}": [f"model-{b}{m:02d}" for m in range(count)]
          for b, count in zip("abcdef", (24, 12, 30, 8, 16, 40))}
_BRAND_WEIGHTS = tuple(itertools.accumulate((30, 8, 22, 5, 15, 20)))   # cumulative, for random.choices
INSPECTORS = [f"inspector{i:02d}" for i in range(20)]
# full-time, part-time, trainees (cumulative weights)
_INSPECTOR_WEIGHTS = tuple(itertools.accumulate(10 if i < 12 else 4 if i < 17 else 1 for i in range(20)))
_DECISIONS, _DECISION_WEIGHTS = ("PASS", "FAIL", "INCONCLUSIVE"), (70, 95, 100)
SUPERVISORS = ("sue", "sam", "sid")
NOW = datetime(2026, 11, 23, tzinfo=UTC)
YEAR_S = 365 * 86400
CHUNK = 50_000
TARGET_MS = 200.0
SUE = User("sue", "Sue", Role.SUPERVISOR, (), False, None, NOW)


def _report_json() -> bytes:
    """One real report's data, which every generated verdict points at, so detail lookups parse real JSON."""
    return ReportData("C-0000000", None, None, "brand-a", "Brand A", "model-a00", "Model A00", "2026.11.0", 1,
                      "0" * 64, (), (), "PASS", "PASS", None, {}, "inspector00", "Inspector 00",
                      NOW - timedelta(minutes=7), NOW, None).to_json_bytes()


class _Generator:
    """Verdicts in decision-time order with their cases, reviews and ledger entries (one chain)."""

    def __init__(self, n: int, rng: random.Random, report_sha: str):
        self.rng, self.report_sha = rng, report_sha
        self.offsets = sorted(rng.uniform(0, YEAR_S) for _ in range(n))
        self.seq, self.prev = 0, GENESIS

    def chunks(self, history: bool) -> Iterator[dict[type[DeclarativeBase], list[dict[str, Any]]]]:
        for start in range(0, len(self.offsets), CHUNK):
            rows: dict[type[DeclarativeBase], list[dict[str, Any]]] = {
                CaseRow: [], VerdictRow: [], ReviewRow: [], LedgerEntry: []}
            for i in range(start, min(start + CHUNK, len(self.offsets))):
                self._one(i, rows, history)
            yield rows

    def _one(self, i: int, rows: dict[type[DeclarativeBase], list[dict[str, Any]]], history: bool) -> None:
        rng = self.rng
        brand = rng.choices(list(BRANDS), cum_weights=_BRAND_WEIGHTS)[0]
        model = rng.choice(BRANDS[brand])
        decided = NOW - timedelta(seconds=YEAR_S - self.offsets[i])
        intake = decided - timedelta(seconds=min(rng.lognormvariate(math.log(420), 0.6), 4 * 3600))
        decision = rng.choices(_DECISIONS, cum_weights=_DECISION_WEIGHTS)[0]
        suggested = decision if rng.random() < 0.88 else rng.choice(_DECISIONS)
        reasons = {"authenticity": [rng.choice(["logo", "stitching", "serial"])]
                   if decision == "FAIL" and rng.random() < 0.75 else [],
                   "condition": ["scuffs"] if rng.random() < (0.3 if decision == "FAIL" else 0.1) else [],
                   "listing": ["colour differs"] if rng.random() < 0.04 else []}
        number, tag = f"C-{i + 1:07d}", f"T{i + 1:08d}" if decision == "PASS" else None
        override = "the machine missed the worn corner" if decision != suggested else None
        case_id = i + 1
        self.seq += 1
        rows[CaseRow].append({"id": case_id, "case_number": number, "brand": brand, "model": model,
                              "pack_version": "2026.11.0", "pack_revision": 1, "intake_at": intake,
                              "opened_by": "intake", "state": "decided"})
        rows[VerdictRow].append({
            "id": case_id, "case_id": case_id, "brand": brand, "model": model, "decision": decision,
            "suggested": suggested, "override_reason": override, "reasons": reasons,
            "reason_kinds": ",".join(k for k, v in reasons.items() if v), "judged_against": {},
            "inspector": rng.choices(INSPECTORS, cum_weights=_INSPECTOR_WEIGHTS)[0], "intake_at": intake, "decided_at": decided,
            "tag_number": tag, "report_pdf_sha256": "0" * 64, "report_json_sha256": self.report_sha,
            "ledger_seq": self.seq})
        if not history:
            return
        self._entry(rows, decided, rows[VerdictRow][-1]["inspector"], "verdict", number, {
            "case": number, "decision": decision, "suggested": suggested, "override_reason": override,
            "reasons": reasons, "tag_number": tag, "report_pdf_sha256": "0" * 64,
            "report_json_sha256": self.report_sha, "pack": f"{brand} 2026.11.0 r1"})
        settled = decision == "INCONCLUSIVE" and decided < NOW - timedelta(days=14) and rng.random() < 0.97
        if settled or rng.random() < 0.015:   # escalations get settled; a few second opinions on the rest
            at, agree = decided + timedelta(hours=rng.uniform(1, 48)), rng.random() < 0.85
            supervisor = rng.choice(SUPERVISORS)
            self.seq += 1
            rows[ReviewRow].append({"verdict_id": case_id, "supervisor": supervisor, "agree": agree,
                                    "note": "" if agree else "see the stitching", "at": at, "ledger_seq": self.seq})
            self._entry(rows, at, supervisor, "review", number, {
                "case": number, "verdict_ledger_seq": self.seq - 1, "agree": agree,
                "note": "" if agree else "see the stitching"})

    def _entry(self, rows: dict[type[DeclarativeBase], list[dict[str, Any]]], at: datetime, actor: str, kind: str,
               subject: str, payload: dict[str, Any]) -> None:
        body = canonical_json(payload)
        digest = entry_hash(self.prev, self.seq, at, actor, kind, subject, body)
        rows[LedgerEntry].append({"seq": self.seq, "at": at, "actor": actor, "kind": kind, "subject": subject,
                                  "payload": body, "prev_hash": self.prev, "hash": digest})
        self.prev = digest


def fill_verdicts(factory: sessionmaker[Session], n: int, rng: random.Random, *, history: bool = False,
                  report_sha: str = "0" * 64) -> None:
    """``n`` verdicts with their cases; with ``history`` also reviews and the ledger (into an empty ledger).

    PostgreSQL is written with COPY, anything else with executemany inserts.
    """
    gen = _Generator(n, rng, report_sha)
    with _indexes_built_after(factory):
        for rows in gen.chunks(history):
            with factory.begin() as session:
                for table, values in rows.items():
                    if values:
                        _write(session, table, values)
    if history:
        with factory.begin() as session:
            session.execute(update(LedgerHead).where(LedgerHead.id == 1).values(seq=gen.seq, hash=gen.prev))
            if session.get_bind().dialect.name == "postgresql":   # COPY'd ids leave the sequences behind
                for table in ("cases", "verdicts", "reviews"):
                    session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                         f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"))


@contextmanager
def _indexes_built_after(factory: sessionmaker[Session]) -> Iterator[None]:
    """On PostgreSQL, drop the plain indexes of the filled tables and build them again at the end, as a
    restore does: building an index once is far quicker than updating it row by row."""
    with factory.begin() as session:
        if session.get_bind().dialect.name != "postgresql":
            definitions = []
        else:
            definitions = session.execute(text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('cases', 'verdicts', 'reviews', "
                "'ledger_entries') AND indexname NOT IN (SELECT conname FROM pg_constraint)")).all()
            for name, _ in definitions:
                session.execute(text(f'DROP INDEX "{name}"'))
    yield
    with factory.begin() as session:
        for _, definition in definitions:
            session.execute(text(definition))


def _write(session: Session, table: type[DeclarativeBase], values: list[dict[str, Any]]) -> None:
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(table), values)
        return
    columns = list(values[0])
    raw = session.connection().connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(f"COPY {table.__tablename__} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in values:
            copy.write_row([json.dumps(v) if isinstance(v, dict) else v for v in row.values()])


def median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()   # warm the caches
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


@contextmanager
def captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements run meanwhile, with their parameters (to EXPLAIN them)."""
    statements: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def explain(engine: Engine, fn: Callable[[], object]) -> None:
    with captured(engine) as statements:
        fn()
    with engine.connect() as conn:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith(("SELECT", "WITH")):   # a SET LOCAL: run it as is
                conn.exec_driver_sql(statement, parameters)
                continue
            plan = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters).scalars().all()
            print("      " + "\n      ".join(plan))


def screen_queries(audit: AuditService, deep: int, case_number: str) -> Iterator[tuple[str, Callable[[], object]]]:
    """Every query the supervisor screens issue, as (label, call)."""
    since30, since90 = NOW - timedelta(days=30), NOW - timedelta(days=90)
    filters = {
        "no filter": VerdictQuery(),
        "brand": VerdictQuery(brand="brand-c"),
        "brand + model": VerdictQuery(brand="brand-c", model="model-c07"),
        "model": VerdictQuery(model="model-f11"),
        "inspector": VerdictQuery(inspector="inspector07"),
        "trainee inspector": VerdictQuery(inspector="inspector19"),
        "decision INCONCLUSIVE": VerdictQuery(decision=Verdict.INCONCLUSIVE),
        "reason authenticity": VerdictQuery(reason="authenticity"),
        "reason listing": VerdictQuery(reason="listing"),
        "last 7 days": VerdictQuery(since=NOW - timedelta(days=7)),
        "a month a year ago": VerdictQuery(since=NOW - timedelta(days=330), until=NOW - timedelta(days=300)),
        "inspector + 30 days + FAIL": VerdictQuery(inspector="inspector07", since=since30,
                                                   decision=Verdict.FAIL),
        "brand + 90 days + reason condition": VerdictQuery(brand="brand-a", since=since90, reason="condition"),
    }
    for label, q in filters.items():
        yield f"search {label}, page 1", lambda q=q: audit.search(SUE, q)
        yield f"search {label}, page {deep + 1}", lambda q=q: audit.search(SUE, q, page=deep)
        yield f"count {label}", lambda q=q: audit.count(SUE, q)
    for key in SORT_KEYS:
        for descending in (True, False):
            q = VerdictQuery(sort=key, descending=descending)
            label = f"sort {key} {'desc' if descending else 'asc'}"
            yield f"search {label}, page 1", lambda q=q: audit.search(SUE, q)
            yield f"search {label}, page {deep + 1}", lambda q=q: audit.search(SUE, q, page=deep)
    q = VerdictQuery(brand="brand-c", sort="inspector", descending=False)
    yield "search brand sorted by inspector, page 1", lambda: audit.search(SUE, q)
    yield "filter_choices", lambda: audit.filter_choices(SUE)
    yield "supervisor_queue", lambda: audit.supervisor_queue(SUE)
    yield "statistics, all time", lambda: audit.statistics(SUE)
    yield "statistics, last 90 days", lambda: audit.statistics(SUE, since=since90)
    yield "statistics, last 30 days", lambda: audit.statistics(SUE, since=since30)
    yield "get_verdict (detail by case number)", lambda: audit.get_verdict(SUE, case_number)


def verify_in_child(url: str, queue: Any) -> None:
    """Runs in a fresh process, so its max RSS reflects the walk alone, not the fill."""
    engine, factory = open_database(url)
    streamed: set[str] = set()
    event.listen(engine, "before_cursor_execute",
                 lambda _c, cursor, *_a: streamed.add(type(cursor).__name__))
    with factory() as session:
        session.execute(text("SELECT 1")).all()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with factory() as session:
        t = time.perf_counter()
        check = verify_chain(session)
        chain_s = time.perf_counter() - t
    rss_chain = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with factory() as session:
        t = time.perf_counter()
        mismatch = verdict_row_mismatch(session)
        rows_s = time.perf_counter() - t
    rss_rows = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    whole = verify_ledger(factory)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    engine.dispose()
    queue.put({"entries": check.entries, "intact": check.intact and whole.intact and mismatch is None,
               "chain_s": chain_s, "rows_s": rows_s, "peak_mb": peak / 1024**2, "rss_before_mb": rss_before / 1024,
               "rss_chain_mb": rss_chain / 1024, "rss_rows_mb": rss_rows / 1024, "cursors": sorted(streamed)})


def report_verification(url: str) -> None:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=verify_in_child, args=(url, queue))
    child.start()
    r = queue.get()
    child.join()
    assert r["intact"], r
    print(f"verify_chain: {r['entries']:,} entries in {r['chain_s']:.1f} s ({r['entries'] / r['chain_s']:,.0f}/s); "
          f"verdict_row_mismatch: {r['rows_s']:.1f} s")
    print(f"  max RSS {r['rss_before_mb']:.0f} MB before, {r['rss_chain_mb']:.0f} MB after the chain walk, "
          f"{r['rss_rows_mb']:.0f} MB after the verdict rows; tracemalloc peak of verify_ledger "
          f"{r['peak_mb']:.1f} MB; cursor classes used: {', '.join(r['cursors'])}")


@contextmanager
def scratch_database(db_url: str | None, tmp: Path, keep: bool) -> Iterator[str]:
    """A new empty database: an SQLite file in ``tmp``, or a new database on ``db_url``'s server."""
    if db_url is None:
        yield f"sqlite:///{tmp / 'bench.sqlite3'}"
        return
    with scratch_postgres(db_url, "bench_audit", keep=keep) as url:
        yield url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db-url", help="a PostgreSQL server to create the scratch database on")
    parser.add_argument("--keep", action="store_true", help="do not drop the PostgreSQL database at the end")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query (the median is printed)")
    parser.add_argument("--deep-page", type=int, default=100, help="page index of the 'deep page' searches")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the queries over the target")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, scratch_database(args.db_url, Path(tmp), args.keep) as url:
        engine, factory = open_database(url)
        store = ContentStore(Path(tmp) / "store")
        report_sha, _ = store.put(_report_json())
        t = time.perf_counter()
        fill_verdicts(factory, args.rows, random.Random(5), history=True, report_sha=report_sha)
        filled = time.perf_counter() - t
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM (ANALYZE)"))
        with factory() as session:
            counts = {table.__tablename__: session.query(table).count() for table in (VerdictRow, ReviewRow, LedgerEntry)}
        print(f"{engine.dialect.name}: filled {counts['verdicts']:,} verdicts (with cases), {counts['reviews']:,} "
              f"reviews and {counts['ledger_entries']:,} ledger entries in {filled:.1f} s "
              f"(+ {time.perf_counter() - t - filled:.1f} s vacuum/analyse)")
        report_verification(url)

        audit = AuditService(factory, store)
        print(f"\n{'query':<58} {'median ms':>10}  target {TARGET_MS:.0f} ms (median of {args.runs})")
        slow = 0
        for label, call in screen_queries(audit, args.deep_page, f"C-{args.rows // 2:07d}"):
            ms = median_ms(call, args.runs)
            over = ms >= TARGET_MS
            slow += over
            print(f"{label:<58} {ms:10.1f}  {'OVER' if over else 'ok'}")
            if over and args.explain and engine.dialect.name == "postgresql":
                explain(engine, call)
        print(f"{slow} queries over {TARGET_MS:.0f} ms")
        engine.dispose()


if __name__ == "__main__":
    main()
