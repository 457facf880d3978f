"""A bench killed (SIGKILL) in the middle of a photo write, a pack import or a signature loses nothing it confirmed.

The work runs in a child process (``kill_point_worker``) on a real data home,
which kills itself at an exact point of the write. Afterwards, in this
process: every blob in the store hashes to its name, every row names a whole
blob, the ledger is intact and matches the verdict and pack rows one to one,
the case resumes for the same inspector at the same bench with every photo
confirmed before the kill, and the interrupted step runs again.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from inspector_app.services.audit import verify_ledger
from inspector_app.services.cases import Decision, Intake
from inspector_app.services.claims import CaseClaimed
from inspector_app.services.users import NewUser, import_pack_as
from inspector_app.settings import Settings
from inspector_app.workstation import DEMO_PACKS_DIR, RESOURCES_DIR, Workstation
from reference_library.db import Brand, Pack, PackFileRow, ZoneImage
from reference_library.store import STALE_TMP_SECONDS, ContentStore
from reports.cases import CasePhoto, CaseRow, VerdictRow
from reports.ledger import Kind, LedgerEntry
from reports.users import Role
from reports.verdict import Verdict

from .kill_point_worker import ADMIN, INSPECTOR, PASSWORD

REPO = Path(__file__).resolve().parents[2]
BENCH = "bench-k1"
SIGN_CASE = "K-SIGN"
TRUTH = json.loads((RESOURCES_DIR / "demo" / "samples" / "ground_truth.json").read_text())


def photos_of(item_id: str) -> dict[str, Path]:
    return {z["zone"]: RESOURCES_DIR / "demo" / z["photo"]
            for z in next(i for i in TRUTH["items"] if i["id"] == item_id)["zones"]}


A01 = photos_of("maison-aurel/a01")   # the case ready to sign
SHOTS = [f"{zone}={path}" for zone, path in photos_of("maison-aurel/a03").items()]   # new to the store
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def build_home(settings: Settings) -> None:
    """Organisation, an admin and an inspector, the demo Maison Aurel pack, and a case ready to sign (at BENCH)."""
    ws = Workstation.open(settings)
    try:
        users = ws.users()
        admin = users.init_organisation("Kill Test", NewUser(ADMIN, Role.ADMIN, PASSWORD))
        ann = users.add_user(admin, NewUser(INSPECTOR, Role.INSPECTOR, PASSWORD, "Ann Example"))
        import_pack_as(admin, DEMO_PACKS_DIR / "maison-aurel", session_factory=ws.session_factory, store=ws.store)
        cases = ws.cases()
        cases.open(ann, Intake(SIGN_CASE, "maison-aurel", "city-tote"))
        for zone, path in A01.items():
            cases.add_photo(ann, SIGN_CASE, zone, path.read_bytes())
        for state in cases.analyse(ann, SIGN_CASE).checklist:
            if state.effective is None:
                cases.answer_check(ann, SIGN_CASE, state.check.id, "pass")
    finally:
        ws.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data home built once on SQLite; its prepared references (``cache/``) serve the PostgreSQL homes too."""
    home = tmp_path_factory.mktemp("kill-template") / "home"
    build_home(Settings(home=home, database_url=Settings.embedded(home).database_url, bench=BENCH))
    return home


@pytest.fixture(params=BACKENDS)
def settings(request: pytest.FixtureRequest, template: Path, tmp_path: Path) -> Settings:
    home = tmp_path / "home"
    if request.param == "sqlite":
        shutil.copytree(template, home)
        return Settings(home=home, database_url=Settings.embedded(home).database_url, bench=BENCH)
    shutil.copytree(template / "cache", home / "cache")
    settings = Settings(home=home, database_url=request.getfixturevalue("pg_url"), bench=BENCH)
    build_home(settings)
    return settings


def start_child(settings: Settings, point: str, nth: int, target: str, shots: list[str]) -> subprocess.Popen[str]:
    env = dict(os.environ, INSPECTOR_HOME=str(settings.home), INSPECTOR_BENCH=BENCH, PYTHONPATH=str(REPO))
    env.pop("INSPECTOR_DB_URL", None)
    env.pop("INSPECTOR_STORE", None)
    if not settings.uses_sqlite:
        env["INSPECTOR_DB_URL"] = settings.database_url
    return subprocess.Popen([sys.executable, "-m", "tests.inspector_app.kill_point_worker", point, str(nth), target,
                             *shots], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)


