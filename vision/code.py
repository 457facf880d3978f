"""Analyser for ``code`` zones: a signed serial tag (see :mod:`vision.serial_code`).

The tag proves itself cryptographically, so this analyser needs no
calibration from the references: a readable payload whose signature verifies
with the brand's key and whose serial fits the pack's pattern passes; a bad
signature or pattern fails; an unreadable code is a retake, never a fail.
Whether the serial was already seen on another item is judged above vision.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .findings import Evidence, Finding, Status, ZoneAnalysis
from .quality import to_working_resolution
from .serial_code import load_public_key, parse_payload, pattern_matches, read_qr, signature_valid
from .zone import Tolerances


#: Codes are read at up to this long side: a tag filling a sixth of the frame still
#: gets about five pixels per module (all 194 usable tag photos of five sample sets read).
WORK_LONG_SIDE = 1024


@dataclass(frozen=True)
class PreparedCode:
    pattern: str | None
    public_key_pem: bytes | None   # kept as bytes: key objects do not pickle

    @property
    def public_key(self) -> Ed25519PublicKey | None:
        return load_public_key(self.public_key_pem) if self.public_key_pem else None


def prepare(references: tuple[np.ndarray, ...], counterfeits: tuple[np.ndarray, ...],
            tolerances: Tolerances) -> PreparedCode:
    if tolerances.public_key_pem:
        load_public_key(tolerances.public_key_pem)  # refuse a bad key now, not at the bench
    return PreparedCode(tolerances.pattern, tolerances.public_key_pem)


def analyse(prepared: PreparedCode, photo: np.ndarray) -> ZoneAnalysis:
    work = to_working_resolution(photo, WORK_LONG_SIDE)
    read = read_qr(work)
    if read is not None:
        read = (read[0], read[1] * (photo.shape[1] / work.shape[1]))
    elif work is not photo:
        read = read_qr(photo)  # a small tag in a large photo may need every pixel
    if read is None:
        finding = Finding("code_read", None, "a readable QR code", False,
                          "Serial code unreadable: fill the frame with the tag, avoid glare, hold still")
        return ZoneAnalysis.inconclusive((finding,), retake=finding.message)
    text, corners = read
    payload = parse_payload(text)
    findings = [Finding("code_read", payload.serial, "a readable QR code", True,
                        f"Serial code read: {payload.serial}")]
    evidence = (Evidence("code", "The serial code as read", _outline(photo, corners)),)
    measurements = {"serial": payload.serial}

    if payload.problem:
        findings.append(Finding("signature", None, "SERIAL.SIGNATURE", False,
                                f"The tag's payload is malformed: {payload.problem}"))
    elif (key := prepared.public_key) is None:
        findings.append(Finding("signature", None, "signature valid", False,
                                "The signature cannot be checked: the brand's pack has no public key"))
        return ZoneAnalysis.inconclusive(tuple(findings), None, evidence, measurements)
    else:
        valid = signature_valid(payload, key)
        findings.append(Finding(
            "signature", "valid" if valid else "invalid", "signature valid", valid,
            "The brand's signature on the serial is valid" if valid
            else "The signature does not match the brand's key: this tag was not issued by the brand"))
    if prepared.pattern is not None:
        fits = pattern_matches(payload.serial, prepared.pattern)
        findings.append(Finding(
            "serial_pattern", payload.serial, prepared.pattern, fits,
            f"Serial {payload.serial} has the brand's format" if fits
            else f"Serial {payload.serial} does not have the brand's format ({prepared.pattern})"))
    passed = all(f.passed for f in findings)
    return ZoneAnalysis(Status.PASS if passed else Status.FAIL, 1.0 if passed else 0.0, tuple(findings),
                        None, evidence, measurements)


def _outline(photo: np.ndarray, corners: np.ndarray) -> np.ndarray:
    shown = photo.copy()
    width = max(2, round(max(photo.shape[:2]) / 400))
    cv2.polylines(shown, [corners.astype(np.int32).reshape(-1, 1, 2)], True, (40, 200, 90), width)
    return shown
