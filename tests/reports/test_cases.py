"""Cases on the demo library: checklist and verdict rules, signing, immutability, resume, the supervisor's side."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector_app.database import open_database
from inspector_app.report_pdf import render_report_pdf
from inspector_app.services.audit import AuditService, VerdictQuery, verify_ledger
from inspector_app.services.cases import CaseError, CaseService, Decision, Intake, SignedVerdict
from inspector_app.services.users import NewUser, UserService
from inspector_app.settings import Settings
from inspector_app.workstation import DEMO_PACKS_DIR, RESOURCES_DIR, Workstation
from reference_library.catalog import CheckSummary
from reference_library.importer import import_pack
from reference_library.store import ContentStore
from reports.cases import CaseRow, VerdictImmutable, VerdictRow
from reports.checklist import RuleViolation, build_checklist, check_answer, check_decision
from reports.ledger import LedgerEntry
from reports.pki import WrongPassword
from reports.signing import verify_pdf
from reports.users import PermissionDenied, Role, User
from reports.verdict import Verdict

DEMO = RESOURCES_DIR / "demo"
TRUTH = json.loads((DEMO / "samples" / "ground_truth.json").read_text())

LOGO = CheckSummary("logo", "Logo matches", True, "front-logo")
SEAM = CheckSummary("seam", "Seam matches", True, "stitching")
BAG = CheckSummary("dust-bag", "Dust bag present", False, None)
LINING = CheckSummary("lining", "Lining matches", True, None)


def photos_of(item_id: str) -> dict[str, Path]:
    item = next(i for i in TRUTH["items"] if i["id"] == item_id)
    return {z["zone"]: DEMO / z["photo"] for z in item["zones"]}


# --- the rules, as pure functions -----------------------------------------------------------------------------

def test_checks_tied_to_a_zone_are_prefilled_and_the_inspector_wins() -> None:
    states = build_checklist((LOGO, SEAM, BAG), {"front-logo": ("pass", "ok"), "stitching": ("inconclusive", "?")},
                             {"dust-bag": ("na", "")})
    assert [(s.machine, s.effective) for s in states] == [("pass", "pass"), (None, None), (None, "na")]
    overridden = build_checklist((LOGO,), {"front-logo": ("pass", "ok")}, {"logo": ("fail", "serif is wrong")})
    assert overridden[0].effective == "fail" and overridden[0].effective_note == "serif is wrong"


def test_answer_rules() -> None:
    check_answer(BAG, "na", "")
    with pytest.raises(RuleViolation, match="write a note"):
        check_answer(BAG, "fail", "  ")
    with pytest.raises(RuleViolation, match="critical"):
        check_answer(LINING, "na", "")
    with pytest.raises(RuleViolation, match="not one of"):
        check_answer(BAG, "maybe", "")


def test_verdict_rules() -> None:
    done = build_checklist((LOGO, LINING), {"front-logo": ("pass", "")}, {"lining": ("pass", "")})
    assert check_decision(Verdict.PASS, Verdict.PASS, {}, None, done) == {
        "authenticity": (), "condition": (), "listing": ()}
    with pytest.raises(RuleViolation, match="needs a written reason"):
        check_decision(Verdict.FAIL, Verdict.PASS, {"condition": ["torn handle"]}, " ", done)
    with pytest.raises(RuleViolation, match="at least one reason"):
        check_decision(Verdict.FAIL, Verdict.FAIL, {"listing": [" "]}, None, done)
    with pytest.raises(RuleViolation, match="cannot PASS"):
        check_decision(Verdict.PASS, Verdict.PASS, {"authenticity": ["fake logo"]}, None, done)
    open_check = build_checklist((LOGO, LINING), {"front-logo": ("pass", "")}, {})
    with pytest.raises(RuleViolation, match="'lining' is not answered"):
        check_decision(Verdict.PASS, Verdict.PASS, {}, None, open_check)
    skipped = build_checklist((LINING,), {}, {"lining": ("na", "")})
    with pytest.raises(RuleViolation, match="cannot be skipped"):
        check_decision(Verdict.INCONCLUSIVE, Verdict.INCONCLUSIVE, {}, None, skipped)
    failed = build_checklist((LINING,), {}, {"lining": ("fail", "wrong fabric")})
    with pytest.raises(RuleViolation, match="'lining' fails: the item cannot PASS"):
        check_decision(Verdict.PASS, Verdict.FAIL, {}, "looks fine to me", failed)


# --- the services on the demo library -------------------------------------------------------------------------

@dataclass(frozen=True)
class Bench:
    settings: Settings
    ws: Workstation
    users: UserService
    cases: CaseService
    audit: AuditService
    admin: User
    ann: User
    sue: User


def services(ws: Workstation) -> tuple[UserService, CaseService, AuditService]:
    users = UserService(ws.session_factory, ws.settings.home / "keys")
    return (users, CaseService(ws.session_factory, ws.store, users, ws.inspection(), render_report_pdf,
                                bench=ws.settings.bench),
            AuditService(ws.session_factory, ws.store))


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory, qapp: object) -> Iterator[Bench]:
    """One data home for the module; ``qapp`` so the report renderer finds pytest-qt's application."""
    home = tmp_path_factory.mktemp("cases-home")
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'inspector.sqlite3'}")
    ws = Workstation.open(settings)
    import_pack(DEMO_PACKS_DIR / "maison-aurel", session_factory=ws.session_factory, store=ws.store)
    users, cases, audit = services(ws)
    admin = users.init_organisation("Test Authentication", NewUser("root", Role.ADMIN, "root-pw"))
    ann = users.add_user(admin, NewUser("ann", Role.INSPECTOR, "ann-pw", "Ann Example"))
    sue = users.add_user(admin, NewUser("sue", Role.SUPERVISOR, "sue-pw", "Sue Supervisor"))
    yield Bench(settings, ws, users, cases, audit, admin, ann, sue)
    ws.close()


