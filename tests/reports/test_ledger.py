"""The hash-chained ledger: intact chains verify, tampering is caught, concurrent writers never fork it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from inspector_app.database import open_database
from reports.ledger import Kind, LedgerEntry, append, entry_hash, verify_chain


@pytest.fixture
def factory(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine, factory = open_database(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    yield factory
    engine.dispose()


def fill(factory: sessionmaker[Session], n: int, actor: str = "ann") -> None:
    for i in range(n):
        with factory.begin() as session:
            append(session, actor, Kind.VERDICT, f"case-{i}", {"decision": "PASS", "i": i, "note": "é ✓"})


def check(factory: sessionmaker[Session]) -> tuple[int, int | None, str]:
    with factory() as session:
        result = verify_chain(session)
    return result.entries, result.bad_seq, result.reason


def tamper(factory: sessionmaker[Session], sql: str) -> None:
    """Change the table behind the application's back, as someone with the database file could."""
    with factory.begin() as session:
        session.execute(text(sql))


def test_intact_chain_verifies(factory: sessionmaker[Session]) -> None:
    assert check(factory) == (0, None, "")
    fill(factory, 5)
    assert check(factory) == (5, None, "")
    with factory() as session:
        entries = session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq)).all()
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:]))


def test_edited_row_is_caught(factory: sessionmaker[Session]) -> None:
    fill(factory, 5)
    tamper(factory, """UPDATE ledger_entries SET payload = '{"decision":"FAIL"}' WHERE seq = 3""")
    entries, bad, reason = check(factory)
    assert (entries, bad) == (2, 3) and "changed" in reason


def test_edited_row_with_recomputed_hash_is_caught_at_the_next_entry(factory: sessionmaker[Session]) -> None:
    fill(factory, 4)
    with factory.begin() as session:
        row = session.get_one(LedgerEntry, 2)
        row.actor = "mallory"
        row.hash = entry_hash(row.prev_hash, row.seq, row.at, row.actor, row.kind, row.subject, row.payload)
    entries, bad, reason = check(factory)
    assert (entries, bad) == (2, 3) and "does not follow" in reason


def test_deleted_row_is_caught(factory: sessionmaker[Session]) -> None:
    fill(factory, 5)
    tamper(factory, "DELETE FROM ledger_entries WHERE seq = 3")
    entries, bad, reason = check(factory)
    assert (entries, bad) == (2, 3) and "removed" in reason


def test_deleted_last_row_is_caught(factory: sessionmaker[Session]) -> None:
    fill(factory, 3)
    tamper(factory, "DELETE FROM ledger_entries WHERE seq = 3")
    entries, bad, reason = check(factory)
    assert (entries, bad) == (2, 3) and "removed" in reason


def test_removed_and_renumbered_rows_are_caught(factory: sessionmaker[Session]) -> None:
    """Hiding a deletion by renumbering still breaks the chain (the seq is hashed)."""
    fill(factory, 4)
    tamper(factory, "DELETE FROM ledger_entries WHERE seq = 2")
    tamper(factory, "UPDATE ledger_entries SET seq = seq - 1 WHERE seq > 2")
    assert check(factory)[1] == 2


def test_reordered_rows_are_caught(factory: sessionmaker[Session]) -> None:
    fill(factory, 4)
    tamper(factory, "UPDATE ledger_entries SET seq = -2 WHERE seq = 2")
    tamper(factory, "UPDATE ledger_entries SET seq = 2 WHERE seq = 3")
    tamper(factory, "UPDATE ledger_entries SET seq = 3 WHERE seq = -2")
    assert check(factory)[1] == 2


def test_entry_rolls_back_with_the_change_it_records(factory: sessionmaker[Session]) -> None:
    fill(factory, 2)
    with pytest.raises(RuntimeError), factory.begin() as session:
        append(session, "ann", Kind.USER_ADD, "bob", {"role": "inspector"})
        raise RuntimeError("the change failed")
    fill(factory, 1)
    assert check(factory) == (3, None, "")


@pytest.mark.postgres
def test_concurrent_writers_on_postgres_never_fork_the_chain(pg_url: str) -> None:
    """Four benches append at once while a fifth verifies: one unbroken chain, never a false alarm."""
    engine, factory = open_database(pg_url)
    errors: list[BaseException] = []
    verdicts: list[tuple[int, int | None, str]] = []
    start = threading.Barrier(5)
    writing = threading.Event()

    def writer(name: str) -> None:
        try:
            start.wait()
            fill(factory, 15, actor=name)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    def verifier() -> None:
        start.wait()
        while writing.is_set():
            verdicts.append(check(factory))

    try:
        writing.set()
        writers = [threading.Thread(target=writer, args=(f"bench-{i}",)) for i in range(4)]
        watcher = threading.Thread(target=verifier)
        for t in (*writers, watcher):
            t.start()
        for t in writers:
            t.join()
        writing.clear()
        watcher.join()
        assert errors == []
        assert verdicts and all(bad is None for _, bad, _ in verdicts), verdicts
        assert check(factory) == (60, None, "")
        with factory() as session:
            actors = session.scalars(select(LedgerEntry.actor)).all()
        assert sorted(set(actors)) == [f"bench-{i}" for i in range(4)] and len(actors) == 60
    finally:
        engine.dispose()


def test_entry_forged_past_the_head_is_caught(factory: sessionmaker[Session]) -> None:
    fill(factory, 2)
    tamper(factory, "INSERT INTO ledger_entries (seq, at, actor, kind, subject, payload, prev_hash, hash) "
                    "SELECT 3, at, 'mallory', kind, subject, payload, hash, hash FROM ledger_entries WHERE seq = 2")
    entries, bad, reason = check(factory)
    assert (entries, bad) == (2, 3) and "outside the ledger" in reason
