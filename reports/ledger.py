"""The tamper-evident ledger: every verdict, review, import and user change, hash-chained.

Each entry's hash covers its own content and the previous entry's hash, so
changing, removing or reordering any entry breaks the chain from there on.
``ledger_head`` holds the newest entry's number and hash: it removes the
last entry's blind spot (a truncated tail is caught) and it serialises
writers. :func:`append` first *updates* the head row, which takes the row
lock on PostgreSQL and the write lock on SQLite before anything is read, so
two benches can never both extend the same entry (no fork). It runs in the
caller's transaction: an entry commits, or rolls back, with the change it
records.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from sqlalchemy import CheckConstraint, Integer, String, Text, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from reference_library.db import Base

GENESIS = "0" * 64
_BATCH = 2000


class Kind(str, Enum):
    VERDICT = "verdict"
    REVIEW = "review"
    PACK_IMPORT = "pack_import"
    MODEL_INSTALL = "model_install"
    USER_ADD = "user_add"
    USER_ROLE = "user_role"
    USER_DISABLE = "user_disable"
    USER_PASSWORD = "user_password"
    ORG_INIT = "org_init"
    CLAIM_RELEASE = "claim_release"


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(200))
    payload: Mapped[str] = mapped_column(Text)   # canonical JSON, hashed as stored
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class LedgerHead(Base):
    """The newest entry (one row, created by the migration): the lock writers queue on."""

    __tablename__ = "ledger_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def aware(at: datetime) -> datetime:
    """A stored time in UTC: SQLite hands times back without their zone, PostgreSQL in the session's."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _utc_text(at: datetime) -> str:
    """One spelling of a time on every backend, for hashing."""
    return aware(at).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(prev_hash: str, seq: int, at: datetime, actor: str, kind: str, subject: str, payload: str) -> str:
    content = canonical_json({"seq": seq, "at": _utc_text(at), "actor": actor, "kind": kind, "subject": subject,
                              "payload": payload})
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


def append(session: Session, actor: str, kind: Kind, subject: str, payload: Mapping[str, Any]) -> int:
    """Add an entry in the caller's transaction and return its number."""
    session.flush()  # the caller's rows first: the head lock is the last thing taken and held briefly
    session.execute(update(LedgerHead).where(LedgerHead.id == 1).values(seq=LedgerHead.seq + 1))
    seq, prev_hash = _head(session)
    at = datetime.now(UTC)
    text = canonical_json(dict(payload))
    digest = entry_hash(prev_hash, seq, at, actor, kind.value, subject, text)
    session.add(LedgerEntry(seq=seq, at=at, actor=actor, kind=kind.value, subject=subject, payload=text,
                            prev_hash=prev_hash, hash=digest))
    session.execute(update(LedgerHead).where(LedgerHead.id == 1).values(hash=digest))
    session.flush()
    return seq


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    bad_seq: int | None = None   # the first entry that was changed, removed or reordered
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.bad_seq is None


def verify_chain(session: Session) -> ChainCheck:
    """Walk the whole ledger in order, streaming in batches (constant memory).

    The head is read first and the walk stops there, so entries other benches
    append meanwhile are neither missed as removals nor taken for forgeries.
    """
    head_seq, head_hash = _head(session)
    rows = session.execute(
        select(LedgerEntry.seq, LedgerEntry.at, LedgerEntry.actor, LedgerEntry.kind, LedgerEntry.subject,
               LedgerEntry.payload, LedgerEntry.prev_hash, LedgerEntry.hash)
        .where(LedgerEntry.seq <= head_seq).order_by(LedgerEntry.seq).execution_options(yield_per=_BATCH))
    expected_seq, prev_hash, count = 1, GENESIS, 0
    for seq, at, actor, kind, subject, payload, stored_prev, stored_hash in rows:
        if seq != expected_seq:
            rows.close()
            return ChainCheck(count, expected_seq, f"entry {expected_seq} was removed (entry {seq} follows "
                                                   f"entry {expected_seq - 1})")
        if entry_hash(stored_prev, seq, at, actor, kind, subject, payload) != stored_hash:
            rows.close()
            return ChainCheck(count, seq, f"entry {seq} was changed: its content does not match its hash")
        if stored_prev != prev_hash:
            rows.close()
            return ChainCheck(count, seq, f"entry {seq} does not follow entry {seq - 1}: an entry was removed, "
                                          f"replaced or reordered")
        expected_seq, prev_hash, count = seq + 1, stored_hash, count + 1
    if count < head_seq:
        return ChainCheck(count, count + 1, f"entries {count + 1} to {head_seq} were removed from the end")
    if prev_hash != head_hash:
        return ChainCheck(count, count, f"entry {count} is not the entry the ledger head names: it was replaced")
    beyond = session.scalar(select(func.max(LedgerEntry.seq)).where(LedgerEntry.seq > head_seq))
    if beyond is not None and beyond > _head(session)[0]:   # a real append moves the head before it commits
        return ChainCheck(count, head_seq + 1, f"entry {head_seq + 1} was added outside the ledger")
    return ChainCheck(count)


def _head(session: Session) -> tuple[int, str]:
    seq, digest = session.execute(select(LedgerHead.seq, LedgerHead.hash).where(LedgerHead.id == 1)).one()
    return seq, digest
