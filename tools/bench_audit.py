"""Audit at scale: verify a 100,000-entry ledger and search 100,000 verdicts on SQLite.

Targets (issue 5): ``verify_chain`` under 10 s in constant memory; a search
under 100 ms. Rows are bulk-inserted into a temporary database made by the
real migrations, so the indexes are the shipped ones.

    .venv/bin/python -m tools.bench_audit [--rows 100000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, update
from sqlalchemy.orm import Session, sessionmaker

from inspector_app.database import open_database
from inspector_app.services.audit import AuditService, VerdictQuery
from reference_library.store import ContentStore
from reports.cases import CaseRow, VerdictRow
from reports.ledger import GENESIS, LedgerEntry, LedgerHead, canonical_json, entry_hash, verify_chain
from reports.users import Role, User
from reports.verdict import Verdict

BRANDS = {f"brand-{b}": [f"model-{b}{m}" for m in range(4)] for b in "abcde"}
INSPECTORS = [f"inspector{i:02d}" for i in range(20)]
DECISIONS = [Verdict.PASS] * 14 + [Verdict.FAIL] * 5 + [Verdict.INCONCLUSIVE]
NOW = datetime(2026, 11, 23, tzinfo=UTC)
CHUNK = 10_000


def fill_verdicts(factory: sessionmaker[Session], n: int, rng: random.Random) -> None:
    for start in range(0, n, CHUNK):
        cases, verdicts = [], []
        for i in range(start, min(start + CHUNK, n)):
            brand = rng.choice(list(BRANDS))
            model = rng.choice(BRANDS[brand])
            decided = NOW - timedelta(seconds=rng.uniform(0, 365 * 86400))
            intake = decided - timedelta(seconds=rng.uniform(120, 3600))
            decision = rng.choice(DECISIONS)
            suggested = decision if rng.random() < 0.9 else rng.choice(list(Verdict))
            reasons = {"authenticity": ["logo"] if decision is Verdict.FAIL and rng.random() < 0.7 else [],
                       "condition": ["scuffs"] if rng.random() < 0.2 else [], "listing": []}
            cases.append({"id": i + 1, "case_number": f"C-{i:07d}", "brand": brand, "model": model,
                          "pack_version": "2026.11.0", "pack_revision": 1, "intake_at": intake,
                          "opened_by": "x", "state": "decided"})
            verdicts.append({"case_id": i + 1, "brand": brand, "model": model, "decision": decision.value,
                             "suggested": suggested.value, "reasons": reasons,
                             "reason_kinds": ",".join(k for k, v in reasons.items() if v), "judged_against": {},
                             "inspector": rng.choice(INSPECTORS), "intake_at": intake, "decided_at": decided,
                             "report_pdf_sha256": "0" * 64, "report_json_sha256": "0" * 64, "ledger_seq": i + 1})
        with factory.begin() as session:
            session.execute(insert(CaseRow), cases)
            session.execute(insert(VerdictRow), verdicts)


def fill_ledger(factory: sessionmaker[Session], n: int) -> None:
    prev, at = GENESIS, NOW - timedelta(days=365)
    for start in range(0, n, CHUNK):
        rows = []
        for seq in range(start + 1, min(start + CHUNK, n) + 1):
            at += timedelta(seconds=300)
            payload = canonical_json({"case": f"C-{seq:07d}", "decision": "PASS", "report_pdf_sha256": "0" * 64})
            digest = entry_hash(prev, seq, at, "inspector01", "verdict", f"C-{seq:07d}", payload)
            rows.append({"seq": seq, "at": at, "actor": "inspector01", "kind": "verdict", "subject": f"C-{seq:07d}",
                         "payload": payload, "prev_hash": prev, "hash": digest})
            prev = digest
        with factory.begin() as session:
            session.execute(insert(LedgerEntry), rows)
    with factory.begin() as session:
        session.execute(update(LedgerHead).where(LedgerHead.id == 1).values(seq=n, hash=prev))


def median_ms(fn: Callable[[], object], runs: int = 10) -> float:
    fn()   # warm the page cache and the statement cache
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    n = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as tmp:
        engine, factory = open_database(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        t = time.perf_counter()
        fill_verdicts(factory, n, random.Random(5))
        fill_ledger(factory, n)
        print(f"filled {n:,} verdicts and {n:,} ledger entries in {time.perf_counter() - t:.1f} s")

        with factory() as session:
            t = time.perf_counter()
            check = verify_chain(session)
            seconds = time.perf_counter() - t
        assert check.intact and check.entries == n, check
        with factory() as session:
            tracemalloc.start()
            verify_chain(session)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        print(f"verify_chain: {n:,} entries in {seconds:.2f} s ({n / seconds:,.0f}/s), "
              f"peak traced memory {peak / 1024**2:.1f} MB (target < 10 s)")

        audit = AuditService(factory, ContentStore(Path(tmp) / "store"))
        sue = User("sue", "Sue", Role.SUPERVISOR, (), False, None, NOW)
        searches = {
            "newest page, no filter": VerdictQuery(),
            "brand": VerdictQuery(brand="brand-c"),
            "brand + model": VerdictQuery(brand="brand-c", model="model-c2"),
            "inspector": VerdictQuery(inspector="inspector07"),
            "decision INCONCLUSIVE": VerdictQuery(decision=Verdict.INCONCLUSIVE),
            "reason authenticity": VerdictQuery(reason="authenticity"),
            "last 7 days": VerdictQuery(since=NOW - timedelta(days=7)),
            "inspector + 30 days + FAIL": VerdictQuery(inspector="inspector07", since=NOW - timedelta(days=30),
                                                       decision=Verdict.FAIL),
        }
        for label, query in searches.items():
            ms = median_ms(lambda: audit.search(sue, query))
            deep = median_ms(lambda: audit.search(sue, query, page=20))
            print(f"search {label:<28} page 1: {ms:6.1f} ms   page 21: {deep:6.1f} ms (median of 10, target < 100)")
        print(f"statistics over all verdicts: {median_ms(lambda: audit.statistics(sue), runs=3):.0f} ms (median of 3)")
        engine.dispose()


if __name__ == "__main__":
    main()
