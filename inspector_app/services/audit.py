"""The supervisor's side: search past verdicts, open one with its evidence, review, statistics, appeals.

A review never touches the verdict: it is its own row and ledger entry, so
the signed report stays exactly as signed. Everything here reads frozen
values; the one write (a review) commits with its ledger entry.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, TextClause, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from reference_library.store import ContentStore
from reports.cases import CasePhoto, CaseRow, ReviewRow, VerdictRow, latest_analysis
from reports.checklist import REASON_KINDS
from reports.ledger import ChainCheck, Kind, append, aware, verify_chain
from reports.report_data import ReportData
from reports.users import Action, User, require
from reports.verdict import Verdict
from reports.verification import ledger_mismatch, verdict_row_mismatch

from .audit_stats import Statistics, compute_statistics
from .cases import CaseError
from .db_faults import retry_on_disconnect

PAGE_SIZE = 50
_ID_BATCH = 1000   # ids per IN list: well under SQLite's limit of bound parameters

_SORT_COLUMNS: dict[str, ColumnElement[Any]] = {
    "case": CaseRow.case_number, "brand": VerdictRow.brand, "model": VerdictRow.model,
    "decision": VerdictRow.decision, "suggested": VerdictRow.suggested,
    "overridden": VerdictRow.decision != VerdictRow.suggested, "inspector": VerdictRow.inspector,
    "intake": VerdictRow.intake_at, "decided": VerdictRow.decided_at, "tag": VerdictRow.tag_number,
    "reasons": VerdictRow.reason_kinds,
}
_LISTING_COLUMNS = (CaseRow.case_number, VerdictRow.brand, VerdictRow.model, VerdictRow.decision,
                    VerdictRow.suggested, VerdictRow.inspector, VerdictRow.intake_at, VerdictRow.decided_at,
                    VerdictRow.tag_number, VerdictRow.reason_kinds)


def _loose_scan(column: str, within: str = "1 = 1") -> TextClause:
    """The distinct values of a verdict column, ascending, by hopping along its index: each step asks for
    the smallest value after the last one (a few dozen probes instead of reading a million entries)."""
    return text(f"WITH RECURSIVE found(v) AS (SELECT min({column}) FROM verdicts WHERE {within} UNION ALL "
                f"SELECT (SELECT min({column}) FROM verdicts WHERE {within} AND {column} > found.v) FROM found "
                f"WHERE found.v IS NOT NULL) SELECT v FROM found WHERE v IS NOT NULL")


_INSPECTORS, _BRANDS, _MODELS_OF_BRAND = _loose_scan("inspector"), _loose_scan("brand"), _loose_scan(
    "model", "brand = :brand")
#: What a search can be sorted by (a listing's columns); ties go by decision time, in the same direction.
SORT_KEYS = tuple(_SORT_COLUMNS)


@dataclass(frozen=True)
class VerdictQuery:
    """Search filters; every one is optional. ``reason`` is a reason kind (authenticity, condition, listing).

    ``sort`` is one of :data:`SORT_KEYS`; the default is newest first.
    """

    since: datetime | None = None
    until: datetime | None = None
    inspector: str | None = None
    brand: str | None = None
    model: str | None = None
    decision: Verdict | None = None
    reason: str | None = None
    sort: str = "decided"
    descending: bool = True


@dataclass(frozen=True)
class VerdictListing:
    case_number: str
    brand: str
    model: str
    decision: Verdict
    suggested: Verdict
    inspector: str
    intake_at: datetime
    decided_at: datetime
    tag_number: str | None
    reason_kinds: tuple[str, ...]

    @property
    def overridden(self) -> bool:
        return self.decision is not self.suggested


@dataclass(frozen=True)
class VerdictPage:
    items: tuple[VerdictListing, ...]   # newest first
    page: int
    has_more: bool


@dataclass(frozen=True)
class Review:
    supervisor: str
    agree: bool
    note: str
    at: datetime
    ledger_seq: int


@dataclass(frozen=True)
class Photo:
    zone: str
    sha256: str
    taken_at: datetime
    taken_by: str


@dataclass(frozen=True)
class VerdictDetail:
    """A verdict with all its evidence: the signed report's data, every photo taken, the reviews."""

    listing: VerdictListing
    report: ReportData
    override_reason: str | None
    photos: tuple[Photo, ...]            # in the order taken, retakes included
    analysis: tuple[Mapping[str, Any], ...]   # the zone results the verdict was decided on
    reviews: tuple[Review, ...]
    report_pdf_sha256: str
    report_json_sha256: str
    ledger_seq: int


