"""Case claims: two benches on one database never work the same case; a supervisor frees a crashed bench's."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector_app.cli import main
from inspector_app.services.audit import verify_ledger
from inspector_app.services.cases import CaseError, CaseService, Intake
from inspector_app.services.claims import CaseClaimed
from inspector_app.services.users import NewUser
from inspector_app.settings import Settings
from inspector_app.workstation import DEMO_PACKS_DIR, Workstation
from reference_library.importer import import_pack
from reports.cases import CaseRow
from reports.ledger import LedgerEntry
from reports.users import PermissionDenied, Role, User

PHOTO = DEMO_PACKS_DIR / "maison-aurel" / "refs" / "city-tote" / "body-leather" / "ref-01.jpg"


@dataclass(frozen=True)
class Benches:
    """Two benches on one database and store, and the people who work at them."""

    a: Workstation
    b: Workstation
    ann: User
    bob: User
    sue: User

    def cases(self, ws: Workstation) -> CaseService:
        return CaseService(ws.session_factory, ws.store, ws.users(), bench=ws.settings.bench)


def open_benches(home: Path, url: str) -> Benches:
    a = Workstation.open(Settings(home=home, database_url=url, bench="bench-a"))
    b = Workstation.open(Settings(home=home, database_url=url, bench="bench-b"))
    import_pack(DEMO_PACKS_DIR / "maison-aurel", session_factory=a.session_factory, store=a.store)
    users = a.users()
    admin = users.init_organisation("Claims Test", NewUser("root", Role.ADMIN, "root-pw"))
    ann = users.add_user(admin, NewUser("ann", Role.INSPECTOR, "ann-pw"))
    bob = users.add_user(admin, NewUser("bob", Role.INSPECTOR, "bob-pw"))
    sue = users.add_user(admin, NewUser("sue", Role.SUPERVISOR, "sue-pw"))
    return Benches(a, b, ann, bob, sue)


@pytest.fixture
def benches(tmp_path: Path) -> Iterator[Benches]:
    home = tmp_path / "shared"
    benches = open_benches(home, Settings.embedded(home).database_url)
    yield benches
    benches.a.close()
    benches.b.close()


def test_a_case_opened_at_one_bench_is_refused_at_another(benches: Benches) -> None:
    at_a, at_b = benches.cases(benches.a), benches.cases(benches.b)
    at_a.open(benches.ann, Intake("C-1", "maison-aurel", "city-tote"))
    with pytest.raises(CaseClaimed, match=r"case 'C-1' is being worked by ann at bench 'bench-a' since .* UTC; "
                                          r"a supervisor can release it"):
        at_b.add_photo(benches.bob, "C-1", "body-leather", PHOTO.read_bytes())
    for step in (lambda: at_b.claim(benches.bob, "C-1"),
                 lambda: at_b.answer_check(benches.bob, "C-1", "dust-bag", "pass"),
                 lambda: at_b.claim(benches.ann, "C-1")):   # the same inspector at another bench too
        with pytest.raises(CaseClaimed):
            step()
    assert at_b.open_cases(benches.bob) == [] and at_a.open_cases(benches.ann) == ["C-1"]
    with benches.a.session_factory() as session:   # nothing the refused bench tried was written
        case = session.scalar(select(CaseRow).where(CaseRow.case_number == "C-1"))
        assert (case.claimed_by, case.claimed_bench) == ("ann", "bench-a")
    assert at_a.resume(benches.bob, "C-1").photos == {}


def test_a_case_left_is_taken_over_and_the_first_bench_is_then_refused(benches: Benches) -> None:
    at_a, at_b = benches.cases(benches.a), benches.cases(benches.b)
    at_a.open(benches.ann, Intake("C-2", "maison-aurel", "city-tote"))
    at_a.add_photo(benches.ann, "C-2", "body-leather", PHOTO.read_bytes())
    assert benches.a.claims().leave(benches.ann, "C-2")
    assert not benches.b.claims().leave(benches.bob, "C-2")   # only the holder gives a claim back
    view = at_b.claim(benches.bob, "C-2")
    assert set(view.photos) == {"body-leather"}   # the work done so far comes along
    with pytest.raises(CaseClaimed, match="worked by bob at bench 'bench-b'"):
        at_a.add_photo(benches.ann, "C-2", "body-leather", PHOTO.read_bytes())


def test_a_supervisor_releases_a_crashed_benchs_claim_with_a_reason_in_the_ledger(benches: Benches) -> None:
    at_a, at_b = benches.cases(benches.a), benches.cases(benches.b)
    at_a.open(benches.ann, Intake("C-3", "maison-aurel", "city-tote"))   # then bench A "crashes"
    claims = benches.b.claims()
    held = claims.claims(benches.sue)
    assert [(c.case_number, c.username, c.bench) for c in held] == [("C-3", "ann", "bench-a")]
    with pytest.raises(PermissionDenied):
        claims.release(benches.bob, "C-3", "not mine but in my way")
    with pytest.raises(CaseClaimed, match="needs a reason"):
        claims.release(benches.sue, "C-3", "  ")
    released = claims.release(benches.sue, "C-3", "bench A crashed")
    assert (released.username, released.bench) == ("ann", "bench-a")
    with pytest.raises(CaseClaimed, match="not claimed by any bench"):
        claims.release(benches.sue, "C-3", "again")
    at_b.claim(benches.bob, "C-3")
    with benches.b.session_factory() as session:
        entry = session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq.desc()).limit(1)).one()
    assert (entry.kind, entry.actor, entry.subject) == ("claim_release", "sue", "C-3")
    assert json.loads(entry.payload)["reason"] == "bench A crashed"
    assert verify_ledger(benches.b.session_factory).intact


def test_a_decided_case_cannot_be_claimed(benches: Benches) -> None:
    at_a = benches.cases(benches.a)
    at_a.open(benches.ann, Intake("C-4", "maison-aurel", "city-tote"))
    with benches.a.session_factory.begin() as session:
        session.scalar(select(CaseRow).where(CaseRow.case_number == "C-4")).state = "decided"
    with pytest.raises(CaseError, match="is decided"):
        at_a.claim(benches.ann, "C-4")
    with pytest.raises(CaseError, match="no case 'C-404'"):
        at_a.claim(benches.ann, "C-404")


def race_for_a_case(benches: Benches, case_number: str, contenders: int) -> list[str]:
    """Many benches claim one unclaimed case at the same instant; the names of those that got it."""
    winners: list[str] = []
    start = threading.Barrier(contenders)

    def contend(i: int) -> None:
        cases = CaseService(benches.a.session_factory, benches.a.store, benches.a.users(), bench=f"bench-{i}")
        start.wait()
        try:
            cases.claim(benches.bob, case_number)
            winners.append(f"bench-{i}")
        except CaseClaimed:
            pass

    threads = [threading.Thread(target=contend, args=(i,)) for i in range(contenders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return winners


def test_of_benches_racing_for_a_case_exactly_one_gets_it(benches: Benches) -> None:
    benches.cases(benches.a).open(benches.ann, Intake("C-5", "maison-aurel", "city-tote"))
    benches.a.claims().leave(benches.ann, "C-5")
    assert len(race_for_a_case(benches, "C-5", 6)) == 1


@pytest.mark.postgres
def test_of_benches_racing_for_a_case_on_postgresql_exactly_one_gets_it(tmp_path: Path, pg_url: str) -> None:
    benches = open_benches(tmp_path / "shared", pg_url)
    try:
        benches.cases(benches.a).open(benches.ann, Intake("P-1", "maison-aurel", "city-tote"))
        benches.a.claims().leave(benches.ann, "P-1")
        winners = race_for_a_case(benches, "P-1", 8)
        assert len(winners) == 1
        with benches.a.session_factory() as session:
            assert session.scalar(select(CaseRow.claimed_bench).where(CaseRow.case_number == "P-1")) == winners[0]
    finally:
        benches.a.close()
        benches.b.close()


def test_claims_on_the_command_line(benches: Benches, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    benches.cases(benches.a).open(benches.ann, Intake("C-6", "maison-aurel", "city-tote"))
    monkeypatch.setenv("INSPECTOR_HOME", str(benches.a.settings.home))
    monkeypatch.setenv("INSPECTOR_PASSWORD", "sue-pw")
    assert main(["cases", "claims", "--as", "sue", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(c["case"], c["claimed_by"], c["bench"]) for c in listed] == [("C-6", "ann", "bench-a")]
    assert main(["cases", "release", "C-6", "--reason", "bench A crashed", "--as", "sue"]) == 0
    assert "released case C-6 from ann at bench-a" in capsys.readouterr().out
    assert main(["cases", "release", "C-6", "--reason", "again", "--as", "sue"]) == 2
    assert capsys.readouterr().err.strip() == "inspector-app: case 'C-6' is not claimed by any bench"
    monkeypatch.setenv("INSPECTOR_PASSWORD", "bob-pw")
    assert main(["cases", "claims", "--as", "bob"]) == 2
    assert "may not" in capsys.readouterr().err
