"""Signed reports against two independent validators: pyHanko (ours) and poppler's pdfsig."""

from __future__ import annotations

import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from PySide6.QtWidgets import QApplication

from inspector_app.report_pdf import render_report_pdf
from reports.pki import Authority, WrongPassword, create_authority, issue_identity
from reports.report_data import ReportData
from reports.signing import sign_pdf, verify_pdf
from tools.bench_reports import demo_report

PASSWORD = "correct horse"


@pytest.fixture(scope="module")
def authority() -> Authority:
    return create_authority("Acme Authentication Ltd")


@pytest.fixture(scope="module")
def p12(authority: Authority) -> bytes:
    return issue_identity(authority, "ann", "Ann Smith", PASSWORD)


@pytest.fixture(scope="module")
def report(qapp: QApplication) -> tuple[ReportData, bytes]:
    """A real five-zone PASS report rendered by Qt (qapp first, so Qt widgets tests later still get a QApplication)."""
    data, store = demo_report()
    return data, render_report_pdf(data, store, org="Acme Authentication Ltd")


@pytest.fixture(scope="module")
def signed(report: tuple[ReportData, bytes], p12: bytes) -> bytes:
    return sign_pdf(report[1], p12, PASSWORD, reason="Authentication report C-2026-000123")


@pytest.fixture(scope="module")
def nssdb(tmp_path_factory: pytest.TempPathFactory, authority: Authority) -> Path:
    """An NSS database trusting only the organisation's CA, as pdfsig reads trust from NSS."""
    for tool in ("pdfsig", "certutil"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (tools/install_system_deps.sh installs poppler-utils and "
                        "libnss3-tools)")
    db = tmp_path_factory.mktemp("nssdb")
    ca = db / "ca.pem"
    ca.write_bytes(authority.cert_pem)
    subprocess.run(["certutil", "-N", "-d", f"sql:{db}", "--empty-password"], check=True, capture_output=True)
    subprocess.run(["certutil", "-A", "-d", f"sql:{db}", "-n", "Acme CA", "-t", "CT,C,C", "-i", str(ca)],
                   check=True, capture_output=True)
    return db


def pdfsig(pdf: bytes, nssdb: Path, tmp_path: Path) -> str:
    """pdfsig's report; it exits 0 whether or not the signature holds, so the text is what counts."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdfsig", "-nssdir", f"sql:{nssdb}", str(path)], capture_output=True, text=True,
                          timeout=60)
    return done.stdout + done.stderr


def flip_byte_in_a_stream(pdf: bytes) -> bytes:
    """One bit changed inside the first image's data: the structure still parses, only the digest breaks."""
    image = pdf.index(b"/Subtype /Image")
    start = pdf.index(b"stream", image) + len(b"stream\n") + 200
    out = bytearray(pdf)
    out[start] ^= 0x01
    return bytes(out)


def test_signed_report_verifies_with_signer_and_attachment(report: tuple[ReportData, bytes], signed: bytes,
                                                            authority: Authority) -> None:
    check = verify_pdf(signed, authority.cert_pem)
    assert check.valid, check.reason
    assert check.signer == "Ann Smith" and check.signer_username == "ann"
    assert check.reason.startswith("valid: signed by Ann Smith (ann) on ")
    assert check.signed_at is not None and check.signed_at.tzinfo is not None
    assert check.attachment == report[0].to_json_bytes()
    assert ReportData.from_json_bytes(check.attachment) == report[0]


def test_pdfsig_accepts_the_signature_and_names_the_signer(signed: bytes, nssdb: Path, tmp_path: Path) -> None:
    out = pdfsig(signed, nssdb, tmp_path)
    assert "Signature is Valid." in out, out
    assert "Certificate is Trusted." in out, out
    assert "Total document signed" in out and "Not total document signed" not in out, out
    assert re.search(r"Signer Certificate Common Name: Ann Smith", out), out


def test_a_flipped_byte_is_caught_by_both_validators(signed: bytes, authority: Authority, nssdb: Path,
                                                     tmp_path: Path) -> None:
    tampered = flip_byte_in_a_stream(signed)
    check = verify_pdf(tampered, authority.cert_pem)
    assert not check.valid and "changed" in check.reason
    out = pdfsig(tampered, nssdb, tmp_path)
    assert "Digest Mismatch." in out and "Signature is Valid." not in out, out


def test_bytes_appended_after_signing_are_caught_by_both_validators(signed: bytes, authority: Authority,
                                                                    nssdb: Path, tmp_path: Path) -> None:
    extended = signed + b"\n% one more line\n"
    check = verify_pdf(extended, authority.cert_pem)
    assert not check.valid and "after it was signed" in check.reason
    assert "Not total document signed" in pdfsig(extended, nssdb, tmp_path)


def test_an_incremental_update_after_signing_is_not_valid(signed: bytes, authority: Authority, nssdb: Path,
                                                          tmp_path: Path) -> None:
    """A well-formed later revision (here a changed title) keeps the old signature intact but is not the signed file."""
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    writer.trailer["/Info"].get_object()[generic.pdf_name("/Title")] = generic.TextStringObject("Verdict: PASS (edited)")
    writer.update_container(writer.trailer["/Info"])
    out = BytesIO()
    writer.write(out)
    check = verify_pdf(out.getvalue(), authority.cert_pem)
    assert not check.valid, check.reason
    assert "Not total document signed" in pdfsig(out.getvalue(), nssdb, tmp_path)


def test_a_certificate_from_another_authority_is_not_valid(report: tuple[ReportData, bytes],
                                                           authority: Authority) -> None:
    rival = create_authority("Acme Authentication Ltd")  # same name, different key
    forged = sign_pdf(report[1], issue_identity(rival, "ann", "Ann Smith", "pw"), "pw", reason="forged")
    check = verify_pdf(forged, authority.cert_pem)
    assert not check.valid and "authority" in check.reason
    assert check.signer == "Ann Smith"
    assert verify_pdf(forged, rival.cert_pem).valid


@pytest.mark.parametrize("garbage", [b"", b"%PDF-1.4\n", b"\x00\xff" * 500, b"not a pdf at all"])
def test_garbage_is_not_valid_and_does_not_raise(garbage: bytes, authority: Authority) -> None:
    check = verify_pdf(garbage, authority.cert_pem)
    assert not check.valid and check.reason.startswith("not valid: ")


def test_truncated_and_unsigned_pdfs_are_not_valid(report: tuple[ReportData, bytes], signed: bytes,
                                                   authority: Authority) -> None:
    assert "not signed" in verify_pdf(report[1], authority.cert_pem).reason
    assert not verify_pdf(signed[: len(signed) // 2], authority.cert_pem).valid
    assert not verify_pdf(signed, b"not a CA").valid


def test_wrong_password_refuses_to_sign(report: tuple[ReportData, bytes], p12: bytes) -> None:
    with pytest.raises(WrongPassword):
        sign_pdf(report[1], p12, "guess", reason="Authentication report")
