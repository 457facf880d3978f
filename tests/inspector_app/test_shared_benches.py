"""Eight benches on one PostgreSQL database and one store, inspecting and signing at once, with a pack import
in the middle and a reader of the library watching for half-imported packs.

Each bench is its own process (``shared_bench_worker``), as on the floor of an
authentication centre; the import is the real command line.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from inspector_app.services.audit import verify_ledger
from inspector_app.services.ledger_records import ledger_import
from inspector_app.services.users import NewUser
from inspector_app.settings import Settings
from inspector_app.workstation import DEMO_PACKS_DIR, RESOURCES_DIR, Workstation
from reference_library.catalog import list_library
from reference_library.importer import import_pack
from reports.cases import CasePhoto, CaseRow, ChecklistAnswer, VerdictRow
from reports.ledger import LedgerEntry
from reports.users import Role
from tests.inspector_app.shared_bench_worker import PASSWORD

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

BENCHES = 8
CASES = 16
BRAND = "maison-aurel"
NEWER = "2099.1.0"
REPO = Path(__file__).resolve().parents[2]


def case_plan() -> list[dict[str, object]]:
    """CASES cases over the demo brand's sample items, each with its photos."""
    truth = json.loads((RESOURCES_DIR / "demo" / "samples" / "ground_truth.json").read_text())
    items = [i for i in truth["items"] if i["brand"] == BRAND]
    return [{"case": f"SH-{n:03d}", "brand": BRAND, "model": item["model"],
             "photos": {z["zone"]: str(RESOURCES_DIR / "demo" / z["photo"]) for z in item["zones"]}}
            for n, item in ((n, items[n % len(items)]) for n in range(CASES))]


def newer_pack(tmp: Path) -> Path:
    """The demo brand's pack as a newer version: same content, so every read of either has the same shape."""
    pack = tmp / "newer-pack"
    shutil.copytree(DEMO_PACKS_DIR / BRAND, pack)
    manifest = pack / "pack.toml"
    text = manifest.read_text()
    current = next(line for line in text.splitlines() if line.startswith("version"))
    manifest.write_text(text.replace(current, f'version = "{NEWER}"', 1))
    return pack


def verdicts(ws: Workstation) -> int:
    with ws.session_factory() as session:
        return session.scalar(select(func.count(VerdictRow.id))) or 0


def test_eight_benches_inspect_and_sign_at_once_while_a_pack_is_imported(tmp_path: Path, pg_url: str) -> None:
    home = tmp_path / "shared-store"
    ws = Workstation.open(Settings(home=home, database_url=pg_url, bench="set-up"))
    first_version = import_pack(DEMO_PACKS_DIR / BRAND, session_factory=ws.session_factory, store=ws.store,
                                record=ledger_import("set-up")).version
    users = ws.users()
    admin = users.init_organisation("Shared Floor", NewUser("root", Role.ADMIN, "root-pw"))
    inspectors = [users.add_user(admin, NewUser(f"insp{i}", Role.INSPECTOR, PASSWORD)).username
                  for i in range(BENCHES)]
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(case_plan()))
    env = {**os.environ, "INSPECTOR_HOME": str(home), "INSPECTOR_DB_URL": pg_url, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(REPO)}
    stop = tmp_path / "stop-reading"

    def spawn(module: str, *args: str, bench: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-m", module, *args], cwd=REPO, env={**env, "INSPECTOR_BENCH": bench},
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    reader = spawn("tests.inspector_app.shared_bench_reader", BRAND, str(stop), str(tmp_path / "reader.json"),
                   bench="reader")
    workers = [spawn("tests.inspector_app.shared_bench_worker", inspectors[i], str(plan_file),
                     str(tmp_path / f"bench-{i}.json"), bench=f"bench-{i}") for i in range(BENCHES)]
    try:
        deadline = time.monotonic() + 600
        while verdicts(ws) < 1 and time.monotonic() < deadline and all(w.poll() is None for w in workers):
            time.sleep(0.2)
        signed_before_import = verdicts(ws)
        imported = subprocess.run([sys.executable, "-m", "inspector_app", "library", "import",
                                   str(newer_pack(tmp_path))], cwd=REPO, env={**env, "INSPECTOR_BENCH": "import"},
                                  capture_output=True, text=True, timeout=600)
        assert imported.returncode == 0, imported.stderr
        outputs = [w.communicate(timeout=900)[0].decode(errors="replace") for w in workers]
        assert [w.returncode for w in workers] == [0] * BENCHES, "\n".join(outputs)
    finally:
        stop.touch()
        for process in (*workers, reader):
            if process.poll() is None:
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
    assert reader.returncode == 0, reader.communicate()[0]

    reports = [json.loads((tmp_path / f"bench-{i}.json").read_text()) for i in range(BENCHES)]
    signed = Counter(s["case"] for r in reports for s in r["signed"])
    planned = {c["case"] for c in case_plan()}
    assert set(signed) == planned and set(signed.values()) == {1}   # every case signed once, by one bench
    assert 0 < signed_before_import < CASES   # the import started mid-way: the rest were signed while it ran

    with ws.session_factory() as session:
        rows = session.execute(select(CaseRow.case_number, CaseRow.state, CaseRow.claimed_by, VerdictRow.inspector)
                               .join(VerdictRow, VerdictRow.case_id == CaseRow.id)).all()
        assert sorted(r.case_number for r in rows) == sorted(planned)
        assert {(r.state, r.claimed_by) for r in rows} == {("decided", None)}   # no claim outlives its case
        owner = {r.case_number: r.inspector for r in rows}
        workers_of = {number: {who for who, in session.execute(
            select(CasePhoto.taken_by).join(CaseRow, CaseRow.id == CasePhoto.case_id)
            .where(CaseRow.case_number == number).union(
                select(ChecklistAnswer.answered_by).join(CaseRow, CaseRow.id == ChecklistAnswer.case_id)
                .where(CaseRow.case_number == number)))} for number in planned}
        assert all(workers_of[n] == {owner[n]} for n in planned), workers_of   # no case had two owners
        entries = session.execute(select(LedgerEntry.kind, LedgerEntry.subject)).all()
    assert Counter(subject for kind, subject in entries if kind == "verdict") == Counter(planned)
    assert [subject for kind, subject in entries if kind == "pack_import"] == [BRAND, BRAND]
    check = verify_ledger(ws.session_factory)
    assert check.intact, check.reason

    seen = json.loads((tmp_path / "reader.json").read_text())
    with ws.session_factory() as session:
        versions = {p.version for b in list_library(session) if b.slug == BRAND for p in b.packs}
    assert set(seen["seen"]) == versions == {first_version, NEWER}, seen
    shapes = [shape for per_version in seen["seen"].values() for shape in per_version]
    assert len(shapes) == len(seen["seen"]) and all(s == shapes[0] for s in shapes), seen   # never half a pack
    ws.close()
