"""A case at the bench, from intake to the signed verdict.

Every step is its own short transaction, so whatever the inspector has done
is in the database the moment the call returns: a crash, a closed window or
a power cut loses nothing, and :meth:`CaseService.resume` rebuilds the case.
A photo goes to the content store before its row is written, so a row never
names a missing file.

Signing happens before anything is written: the report is rendered and
signed with the inspector's key first (a wrong password stops there), then
the verdict row and its ledger entry commit together.

Every step that writes claims the case for the inspector at this bench in
its own transaction (``claims.claim_for_work``), so on a shared database two
benches never work the same case.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from reference_library.catalog import NotInLibrary, PackSummary, ZoneSummary, get_pack
from reference_library.store import ContentStore
from reports.cases import (
    CaseAnalysis, CasePhoto, CaseRow, ChecklistAnswer, VerdictRow, ZoneResult, latest_analysis, latest_photos,
)
from reports.checklist import CheckState, build_checklist, check_answer, check_decision
from reports.ledger import Kind, append, aware
from reports.pki import load_identity
from reports.report_data import ReportCheck, ReportData, ReportEvidence, ReportFinding, ReportZone
from reports.signing import sign_pdf_as
from reports.users import Action, User, require
from reports.verdict import Verdict
from vision.findings import Finding

from .claims import claim_for_work
from .db_faults import retry_on_disconnect
from .inspection import MAX_PHOTO_BYTES, InspectionError, InspectionResult, InspectionService, InspectRequest
from .users import UserService

#: Renders a report to PDF bytes, reading images from the store by sha256 (``report_pdf.render_report_pdf``).
RenderPdf = Callable[[ReportData, Callable[[str], bytes]], bytes]


class CaseError(ValueError):
    """A case step the bench refuses (unknown case, decided already, no analysis yet); one line."""


@dataclass(frozen=True)
class Intake:
    case_number: str
    brand: str
    model: str
    order_ref: str | None = None
    declared_value: str | None = None


@dataclass(frozen=True)
class Decision:
    case_number: str
    decision: Verdict
    reasons: Mapping[str, Sequence[str]]     # authenticity / condition / listing
    override_reason: str | None = None


@dataclass(frozen=True)
class CaseView:
    """A case as saved: what a resumed bench shows."""

    case_number: str
    brand: str
    model: str
    order_ref: str | None
    declared_value: str | None
    intake_at: datetime
    state: str
    photos: Mapping[str, str]                 # zone -> sha256 of the photo that counts
    suggested: Verdict | None                 # the latest analysis's suggestion
    zones: tuple[Mapping[str, Any], ...]      # the latest analysis, zone JSON as ``inspect --json``
    checklist: tuple[CheckState, ...]


@dataclass(frozen=True)
class TakenPhoto:
    """A shot as kept, with the quality gate's judgement of it (``retake`` is None when usable)."""

    zone: str
    sha256: str
    retake: str | None
    findings: tuple[Finding, ...]

    @property
    def usable(self) -> bool:
        return self.retake is None


@dataclass(frozen=True)
class SignedVerdict:
    case_number: str
    decision: Verdict
    tag_number: str | None
    report_pdf_sha256: str
    report_json_sha256: str
    ledger_seq: int
    decided_at: datetime


