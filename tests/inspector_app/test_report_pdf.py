"""The Qt-rendered report, read back with poppler (pdftotext, pdftoppm, pdfdetach) and OpenCV's QR decoder."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import unicodedata
from pathlib import Path

import cv2
import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QApplication

from inspector_app.report_pdf import render_report_pdf
from reports.report_data import (
    ATTACHMENT_NAME,
    ReportCheck,
    ReportData,
    parse_verification_payload,
    verification_payload,
)
from tools.bench_reports import MemoryStore, demo_report

NOTE = "Stitch <b>count</b> & spacing checked"  # markup in a note must print as text


def poppler(tool: str, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed; tools/install_system_deps.sh installs it")
    return subprocess.run([tool, *args], check=True, capture_output=True, text=True, timeout=60).stdout


def words(text: str) -> str:
    """Text as printed, without ligatures (pdftotext gives "ﬀ") and with runs of white space as one."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module")
def pass_report(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> tuple[ReportData, Path]:
    data, store = demo_report()
    checklist = (dataclasses.replace(data.checklist[0], note=NOTE),) + data.checklist[1:]
    data = dataclasses.replace(data, checklist=checklist)
    path = tmp_path_factory.mktemp("pass") / "report.pdf"
    path.write_bytes(render_report_pdf(data, store, org="Acme Authentication Ltd"))
    return data, path


def test_the_pdf_opens_as_a4_in_qtpdf(pass_report: tuple[ReportData, Path]) -> None:
    buffer = QBuffer()
    buffer.setData(QByteArray(pass_report[1].read_bytes()))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    doc = QPdfDocument()
    doc.load(buffer)
    assert doc.status() == QPdfDocument.Status.Ready
    assert doc.pageCount() >= 2
    size = doc.pagePointSize(0)
    assert (round(size.width()), round(size.height())) == (595, 842)


def test_text_has_case_verdict_findings_checklist_and_people(pass_report: tuple[ReportData, Path]) -> None:
    data, path = pass_report
    text = words(poppler("pdftotext", "-layout", str(path), "-"))
    for expected in (
        "Acme Authentication Ltd",
        f"case {data.case_number}",
        "Verdict: PASS",
        "Machine suggestion: PASS",
        data.zones[1].findings[0].message,
        data.zones[2].findings[0].message,
        NOTE,
        data.tag_number,
        "Ann Smith (ann)",
        "2026-11-23 10:00 UTC",
        "Maison Aurel City Tote",
        data.pack_version,
    ):
        assert words(str(expected)) in text, expected


def test_pass_report_qr_code_holds_the_verification_payload(pass_report: tuple[ReportData, Path]) -> None:
    data, path = pass_report
    poppler("pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", str(path), str(path.with_suffix("")))
    page = cv2.imread(str(next(path.parent.glob("report-*1.png"))))
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(page)
    assert text == verification_payload(data)
    assert parse_verification_payload(text) == (data.tag_number, data.case_number, data.sha256())


def test_json_attachment_is_the_report_data(pass_report: tuple[ReportData, Path], tmp_path: Path) -> None:
    data, path = pass_report
    assert ATTACHMENT_NAME in poppler("pdfdetach", "-list", str(path))
    out = tmp_path / "attached.json"
    poppler("pdfdetach", "-save", "1", "-o", str(out), str(path))
    assert out.read_bytes() == data.to_json_bytes()
    assert ReportData.from_json_bytes(out.read_bytes()) == data


def test_fail_report_gives_reasons_and_override_and_no_tag(qapp: QApplication, tmp_path: Path) -> None:
    data, store = demo_report(decision="FAIL")
    check = ReportCheck("strap", "Strap is original", False, None, None, "fail", "Replaced strap")
    data = dataclasses.replace(data, checklist=data.checklist + (check,))
    path = tmp_path / "fail.pdf"
    path.write_bytes(render_report_pdf(data, store))
    text = words(poppler("pdftotext", "-layout", str(path), "-"))
    assert "Verdict: FAIL" in text and "Machine suggestion: PASS" in text
    assert "Inspector's override: Strap replaced by a non-original part" in text
    assert "Condition: Strap replaced by a non-original part" in text
    assert "Replaced strap" in text
    assert "Tag number" not in text


def test_a_missing_image_is_shown_as_unavailable(qapp: QApplication, tmp_path: Path) -> None:
    data, store = demo_report()
    partial = MemoryStore()
    partial.blobs = {k: v for k, v in store.blobs.items() if k != data.zones[0].photo_sha256}
    path = tmp_path / "partial.pdf"
    path.write_bytes(render_report_pdf(data, partial))
    assert f"Photo: image {data.zones[0].photo_sha256[:12]} unavailable" in words(
        poppler("pdftotext", str(path), "-"))
