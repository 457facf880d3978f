"""Serial codes: a QR code whose payload is ``SERIAL.SIGNATURE``.

SIGNATURE is the urlsafe base64 (no padding) of the brand's Ed25519
signature over the UTF-8 bytes of SERIAL; the pack carries the brand's public
key. A genuine tag therefore proves itself: a counterfeiter can copy a serial
(that is what the clone check above this module is for) but cannot mint a new
one. Whether a serial was already seen on another item is not known here.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

import cv2
import numpy as np
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

MAX_PAYLOAD = 512  # characters; a serial tag holds far less


@dataclass(frozen=True)
class Payload:
    serial: str
    signature: bytes | None   # None when the payload carries no decodable signature
    problem: str | None       # why the payload is malformed, or None


def parse_payload(text: str) -> Payload:
    """Split ``SERIAL.SIGNATURE``; malformed payloads are values that say why."""
    if len(text) > MAX_PAYLOAD:
        return Payload(text[:40], None, f"payload is {len(text)} characters long, not a serial tag")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: nothing a brand signed, and nothing a database can store
        return Payload(text[:40].encode("utf-8", "backslashreplace").decode("utf-8"), None, "payload is not UTF-8 text")
    serial, sep, sig_text = text.rpartition(".")
    if not sep:
        return Payload(text, None, "payload carries no signature")
    if not serial:
        return Payload(text, None, "payload carries no serial")
    try:
        padded = sig_text + "=" * (-len(sig_text) % 4)
        signature = base64.b64decode(padded, altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        return Payload(serial, None, "signature is not urlsafe base64")
    if len(signature) != 64:
        return Payload(serial, None, f"signature is {len(signature)} bytes, an Ed25519 signature is 64")
    return Payload(serial, signature, None)


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    key = load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"expected an Ed25519 public key, got {type(key).__name__}")
    return key


def signature_valid(payload: Payload, key: Ed25519PublicKey) -> bool:
    if payload.signature is None:
        return False
    try:
        key.verify(payload.signature, payload.serial.encode("utf-8"))
    except InvalidSignature:
        return False
    return True


def pattern_matches(serial: str, pattern: str) -> bool:
    """The whole serial matches the pack's pattern (anchors in the pattern are harmless)."""
    return re.fullmatch(pattern, serial) is not None


def read_qr(rgb: np.ndarray) -> tuple[str, np.ndarray] | None:
    """The QR code's text and corner points (photo pixels), or None when none can be read.

    Two detectors (OpenCV's ArUco-based one finds finder patterns that the
    classic one misses under perspective) on the photo as is, then at other
    scales and contrast-equalised: glare, low contrast and a module grid too
    fine or too coarse each defeat a different attempt.
    """
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY) if rgb.ndim == 3 else rgb
    detectors = (cv2.QRCodeDetectorAruco(), cv2.QRCodeDetector())
    variants = [(1.0, grey), (0.75, cv2.resize(grey, None, fx=0.75, fy=0.75, interpolation=cv2.INTER_AREA)),
                (1.0, cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8)).apply(grey))]
    if max(grey.shape) < 1000:
        variants.append((1.5, cv2.resize(grey, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC)))
    for scale, image in variants:
        for detector in detectors:
            text, points, _ = detector.detectAndDecode(image)
            if text and points is not None:
                return text, np.asarray(points, np.float64).reshape(-1, 2)[:4] / scale
    return None