class CaseService:
    def __init__(self, session_factory: sessionmaker[Session], store: ContentStore, users: UserService,
                 inspection: InspectionService | None = None, render_pdf: RenderPdf | None = None, *,
                 bench: str):
        self._session_factory = session_factory
        self._bench = bench
        self._store = store
        self._users = users
        self._inspection = inspection
        self._render_pdf = render_pdf

    @retry_on_disconnect
    def open(self, actor: User, intake: Intake) -> CaseView:
        """Take an item in, claimed for ``actor`` at this bench: pinned to the brand's current pack."""
        require(actor, Action.INSPECT)
        number = intake.case_number.strip()
        if not number:
            raise CaseError("a case needs a case number")
        try:
            with self._session_factory.begin() as session:
                pack = get_pack(session, intake.brand)
                if intake.model not in {m.id for m in pack.models}:
                    raise CaseError(f"brand '{intake.brand}' has no model '{intake.model}'")
                session.add(CaseRow(case_number=number, brand=intake.brand, model=intake.model,
                                    pack_version=pack.version, pack_revision=pack.revision, order_ref=intake.order_ref,
                                    declared_value=intake.declared_value, intake_at=datetime.now(UTC),
                                    opened_by=actor.username, state="open", claimed_by=actor.username,
                                    claimed_bench=self._bench, claimed_at=datetime.now(UTC)))
        except NotInLibrary as exc:
            raise CaseError(str(exc)) from None
        except IntegrityError:
            raise CaseError(f"case '{number}' exists already: resume it") from None
        return self.resume(actor, number)

    @retry_on_disconnect
    def add_photo(self, actor: User, case_number: str, zone: str, data: bytes) -> str:
        """Keep a zone's photo (a retake adds one; the latest counts); return its sha256."""
        require(actor, Action.INSPECT)
        if len(data) > MAX_PHOTO_BYTES:
            raise CaseError(f"the photo is over {MAX_PHOTO_BYTES // 1024**2} MB")
        sha, _ = self._store.put(data)   # kept the moment it is taken; a row never names a missing file
        with self._session_factory.begin() as session:
            case = self._worked(session, actor, case_number)
            zones = {z.id for z in _model_zones(self._pack(session, case), case.model)}
            if zone not in zones:
                raise CaseError(f"model '{case.model}' has no zone '{zone}' (zones: {', '.join(sorted(zones))})")
            session.add(CasePhoto(case_id=case.id, zone=zone, sha256=sha, taken_at=datetime.now(UTC),
                                  taken_by=actor.username))
        return sha

    @retry_on_disconnect
    def take_photo(self, actor: User, case_number: str, zone: str, data: bytes) -> TakenPhoto:
        """Gate a shot the moment it is taken, then keep it (a bad shot is kept too, and a retake asked for).

        A file that is not a readable image raises :class:`CaseError` and nothing is kept.
        """
        require(actor, Action.INSPECT)
        if self._inspection is None:
            raise CaseError("this bench has no inspection engine configured")
        if len(data) > MAX_PHOTO_BYTES:
            raise CaseError(f"the photo is over {MAX_PHOTO_BYTES // 1024**2} MB")
        with self._session_factory.begin() as session:
            case = self._worked(session, actor, case_number)
            pack = self._pack(session, case)
        summary = next((z for z in _model_zones(pack, case.model) if z.id == zone), None)
        if summary is None:
            raise CaseError(f"model '{case.model}' has no zone '{zone}'")
        try:
            gate = self._inspection.gate(pack, summary, data)
        except InspectionError as exc:
            raise CaseError(str(exc)) from None
        sha = self.add_photo(actor, case_number, zone, data)
        return TakenPhoto(zone, sha, gate.retake, gate.findings)

    def analyse(self, actor: User, case_number: str) -> CaseView:
        """Judge the case's latest photos and save the results (the checklist is pre-filled from them)."""
        return self.analyse_with_result(actor, case_number)[0]

    @retry_on_disconnect
    def analyse_with_result(self, actor: User, case_number: str) -> tuple[CaseView, InspectionResult]:
        """As :meth:`analyse`, with the engine's full result (timings, evidence) for ``inspect --json``."""
        require(actor, Action.INSPECT)
        if self._inspection is None:
            raise CaseError("this bench has no inspection engine configured")
        with self._session_factory.begin() as session:
            case = self._worked(session, actor, case_number)
            photos = {zone: self._store.path_for(p.sha256) for zone, p in latest_photos(session, case.id).items()}
        result = self._inspection.inspect(InspectRequest(case.brand, case.model, photos, case.case_number))
        report = result.as_json()
        with self._session_factory.begin() as session:
            row = self._worked(session, actor, case_number)
            row.pack_version, row.pack_revision = result.pack.version, result.pack.revision  # judged against
            analysis = CaseAnalysis(case_id=row.id, suggested=result.verdict.value,
                                    judged_against=report["judged_against"], at=datetime.now(UTC))
            session.add(analysis)
            session.flush()
            session.add_all(ZoneResult(analysis_id=analysis.id, zone=z["zone"], status=z["status"], analysis=z)
                            for z in report["zones"])
        return self.resume(actor, case_number), result

    @retry_on_disconnect
    def answer_check(self, actor: User, case_number: str, check_id: str, answer: str, note: str = "") -> CheckState:
        require(actor, Action.INSPECT)
        with self._session_factory.begin() as session:
            case = self._worked(session, actor, case_number)
            check = next((c for c in self._pack(session, case).checks if c.id == check_id), None)
            if check is None:
                raise CaseError(f"the checklist of case '{case_number}' has no check '{check_id}'")
            check_answer(check, answer, note)
            row = session.scalar(select(ChecklistAnswer).where(ChecklistAnswer.case_id == case.id,
                                                               ChecklistAnswer.check_id == check_id))
            if row is None:
                row = ChecklistAnswer(case_id=case.id, check_id=check_id)
                session.add(row)
            row.answer, row.note, row.answered_by, row.at = answer, note.strip(), actor.username, datetime.now(UTC)
        return next(s for s in self.resume(actor, case_number).checklist if s.check.id == check_id)

    @retry_on_disconnect
    def resume(self, actor: User, case_number: str) -> CaseView:
        """The case as saved: photos, the latest analysis, the checklist with its answers."""
        require(actor, Action.INSPECT)
        with self._session_factory() as session:
            case = _case(session, case_number)
            return self._view(session, case)

    @retry_on_disconnect
    def pack_for(self, actor: User, case_number: str) -> PackSummary:
        """The pack version the case is judged against (pinned at intake, moved on by each analysis)."""
        require(actor, Action.INSPECT)
        with self._session_factory() as session:
            return self._pack(session, _case(session, case_number))

    @retry_on_disconnect
    def open_cases(self, actor: User) -> list[str]:
        """Case numbers not decided yet that ``actor`` may work here, oldest first (what a bench offers to resume).

        Cases another bench or another user holds are left out: they are theirs until released.
        """
        require(actor, Action.INSPECT)
        with self._session_factory() as session:
            return list(session.scalars(
                select(CaseRow.case_number)
                .where(CaseRow.state == "open",
                       or_(CaseRow.claimed_by.is_(None),
                           and_(CaseRow.claimed_by == actor.username, CaseRow.claimed_bench == self._bench)))
                .order_by(CaseRow.intake_at)))

    @retry_on_disconnect
    def claim(self, actor: User, case_number: str) -> CaseView:
        """Take a case up at this bench (resuming it): refused with the holder's name if another bench has it."""
        require(actor, Action.INSPECT)
        with self._session_factory.begin() as session:
            self._worked(session, actor, case_number)
        return self.resume(actor, case_number)

    @retry_on_disconnect
    def decide_and_sign(self, actor: User, decision: Decision, password: str) -> SignedVerdict:
        """Check the rules, render and sign the report, then record verdict and ledger entry together.

        A wrong password raises :class:`reports.pki.WrongPassword` before anything is written.
        """
        require(actor, Action.SIGN_VERDICT)
        if self._render_pdf is None:
            raise CaseError("this bench has no report renderer configured")
        with self._session_factory.begin() as session:
            case = self._worked(session, actor, decision.case_number)
            view = self._view(session, case)
            pack = self._pack(session, case)
            analysis = latest_analysis(session, case.id)
        if analysis is None or view.suggested is None:
            raise CaseError(f"case '{case.case_number}' has not been analysed yet")
        reasons = check_decision(decision.decision, view.suggested, decision.reasons, decision.override_reason,
                                 view.checklist)
        decided_at = datetime.now(UTC)
        tag = _tag_number(decided_at) if decision.decision is Verdict.PASS else None
        data = _report_data(case, pack, view, view.suggested, analysis[0].judged_against, decision, reasons, actor,
                            decided_at, tag)
        # unlocked once, before the slow rendering: a wrong password stops here
        identity = load_identity(self._users.signing_identity(actor.username), password)
        signed = sign_pdf_as(self._render_pdf(data, self._store.read), identity,
                             reason=f"{decision.decision.value} verdict for case {case.case_number}")
        pdf_sha, _ = self._store.put(signed)
        json_sha, _ = self._store.put(data.to_json_bytes())
        override = (decision.override_reason or "").strip() or None
        try:
            with self._session_factory.begin() as session:
                row = self._worked(session, actor, case.case_number)
                row.state, row.claimed_by, row.claimed_bench, row.claimed_at = "decided", None, None, None
                seq = append(session, actor.username, Kind.VERDICT, case.case_number, {
                    "case": case.case_number, "decision": decision.decision.value, "suggested": view.suggested.value,
                    "override_reason": override, "reasons": {k: list(v) for k, v in reasons.items()},
                    "tag_number": tag, "report_pdf_sha256": pdf_sha, "report_json_sha256": json_sha,
                    "pack": f"{case.brand} {pack.version} r{pack.revision}"})
                session.add(VerdictRow(
                    case_id=row.id, brand=case.brand, model=case.model, decision=decision.decision.value,
                    suggested=view.suggested.value, override_reason=override,
                    reasons={k: list(v) for k, v in reasons.items()},
                    reason_kinds=",".join(k for k, v in reasons.items() if v),
                    judged_against=analysis[0].judged_against, inspector=actor.username,
                    intake_at=case.intake_at, decided_at=decided_at, tag_number=tag, report_pdf_sha256=pdf_sha,
                    report_json_sha256=json_sha, ledger_seq=seq))
        except IntegrityError:
            raise CaseError(f"case '{case.case_number}' was decided on another bench at the same moment") from None
        return SignedVerdict(case.case_number, decision.decision, tag, pdf_sha, json_sha, seq, decided_at)

    def _worked(self, session: Session, actor: User, case_number: str) -> CaseRow:
        """The open case, claimed for ``actor`` at this bench within the caller's transaction."""
        case = claim_for_work(session, case_number, actor, self._bench)
        return case if case is not None else _open_case(session, case_number)   # _open_case says why not

    def _pack(self, session: Session, case: CaseRow) -> PackSummary:
        return get_pack(session, case.brand, case.pack_version)

    def _view(self, session: Session, case: CaseRow) -> CaseView:
        latest = latest_analysis(session, case.id)
        zones = tuple(z.analysis for z in latest[1]) if latest else ()
        answers = {a.check_id: (a.answer, a.note) for a in
                   session.scalars(select(ChecklistAnswer).where(ChecklistAnswer.case_id == case.id))}
        checklist = build_checklist(self._pack(session, case).checks,
                                    {z["zone"]: (z["status"], _machine_note(z)) for z in zones}, answers)
        return CaseView(case.case_number, case.brand, case.model, case.order_ref, case.declared_value,
                        aware(case.intake_at), case.state,
                        {zone: p.sha256 for zone, p in latest_photos(session, case.id).items()},
                        Verdict(latest[0].suggested) if latest else None, zones, checklist)


