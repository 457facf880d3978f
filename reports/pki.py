"""The organisation's own certificate authority and the inspectors' signing identities.

The workstation is offline, so it issues its own certificates: a CA made at
set-up, and per user an ECDSA P-256 key with a certificate, kept in a PKCS#12
file that only the user's password opens. P-256 rather than Ed25519 because
poppler's ``pdfsig`` (and most PDF readers) cannot check Ed25519 signatures.
The user certificate carries ``emailProtection`` among its extended key usages
because NSS (behind ``pdfsig``, Firefox, Thunderbird) checks document signers
as e-mail signers and refuses a certificate without it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

CA_YEARS = 10
IDENTITY_YEARS = 3
_CLOCK_SKEW = dt.timedelta(minutes=5)  # a certificate made now must already be valid on a slightly late clock
_DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")  # id-kp-documentSigning (RFC 9336)
_MS_DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.4.1.311.10.3.12")  # what Adobe and Windows look for
_PKCS12_KDF_ROUNDS = 200_000


class WrongPassword(Exception):
    """The password does not open the PKCS#12 identity."""

    def __init__(self) -> None:
        super().__init__("wrong password")


@dataclass(frozen=True)
class Authority:
    """The organisation's CA: its self-signed certificate and (unencrypted) key, both PEM."""

    org: str
    cert_pem: bytes
    key_pem: bytes


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _years(start: dt.datetime, years: int) -> dt.datetime:
    return start + dt.timedelta(days=365 * years + years // 4)


def create_authority(org: str) -> Authority:
    """A new self-signed CA for ``org`` (10 years), allowed to sign certificates only."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, f"{org} Inspection CA"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
    ])
    start = _now() - _CLOCK_SKEW
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(_years(start, CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False,
        ), critical=True)
        .add_extension(ski, critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Authority(
        org=org,
        cert_pem=cert.public_bytes(serialization.Encoding.PEM),
        key_pem=key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()),
    )


def _encryption(password: str) -> serialization.KeySerializationEncryption:
    """PBES2 with AES-256-CBC and a SHA-256 MAC, rather than the legacy RC2/3DES defaults."""
    return (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(_PKCS12_KDF_ROUNDS)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(password.encode("utf-8"))
    )


def issue_identity(authority: Authority, username: str, display_name: str, password: str) -> bytes:
    """A PKCS#12 holding a new P-256 key, its certificate issued by ``authority`` (3 years) and the CA certificate."""
    ca_cert = x509.load_pem_x509_certificate(authority.cert_pem)
    ca_key = serialization.load_pem_private_key(authority.key_pem, password=None)
    if not isinstance(ca_key, ec.EllipticCurvePrivateKey):
        raise ValueError("the authority's key is not an ECDSA key")
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, display_name),
        x509.NameAttribute(NameOID.USER_ID, username),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, authority.org),
    ])
    start = _now() - _CLOCK_SKEW
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(min(_years(start, IDENTITY_YEARS), ca_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False,
        ), critical=True)
        .add_extension(x509.ExtendedKeyUsage([
            _DOCUMENT_SIGNING, _MS_DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION,
        ]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        username.encode("utf-8"), key, cert, [ca_cert], _encryption(password))


#: A signing identity unlocked from its PKCS#12: the key, its certificate, the CA certificates.
Identity = tuple[ec.EllipticCurvePrivateKey, x509.Certificate, list[x509.Certificate]]


def load_identity(p12: bytes, password: str) -> Identity:
    """The key, certificate and CA certificates inside ``p12``; :class:`WrongPassword` if it does not open."""
    try:
        key, cert, others = pkcs12.load_key_and_certificates(p12, password.encode("utf-8"))
    except ValueError as exc:  # cryptography says "Invalid password or PKCS12 data" for both
        raise WrongPassword() from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or cert is None:
        raise ValueError("the PKCS#12 file holds no ECDSA signing identity")
    return key, cert, list(others)


def reprotect_identity(p12: bytes, old_password: str, new_password: str) -> bytes:
    """The same identity protected by ``new_password`` (after a password change)."""
    key, cert, others = load_identity(p12, old_password)
    name = cert.subject.get_attributes_for_oid(NameOID.USER_ID)
    friendly = str(name[0].value).encode("utf-8") if name else None
    return pkcs12.serialize_key_and_certificates(friendly, key, cert, others, _encryption(new_password))


def identity_certificate(p12: bytes, password: str) -> x509.Certificate:
    """The user's certificate in ``p12`` (the password check a login or a signing needs)."""
    return load_identity(p12, password)[1]


def _load_cert(data: bytes) -> x509.Certificate:
    if data.lstrip().startswith(b"-----BEGIN"):
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def chains_to(cert_pem_or_der: bytes, authority_cert_pem: bytes) -> bool:
    """True if the certificate was signed by this CA and both are within their validity dates now."""
    try:
        cert = _load_cert(cert_pem_or_der)
        ca = _load_cert(authority_cert_pem)
        if cert.issuer != ca.subject:
            return False
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        return False
    now = dt.datetime.now(dt.timezone.utc)
    return all(c.not_valid_before_utc <= now <= c.not_valid_after_utc for c in (cert, ca))