def analysed(bench: Bench, case_number: str, item_id: str) -> None:
    """A case with its photos taken and analysed, every check the machine left open answered."""
    cases, ann = bench.cases, bench.ann
    cases.open(ann, Intake(case_number, "maison-aurel", "city-tote", order_ref="ORD-9", declared_value="1450 EUR"))
    for zone, path in photos_of(item_id).items():
        cases.add_photo(ann, case_number, zone, path.read_bytes())
    view = cases.analyse(ann, case_number)
    for state in view.checklist:
        if state.effective is None:
            cases.answer_check(ann, case_number, state.check.id, "pass")


def ledger_size(bench: Bench) -> int:
    with bench.ws.session_factory() as session:
        return len(session.scalars(select(LedgerEntry.seq)).all())


@pytest.fixture(scope="module")
def decided(bench: Bench) -> SignedVerdict:
    analysed(bench, "A-1001", "maison-aurel/a01")
    suggested = bench.cases.resume(bench.ann, "A-1001").suggested
    assert suggested is not None
    reasons = {"authenticity": ["logo does not match"]} if suggested is Verdict.FAIL else {}
    return bench.cases.decide_and_sign(bench.ann, Decision("A-1001", suggested, reasons), "ann-pw")


def test_signed_report_verifies_and_is_recorded(bench: Bench, decided: SignedVerdict) -> None:
    pdf = bench.ws.store.read(decided.report_pdf_sha256)
    check = verify_pdf(pdf, bench.users.authority_cert_pem())
    assert check.valid, check.reason
    assert check.signer_username == "ann" and check.attachment == bench.ws.store.read(decided.report_json_sha256)
    with bench.ws.session_factory() as session:
        entry = session.get_one(LedgerEntry, decided.ledger_seq)
    payload = json.loads(entry.payload)
    assert (entry.kind, entry.actor, entry.subject) == ("verdict", "ann", "A-1001")
    assert payload["report_pdf_sha256"] == decided.report_pdf_sha256
    assert payload["report_json_sha256"] == decided.report_json_sha256
    assert (decided.tag_number is not None) == (decided.decision is Verdict.PASS)
    assert verify_ledger(bench.ws.session_factory).intact


def test_signed_verdict_cannot_be_edited(bench: Bench, decided: SignedVerdict) -> None:
    with pytest.raises(VerdictImmutable), bench.ws.session_factory.begin() as session:
        row = session.scalars(select(VerdictRow)).first()
        assert row is not None
        row.decision = "FAIL"
    with pytest.raises(VerdictImmutable), bench.ws.session_factory.begin() as session:
        session.delete(session.scalars(select(VerdictRow)).first())
    with pytest.raises(CaseError, match="is decided"):
        bench.cases.decide_and_sign(bench.ann, Decision("A-1001", Verdict.FAIL, {"condition": ["x"]}, "x"),
                                    "ann-pw")
    with pytest.raises(CaseError, match="is decided"):
        bench.cases.add_photo(bench.ann, "A-1001", "front-logo", b"\xff\xd8 not really")
    with pytest.raises(CaseError, match="is decided"):
        bench.cases.answer_check(bench.ann, "A-1001", "lining", "pass")
    assert bench.audit.get_verdict(bench.sue, "A-1001").listing.decision is decided.decision