def _case(session: Session, case_number: str) -> CaseRow:
    case = session.scalar(select(CaseRow).where(CaseRow.case_number == case_number))
    if case is None:
        raise CaseError(f"no case '{case_number}'")
    return case


def _open_case(session: Session, case_number: str) -> CaseRow:
    case = _case(session, case_number)
    if case.state != "open":
        raise CaseError(f"case '{case_number}' is decided: its verdict is signed and can only be reviewed")
    return case


def _model_zones(pack: PackSummary, model: str) -> tuple[ZoneSummary, ...]:
    return next((m.zones for m in pack.models if m.id == model), ())


def _machine_note(zone: Mapping[str, Any]) -> str:
    """What the machine says about a zone, for a pre-filled checklist answer."""
    failed = next((f["message"] for f in zone["findings"] if not f["passed"]), "")
    return zone.get("retake") or failed or (zone["findings"][0]["message"] if zone["findings"] else "")


def _tag_number(at: datetime) -> str:
    """The number on a PASS item's tag: date plus a random part, unique (enforced by the table)."""
    return f"IW-{at:%y%m%d}-{secrets.token_hex(4).upper()}"


def _report_data(case: CaseRow, pack: PackSummary, view: CaseView, suggested: Verdict,
                 judged_against: Mapping[str, Any], decision: Decision, reasons: Mapping[str, tuple[str, ...]], actor: User, decided_at: datetime,
                 tag: str | None) -> ReportData:
    zones = {z.id: z for z in _model_zones(pack, case.model)}
    model_name = next(m.name for m in pack.models if m.id == case.model)
    return ReportData(
        case_number=case.case_number, order_ref=case.order_ref, declared_value=case.declared_value,
        brand=case.brand, brand_name=pack.brand_name, model=case.model, model_name=model_name,
        pack_version=pack.version, pack_revision=pack.revision, pack_digest=pack.digest,
        zones=tuple(_report_zone(z, zones[z["zone"]]) for z in view.zones),
        checklist=tuple(ReportCheck(s.check.id, s.check.text, s.check.critical, s.check.zone, s.machine,
                                    s.effective or "", s.effective_note) for s in view.checklist),
        suggested=suggested.value,
        decision=decision.decision.value, override_reason=(decision.override_reason or "").strip() or None,
        reasons=reasons, inspector_username=actor.username, inspector_name=actor.display_name,
        intake_at=view.intake_at, decided_at=decided_at, tag_number=tag, judged_against=judged_against)


def _report_zone(z: Mapping[str, Any], zone: ZoneSummary) -> ReportZone:
    return ReportZone(
        zone_id=z["zone"], title=zone.title, kind=z["kind"], critical=z["critical"], status=z["status"],
        findings=tuple(ReportFinding(f["metric"], f["value"], f["expected"], f["passed"], f["message"])
                       for f in z["findings"]),
        photo_sha256=z["photo_sha256"], reference_sha256=zone.references[0].sha256 if zone.references else None,
        evidence=tuple(ReportEvidence(e["name"], e["caption"], e["sha256"]) for e in z["evidence"]),
        retake=z["retake"])