def killed(child: subprocess.Popen[str]) -> list[tuple[str, str]]:
    """Wait for the child to die at its kill point; the (zone, sha256) of every photo it confirmed."""
    out, err = child.communicate(timeout=300)
    assert child.returncode == -signal.SIGKILL, f"the child was not killed at its point: {out}{err}"
    return [(zone, sha) for _, _, zone, sha in (line.split() for line in out.splitlines() if line.startswith("took"))]


def run_until_killed(settings: Settings, point: str, nth: int, target: str,
                     shots: list[str] | None = None) -> list[tuple[str, str]]:
    return killed(start_child(settings, point, nth, target, shots or []))


def assert_whole(ws: Workstation) -> set[str]:
    """Nothing half-done is visible: whole blobs, rows naming whole blobs, ledger and rows one to one.

    Returns every sha256 a row names.
    """
    store = ws.store
    for blob in store.root.glob("[0-9a-f][0-9a-f]/[0-9a-f][0-9a-f]/*"):
        assert hashlib.sha256(blob.read_bytes()).hexdigest() == blob.name, f"partial blob {blob}"
    with ws.session_factory() as session:
        named = {*session.scalars(select(CasePhoto.sha256)), *session.scalars(select(PackFileRow.sha256)),
                 *session.scalars(select(ZoneImage.sha256))}
        for pdf, report in session.execute(select(VerdictRow.report_pdf_sha256, VerdictRow.report_json_sha256)):
            named |= {pdf, report}

        def entries(kind: Kind) -> int:
            return session.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == kind.value))

        assert entries(Kind.VERDICT) == session.scalar(select(func.count()).select_from(VerdictRow))
        assert entries(Kind.PACK_IMPORT) == session.scalar(select(func.count()).select_from(Pack))
    for sha in named:
        store.read(sha)   # raises if missing or not matching its name
    check = verify_ledger(ws.session_factory)
    assert check.intact, check.reason
    return named


def photo_rows(ws: Workstation, case: str, zone: str) -> list[str]:
    with ws.session_factory() as session:
        return list(session.scalars(select(CasePhoto.sha256).join(CaseRow, CaseRow.id == CasePhoto.case_id)
                                    .where(CaseRow.case_number == case, CasePhoto.zone == zone)))


def open_case(settings: Settings, case: str) -> None:
    ws = Workstation.open(settings)
    try:
        ws.cases().open(ws.users().authenticate(INSPECTOR, PASSWORD), Intake(case, "maison-aurel", "city-tote"))
    finally:
        ws.close()


# Before the rename the database is not touched yet: that kill is run on SQLite only.
@pytest.mark.parametrize(("point", "settings"), [
    ("photo-rename", "sqlite"), ("photo-commit", "sqlite"),
    pytest.param("photo-commit", "postgres", marks=pytest.mark.postgres)], indirect=["settings"])