def test_wrong_password_writes_nothing_and_inconclusive_goes_to_the_supervisor(bench: Bench) -> None:
    analysed(bench, "B-2001", "maison-aurel/a02")
    ann, cases = bench.ann, bench.cases
    against = Verdict.PASS if cases.resume(ann, "B-2001").suggested is Verdict.FAIL else Verdict.FAIL
    with pytest.raises(RuleViolation, match="needs a written reason"):
        cases.decide_and_sign(ann, Decision("B-2001", against, {"condition": ["scuffed corner"]}), "ann-pw")
    entries, store_files = ledger_size(bench), sorted(p.name for p in bench.ws.store.root.rglob("*") if p.is_file())
    decision = Decision("B-2001", Verdict.INCONCLUSIVE, {"condition": ["strap worn, cannot judge the grain"]},
                        "the grain needs a second look under better light")
    with pytest.raises(WrongPassword):
        cases.decide_and_sign(ann, decision, "not-ann-pw")
    assert ledger_size(bench) == entries
    assert sorted(p.name for p in bench.ws.store.root.rglob("*") if p.is_file()) == store_files
    assert cases.resume(ann, "B-2001").state == "open"
    cases.decide_and_sign(ann, decision, "ann-pw")
    assert [v.case_number for v in bench.audit.supervisor_queue(bench.sue)] == ["B-2001"]
    with pytest.raises(CaseError, match="needs a note"):
        bench.audit.add_review(bench.sue, "B-2001", agree=False)
    review = bench.audit.add_review(bench.sue, "B-2001", agree=False, note="grain matches under daylight")
    assert review.ledger_seq == ledger_size(bench)
    assert bench.audit.supervisor_queue(bench.sue) == ()
    detail = bench.audit.get_verdict(bench.sue, "B-2001")
    assert detail.listing.decision is Verdict.INCONCLUSIVE and detail.reviews == (review,)


def test_case_is_resumed_after_a_crash_with_its_photos(bench: Bench) -> None:
    ws = Workstation.open(bench.settings)
    _, cases, _ = services(ws)
    photos = photos_of("maison-aurel/a03")
    cases.open(bench.ann, Intake("C-3001", "maison-aurel", "city-tote"))
    first = cases.add_photo(bench.ann, "C-3001", "front-logo", photos["front-logo"].read_bytes())
    retake = cases.add_photo(bench.ann, "C-3001", "front-logo", photos["clasp"].read_bytes())
    cases.add_photo(bench.ann, "C-3001", "clasp", photos["clasp"].read_bytes())
    cases.answer_check(bench.ann, "C-3001", "lining", "fail", "lining is polyester, not cotton")
    ws.close()   # the bench goes away mid-case: nothing but the database and the store remain

    ws = Workstation.open(bench.settings)
    try:
        _, cases, _ = services(ws)
        assert "C-3001" in cases.open_cases(bench.ann)
        view = cases.resume(bench.ann, "C-3001")
        assert view.photos == {"front-logo": retake, "clasp": retake} and first != retake
        assert all(sha in ws.store for sha in view.photos.values())
        lining = next(s for s in view.checklist if s.check.id == "lining")
        assert (lining.answer, lining.note) == ("fail", "lining is polyester, not cotton")
        assert view.state == "open" and view.suggested is None
    finally:
        ws.close()


def test_case_steps_enforce_roles_and_rules(bench: Bench) -> None:
    bench.cases.open(bench.ann, Intake("D-4001", "maison-aurel", "city-tote"))
    with pytest.raises(PermissionDenied, match="admin root may not inspect items"):
        bench.cases.open(bench.admin, Intake("D-4002", "maison-aurel", "city-tote"))
    with pytest.raises(PermissionDenied, match="inspector ann may not view the audit"):
        bench.audit.search(bench.ann, VerdictQuery())
    with pytest.raises(PermissionDenied, match="inspector ann may not review verdicts"):
        bench.audit.add_review(bench.ann, "A-1001", agree=True)
    with pytest.raises(CaseError, match="exists already"):
        bench.cases.open(bench.ann, Intake("D-4001", "maison-aurel", "city-tote"))
    with pytest.raises(CaseError, match="no zone 'sole'"):
        bench.cases.add_photo(bench.ann, "D-4001", "sole", b"x")
    with pytest.raises(RuleViolation, match="cannot be marked not applicable"):
        bench.cases.answer_check(bench.ann, "D-4001", "lining", "na")
    with pytest.raises(CaseError, match="has not been analysed"):
        bench.cases.decide_and_sign(bench.ann, Decision("D-4001", Verdict.PASS, {}), "ann-pw")


