"""Signed serial payloads (`SERIAL.SIGNATURE`) and the brand keys behind them.

Keys are derived from the design's `key_seed`, so a regenerated library signs
the same serials identically; only the public key is ever written out.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def brand_key(key_seed: str) -> Ed25519PrivateKey:
    """The brand's Ed25519 signing key, derived deterministically from its seed."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(key_seed.encode()).digest())


def forger_key(key_seed: str) -> Ed25519PrivateKey:
    """A key a counterfeiter might sign with: valid Ed25519, wrong brand."""
    return brand_key("forger:" + key_seed)


def public_pem(key: Ed25519PrivateKey) -> bytes:
    """PEM SubjectPublicKeyInfo, as the pack's `public_key` file holds it."""
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def signed_payload(serial: str, key: Ed25519PrivateKey) -> str:
    """`SERIAL.SIGNATURE`: urlsafe base64 (no padding) Ed25519 signature over SERIAL."""
    return f"{serial}.{b64url(key.sign(serial.encode('utf-8')))}"
