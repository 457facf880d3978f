"""PAdES signing of reports with the inspector's identity, and their verification.

Signatures are PAdES baseline B-B (ECDSA P-256, SHA-256): there is no
timestamp server offline. A report is valid only if it carries exactly one
signature, the signature covers the whole file (nothing appended or changed
afterwards), it is cryptographically intact, and the signer's certificate
chains to the organisation's CA, which is the only trust root. pyHanko's
``bottom_line`` decides; ``valid`` alone can stay True after tampering.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING, Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from reports.pki import Identity, load_identity
from reports.report_data import ATTACHMENT_NAME

if TYPE_CHECKING:
    from pyhanko.pdf_utils.reader import PdfFileReader

# pyHanko is imported where it signs or verifies: it costs ~0.7 s to import, and every command
# and the window's start would pay it otherwise (this module is imported at start-up).

FIELD_NAME = "InspectorSignature"
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignatureCheck:
    """The outcome of :func:`verify_pdf`; ``reason`` is one line for people."""

    valid: bool
    reason: str
    signer: str | None = None
    signer_username: str | None = None
    signed_at: dt.datetime | None = None
    attachment: bytes | None = None


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def sign_pdf(pdf: bytes, p12: bytes, password: str, *, reason: str, location: str = "Inspector Workstation") -> bytes:
    """``pdf`` with a PAdES B-B signature by the identity in ``p12`` appended (incremental update).

    Raises :class:`reports.pki.WrongPassword` if ``password`` does not open ``p12``.
    """
    return sign_pdf_as(pdf, load_identity(p12, password), reason=reason, location=location)


def sign_pdf_as(pdf: bytes, identity: Identity, *, reason: str, location: str = "Inspector Workstation") -> bytes:
    """As :func:`sign_pdf`, with an identity already unlocked (opening a PKCS#12 costs ~0.1 s)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key, cert, others = identity
    key_info = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                          serialization.NoEncryption()))
    signer = signers.SimpleSigner(
        signing_cert=_asn1_cert(cert), signing_key=key_info,
        cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in others]),
    )
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=reason, location=location, name=str(names[0].value) if names else None,
    )
    out = signers.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)), meta, signer=signer)
    return out.getvalue()


def _name_attr(cert: asn1_x509.Certificate, attr: str) -> str | None:
    value = cert.subject.native.get(attr)
    if isinstance(value, list):  # an attribute present more than once
        value = value[0]
    return str(value) if value is not None else None


def _get(dictionary: Any, key: str) -> Any:
    """``dictionary[key]`` dereferenced, or None (pyHanko's ``get`` leaves indirect references as they are)."""
    value = dictionary.get(key)
    return value.get_object() if value is not None else None


def _embedded_files(tree: Any) -> dict[str, Any]:
    """Name -> file specification, from an /EmbeddedFiles name tree (with /Kids)."""
    found: dict[str, Any] = {}
    pending = [tree]
    while pending and len(found) < 1000:
        node = pending.pop()
        flat = _get(node, "/Names") or ()
        for i in range(0, len(flat) - 1, 2):
            found[str(flat[i].get_object())] = flat[i + 1].get_object()
        pending.extend(kid.get_object() for kid in _get(node, "/Kids") or ())
    return found


def _attachment(reader: PdfFileReader, name: str) -> bytes | None:
    """The bytes of the embedded file ``name``, or None if the PDF has no such attachment."""
    names = _get(reader.root, "/Names")
    tree = _get(names, "/EmbeddedFiles") if names is not None else None
    spec = _embedded_files(tree).get(name) if tree is not None else None
    if spec is None:
        return None
    return spec["/EF"]["/F"].data


def _invalid(reason: str, **known: Any) -> SignatureCheck:
    return SignatureCheck(valid=False, reason=f"not valid: {reason}", **known)


def verify_pdf(pdf: bytes, authority_cert_pem: bytes) -> SignatureCheck:
    """Check a signed report against the organisation's CA; never raises, says why in ``reason``."""
    try:
        ca = asn1_x509.Certificate.load(
            x509.load_pem_x509_certificate(authority_cert_pem).public_bytes(serialization.Encoding.DER))
    except ValueError as exc:
        return _invalid(f"the organisation's CA certificate is unreadable ({exc})")
    try:
        return _verify(pdf, ca)
    except Exception as exc:  # any parser failure on hostile input is a verdict, not a crash
        _log.debug("verification failed", exc_info=True)
        return _invalid(f"not a readable signed PDF ({type(exc).__name__}: {exc})")


def _verify(pdf: bytes, ca: asn1_x509.Certificate) -> SignatureCheck:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(BytesIO(pdf))  # strict: ambiguous structure is refused, not guessed
    sigs = reader.embedded_signatures
    if not sigs:
        return _invalid("the PDF is not signed")
    if len(sigs) > 1:
        return _invalid(f"the PDF carries {len(sigs)} signatures, a report has exactly one")
    sig = sigs[0]
    context = ValidationContext(trust_roots=[ca], allow_fetching=False, revocation_mode="soft-fail")
    status = validate_pdf_signature(sig, signer_validation_context=context)
    cert = status.signing_cert
    known: dict[str, Any] = {
        "signer": _name_attr(cert, "common_name") if cert is not None else None,
        "signer_username": _name_attr(cert, "user_id") if cert is not None else None,
        "signed_at": status.signer_reported_dt,
    }
    if not status.intact:
        return _invalid("the signed content was changed after signing (digest mismatch)", **known)
    if not status.valid:
        return _invalid("the signature value does not match the signer's key", **known)
    if status.coverage is not SignatureCoverageLevel.ENTIRE_FILE:
        return _invalid("the file was changed or extended after it was signed", **known)
    if not status.trusted:
        return _invalid("the signer's certificate was not issued by this organisation's authority "
                        "(or has expired)", **known)
    if not status.bottom_line:
        return _invalid("pyHanko's overall judgement is negative", **known)
    attachment = _attachment(reader, ATTACHMENT_NAME)
    if attachment is None:
        return _invalid(f"the signed PDF has no {ATTACHMENT_NAME} attachment", **known)
    when = status.signer_reported_dt
    moment = f" on {when.astimezone(dt.timezone.utc):%Y-%m-%d %H:%M} UTC" if when else ""
    who = f"{known['signer']} ({known['signer_username']})" if known["signer_username"] else str(known["signer"])
    return SignatureCheck(valid=True, reason=f"valid: signed by {who}{moment}", attachment=attachment, **known)

