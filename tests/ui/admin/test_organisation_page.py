"""The organisation page shows the CA certificate's facts and exports it for outsiders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from inspector_app.services.demo_bench import DEMO_ORGANISATION
from inspector_app.ui.admin.organisation_page import OrganisationPage, certificate_details
from inspector_app.workstation import Workstation

OpenPage = Callable[[type, str], QWidget]


def test_certificate_details_are_what_a_verifier_compares(demo_bench: Workstation) -> None:
    pem = demo_bench.users().authority_cert_pem()
    details = certificate_details(pem)
    cert = x509.load_pem_x509_certificate(pem)
    assert f"O={DEMO_ORGANISATION}" in details.subject
    assert int(details.serial, 16) == cert.serial_number
    assert details.sha256.replace(":", "").lower() == cert.fingerprint(hashes.SHA256()).hex()
    assert details.not_before < details.not_after


def test_page_shows_the_organisation_and_exports_its_certificate(qtbot: QtBot, tmp_path: Path,
                                                                  open_page: OpenPage, demo_bench: Workstation) -> None:
    page = open_page(OrganisationPage, "admin")
    qtbot.waitUntil(lambda: page.export_action.isEnabled(), timeout=10_000)
    assert page.name.text() == DEMO_ORGANISATION
    pem = demo_bench.users().authority_cert_pem()
    assert page.fingerprint.text() == certificate_details(pem).sha256
    assert " to " in page.validity.text()

    out = tmp_path / "ca.pem"
    with qtbot.waitSignal(page.exported, timeout=10_000):
        page.export_certificate(out)
    assert out.read_bytes() == pem
    assert ("Ctrl+E", "Export CA certificate…") in page.shortcuts()


def test_export_failure_is_one_line(qtbot: QtBot, tmp_path: Path, open_page: OpenPage) -> None:
    page = open_page(OrganisationPage, "admin")
    qtbot.waitUntil(lambda: page.export_action.isEnabled(), timeout=10_000)
    page.export_certificate(tmp_path / "missing-folder" / "ca.pem")
    qtbot.waitUntil(lambda: page.message.isVisible(), timeout=10_000)
    assert page.message.text().startswith("Not exported: No such file or directory")
