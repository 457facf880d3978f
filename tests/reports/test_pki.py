"""The organisation's CA and the inspectors' PKCS#12 identities, with real keys."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from reports.pki import (
    Authority,
    WrongPassword,
    chains_to,
    create_authority,
    identity_certificate,
    issue_identity,
    reprotect_identity,
)

AES_256_CBC_OID = bytes.fromhex("060960864801650304012a")  # DER of 2.16.840.1.101.3.4.1.42


@pytest.fixture(scope="module")
def authority() -> Authority:
    return create_authority("Acme Authentication Ltd")


@pytest.fixture(scope="module")
def p12(authority: Authority) -> bytes:
    return issue_identity(authority, "ann", "Ann Smith", "s3cret-pass")


def test_authority_is_a_ten_year_ca_for_the_organisation(authority: Authority) -> None:
    cert = x509.load_pem_x509_certificate(authority.cert_pem)
    assert cert.subject == cert.issuer
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Acme Authentication Ltd"
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert cert.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign
    assert cert.not_valid_after_utc - cert.not_valid_before_utc >= dt.timedelta(days=3650)
    key = serialization.load_pem_private_key(authority.key_pem, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1"
    assert chains_to(authority.cert_pem, authority.cert_pem)


def test_identity_opens_with_the_password_and_names_the_user(authority: Authority, p12: bytes) -> None:
    cert = identity_certificate(p12, "s3cret-pass")
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Ann Smith"
    assert cert.subject.get_attributes_for_oid(NameOID.USER_ID)[0].value == "ann"
    assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert dt.timedelta(days=3 * 365) <= cert.not_valid_after_utc - cert.not_valid_before_utc <= dt.timedelta(days=1100)
    assert chains_to(cert.public_bytes(serialization.Encoding.PEM), authority.cert_pem)
    assert chains_to(cert.public_bytes(serialization.Encoding.DER), authority.cert_pem)
    assert AES_256_CBC_OID in p12  # PBES2 with AES, not the legacy RC2/3DES


def test_wrong_password_is_refused_and_changes_nothing(p12: bytes) -> None:
    before = bytes(p12)
    with pytest.raises(WrongPassword, match="wrong password"):
        identity_certificate(p12, "guess")
    with pytest.raises(WrongPassword):
        reprotect_identity(p12, "guess", "new-pass")
    assert p12 == before
    assert identity_certificate(p12, "s3cret-pass")


def test_reprotect_moves_the_key_to_the_new_password(p12: bytes) -> None:
    renewed = reprotect_identity(p12, "s3cret-pass", "new pass \u00e9")
    assert identity_certificate(renewed, "new pass \u00e9") == identity_certificate(p12, "s3cret-pass")
    with pytest.raises(WrongPassword):
        identity_certificate(renewed, "s3cret-pass")


def test_chains_to_rejects_other_authorities_and_garbage(authority: Authority, p12: bytes) -> None:
    other = create_authority("Rival Checks Inc")
    theirs = identity_certificate(issue_identity(other, "bob", "Bob Jones", "pw"), "pw")
    ours = identity_certificate(p12, "s3cret-pass")
    assert not chains_to(theirs.public_bytes(serialization.Encoding.PEM), authority.cert_pem)
    assert chains_to(theirs.public_bytes(serialization.Encoding.PEM), other.cert_pem)
    assert not chains_to(ours.public_bytes(serialization.Encoding.PEM), other.cert_pem)
    # Same name, different key: an impostor CA must not pass on the issuer name alone.
    impostor = create_authority("Acme Authentication Ltd")
    assert not chains_to(ours.public_bytes(serialization.Encoding.PEM), impostor.cert_pem)
    assert not chains_to(b"not a certificate", authority.cert_pem)
