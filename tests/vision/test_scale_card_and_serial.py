"""Scale card measurement under perspective, and serial tags signed with Ed25519."""

from __future__ import annotations

import base64

import cv2
import numpy as np
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from vision.scale_card import ScaleCardMissing, find_scale_card
from vision.serial_code import Payload, load_public_key, parse_payload, pattern_matches, read_qr, signature_valid

PX_PER_MM = 10.0


def card_scene(marker_id: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """A 20 mm marker on a white card on a brown plane, plus two dots 60 mm apart (plane pixels)."""
    plane = np.full((700, 900, 3), (120, 80, 50), np.uint8)
    side = int(20 * PX_PER_MM)
    marker = cv2.aruco.generateImageMarker(cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50), marker_id, side)
    x0, y0, margin = 100, 100, 60
    plane[y0 - margin:y0 + side + margin, x0 - margin:x0 + side + margin] = 255
    plane[y0:y0 + side, x0:x0 + side] = marker[..., None]
    dots = np.float32([[450, 500], [450 + 60 * PX_PER_MM, 500]])
    for x, y in dots:
        cv2.circle(plane, (int(x), int(y)), 6, (20, 20, 20), -1)
    return plane, dots


def tilt(image: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[80, 40], [w - 30, 90], [w - 120, h - 20], [40, h - 100]])
    return cv2.getPerspectiveTransform(src, dst)


def test_scale_card_measures_under_perspective() -> None:
    plane, dots = card_scene()
    H = tilt(plane)
    photo = cv2.warpPerspective(plane, H, (plane.shape[1], plane.shape[0]), borderValue=(90, 90, 90))
    card = find_scale_card(photo)
    assert card, card
    assert card.marker_id == 3
    photo_dots = cv2.perspectiveTransform(dots.reshape(-1, 1, 2), H).reshape(-1, 2)
    mm = card.photo_to_mm(photo_dots)
    # 60 mm apart, measured 30 mm away from a 20 mm card under strong perspective.
    assert abs(float(np.linalg.norm(mm[1] - mm[0])) - 60.0) < 0.6
    white = card.white_reference(photo)
    assert white is not None and (white > 230).all()


def test_no_card() -> None:
    plane, _ = card_scene()
    plane[:400, :400] = (120, 80, 50)
    result = find_scale_card(plane)
    assert isinstance(result, ScaleCardMissing) and "20 mm card" in result.reason


def test_marker_outside_bench_ids_is_not_a_card() -> None:
    plane, _ = card_scene(marker_id=42)
    result = find_scale_card(plane)
    assert not result and "ids 0 to 9" in result.reason  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def brand_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


def sign(key: Ed25519PrivateKey, serial: str) -> str:
    sig = key.sign(serial.encode())
    return f"{serial}.{base64.urlsafe_b64encode(sig).rstrip(b'=').decode()}"


def qr_photo(text: str) -> np.ndarray:
    code = cv2.QRCodeEncoder.create().encode(text)
    code = cv2.resize(code, None, fx=8, fy=8, interpolation=cv2.INTER_NEAREST)
    code = cv2.copyMakeBorder(code, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=255)
    rgb = cv2.cvtColor(code, cv2.COLOR_GRAY2RGB)
    H = tilt(rgb)
    return cv2.warpPerspective(rgb, H, (rgb.shape[1], rgb.shape[0]), borderValue=(200, 190, 180))


def test_signed_serial_read_from_a_tilted_photo(brand_key: Ed25519PrivateKey) -> None:
    public = load_public_key(brand_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    read = read_qr(qr_photo(sign(brand_key, "MA-123456")))
    assert read is not None
    payload = parse_payload(read[0])
    assert payload.problem is None and payload.serial == "MA-123456"
    assert signature_valid(payload, public) and pattern_matches(payload.serial, "^MA-[0-9]{6}$")


def test_forged_and_altered_serials_fail(brand_key: Ed25519PrivateKey) -> None:
    public = brand_key.public_key()
    genuine = sign(brand_key, "MA-123456")
    altered = "MA-123457" + genuine[len("MA-123456"):]
    assert not signature_valid(parse_payload(altered), public)
    forger = Ed25519PrivateKey.generate()
    assert not signature_valid(parse_payload(sign(forger, "MA-123456")), public)
    assert not pattern_matches("MA-12345", "^MA-[0-9]{6}$")


@pytest.mark.parametrize("text,problem", [
    ("MA-123456", "no signature"),
    (".abc", "no serial"),
    ("MA-1.###", "not urlsafe base64"),
    ("MA-1.AAAA", "3 bytes"),
    ("x" * 600, "not a serial tag"),
])
def test_malformed_payloads(text: str, problem: str) -> None:
    assert problem in (parse_payload(text).problem or "")


def test_payload_with_lone_surrogates_is_malformed_not_a_crash(brand_key: Ed25519PrivateKey) -> None:
    # Found by tests/fuzz/test_fuzz_serial_payload.py: signature_valid raised UnicodeEncodeError.
    payload = parse_payload("MA-\udc80123." + "A" * 86)
    assert payload == Payload("MA-\\udc80123." + "A" * 32, None, "payload is not UTF-8 text")
    assert not signature_valid(payload, brand_key.public_key())


@given(st.text(max_size=700))
def test_payload_parser_never_raises(text: str) -> None:
    payload = parse_payload(text)
    assert (payload.problem is None) == (payload.signature is not None)


def test_unreadable_code_is_none() -> None:
    blank = np.full((300, 300, 3), 200, np.uint8)
    assert read_qr(blank) is None
