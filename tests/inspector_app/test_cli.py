"""The library commands as a user types them: exit codes, messages, nothing half-written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from inspector_app.cli import main
from tests.conftest import PackFactory


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INSPECTOR_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("INSPECTOR_DB_URL", raising=False)
    return tmp_path / "home"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_list_export_validate(capsys: pytest.CaptureFixture[str], make_pack: PackFactory,
                                     tmp_path: Path) -> None:
    pack = make_pack()
    code, out, _ = run(capsys, "library", "validate", str(pack))
    assert code == 0 and out.startswith("valid: test-maison 2026.11.0")

    code, out, _ = run(capsys, "library", "import", str(pack))
    assert code == 0 and "imported test-maison 2026.11.0" in out and "now current" in out

    code, out, _ = run(capsys, "library", "list")
    assert code == 0
    assert "test-maison  Test Maison" in out and "2026.11.0  (current)" in out
    assert "front-logo" in out and "2 references, 1 counterfeits" in out

    code, out, _ = run(capsys, "library", "list", "--json")
    (brand,) = json.loads(out)
    assert brand["current_version"] == "2026.11.0"
    assert brand["versions"][0]["models"][0]["zones"][0] == {
        "zone": "front-logo", "kind": "logo", "critical": True, "references": 2, "counterfeits": 1}

    code, out, _ = run(capsys, "library", "export", "test-maison", str(tmp_path / "x.zip"))
    assert code == 0 and zipfile.is_zipfile(tmp_path / "x.zip")


def test_invalid_pack_exit_2_with_every_problem(capsys: pytest.CaptureFixture[str], make_pack: PackFactory,
                                                home: Path) -> None:
    pack = make_pack()
    text = (pack / "pack.toml").read_text().replace('kind = "logo"', 'kind = "emblem"').replace(
        "pitch_mm = [3.6, 4.4]", "pitch_mm = [4.4, 3.6]")
    (pack / "pack.toml").write_text(text)
    for command in ("validate", "import"):
        code, out, err = run(capsys, "library", command, str(pack))
        assert code == 2 and out == ""
        assert "invalid pack: 2 problems" in err and "unknown kind 'emblem'" in err and "range is reversed" in err
    code, out, _ = run(capsys, "library", "list")
    assert "the library is empty" in out


def test_reimport_and_force(capsys: pytest.CaptureFixture[str], make_pack: PackFactory) -> None:
    pack = make_pack()
    assert run(capsys, "library", "import", str(pack))[0] == 0
    code, _, err = run(capsys, "library", "import", str(pack))
    assert code == 2 and "already in the library" in err and "--force" in err
    code, out, _ = run(capsys, "library", "import", "--force", str(pack))
    assert code == 0 and "revision 2" in out


def test_unknown_brand_on_export(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "library", "export", "nobody", str(tmp_path / "x.zip"))
    assert code == 2 and err.strip() == "inspector-app: brand 'nobody' is not in the library (brands: none)"
    assert not (tmp_path / "x.zip").exists()


def test_missing_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "library", "import", str(tmp_path / "nope"))
    assert code == 2 and "no such file or directory" in err


def test_console_script_usage_error_exits_2(home: Path) -> None:
    exe = Path(sys.executable).with_name("inspector-app")
    proc = subprocess.run([str(exe), "library", "frobnicate"], capture_output=True, text=True,
                          env={**os.environ, "INSPECTOR_HOME": str(home)}, timeout=60)
    assert proc.returncode == 2 and "invalid choice: 'frobnicate'" in proc.stderr


def test_bundled_demo_library_imports(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "library", "import-demo", "--if-empty")
    assert code == 0
    assert "imported kestrel-athletics 2026.11.0" in out and "imported maison-aurel 2026.11.0" in out
    code, out, _ = run(capsys, "library", "import-demo", "--if-empty")
    assert code == 0 and out == ""  # not empty any more: nothing to do
    code, out, _ = run(capsys, "library", "list", "--json")
    brands = {b["brand"]: b for b in json.loads(out)}
    for brand in brands.values():
        (model,) = brand["versions"][0]["models"]
        assert {z["kind"] for z in model["zones"]} == {"logo", "stitching", "hardware", "code", "texture"}
        assert all(z["references"] >= 1 for z in model["zones"])


def test_suggest_names_the_brand_of_a_logo_photo(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(capsys, "library", "import-demo")[0] == 0
    photo = Path(__file__).resolve().parents[2] / "resources/demo/samples/kestrel-athletics/a01/tongue-logo.jpg"
    code, out, _ = run(capsys, "library", "suggest", str(photo), "--top", "2")
    assert code == 0 and out.splitlines()[0].startswith("1. Kestrel Athletics (kestrel-athletics) / ")
    code, out, _ = run(capsys, "library", "suggest", str(photo), "--json")
    first = json.loads(out)["suggestions"][0]
    assert code == 0 and (first["brand"], first["model"]) == ("kestrel-athletics", "stride-runner")
    (tmp_path / "cut.jpg").write_bytes(photo.read_bytes()[:2000])
    code, _, err = run(capsys, "library", "suggest", str(tmp_path / "cut.jpg"))
    assert code == 2 and err.count("\n") == 1 and "cut.jpg: photo not usable: " in err
