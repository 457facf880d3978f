"""The demo generator makes what the engine will be judged against: check it is right."""

from __future__ import annotations

import base64
import json
import re
import tomllib
from pathlib import Path

import cv2
import numpy as np
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from tools.demogen.codes import brand_key, public_pem
from tools.demogen.designs import KESTREL_ATHLETICS, MAISON_AUREL, random_design
from tools.demogen.library import Layout, build
from tools.demogen.packs import tolerances
from tools.demogen.photos import PhotoJob, make_photo
from tools.demogen.tells import apply_tell, delta_e

TINY = Layout(photo_size=(640, 480), reference_size=(480, 360), references_per_zone=1,
              counterfeits_per_zone=1, authentic_items=1, counterfeit_items=2, bad_photo_items=1)
SEED = 5


@pytest.fixture(scope="module")
def heldout(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("heldout")
    design = random_design(np.random.default_rng(11))
    truth = build([design], out, seed=SEED, layout=TINY, workers=1)
    return out, truth


def _decode(data: bytes) -> np.ndarray:
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert img is not None
    return img


def test_pack_toml_parses_and_has_every_zone_kind(heldout: tuple[Path, dict]) -> None:
    out, truth = heldout
    pack_dir = out / truth["packs"][0]["path"]
    pack = tomllib.loads((pack_dir / "pack.toml").read_text(encoding="utf-8"))
    assert pack["pack"]["format"] == 1
    assert re.fullmatch(r"[a-z0-9-]+", pack["pack"]["brand"])
    assert {z["kind"] for z in pack["zone"]} == {"logo", "stitching", "hardware", "code", "texture"}
    assert 8 <= len(pack["check"]) <= 12
    assert any("zone" not in c for c in pack["check"])
    for zone in pack["zone"]:
        assert zone["model"] == pack["model"][0]["id"]
        for glob in zone["references"] + zone["counterfeits"]:
            assert list(pack_dir.glob(glob)), glob
    code = next(z for z in pack["zone"] if z["kind"] == "code")
    load_pem_public_key((pack_dir / code["tolerances"]["public_key"]).read_bytes())
    stitching = next(z for z in pack["zone"] if z["kind"] == "stitching")
    lo, hi = stitching["tolerances"]["pitch_mm"]
    assert 0 < lo < hi


def test_ground_truth_agrees_with_files_on_disk(heldout: tuple[Path, dict]) -> None:
    out, truth = heldout
    listed = {z["photo"] for item in truth["items"] for z in item["zones"]}
    on_disk = {p.relative_to(out).as_posix() for p in (out / "samples").rglob("*.jpg")}
    assert listed == on_disk
    for photo in truth["packs"][0]["photos"]:
        assert (out / photo["photo"]).is_file()
    for item in truth["items"]:
        assert len(item["zones"]) == 5
        fails = [z for z in item["zones"] if z["expected_status"] == "fail"]
        assert (item["truth"] == "counterfeit") == bool(fails)
        for z in item["zones"]:
            assert (z["tell"] is not None) == (z["truth"] == "counterfeit")
            assert (z["defect"] is not None) == (z["expected_status"] == "inconclusive")
        if any(z["critical"] for z in fails):
            assert item["expected_verdict"] == "FAIL"
        elif all(z["expected_status"] == "pass" for z in item["zones"]):
            assert item["expected_verdict"] == "PASS"
        else:
            assert item["expected_verdict"] == "INCONCLUSIVE"
    first = truth["items"][0]["zones"][0]
    h, w = _decode((out / first["photo"]).read_bytes()).shape[:2]
    assert [w, h] == truth["photo_size"] == [first["capture"]["width"], first["capture"]["height"]]
    clones = [z for item in truth["items"] for z in item["zones"] if z["tell"] == "clone"]
    for z in clones:
        source = next(i for i in truth["items"] if i["id"] == z["clone_of"])
        assert source["truth"] == "authentic"
        assert z["serial"] in {s["serial"] for s in source["zones"]}


def test_same_seed_gives_same_library(heldout: tuple[Path, dict], tmp_path: Path) -> None:
    out, truth = heldout
    design = random_design(np.random.default_rng(11))
    again = build([design], tmp_path, seed=SEED, layout=TINY, workers=1)
    assert json.dumps(again, sort_keys=True) == json.dumps(truth, sort_keys=True)
    photo = truth["items"][-1]["zones"][2]["photo"]
    assert (tmp_path / photo).read_bytes() == (out / photo).read_bytes()


def test_aruco_marker_measures_20_mm_in_a_stitching_photo() -> None:
    zone = MAISON_AUREL.zone("handle-stitching")
    result = make_photo(PhotoJob("test/stitching", 1, MAISON_AUREL, zone, (1280, 960), 12.0))
    img = _decode(result.jpeg)
    detector = cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50))
    corners, ids, _ = detector.detectMarkers(img)
    assert ids is not None and ids.ravel().tolist() == [result.measured["marker_id"]]
    H = np.asarray(result.capture["homography"])
    flat = cv2.perspectiveTransform(corners[0].astype(np.float64), np.linalg.inv(H))[0]
    sides_mm = np.linalg.norm(flat - np.roll(flat, -1, axis=0), axis=1) / 12.0
    assert np.allclose(sides_mm, 20.0, atol=0.3), sides_mm
    assert np.allclose(flat, result.measured["marker_corners_flat_px"], atol=3.0)


def _decode_qr(jpeg: bytes) -> str:
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(_decode(jpeg))
    assert text, "QR code not decoded"
    return text


def _verify(payload: str, pem: bytes) -> None:
    serial, sig = payload.split(".")
    signature = base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))
    load_pem_public_key(pem).verify(signature, serial.encode("utf-8"))  # type: ignore[union-attr]


def test_qr_payload_decodes_and_verifies_and_bad_signature_does_not() -> None:
    pem = public_pem(brand_key(KESTREL_ATHLETICS.key_seed))
    zone = KESTREL_ATHLETICS.zone("size-tag")
    good = make_photo(PhotoJob("test/code-good", 2, KESTREL_ATHLETICS, zone, (1280, 960), 12.0,
                               serial="KA-12B-34567"))
    payload = _decode_qr(good.jpeg)
    assert payload == good.measured["payload"]
    assert re.fullmatch(KESTREL_ATHLETICS.serial.pattern, payload.split(".")[0])
    _verify(payload, pem)
    bad = make_photo(PhotoJob("test/code-bad", 2, KESTREL_ATHLETICS, zone, (1280, 960), 12.0,
                              tell="bad_signature", serial="KA-12B-34567"))
    assert bad.measured["signature_valid"] is False
    with pytest.raises(InvalidSignature):
        _verify(_decode_qr(bad.jpeg), pem)


@pytest.mark.parametrize("seed", range(5))
def test_measurable_tells_leave_the_tolerances(seed: int) -> None:
    rng = np.random.default_rng(seed)
    zone = MAISON_AUREL.zone("handle-stitching")
    lo, hi = tolerances(MAISON_AUREL, zone)["pitch_mm"]
    fake = apply_tell(MAISON_AUREL, "stitching", "pitch", rng)
    assert not lo <= fake.stitching.pitch_mm <= hi
    brass = apply_tell(MAISON_AUREL, "hardware", "metal_colour", rng)
    assert 7.9 <= delta_e(MAISON_AUREL.hardware.metal_lab, brass.hardware.metal_lab) <= 15.1
