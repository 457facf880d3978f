"""Fuzzing the QR payload parser and the signature check: any text is a value that says why, never a crash."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.budget import fuzz
from vision.serial_code import MAX_PAYLOAD, parse_payload, signature_valid

pytestmark = pytest.mark.fuzz

BRAND_KEY = Ed25519PrivateKey.generate()
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=40)   # lone surrogates included
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def signed(serial: str) -> str:
    sig = BRAND_KEY.sign(serial.encode("utf-8", "surrogatepass"))
    return f"{serial}.{base64.urlsafe_b64encode(sig).decode().rstrip('=')}"


payloads = st.one_of(
    st.text(max_size=MAX_PAYLOAD + 20),
    st.builds(lambda s, sig: f"{s}.{sig}", ANY_TEXT, st.text(B64URL + "=+/.", max_size=100)),
    ANY_TEXT.map(signed),                                      # genuine, surrogates included
    st.tuples(ANY_TEXT.map(signed), st.integers(0, 200), st.characters()).map(
        lambda t: t[0][:t[1]] + t[2] + t[0][t[1] + 1:]),                  # genuine with one character changed
)


@settings(max_examples=300, deadline=None)
@given(payloads)
def payload_is_a_value_and_only_genuine_tags_verify(text: str) -> None:
    payload = parse_payload(text)
    assert (payload.problem is None) == (payload.signature is not None)
    assert payload.problem is None or "\n" not in payload.problem
    payload.serial.encode("utf-8")   # storable: no lone surrogates
    if signature_valid(payload, BRAND_KEY.public_key()):
        # Ed25519 signatures are deterministic: only the brand's own signature of this serial verifies.
        assert payload.signature == BRAND_KEY.sign(payload.serial.encode("utf-8", "surrogatepass"))


def test_serial_payload_fuzz() -> None:
    assert fuzz(payload_is_a_value_and_only_genuine_tags_verify) > 0