def test_search_statistics_and_appeal_package(bench: Bench, decided: SignedVerdict) -> None:
    sue, audit = bench.sue, bench.audit
    hits = audit.search(sue, VerdictQuery(brand="maison-aurel", inspector="ann", decision=decided.decision))
    assert "A-1001" in [v.case_number for v in hits.items] and not hits.has_more
    assert audit.search(sue, VerdictQuery(since=datetime.now(UTC) + timedelta(days=1))).items == ()
    assert audit.search(sue, VerdictQuery(model="no-such-model")).items == ()
    paged = audit.search(sue, VerdictQuery(), page=0, page_size=1)
    assert len(paged.items) == 1
    assert audit.add_review(sue, "A-1001", agree=True).agree

    stats = audit.statistics(sue)
    assert stats.verdicts >= 1 and sum(stats.items_per_day.values()) == stats.verdicts
    assert stats.per_brand["maison-aurel"][decided.decision.value] >= 1
    assert stats.median_turnaround_s is not None and stats.median_turnaround_s > 0
    assert stats.override_rate is not None and stats.reviews >= 1 and stats.agreement_rate is not None

    package = zipfile.ZipFile(io.BytesIO(audit.appeal_package(sue, "A-1001")))
    names = set(package.namelist())
    assert {"A-1001/report.pdf", "A-1001/report.json", "A-1001/findings.json", "A-1001/manifest.json"} <= names
    assert {f"A-1001/photos/{zone}.jpg" for zone in photos_of("maison-aurel/a01")} <= names
    assert package.read("A-1001/report.pdf") == bench.ws.store.read(decided.report_pdf_sha256)
    findings = json.loads(package.read("A-1001/findings.json"))
    assert findings["ledger_seq"] == decided.ledger_seq and findings["zones"]


@pytest.mark.postgres
def test_audit_queries_on_postgres(pg_url: str, tmp_path: Path) -> None:
    """Search, review and statistics on PostgreSQL (time zones, JSON, aggregate filters)."""
    engine, factory = open_database(pg_url)
    try:
        decided_at = datetime.now(UTC)
        with factory.begin() as session:
            case = CaseRow(case_number="P-1", brand="maison-aurel", model="city-tote", pack_version="2026.11.0",
                           pack_revision=1, intake_at=decided_at - timedelta(minutes=8), opened_by="ann",
                           state="decided")
            session.add(case)
            session.flush()
            session.add(VerdictRow(
                case_id=case.id, brand="maison-aurel", model="city-tote", decision="FAIL", suggested="PASS",
                override_reason="the logo's serif is wrong", reasons={"authenticity": ["serif"], "condition": [],
                                                                      "listing": []},
                reason_kinds="authenticity", judged_against={}, inspector="ann", intake_at=case.intake_at,
                decided_at=decided_at, report_pdf_sha256="0" * 64, report_json_sha256="0" * 64, ledger_seq=1))
        audit = AuditService(factory, ContentStore(tmp_path / "store"))
        sue = User("sue", "Sue", Role.SUPERVISOR, (), False, None, decided_at)
        found = audit.search(sue, VerdictQuery(since=decided_at - timedelta(hours=1), reason="authenticity"))
        assert [v.case_number for v in found.items] == ["P-1"] and found.items[0].overridden
        assert audit.search(sue, VerdictQuery(until=decided_at - timedelta(hours=1))).items == ()
        audit.add_review(sue, "P-1", agree=False, note="the serif is within tolerance")
        stats = audit.statistics(sue)
        assert (stats.verdicts, stats.override_rate, stats.reviews, stats.agreement_rate) == (1, 1.0, 1, 0.0)
        assert stats.median_turnaround_s == pytest.approx(480, abs=1)
        check = verify_ledger(factory)    # the verdict row above was written without a verdict entry: caught
        assert check.bad_seq == 1 and "verdict row of case 'P-1'" in check.reason
    finally:
        engine.dispose()
