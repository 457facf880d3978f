"""``inspector-app inspect`` on the demo library: the JSON contract, clones, and refusals."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pytest

from inspector_app.cli import main
from inspector_app.services import inspection
from inspector_app.services.inspection import InspectRequest
from inspector_app.settings import Settings
from inspector_app.workstation import RESOURCES_DIR, Workstation
from reference_library.importer import import_pack
from tests.conftest import SAMPLES, PackFactory
from tests.inspector_app.conftest import photo_args, point_at

DEMO = RESOURCES_DIR / "demo"
TRUTH = json.loads((DEMO / "samples" / "ground_truth.json").read_text())


def item(item_id: str) -> dict:  # type: ignore[type-arg]
    return next(i for i in TRUTH["items"] if i["id"] == item_id)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data home with the demo library imported (references prepared once for the module)."""
    home = tmp_path_factory.mktemp("inspect-home")
    mp = pytest.MonkeyPatch()
    point_at(mp, home)
    assert main(["library", "import-demo"]) == 0
    yield home
    mp.undo()


@pytest.fixture
def env(home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return point_at(monkeypatch, home)


def inspect(capsys: pytest.CaptureFixture[str], it: dict, out: Path | None, *extra: str) -> tuple[int, str, str]:  # type: ignore[type-arg]
    args = ["inspect", "--brand", it["brand"], "--model", it["model"], *photo_args(it), *extra]
    if out is not None:
        args += ["--json", str(out)]
    code = main(args)
    o, e = capsys.readouterr()
    return code, o, e


def test_json_has_the_documented_shape(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    it = item("maison-aurel/a01")
    code, out, _ = inspect(capsys, it, tmp_path / "r.json", "--case", "shape-test")
    assert code == 0 and out.startswith("maison-aurel city-tote: suggested ")
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["brand"] == "maison-aurel" and result["model"] == "city-tote"
    assert result["suggested_verdict"] in {"PASS", "FAIL", "INCONCLUSIVE"}
    assert isinstance(result["timings_ms"]["total"], float)
    assert [z["zone"] for z in result["zones"]] == [z["zone"] for z in it["zones"]]
    store = Workstation.open(Settings.from_environment()).store
    for zone in result["zones"]:
        assert zone["status"] in {"pass", "fail", "inconclusive"} and 0.0 <= zone["score"] <= 1.0
        assert zone["kind"] in {"logo", "stitching", "hardware", "code", "texture"}
        assert zone["findings"], zone
        for f in zone["findings"]:
            assert set(f) == {"metric", "value", "expected", "passed", "message"} and f["message"]
        assert zone["photo_sha256"] in store
        for ev in zone["evidence"]:
            assert ev["sha256"] in store
    assert result["judged_against"]["pack_version"] == "2026.11.0"
    # what a replay needs besides the pack and the algorithm: the numeric libraries' versions
    assert result["judged_against"]["libraries"]["opencv-python-headless"].startswith(cv2.__version__)


def test_aligned_zones_carry_the_shipped_models_second_opinion(env: Path, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    card = json.loads(next((RESOURCES_DIR / "models").glob("*.json")).read_text())
    it = item("maison-aurel/a01")
    assert inspect(capsys, it, tmp_path / "r.json")[0] == 0
    result = json.loads((tmp_path / "r.json").read_text())
    models = result["judged_against"]["models"]
    assert models == {card["sha256"]: {"name": card["name"], "version": card["version"],
                                       "threshold": card["threshold"], "kinds": card["kinds"]}}
    for zone in result["zones"]:
        opinion = zone["second_opinion"]
        if zone["kind"] not in card["kinds"] or zone["status"] == "inconclusive" and opinion is None:
            continue     # not served, or the photo was not aligned
        assert opinion["model_sha256"] == card["sha256"] and 0.0 <= opinion["p_authentic"] <= 1.0
        finding = next(f for f in zone["findings"] if f["metric"] == "classifier_p_authentic")
        assert finding["value"] == opinion["p_authentic"] and finding["passed"] == (opinion["p_authentic"] >= card["threshold"])
    assert any(z["second_opinion"] for z in result["zones"])


def test_cloned_serial_is_caught_across_cases(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clone = next(i for i in TRUTH["items"] if any(z["tell"] == "clone" for z in i["zones"]))
    zone = next(z for z in clone["zones"] if z["tell"] == "clone")
    original = item(zone["clone_of"])
    assert inspect(capsys, original, None, "--case", original["id"])[0] == 0
    code, out, _ = inspect(capsys, original, None, "--case", original["id"])  # same case again: no alert
    assert "Possible clone" not in out
    code, out, _ = inspect(capsys, clone, None, "--case", clone["id"])
    assert code == 0 and "suggested FAIL" in out
    assert f"Possible clone: serial {zone['serial']} was already seen on case {original['id']}" in out


def test_a_serial_read_from_a_rejected_shot_still_catches_its_clone(env: Path, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """The original's tag shot is overexposed: its zone is a retake, but the tag read, so the
    clone inspected later is still caught."""
    clone = next(i for i in TRUTH["items"] if i["brand"] == "kestrel-athletics"
                 and any(z["tell"] == "clone" for z in i["zones"]))
    zone = next(z for z in clone["zones"] if z["tell"] == "clone")
    original = item(zone["clone_of"])
    bright = tmp_path / "overexposed-tag.jpg"
    cv2.imwrite(str(bright), cv2.convertScaleAbs(cv2.imread(str(DEMO / f"samples/{original['id']}/{zone['zone']}.jpg")),
                                                 alpha=2.0))
    photos = [a.replace(str(DEMO / f"samples/{original['id']}/{zone['zone']}.jpg"), str(bright))
              for a in photo_args(original)]
    assert str(bright) in " ".join(photos)
    assert main(["inspect", "--brand", original["brand"], "--model", original["model"], *photos,
                 "--case", "overexposed-original", "--json", str(tmp_path / "o.json")]) == 0
    capsys.readouterr()
    tag = next(z for z in json.loads((tmp_path / "o.json").read_text())["zones"] if z["zone"] == zone["zone"])
    assert tag["status"] == "inconclusive" and tag["retake"].startswith("Overexposed")
    assert f"Serial code read: {zone['serial']}" in [f["message"] for f in tag["findings"]]

    code, out, _ = inspect(capsys, clone, None, "--case", "clone-after-overexposed")
    assert code == 0 and "suggested FAIL" in out
    assert f"Possible clone: serial {zone['serial']} was already seen on case overexposed-original" in out


@pytest.mark.parametrize("change,message", [
    (lambda a: [x.replace("maison-aurel", "nobody") if x == "maison-aurel" else x for x in a],
     "brand 'nobody' is not in the library"),
    (lambda a: [x.replace("city-tote", "weekender") if x == "city-tote" else x for x in a],
     "brand 'maison-aurel' has no model 'weekender' (models: city-tote)"),
    (lambda a: a + ["--photo", "strap=/dev/null"], "model 'city-tote' has no zone 'strap'"),
    (lambda a: [x for i, x in enumerate(a) if "front-logo=" not in x and "front-logo=" not in (a + [""])[i + 1]],
     "no photo for the critical zone 'front-logo'"),
])
def test_bad_requests_exit_2_with_one_line(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           change, message: str) -> None:  # type: ignore[no-untyped-def]
    it = item("maison-aurel/a01")
    args = change(["inspect", "--brand", "maison-aurel", "--model", "city-tote", *photo_args(it)])
    code = main([*args, "--json", str(tmp_path / "r.json")])
    _, err = capsys.readouterr()
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "r.json").exists()


@pytest.mark.parametrize("content,message", [
    (b"this is not a photo", "is unusable: not a readable image"),
    (None, "cannot read the photo"),
])
def test_unreadable_photo(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None,
                          message: str) -> None:
    it = item("maison-aurel/a01")
    bad = tmp_path / "logo.jpg"
    if content is not None:
        bad.write_bytes(content)
    args = [a if not a.startswith("front-logo=") else f"front-logo={bad}" for a in photo_args(it)]
    code = main(["inspect", "--brand", "maison-aurel", "--model", "city-tote", *args, "--json", str(tmp_path / "r.json")])
    _, err = capsys.readouterr()
    assert code == 2 and "front-logo" in err and message in err
    assert not (tmp_path / "r.json").exists()


def test_malformed_photo_argument(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["inspect", "--brand", "b", "--model", "m", "--photo", "no-equals-sign"])
    assert exit_info.value.code == 2 and "expected ZONE=PATH" in capsys.readouterr().err


def test_a_zone_whose_references_cannot_be_prepared_is_inconclusive(workstation: Workstation,
                                                                   make_pack: PackFactory) -> None:
    """Two unrelated logos as one zone's references cannot be aligned with each other: that zone is
    judged by eye (inconclusive, saying why), the photo is kept, and the item is not lost to an error."""
    import_pack(make_pack(), session_factory=workstation.session_factory, store=workstation.store)
    photos = {"front-logo": SAMPLES / "LinuxLogo.jpg", "handle-stitching": SAMPLES / "LinuxLogo.jpg",
              "serial-tag": SAMPLES / "box.png"}
    result = workstation.inspection().inspect(InspectRequest("test-maison", "city-tote", photos))
    logo_zone = next(z for z in result.zones if z.zone.id == "front-logo")
    assert logo_zone.analysis.status.value == "inconclusive" and logo_zone.photo_sha256 in workstation.store
    finding = logo_zone.analysis.findings[0]
    assert finding.metric == "references" and "could not be aligned" in finding.message
    assert result.verdict.value != "FAIL"


def test_zones_judged_side_by_side_come_out_as_judged_one_at_a_time(env: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine's zones are independent: on several threads an item's zones are judged as on one,
    findings in the zones' order, and the serial code's clone check still runs (on the caller's
    thread, where the database is)."""
    it = item("kestrel-athletics/c04")
    photos = {z["zone"]: DEMO / z["photo"] for z in it["zones"]}
    ws = Workstation.open(Settings.from_environment())
    try:
        results = {}
        for workers in (1, 4):
            monkeypatch.setattr(inspection, "zone_workers", lambda zones, cap: min(zones, cap))
            service = ws.inspection()
            service.max_zone_workers = workers
            results[workers] = service.inspect(InspectRequest(it["brand"], it["model"], photos))
    finally:
        ws.close()
    one, side_by_side = results[1], results[4]
    assert side_by_side.verdict == one.verdict
    assert [z.zone.id for z in side_by_side.zones] == [z.zone.id for z in one.zones] == [z["zone"] for z in it["zones"]]
    for a, b in zip(one.zones, side_by_side.zones):
        assert (a.analysis.status, a.photo_sha256) == (b.analysis.status, b.photo_sha256)
        assert [(f.metric, f.passed) for f in a.analysis.findings] == [(f.metric, f.passed) for f in b.analysis.findings]
        for fa, fb in zip(a.analysis.findings, b.analysis.findings):
            if isinstance(fa.value, float):     # the last bits may differ, as between runs on one core and two
                assert fb.value == pytest.approx(fa.value, rel=1e-5, abs=1e-9)
            else:
                assert fb.value == fa.value
    code = next(z for z in side_by_side.zones if z.zone.kind == "code")
    assert any(f.metric == "serial_unique" for f in code.analysis.findings)
