"""The automation path end to end: ``inspect --report`` signs and records, ``verify`` checks it all.

Real demo library, real users and keys, real PDF signed with pyHanko, checked by
``verify`` (and by poppler's pdfsig in tests/reports/test_signing.py).
"""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from inspector_app.cli import main
from inspector_app.workstation import RESOURCES_DIR
from tests.inspector_app.conftest import photo_args, point_at

DEMO = RESOURCES_DIR / "demo"
TRUTH = json.loads((DEMO / "samples" / "ground_truth.json").read_text())
ITEM = next(i for i in TRUTH["items"] if i["brand"] == "maison-aurel" and i["expected_verdict"] == "FAIL")
CHECKS_NOT_TIED = 'dust-bag = "pass"\nno-glue = "pass"\nedge-paint = "pass"\n'


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A set-up workstation: demo library, organisation, admin and inspector ann."""
    home = tmp_path_factory.mktemp("sign-home")
    mp = pytest.MonkeyPatch()
    point_at(mp, home)
    assert main(["library", "import-demo"]) == 0
    mp.setattr("sys.stdin", io.StringIO("admin-secret\n"))
    assert main(["admin", "init", "--org", "Test Authentication Centre", "--password-stdin"]) == 0
    mp.setattr("sys.stdin", io.StringIO("admin-secret\nann-secret\n"))
    assert main(["users", "add", "ann", "--role", "inspector", "--display-name", "Ann Smith", "--as", "admin",
                 "--password-stdin"]) == 0
    mp.setattr("sys.stdin", io.StringIO("admin-secret\nbob-secret\n"))
    assert main(["users", "add", "bob", "--role", "supervisor", "--as", "admin", "--password-stdin"]) == 0
    mp.setattr("sys.stdin", io.StringIO("admin-secret\npat-secret\n"))
    assert main(["users", "add", "pat", "--role", "brand-partner", "--brand", "kestrel-athletics", "--as", "admin",
                 "--password-stdin"]) == 0
    yield home
    mp.undo()


@pytest.fixture
def env(home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return point_at(monkeypatch, home)


def sign(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, case: str, answers: str, password: str = "ann-secret",
         inspector: str = "ann") -> int:
    (tmp_path / "answers.toml").write_text(answers)
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(["inspect", "--brand", ITEM["brand"], "--model", ITEM["model"], *photo_args(ITEM), "--case", case,
                 "--report", str(tmp_path / "report.pdf"), "--inspector", inspector, "--password-stdin",
                 "--answers", str(tmp_path / "answers.toml"), "--json", str(tmp_path / "result.json")])


def test_signed_report_verifies_and_tampering_is_caught(env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert sign(monkeypatch, tmp_path, "CASE-1", CHECKS_NOT_TIED + 'lining = "pass"\n') == 0
    out = capsys.readouterr().out
    assert "signed FAIL report for case CASE-1 by ann" in out
    result = json.loads((tmp_path / "result.json").read_text())
    assert result["verdict"]["decision"] == "FAIL" and result["suggested_verdict"] == "FAIL"
    assert main(["verify", str(tmp_path / "report.pdf")]) == 0
    assert "valid: signed by Ann Smith (ann)" in capsys.readouterr().out

    pdf = (tmp_path / "report.pdf").read_bytes()
    flipped = bytearray(pdf)
    flipped[len(pdf) // 3] ^= 0x01
    (tmp_path / "flipped.pdf").write_bytes(bytes(flipped))
    (tmp_path / "appended.pdf").write_bytes(pdf + b"\n% appended\n")
    for name in ("flipped.pdf", "appended.pdf"):
        assert main(["verify", str(tmp_path / name)]) == 1
        assert "not valid" in capsys.readouterr().err

    # the ledger entry is edited in the database: the report no longer matches it
    db = sqlite3.connect(env / "inspector.sqlite3")
    seq = result["verdict"]["ledger_seq"]
    payload = json.loads(db.execute("select payload from ledger_entries where seq = ?", (seq,)).fetchone()[0])
    payload["decision"] = "PASS"
    db.execute("update ledger_entries set payload = ? where seq = ?", (json.dumps(payload), seq))
    db.commit()
    assert main(["verify", str(tmp_path / "report.pdf")]) == 1
    assert f"ledger entry {seq} of case 'CASE-1' was changed" in capsys.readouterr().err
    assert main(["audit", "verify"]) == 1
    db.execute("update ledger_entries set payload = ? where seq = ?",
               (json.dumps({**payload, "decision": "FAIL"}, sort_keys=True, separators=(",", ":")), seq))
    db.commit()
    assert main(["audit", "verify"]) == 0
    capsys.readouterr()
    # the verdict row itself is edited by hand: the ledger walk compares it with its entry
    db.execute("update verdicts set decision = 'PASS' where ledger_seq = ?", (seq,))
    db.commit()
    assert main(["audit", "verify"]) == 1
    assert "verdict row of case 'CASE-1' was changed: its decision" in capsys.readouterr().err
    db.execute("update verdicts set decision = 'FAIL' where ledger_seq = ?", (seq,))
    db.commit()
    assert main(["audit", "verify"]) == 0
    capsys.readouterr()
    # the verdict row is deleted by hand (the ORM refuses to): its ledger entry names the case that lost it
    db.execute("create temp table kept as select * from verdicts where ledger_seq = ?", (seq,))
    db.execute("delete from verdicts where ledger_seq = ?", (seq,))
    db.commit()
    assert main(["audit", "verify"]) == 1
    assert (f"ledger entry {seq} records the verdict of case 'CASE-1', whose verdict row was removed"
            in capsys.readouterr().err)
    db.execute("insert into verdicts select * from kept")   # put back for the module's later tests
    db.commit()
    db.close()
    assert main(["audit", "verify"]) == 0


def test_incomplete_checklist_exits_2_listing_and_keeps_the_case_open(
        env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert sign(monkeypatch, tmp_path, "CASE-2", 'dust-bag = "pass"\n') == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "kept open" in err
    assert "'no-glue' is not answered" in err and "'lining' is not answered" in err
    assert not (tmp_path / "report.pdf").exists()
    # completed later, the same case carries on with its stored photos
    assert sign(monkeypatch, tmp_path, "CASE-2", CHECKS_NOT_TIED + 'lining = "pass"\n') == 0
    assert main(["verify", str(tmp_path / "report.pdf")]) == 0


@pytest.mark.parametrize("password, inspector, message", [
    ("wrong", "ann", "password"),
    ("admin-secret", "admin", "may not"),   # an admin manages the bench; only inspectors and supervisors sign
    ("bob-secret", "bob", None),
])
def test_who_may_sign(env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                      password: str, inspector: str, message: str | None) -> None:
    case = f"CASE-3-{inspector}-{password}"
    code = sign(monkeypatch, tmp_path, case, CHECKS_NOT_TIED + 'lining = "pass"\n', password, inspector)
    err = capsys.readouterr().err
    if message is None:
        assert code == 0
        return
    assert code == 2 and message in err and err.count("\n") == 1
    assert not (tmp_path / "report.pdf").exists()
    # nothing was recorded: the case was never opened
    db = sqlite3.connect(env / "inspector.sqlite3")
    assert db.execute("select count(*) from cases where case_number = ?", (case,)).fetchone()[0] == 0
    db.close()


def test_bad_answers_file_changes_nothing(env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert sign(monkeypatch, tmp_path, "CASE-4", 'dust-bag = "maybe"\n') == 2
    assert "answer must be one of pass, fail, na" in capsys.readouterr().err
    db = sqlite3.connect(env / "inspector.sqlite3")
    assert db.execute("select count(*) from cases where case_number = 'CASE-4'").fetchone()[0] == 0
    db.close()


def test_verify_without_organisation_or_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    point_at(monkeypatch, tmp_path / "fresh")
    assert main(["verify", str(tmp_path / "absent.pdf")]) == 2
    (tmp_path / "junk.pdf").write_bytes(b"%PDF-1.7 junk")
    assert main(["verify", str(tmp_path / "junk.pdf")]) == 1
    assert "not set up" in capsys.readouterr().err


def test_library_changes_are_checked_and_recorded(env: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    packs = DEMO / "packs"
    monkeypatch.setenv("INSPECTOR_PASSWORD", "pat-secret")
    assert main(["library", "import", str(packs / "maison-aurel"), "--force", "--as", "pat"]) == 2
    assert "may not" in capsys.readouterr().err
    assert main(["library", "import", str(packs / "kestrel-athletics"), "--force", "--as", "pat"]) == 0
    monkeypatch.setenv("INSPECTOR_PASSWORD", "ann-secret")
    assert main(["library", "import", str(packs / "kestrel-athletics"), "--force", "--as", "ann"]) == 2
    db = sqlite3.connect(env / "inspector.sqlite3")
    imports = db.execute("select actor, subject from ledger_entries where kind = 'pack_import' order by seq").fetchall()
    db.close()
    assert ("pat", "kestrel-athletics") == imports[-1]
    assert {subject for _, subject in imports} == {"maison-aurel", "kestrel-athletics"}   # the demo import too
    assert main(["audit", "verify"]) == 0
