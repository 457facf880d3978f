"""The organisation page: its name and the CA certificate that vouches for every signed report.

Outsiders (a brand, a court, a customer) verify a report against this
certificate, so the page shows the facts they compare, above all the
SHA-256 fingerprint, and exports the certificate as a PEM file to send them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QFileDialog, QFormLayout, QLabel, QToolBar, QVBoxLayout, QWidget

from ...services.wording import format_timestamp
from ..bench_context import BenchContext
from ..messages import describe_error
from ..page_parts import MessageLine
from ..workers import JobRunner
from ..page_parts import page_action, page_shortcuts


@dataclass(frozen=True)
class CertificateDetails:
    subject: str
    serial: str              # hexadecimal, as the users table shows serials
    not_before: datetime
    not_after: datetime
    sha256: str              # colon-separated pairs, the way certificate viewers show fingerprints


def certificate_details(pem: bytes) -> CertificateDetails:
    """The facts of a PEM certificate that a person compares when verifying a report."""
    cert = x509.load_pem_x509_certificate(pem)
    digest = cert.fingerprint(hashes.SHA256()).hex().upper()
    return CertificateDetails(cert.subject.rfc4514_string(), format(cert.serial_number, "x"),
                              cert.not_valid_before_utc, cert.not_valid_after_utc,
                              ":".join(digest[i:i + 2] for i in range(0, len(digest), 2)))


@dataclass(frozen=True)
class _Loaded:
    name: str | None
    pem: bytes


class OrganisationPage(QWidget):
    status = Signal(str)
    exported = Signal(object)   # the Path written

    def __init__(self, context: BenchContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("organisationPage")
        self._context = context
        self._runner = JobRunner(self)
        self._pem: bytes | None = None
        self.export_action = page_action(self, "&Export CA certificate…", "Ctrl+E", "Save the organisation's "
                                         "certificate as a PEM file, for whoever verifies its reports",
                                         self.export_dialog)
        toolbar = QToolBar("Organisation")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.export_action)
        self.message = MessageLine()
        self.name = QLabel(objectName="organisationName")
        font = QFont(self.name.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setWeight(QFont.Weight.DemiBold)
        self.name.setFont(font)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.subject, self.serial, self.validity, self.fingerprint = (QLabel() for _ in range(4))
        form = QFormLayout()
        form.setHorizontalSpacing(18)
        for label, value in (("Subject", self.subject), ("Serial", self.serial), ("Valid", self.validity),
                             ("SHA-256 fingerprint", self.fingerprint)):
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
            form.addRow(label, value)
        self.fingerprint.setFont(mono)
        self.serial.setFont(mono)
        note = QLabel("Anyone holding a report can check its signature against this certificate: send them the "
                      "exported file, and read them the fingerprint over another channel so they know it is ours.")
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(placeholder-text);")
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addWidget(self.name)
        section = QLabel("Certificate authority")
        bold = QFont(section.font())
        bold.setWeight(QFont.Weight.DemiBold)
        section.setFont(bold)
        section.setContentsMargins(0, 10, 0, 2)
        body_layout.addWidget(section)
        body_layout.addLayout(form)
        body_layout.addWidget(note)
        body_layout.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(toolbar)
        layout.addWidget(self.message)
        layout.addWidget(body, 1)
        self.export_action.setEnabled(False)
        self.refresh()

    def shortcuts(self) -> list[tuple[str, str]]:
        return page_shortcuts(self)

    @property
    def busy(self) -> bool:
        return self._runner.busy

    def refresh(self) -> None:
        users = self._context.users
        self._runner.start(lambda _p: _Loaded(users.organisation(), users.authority_cert_pem()),
                           on_finished=self._on_loaded, on_failed=lambda exc: self.message.say(describe_error(exc)))

    def _on_loaded(self, loaded: _Loaded) -> None:
        self._pem = loaded.pem
        details = certificate_details(loaded.pem)
        self.name.setText(loaded.name or "")
        self.subject.setText(details.subject)
        self.serial.setText(details.serial)
        self.validity.setText(f"{format_timestamp(details.not_before)} to {format_timestamp(details.not_after)}")
        self.fingerprint.setText(details.sha256)
        self.export_action.setEnabled(True)

    def export_dialog(self) -> None:
        slug = "-".join((self.name.text() or "organisation").lower().split())
        chosen, _ = QFileDialog.getSaveFileName(self, "Export CA certificate", str(Path.home() / f"{slug}-ca.pem"),
                                                "Certificates (*.pem *.crt)")
        if chosen:
            self.export_certificate(Path(chosen))

    def export_certificate(self, path: Path) -> None:
        pem = self._pem
        if pem is None:
            return
        self.message.clear()
        self._runner.start(lambda _p: path.write_bytes(pem), on_finished=lambda _n: self._on_exported(path),
                           on_failed=lambda exc: self.message.say(f"Not exported: {describe_error(exc)}"))

    def _on_exported(self, path: Path) -> None:
        self.status.emit(f"CA certificate saved to {path}")
        self.exported.emit(path)