def test_killed_while_a_photo_is_written(settings: Settings, point: str) -> None:
    open_case(settings, "K-PHOTO")
    nth = 3
    took = run_until_killed(settings, point, nth, "K-PHOTO", SHOTS)
    assert len(took) == nth

    ws = Workstation.open(settings)
    try:
        named = assert_whole(ws)
        leftovers = list((ws.store.root / "tmp").iterdir())
        killed_zone, killed_photo = SHOTS[nth].split("=", 1)
        killed_sha = hashlib.sha256(Path(killed_photo).read_bytes()).hexdigest()
        if point == "photo-rename":   # the half-done write is a temporary file, never a blob
            assert [p.name.split(".")[0] for p in leftovers] == [killed_sha[:12]] and killed_sha not in ws.store
        else:   # the blob is whole; its row was never committed
            assert leftovers == [] and killed_sha in ws.store
        assert photo_rows(ws, "K-PHOTO", killed_zone) == [] and killed_sha not in named

        ann = ws.users().authenticate(INSPECTOR, PASSWORD)
        view = ws.cases().claim(ann, "K-PHOTO")    # the same inspector at the same bench takes the case up
        assert view.photos == dict(took)
        assert ws.cases().add_photo(ann, "K-PHOTO", killed_zone, Path(killed_photo).read_bytes()) == killed_sha
        assert photo_rows(ws, "K-PHOTO", killed_zone) == [killed_sha]
        assert set(ws.cases().resume(ann, "K-PHOTO").photos) == {shot.split("=")[0] for shot in SHOTS[: nth + 1]}
        assert_whole(ws)
    finally:
        ws.close()

    other = Workstation.open(Settings(settings.home, settings.database_url, bench="bench-k2"))
    try:   # another bench may not take it over: the claim stays until the bench comes back or is released
        with pytest.raises(CaseClaimed, match="bench-k1"):
            other.cases().claim(other.users().authenticate(INSPECTOR, PASSWORD), "K-PHOTO")
    finally:
        other.close()

    for leftover in leftovers:   # a day later, the next store opened on the root removes the temporary file
        old = time.time() - STALE_TMP_SECONDS - 60
        os.utime(leftover, (old, old))
    ContentStore(settings.store_dir)
    assert not list((settings.store_dir / "tmp").iterdir())


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
def test_killed_at_a_random_moment_of_a_long_run_of_photos(settings: Settings) -> None:
    open_case(settings, "K-RUN")
    child = start_child(settings, "photo-run", 0, "K-RUN", SHOTS)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "armed"
    first = child.stdout.readline().split()   # the run is under way
    assert first[:2] == ["took", "0"], first
    delay = random.uniform(0.05, 1.5)
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    confirmed = [first[3]] + [sha for _, sha in killed(child)]
    where = f"killed {delay:.3f} s into the run"

    ws = Workstation.open(settings)
    try:
        assert_whole(ws)
        with ws.session_factory() as session:
            rows = list(session.execute(select(CasePhoto.zone, CasePhoto.sha256)
                                        .join(CaseRow, CaseRow.id == CasePhoto.case_id)
                                        .where(CaseRow.case_number == "K-RUN").order_by(CasePhoto.id)))
        # every photo confirmed is kept, in order; besides, at most the one committed just before the kill
        assert [sha for _, sha in rows[: len(confirmed)]] == confirmed, where
        assert len(rows) <= len(confirmed) + 1, where
        view = ws.cases().claim(ws.users().authenticate(INSPECTOR, PASSWORD), "K-RUN")
        assert view.photos == dict(rows), where
    finally:
        ws.close()


@pytest.mark.parametrize(("point", "settings"), [
    ("import-blobs", "sqlite"), ("import-record", "sqlite"),
    pytest.param("import-record", "postgres", marks=pytest.mark.postgres)], indirect=["settings"])
def test_killed_during_a_pack_import(settings: Settings, point: str) -> None:
    pack = DEMO_PACKS_DIR / "kestrel-athletics"
    run_until_killed(settings, point, 3, str(pack))

    ws = Workstation.open(settings)
    try:
        assert_whole(ws)   # the blobs written before the kill are whole; no row names them yet
        leftovers = list((ws.store.root / "tmp").iterdir())
        assert len(leftovers) == (1 if point == "import-blobs" else 0)
        with ws.session_factory() as session:   # all or nothing: no row of the pack, no ledger entry
            assert session.scalar(select(Brand).where(Brand.slug == "kestrel-athletics")) is None
        admin = ws.users().authenticate(ADMIN, PASSWORD)
        result = import_pack_as(admin, pack, session_factory=ws.session_factory, store=ws.store)
        assert result.became_current and result.references > 0
        named = assert_whole(ws)
        with ws.session_factory() as session:
            files = set(session.scalars(select(PackFileRow.sha256).join(Pack).join(Brand)
                                        .where(Brand.slug == "kestrel-athletics")))
        assert files and files <= named
    finally:
        ws.close()


def test_killed_while_signing(settings: Settings, qapp: object) -> None:
    run_until_killed(settings, "sign", 0, SIGN_CASE)

    ws = Workstation.open(settings)
    try:
        assert_whole(ws)
        ann = ws.users().authenticate(INSPECTOR, PASSWORD)
        cases = ws.cases()
        view = cases.claim(ann, SIGN_CASE)   # no half-signed report: the case is still open, nothing recorded
        assert view.state == "open" and view.suggested is not None
        reasons = {"authenticity": ["the machine's findings"]} if view.suggested is Verdict.FAIL else {}
        signed = cases.decide_and_sign(ann, Decision(SIGN_CASE, view.suggested, reasons), PASSWORD)
        named = assert_whole(ws)
        assert {signed.report_pdf_sha256, signed.report_json_sha256} <= named
        assert cases.resume(ann, SIGN_CASE).state == "decided"
    finally:
        ws.close()
