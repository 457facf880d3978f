"""Case claims: one bench works a case at a time, and a supervisor frees a claim a crashed bench left.

Many benches share one database, so two inspectors could otherwise take
photos of, answer for or sign the same case. A case is claimed by a user at
a bench (``Settings.bench``) the moment it is opened or first worked on, and
every step that writes to a case claims it again in the same transaction:
the conditional update takes the row lock on PostgreSQL and the write lock
on SQLite before anything is read, so of two benches racing for a case
exactly one wins and the other gets :class:`CaseClaimed` with the holder's
name. The holder gives the claim back when it leaves the case; a claim left
by a bench that crashed stays until that user at that bench comes back or a
supervisor releases it (recorded in the ledger with a reason).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from reports.cases import CaseRow
from reports.ledger import Kind, append, aware
from reports.users import Action, User, require

from .db_faults import retry_on_disconnect


class CaseClaimed(ValueError):
    """The case is being worked at another bench (or by another user); one line naming who and where."""


@dataclass(frozen=True)
class Claim:
    case_number: str
    brand: str
    model: str
    username: str
    bench: str
    since: datetime


def claim_for_work(session: Session, case_number: str, actor: User, bench: str) -> CaseRow | None:
    """Claim an open case for ``actor`` at ``bench`` in the caller's transaction and return it locked.

    None when there is no open case of that number (the caller says why);
    :class:`CaseClaimed` when someone else holds it.
    """
    now = datetime.now(UTC)
    taken = session.execute(
        update(CaseRow)
        .where(CaseRow.case_number == case_number, CaseRow.state == "open",
               or_(CaseRow.claimed_by.is_(None),
                   and_(CaseRow.claimed_by == actor.username, CaseRow.claimed_bench == bench)))
        # the time the claim was first taken is kept; a fresh claim starts now
        .values(claimed_by=actor.username, claimed_bench=bench, claimed_at=func.coalesce(CaseRow.claimed_at, now))
        .execution_options(synchronize_session=False))
    case = session.scalar(select(CaseRow).where(CaseRow.case_number == case_number)
                          .execution_options(populate_existing=True))
    if case is None or case.state != "open":
        return None
    if taken.rowcount != 1:
        raise CaseClaimed(f"case '{case_number}' is being worked by {case.claimed_by} at bench "
                          f"'{case.claimed_bench}' since {_time(case.claimed_at)}; a supervisor can release it "
                          "if that bench stopped")
    return case


def _time(at: datetime | None) -> str:
    return aware(at).strftime("%Y-%m-%d %H:%M UTC") if at else "an unknown time"


class ClaimService:
    """Seeing and releasing claims: the holder leaves a case; a supervisor frees a crashed bench's."""

    def __init__(self, session_factory: sessionmaker[Session], bench: str):
        self._session_factory = session_factory
        self._bench = bench

    @retry_on_disconnect
    def leave(self, actor: User, case_number: str) -> bool:
        """Give back the claim ``actor`` holds at this bench (leaving the case, signing out); True if one was held."""
        with self._session_factory.begin() as session:
            released = session.execute(
                update(CaseRow)
                .where(CaseRow.case_number == case_number, CaseRow.claimed_by == actor.username,
                       CaseRow.claimed_bench == self._bench)
                .values(claimed_by=None, claimed_bench=None, claimed_at=None)
                .execution_options(synchronize_session=False))
            return released.rowcount == 1

    @retry_on_disconnect
    def claims(self, actor: User) -> tuple[Claim, ...]:
        """Open cases that a bench holds, the longest held first (a stale claim shows at the top)."""
        require(actor, Action.RELEASE_CLAIM)
        with self._session_factory() as session:
            rows = session.execute(
                select(CaseRow.case_number, CaseRow.brand, CaseRow.model, CaseRow.claimed_by,
                       CaseRow.claimed_bench, CaseRow.claimed_at)
                .where(CaseRow.state == "open", CaseRow.claimed_by.is_not(None))
                .order_by(CaseRow.claimed_at, CaseRow.case_number))
            return tuple(Claim(n, b, m, u, bench or "", aware(at)) for n, b, m, u, bench, at in rows)

    @retry_on_disconnect
    def release(self, actor: User, case_number: str, reason: str) -> Claim:
        """Free the claim on an open case so another bench can take it over; recorded in the ledger."""
        require(actor, Action.RELEASE_CLAIM)
        reason = reason.strip()
        if not reason:
            raise CaseClaimed("releasing a claim needs a reason (for example: the bench crashed)")
        with self._session_factory.begin() as session:
            case = session.scalar(select(CaseRow).where(CaseRow.case_number == case_number).with_for_update())
            if case is None or case.state != "open":
                raise CaseClaimed(f"no open case '{case_number}' to release")
            if case.claimed_by is None:
                raise CaseClaimed(f"case '{case_number}' is not claimed by any bench")
            claim = Claim(case.case_number, case.brand, case.model, case.claimed_by, case.claimed_bench or "",
                          aware(case.claimed_at) if case.claimed_at else datetime.now(UTC))
            append(session, actor.username, Kind.CLAIM_RELEASE, case_number, {
                "case": case_number, "claimed_by": claim.username, "bench": claim.bench,
                "since": claim.since.isoformat(), "reason": reason})
            case.claimed_by, case.claimed_bench, case.claimed_at = None, None, None
        return claim