@dataclass(frozen=True)
class FilterChoices:
    """The values the filters can take, as found among the verdicts (for the search form's lists)."""

    inspectors: tuple[str, ...]
    models: Mapping[str, tuple[str, ...]]   # brand -> its models


class AuditService:
    def __init__(self, session_factory: sessionmaker[Session], store: ContentStore):
        self._session_factory = session_factory
        self._store = store

    @retry_on_disconnect
    def search(self, actor: User, query: VerdictQuery, page: int = 0, page_size: int = PAGE_SIZE) -> VerdictPage:
        """One page of verdicts in the query's order.

        The page's ids are chosen first from the narrow index columns, then only
        those rows are read whole: sorting 100,000 wide rows to keep 51 costs
        twice as much.
        """
        require(actor, Action.VIEW_AUDIT)
        order = _ordering(query)
        ids = select(VerdictRow.id)
        if query.sort == "case":
            ids = ids.join(CaseRow, VerdictRow.case_id == CaseRow.id)
        ids_page = _filtered(ids, query).order_by(*order).offset(page * page_size).limit(page_size + 1).subquery()
        stmt = (select(*_LISTING_COLUMNS).join(CaseRow, VerdictRow.case_id == CaseRow.id)
                .join(ids_page, ids_page.c.id == VerdictRow.id).order_by(*order))
        with self._session_factory() as session:
            rows = session.execute(stmt).all()
        items = tuple(_listing(row, row.case_number) for row in rows[:page_size])
        return VerdictPage(items, page, len(rows) > page_size)

    @retry_on_disconnect
    def count(self, actor: User, query: VerdictQuery) -> int:
        """How many verdicts the query's filters match (its order does not matter)."""
        require(actor, Action.VIEW_AUDIT)
        with self._session_factory() as session:
            return session.execute(_filtered(select(func.count(VerdictRow.id)), query)).scalar_one()

    @retry_on_disconnect
    def filter_choices(self, actor: User) -> FilterChoices:
        """The distinct inspectors and each brand's models, found along their indexes (see _loose_scan)."""
        require(actor, Action.VIEW_AUDIT)
        with self._session_factory() as session:
            inspectors = tuple(session.scalars(_INSPECTORS))
            models = {brand: tuple(session.scalars(_MODELS_OF_BRAND, {"brand": brand}))
                      for brand in session.scalars(_BRANDS)}
            return FilterChoices(inspectors, models)

    @retry_on_disconnect
    def supervisor_queue(self, actor: User) -> tuple[VerdictListing, ...]:
        """INCONCLUSIVE verdicts waiting for a supervisor, oldest first.

        The waiting ids come first, from the partial index of INCONCLUSIVE verdicts and the reviews'
        index; then only those rows are read whole, a batch at a time. As one query, PostgreSQL guessed
        far more waiting rows than there are and scanned every verdict.
        """
        require(actor, Action.REVIEW_VERDICT)
        reviewed = select(ReviewRow.id).where(ReviewRow.verdict_id == VerdictRow.id).exists()
        order = (VerdictRow.decided_at, VerdictRow.id)
        with self._session_factory() as session:
            ids = session.scalars(select(VerdictRow.id).where(VerdictRow.decision == Verdict.INCONCLUSIVE.value,
                                                              ~reviewed).order_by(*order)).all()
            rows = [row for start in range(0, len(ids), _ID_BATCH) for row in session.execute(
                select(*_LISTING_COLUMNS).join(CaseRow, VerdictRow.case_id == CaseRow.id)
                .where(VerdictRow.id.in_(ids[start:start + _ID_BATCH])).order_by(*order))]
        return tuple(_listing(row, row.case_number) for row in rows)

    @retry_on_disconnect
    def get_verdict(self, actor: User, case_number: str) -> VerdictDetail:
        require(actor, Action.VIEW_AUDIT)
        with self._session_factory() as session:
            verdict, case = _verdict(session, case_number)
            photos = session.scalars(select(CasePhoto).where(CasePhoto.case_id == case.id).order_by(CasePhoto.id))
            analysis = latest_analysis(session, case.id)
            return VerdictDetail(
                _listing(verdict, case_number),
                ReportData.from_json_bytes(self._store.read(verdict.report_json_sha256)),
                verdict.override_reason,
                tuple(Photo(p.zone, p.sha256, aware(p.taken_at), p.taken_by) for p in photos),
                tuple(z.analysis for z in analysis[1]) if analysis else (),
                _reviews(session, verdict.id),
                verdict.report_pdf_sha256, verdict.report_json_sha256, verdict.ledger_seq)

    def add_review(self, actor: User, case_number: str, agree: bool, note: str = "") -> Review:
        """A supervisor's second opinion; disagreeing needs a note. The verdict itself is not touched."""
        require(actor, Action.REVIEW_VERDICT)
        if not agree and not note.strip():
            raise CaseError("disagreeing with a verdict needs a note saying why")
        with self._session_factory.begin() as session:
            verdict, _ = _verdict(session, case_number)
            if verdict.inspector == actor.username:
                raise CaseError("a second opinion must come from someone else than the inspector who signed")
            seq = append(session, actor.username, Kind.REVIEW, case_number,
                         {"case": case_number, "verdict_ledger_seq": verdict.ledger_seq, "agree": agree,
                          "note": note.strip()})
            row = ReviewRow(verdict_id=verdict.id, supervisor=actor.username, agree=agree, note=note.strip(),
                            at=datetime.now(UTC), ledger_seq=seq)
            session.add(row)
        return Review(row.supervisor, row.agree, row.note, aware(row.at), row.ledger_seq)

    @retry_on_disconnect
    def statistics(self, actor: User, since: datetime | None = None, until: datetime | None = None) -> Statistics:
        """Volume, outcomes, turnaround, overrides and reviews of the verdicts decided in [since, until)."""
        require(actor, Action.VIEW_AUDIT)
        query = VerdictQuery(since=since, until=until)
        with self._session_factory() as session:
            return compute_statistics(session, lambda stmt: _filtered(stmt, query))

    @retry_on_disconnect
    def entry_problem(self, actor: User, case_number: str) -> str | None:
        """Why the stored report no longer matches its ledger entry, or None when it does.

        The stored bytes are read unchecked, so a blob changed on disk is
        reported as a mismatch with the ledger rather than as a store error.
        """
        require(actor, Action.VIEW_AUDIT)
        with self._session_factory() as session:
            verdict, _ = _verdict(session, case_number)
            pdf = self._store.read(verdict.report_pdf_sha256, verify=False)
            report_json = self._store.read(verdict.report_json_sha256, verify=False)
            return ledger_mismatch(session, case_number, report_json, pdf)

    @retry_on_disconnect
    def appeal_package(self, actor: User, case_number: str) -> bytes:
        """One zip for a seller or a payment dispute: the signed report, the photos and the findings."""
        detail = self.get_verdict(actor, case_number)
        files: dict[str, bytes] = {
            "report.pdf": self._store.read(detail.report_pdf_sha256),
            "report.json": self._store.read(detail.report_json_sha256),
        }
        for zone in detail.report.zones:
            if zone.photo_sha256:
                data = self._store.read(zone.photo_sha256)
                files[f"photos/{zone.zone_id}{_extension(data)}"] = data
            for ev in zone.evidence:
                files[f"evidence/{zone.zone_id}-{ev.name}.jpg"] = self._store.read(ev.sha256)
        files["findings.json"] = json.dumps({
            "case": case_number, "decision": detail.listing.decision.value,
            "suggested": detail.listing.suggested.value, "override_reason": detail.override_reason,
            "zones": list(detail.analysis), "judged_against": dict(detail.report.judged_against),
            "ledger_seq": detail.ledger_seq,
        }, indent=2, ensure_ascii=False).encode("utf-8")
        files["manifest.json"] = json.dumps(
            {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}, indent=2).encode("utf-8")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in files.items():
                zf.writestr(f"{case_number}/{name}", data)
        return buffer.getvalue()


