"""``inspector-app admin init``, ``users ...`` and ``audit verify`` as an admin runs them."""

from __future__ import annotations

import io
import json
import sqlite3
import stat
from pathlib import Path

import pytest

from inspector_app.cli import main
from tests.inspector_app.conftest import point_at

Run = tuple[int, str, str]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return point_at(monkeypatch, tmp_path)


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, stdin: str, *argv: str) -> Run:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def org(home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A set-up workstation with admin 'root' (password root-pw) and inspector 'ann' (ann-pw)."""
    code, out, err = run(capsys, monkeypatch, "root-pw\n", "admin", "init", "--org", "Acme", "--admin", "root",
                         "--password-stdin")
    assert code == 0, err
    assert "certificate authority created" in out
    code, out, err = run(capsys, monkeypatch, "root-pw\nann-pw\n", "users", "add", "ann", "--role", "inspector",
                         "--display-name", "Ann Example", "--as", "root", "--password-stdin")
    assert code == 0 and out.startswith("added inspector ann, signing certificate "), err
    return home


def users_json(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    code, out, err = run(capsys, monkeypatch, "root-pw\n", "users", "list", "--json", "--as", "root")
    assert code == 0, err
    return json.loads(out)


def ledger_rows(home: Path) -> int:
    with sqlite3.connect(home / "inspector.sqlite3") as db:
        return db.execute("SELECT count(*) FROM ledger_entries").fetchone()[0]


def test_admin_init_creates_the_authority_once(org: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    key = org / "keys" / "ca-key.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    code, _, err = run(capsys, monkeypatch, "x\n", "admin", "init", "--org", "Other", "--password-stdin")
    assert code == 2 and err.strip() == "inspector-app: this workstation is already set up for 'Acme'"


def test_users_add_list_disable_passwd(org: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(capsys, monkeypatch, "root-pw\nbob-pw\n", "users", "add", "bob", "--role", "brand-partner",
                       "--brand", "maison-aurel", "--brand", "kestrel-athletics", "--as", "root", "--password-stdin")
    assert code == 0 and out.strip() == "added brand partner bob"
    listed = {u["username"]: u for u in users_json(capsys, monkeypatch)}
    assert listed["bob"]["brands"] == ["maison-aurel", "kestrel-athletics"] and listed["bob"]["cert_serial"] is None
    assert listed["ann"]["role"] == "inspector" and listed["ann"]["cert_serial"]

    monkeypatch.setenv("INSPECTOR_PASSWORD", "root-pw")   # the acting password from the environment instead
    code, out, _ = run(capsys, monkeypatch, "", "users", "role", "bob", "--role", "brand-partner",
                       "--brand", "maison-aurel", "--as", "root")
    assert code == 0 and out.strip() == "bob is now brand-partner"
    code, out, _ = run(capsys, monkeypatch, "", "users", "disable", "bob", "--as", "root")
    assert code == 0 and out.strip() == "disabled brand partner bob"
    code, out, _ = run(capsys, monkeypatch, "ann-new\n", "users", "passwd", "ann", "--as", "root", "--password-stdin")
    assert code == 0 and "new signing certificate issued" in out
    monkeypatch.delenv("INSPECTOR_PASSWORD")
    code, out, _ = run(capsys, monkeypatch, "ann-new\nann-newer\n", "users", "passwd", "ann", "--as", "ann",
                       "--password-stdin")
    assert code == 0 and "signing key re-protected" in out
    listed_after = {u["username"]: u for u in users_json(capsys, monkeypatch)}
    assert listed_after["bob"]["disabled"] and listed_after["ann"]["cert_serial"] != listed["ann"]["cert_serial"]
    code, out, _ = run(capsys, monkeypatch, "", "audit", "verify")
    # org_init, 3 user_add, role, disable, 2 passwd; and the bundled model's install when the workstation first opened
    assert code == 0 and out.strip() == "ledger intact: 9 entries"


def test_wrong_password_exits_2_and_changes_nothing(org: Path, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    before, entries = users_json(capsys, monkeypatch), ledger_rows(org)
    code, out, err = run(capsys, monkeypatch, "guess\ncarl-pw\n", "users", "add", "carl", "--role", "inspector",
                         "--as", "root", "--password-stdin")
    assert (code, out, err.strip()) == (2, "", "inspector-app: wrong user name or password")
    code, _, err = run(capsys, monkeypatch, "guess\nnew\n", "users", "passwd", "ann", "--as", "ann",
                       "--password-stdin")
    assert code == 2 and "wrong user name or password" in err
    code, _, err = run(capsys, monkeypatch, "", "users", "list", "--as", "root")
    assert code == 2 and "expected the password of 'root'" in err
    assert users_json(capsys, monkeypatch) == before and ledger_rows(org) == entries


def test_roles_are_refused(org: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run(capsys, monkeypatch, "ann-pw\neve-pw\n", "users", "add", "eve", "--role", "admin",
                       "--as", "ann", "--password-stdin")
    assert code == 2 and err.strip() == "inspector-app: inspector ann may not manage users"
    code, _, err = run(capsys, monkeypatch, "root-pw\nx\n", "users", "add", "dan", "--role", "brand-partner",
                       "--as", "root", "--password-stdin")
    assert code == 2 and "needs at least one brand" in err
    assert [u["username"] for u in users_json(capsys, monkeypatch)] == ["ann", "root"]


@pytest.mark.parametrize("tampering", [
    "UPDATE ledger_entries SET actor = 'mallory' WHERE seq = 2",
    "DELETE FROM ledger_entries WHERE seq = 2",
])
def test_audit_verify_names_the_first_broken_entry(org: Path, tampering: str, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(capsys, monkeypatch, "", "audit", "verify")[0] == 0
    with sqlite3.connect(org / "inspector.sqlite3") as db:
        db.execute(tampering)
    code, _, err = run(capsys, monkeypatch, "", "audit", "verify")
    assert code == 1 and err.startswith("ledger broken at entry 2: ")
