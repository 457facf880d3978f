"""A demo bench on which ines has signed three real verdicts (PASS, FAIL, INCONCLUSIVE) for sam to audit.

Signing is slow (analysis, PDF, signature), so it happens once per module on a
copy of the demo bench; every test then gets its own copy of that home.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from inspector_app.services.cases import Decision, Intake
from inspector_app.settings import Settings
from inspector_app.ui.bench_context import BenchContext
from inspector_app.ui.preferences import BenchPreferences
from inspector_app.workstation import Workstation
from reports.verdict import Verdict
from tests.ui.conftest import PASSWORD, bench_copy, demo_item


@dataclass(frozen=True)
class Signed:
    case: str
    item: str
    brand: str
    decision: Verdict


SIGNED = (
    Signed("AU-PASS-1", "maison-aurel/a01", "maison-aurel", Verdict.PASS),
    Signed("KE-FAIL-1", "kestrel-athletics/c01", "kestrel-athletics", Verdict.FAIL),
    Signed("AU-INC-1", "maison-aurel/b01", "maison-aurel", Verdict.INCONCLUSIVE),
)
REASONS = {Verdict.PASS: {}, Verdict.FAIL: {"authenticity": ["the logo's serif is wrong"]},
           Verdict.INCONCLUSIVE: {"condition": ["the grain needs daylight to judge"]}}
MODELS = {"maison-aurel": "city-tote", "kestrel-athletics": "stride-runner"}


def sign_case(ws: Workstation, signed: Signed) -> None:
    """As the inspector would: intake, a photo per zone, analysis, checklist, signature."""
    ines = ws.users().authenticate("ines", PASSWORD)
    cases = ws.cases()
    cases.open(ines, Intake(signed.case, signed.brand, MODELS[signed.brand]))
    for zone, photo in demo_item(signed.item).items():
        cases.take_photo(ines, signed.case, zone, photo.read_bytes())
    view = cases.analyse(ines, signed.case)
    for state in view.checklist:   # a PASS needs every check passing; otherwise only the open ones are answered
        if signed.decision is Verdict.PASS or state.effective is None:
            cases.answer_check(ines, signed.case, state.check.id, "pass")
    assert view.suggested is not None
    override = None if view.suggested is signed.decision else "a second look at the bench decided otherwise"
    cases.decide_and_sign(ines, Decision(signed.case, signed.decision, REASONS[signed.decision], override),
                          PASSWORD)


@pytest.fixture(scope="module")
def signed_home(demo_bench_template: Path, tmp_path_factory: pytest.TempPathFactory, qapp: object) -> Path:
    home = tmp_path_factory.mktemp("signed-bench") / "home"
    shutil.copytree(demo_bench_template, home)
    ws = Workstation.open(Settings.embedded(home))
    try:
        for signed in SIGNED:
            sign_case(ws, signed)
    finally:
        ws.close()
    return home


@pytest.fixture
def signed_bench(signed_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workstation]:
    """A private copy of the bench with the three signed verdicts."""
    with bench_copy(signed_home, tmp_path / "home", monkeypatch) as ws:
        yield ws


@pytest.fixture
def sign_in(signed_bench: Workstation, preferences: BenchPreferences) -> Callable[[str], BenchContext]:
    def bench_as(username: str) -> BenchContext:
        return BenchContext(signed_bench, signed_bench.users().authenticate(username, PASSWORD), preferences)
    return bench_as