def verify_ledger(session_factory: sessionmaker[Session]) -> ChainCheck:
    """Check the whole ledger, then that every verdict row still says what its entry recorded.

    Open to anyone at the bench: it reveals only entry numbers and case numbers.
    """
    with session_factory() as session:
        check = verify_chain(session)
        if not check.intact:
            return check
        mismatch = verdict_row_mismatch(session)
    if mismatch is None:
        return check
    seq, reason = mismatch
    return ChainCheck(seq - 1, seq, reason)


def _filtered(stmt: Select[Any], q: VerdictQuery) -> Select[Any]:
    """The query's filters; times are bound in UTC, as SQLite compares them as text."""
    if q.since is not None:
        stmt = stmt.where(VerdictRow.decided_at >= aware(q.since))
    if q.until is not None:
        stmt = stmt.where(VerdictRow.decided_at < aware(q.until))
    if q.inspector is not None:
        stmt = stmt.where(VerdictRow.inspector == q.inspector)
    if q.brand is not None:
        stmt = stmt.where(VerdictRow.brand == q.brand)
    if q.model is not None:
        stmt = stmt.where(VerdictRow.model == q.model)
    if q.decision is not None:
        stmt = stmt.where(VerdictRow.decision == q.decision.value)
    if q.reason is not None:
        if q.reason not in REASON_KINDS:
            raise CaseError(f"unknown reason kind '{q.reason}' (kinds: {', '.join(REASON_KINDS)})")
        stmt = stmt.where(VerdictRow.reason_kinds.contains(q.reason))
    return stmt


def _ordering(q: VerdictQuery) -> tuple[ColumnElement[Any], ...]:
    """The sort column, then decision time and id in the same direction: the indexes on (column,
    decided_at) then serve both directions by scanning forwards or backwards."""
    if q.sort not in _SORT_COLUMNS:
        raise CaseError(f"cannot sort by '{q.sort}' (one of: {', '.join(SORT_KEYS)})")
    keys = [_SORT_COLUMNS[q.sort]] if q.sort != "decided" else []
    keys += [VerdictRow.decided_at, VerdictRow.id]
    return tuple(k.desc() if q.descending else k.asc() for k in keys)


def _verdict(session: Session, case_number: str) -> tuple[VerdictRow, CaseRow]:
    found = session.execute(select(VerdictRow, CaseRow).join(CaseRow, VerdictRow.case_id == CaseRow.id)
                            .where(CaseRow.case_number == case_number)).first()
    if found is None:
        raise CaseError(f"case '{case_number}' has no signed verdict")
    return found[0], found[1]


def _listing(v: Any, case_number: str) -> VerdictListing:
    """From a verdict row or a result row holding the listing's columns."""
    return VerdictListing(case_number, v.brand, v.model, Verdict(v.decision), Verdict(v.suggested), v.inspector,
                          aware(v.intake_at), aware(v.decided_at), v.tag_number,
                          tuple(k for k in v.reason_kinds.split(",") if k))


def _reviews(session: Session, verdict_id: int) -> tuple[Review, ...]:
    rows = session.scalars(select(ReviewRow).where(ReviewRow.verdict_id == verdict_id).order_by(ReviewRow.id))
    return tuple(Review(r.supervisor, r.agree, r.note, aware(r.at), r.ledger_seq) for r in rows)


def _extension(data: bytes) -> str:
    return ".png" if data.startswith(b"\x89PNG") else ".jpg" if data.startswith(b"\xff\xd8") else ".bin"
