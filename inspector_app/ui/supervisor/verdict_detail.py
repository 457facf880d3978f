"""One verdict with everything behind it, for a supervisor: photos, findings, checklist, decision, proof, reviews.

Everything slow happens on workers: reading the verdict, decoding each photo
at thumbnail size, checking the signed PDF and its ledger entry, building the
appeal package. The signature and ledger lines say what the verifier found,
in words; this view checks nothing itself. The review form is offered only to
roles that may review; the service decides whether this person may review
this verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPalette, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup, QDialog, QFileDialog, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QListView, QListWidget,
    QListWidgetItem, QPlainTextEdit, QPushButton, QRadioButton, QScrollArea, QStackedWidget, QStyle, QTreeWidget,
    QTreeWidgetItem, QVBoxLayout, QWidget,
)

from reports.users import Action

from ..bench_context import BenchContext
from ..image_loading import PREVIEW_SIDE, THUMB_SIDE, read_scaled
from ..messages import describe_error
from ..report_viewer import ReportViewer
from ..status_style import status_colour, status_word
from ..workers import JobRunner
from ...services.audit import Photo, Review, VerdictDetail
from ...services.verification import ReportVerdict
from .verdict_table_model import local_time

SHA_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class ProofCheck:
    """What the verifier said about the stored report, and what the ledger says about its entry."""

    report: ReportVerdict
    ledger_problem: str | None


def signature_line(report: ReportVerdict) -> str:
    if report.valid and report.report is not None:
        who = report.report
        return f"Signature: verified (signed by {who.inspector_name} ({who.inspector_username}))"
    return f"Signature: INVALID — {report.reason.removeprefix('not valid: ')}"


def ledger_line(seq: int, problem: str | None) -> str:
    return f"Ledger: entry #{seq} verified" if problem is None else f"Ledger: entry #{seq} does NOT match — {problem}"


class PhotoDialog(QDialog):
    """One photo, larger; decoded at preview size on a worker."""

    def __init__(self, source: Path, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("photo-dialog")
        self.setWindowTitle(title)
        self.image = QLabel("Loading the photo…")
        self.image.setObjectName("photo-dialog-image")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setMinimumSize(480, 360)
        scroll = QScrollArea()
        scroll.setWidget(self.image)
        scroll.setWidgetResizable(True)
        QVBoxLayout(self).addWidget(scroll)
        self.resize(1000, 760)
        self._runner = JobRunner(self)
        self._runner.start(lambda _progress: read_scaled(source, PREVIEW_SIDE), on_finished=self._show,
                           on_failed=lambda exc: self.image.setText(f"The photo cannot be shown: "
                                                                    f"{describe_error(exc)}"))

    def _show(self, image: QImage) -> None:
        self.image.setPixmap(QPixmap.fromImage(image))


class VerdictDetailView(QWidget):
    """The selected verdict; ``show_case`` loads one. Signals say when each part has arrived."""

    loaded = Signal(str)       # the verdict of this case is shown
    checked = Signal(str)      # its signature and ledger lines are settled
    reviewed = Signal(str)     # a review of this case was recorded
    status = Signal(str)

    def __init__(self, context: BenchContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("verdict-detail")
        self._context = context
        self._runner = JobRunner(self)
        self._detail: VerdictDetail | None = None
        self._generation = 0
        self.photo_dialog: PhotoDialog | None = None
        self.report_viewer: ReportViewer | None = None

        self.placeholder = QLabel("Select a verdict to see its evidence.")
        self.placeholder.setObjectName("detail-placeholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)

        self.title = self._label("detail-title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.decision = self._label("detail-decision")
        self.reasons = self._label("detail-reasons")
        self.signature = self._label("detail-signature")
        self.ledger = self._label("detail-ledger")
        self.open_report = self._button("detail-open-report", "Open signed re&port",
                                        "Open the signed PDF report", self._open_report)
        self.export = self._button("detail-export", "E&xport appeal package…",
                                   "Save the report, photos and findings as one zip", self.ask_export)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_report)
        buttons.addWidget(self.export)
        buttons.addStretch(1)

        self.photos = QListWidget()
        self.photos.setObjectName("detail-photos")
        self.photos.setAccessibleName("Every photo taken, retakes included; Enter opens one larger")
        self.photos.setViewMode(QListView.ViewMode.IconMode)
        self.photos.setFlow(QListView.Flow.LeftToRight)
        self.photos.setWrapping(False)
        self.photos.setMovement(QListView.Movement.Static)
        side = THUMB_SIDE // 2
        self.photos.setIconSize(QSize(side, side))
        self.photos.setGridSize(QSize(side + 40, side + 3 * self.fontMetrics().lineSpacing() + 8))
        scrollbar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        self.photos.setFixedHeight(self.photos.gridSize().height() + scrollbar + 6)
        self.photos.setWordWrap(True)
        self.photos.itemActivated.connect(self._open_photo)

        self.findings = self._tree("detail-findings", ["Zone / finding", "Status"])
        self.checklist = self._tree("detail-checklist", ["Check", "Machine", "Answer"])
        self.reviews = self._label("detail-reviews")

        self.review_box = QGroupBox("Second opinion (Ctrl+R)")
        self.review_box.setObjectName("detail-review")
        self.agree = QRadioButton("I &agree with the verdict")
        self.agree.setObjectName("review-agree")
        self.disagree = QRadioButton("I &disagree")
        self.disagree.setObjectName("review-disagree")
        self.agree.setChecked(True)
        choice = QButtonGroup(self.review_box)
        choice.addButton(self.agree)
        choice.addButton(self.disagree)
        self.note = QPlainTextEdit()
        self.note.setObjectName("review-note")
        self.note.setPlaceholderText("Note (required when you disagree)")
        self.note.setAccessibleName("Review note")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(5 * self.fontMetrics().lineSpacing())
        self.submit = self._button("review-submit", "Record &review", "Record this second opinion in the ledger",
                                   self.submit_review)
        self.review_error = self._label("review-error")
        _colour(self.review_error, "fail")
        review_layout = QVBoxLayout(self.review_box)
        row = QHBoxLayout()
        row.addWidget(self.agree)
        row.addWidget(self.disagree)
        row.addStretch(1)
        review_layout.addLayout(row)
        review_layout.addWidget(self.note)
        review_layout.addWidget(self.review_error)
        review_layout.addWidget(self.submit, 0, Qt.AlignmentFlag.AlignRight)
        self.review_box.setVisible(context.may(Action.REVIEW_VERDICT))

        content = QWidget()
        layout = QVBoxLayout(content)
        for widget in (self.title, self.decision, self.reasons, self.signature, self.ledger):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        for caption, widget in (("Photos", self.photos), ("Findings by zone", self.findings),
                                ("Checklist", self.checklist), ("Reviews", self.reviews)):
            layout.addWidget(_heading(caption))
            layout.addWidget(widget)
        layout.addWidget(self.review_box)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        self.error = self._label("detail-error")
        self.pages = QStackedWidget()
        for page in (self.placeholder, scroll, self.error):
            self.pages.addWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)

    @property
    def detail(self) -> VerdictDetail | None:
        return self._detail

    @property
    def busy(self) -> bool:
        return self._runner.busy

    @property
    def can_review(self) -> bool:
        return self.review_box.isVisible() and self.submit.isEnabled()

    def show_case(self, case_number: str) -> None:
        """Load a verdict on a worker; the previous one stays until it arrives."""
        self._generation += 1
        generation = self._generation
        audit, actor = self._context.audit, self._context.user
        self._runner.start(lambda _progress: audit.get_verdict(actor, case_number),
                           on_finished=lambda detail: self._on_loaded(generation, detail),
                           on_failed=lambda exc: self._on_load_failed(generation, exc))

    def clear(self) -> None:
        self._generation += 1
        self._detail = None
        self.pages.setCurrentWidget(self.placeholder)

    def focus_review(self) -> None:
        if self.can_review and self._detail is not None:
            self.note.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def submit_review(self) -> None:
        if self._detail is None or not self.can_review:
            return
        case, agree, note = self._detail.listing.case_number, self.agree.isChecked(), self.note.toPlainText()
        audit, actor = self._context.audit, self._context.user
        self.submit.setEnabled(False)
        self.review_error.clear()
        self._runner.start(lambda _progress: audit.add_review(actor, case, agree, note),
                           on_finished=lambda review: self._on_reviewed(case, review),
                           on_failed=self._on_review_failed)

    def ask_export(self) -> None:
        if self._detail is None:
            return
        case = self._detail.listing.case_number
        path, _ = QFileDialog.getSaveFileName(self, "Export appeal package", str(Path.home() / f"{case}-appeal.zip"),
                                              "Zip archives (*.zip)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Build the appeal package on a worker and write it to ``path``."""
        if self._detail is None:
            return
        case, audit, actor = self._detail.listing.case_number, self._context.audit, self._context.user
        self.export.setEnabled(False)
        self.status.emit(f"Exporting the appeal package of case {case}…")

        def work(_progress: object) -> Path:
            path.write_bytes(audit.appeal_package(actor, case))
            return path

        self._runner.start(work, on_finished=lambda saved: self._after_export(f"Appeal package saved to {saved}."),
                           on_failed=lambda exc: self._after_export(
                               f"The appeal package was not saved: {describe_error(exc)}"))

    # -- arrival of the parts --
    def _on_loaded(self, generation: int, detail: VerdictDetail) -> None:
        if generation != self._generation:
            return
        self._detail = detail
        listing, report = detail.listing, detail.report
        self.title.setText(f"Case {listing.case_number} — {report.brand_name} {report.model_name}")
        overridden = (f"; overridden: {detail.override_reason}" if listing.overridden and detail.override_reason
                      else "")
        self.decision.setText(f"{status_word(listing.decision.value)} — machine suggested "
                              f"{status_word(listing.suggested.value)}{overridden}. Signed by {listing.inspector} "
                              f"on {local_time(listing.decided_at)}"
                              + (f", tag {listing.tag_number}" if listing.tag_number else "") + ".")
        _colour(self.decision, listing.decision.value)
        given = [f"{kind.capitalize()}: {'; '.join(items)}" for kind, items in report.reasons.items() if items]
        self.reasons.setText("Reasons — " + (" · ".join(given) if given else "none given"))
        self.signature.setText("Signature: checking…")
        self.ledger.setText(f"Ledger: checking entry #{detail.ledger_seq}…")
        for label in (self.signature, self.ledger):
            label.setPalette(self.palette())
        self._fill_findings(detail)
        self._fill_checklist(detail)
        self._fill_reviews(detail.reviews)
        self._fill_photos(generation, detail.photos)
        self.note.clear()
        self.agree.setChecked(True)
        self.review_error.clear()
        own = listing.inspector == self._context.user.username
        self.submit.setEnabled(not own)
        self.submit.setToolTip("You signed this verdict: a second opinion must come from someone else" if own
                               else "Record this second opinion in the ledger")
        self.open_report.setEnabled(True)
        self.export.setEnabled(True)
        self.pages.setCurrentIndex(1)
        self.loaded.emit(listing.case_number)
        self._check_proof(generation, detail)

    def _on_load_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._detail = None
            self.error.setText(f"The verdict cannot be shown: {describe_error(exc)}")
            self.pages.setCurrentWidget(self.error)

    def _check_proof(self, generation: int, detail: VerdictDetail) -> None:
        store, verifier = self._context.workstation.store, self._context.verifier
        audit, actor, case = self._context.audit, self._context.user, detail.listing.case_number

        def work(_progress: object) -> ProofCheck:
            pdf = store.read(detail.report_pdf_sha256, verify=False)   # changed bytes go to the verifier as they are
            return ProofCheck(verifier.verify(pdf), audit.entry_problem(actor, case))

        self._runner.start(work, on_finished=lambda proof: self._on_checked(generation, case, proof),
                           on_failed=lambda exc: self._on_check_failed(generation, case, exc))

    def _on_checked(self, generation: int, case: str, proof: ProofCheck) -> None:
        if generation != self._generation or self._detail is None:
            return
        self.signature.setText(signature_line(proof.report))
        _colour(self.signature, "pass" if proof.report.valid else "fail")
        self.ledger.setText(ledger_line(self._detail.ledger_seq, proof.ledger_problem))
        _colour(self.ledger, "pass" if proof.ledger_problem is None else "fail")
        self.checked.emit(case)

    def _on_check_failed(self, generation: int, case: str, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.signature.setText(f"Signature: INVALID — the report could not be read ({describe_error(exc)})")
        _colour(self.signature, "fail")
        self.ledger.setText("Ledger: not checked")
        self.checked.emit(case)

    def _on_reviewed(self, case: str, review: Review) -> None:
        verb = "agreeing" if review.agree else "disagreeing"
        self.status.emit(f"Review of case {case} recorded ({verb}), ledger entry #{review.ledger_seq}.")
        self.reviewed.emit(case)
        if self._detail is not None and self._detail.listing.case_number == case:
            self.show_case(case)

    def _on_review_failed(self, exc: BaseException) -> None:
        self.review_error.setText(describe_error(exc))
        self.submit.setEnabled(True)

    def _after_export(self, message: str) -> None:
        self.export.setEnabled(self._detail is not None)
        self.status.emit(message)

    # -- filling the sections --
    def _fill_findings(self, detail: VerdictDetail) -> None:
        self.findings.clear()
        for zone in detail.report.zones:
            item = QTreeWidgetItem([zone.title + (" (critical)" if zone.critical else ""), status_word(zone.status)])
            item.setForeground(1, status_colour(zone.status))
            item.setToolTip(0, zone.title + (f"\nRetake asked: {zone.retake}" if zone.retake else ""))
            for finding in zone.findings:   # the message says the value and what is expected, in words
                passed = "pass" if finding.passed else "fail"
                child = QTreeWidgetItem([finding.message, status_word(passed)])
                child.setForeground(1, status_colour(passed))
                child.setToolTip(0, f"{finding.message}\n{finding.metric}: {finding.value} "
                                    f"(expected {finding.expected})")
                item.addChild(child)
            self.findings.addTopLevelItem(item)
        self.findings.expandAll()

    def _fill_checklist(self, detail: VerdictDetail) -> None:
        self.checklist.clear()
        for check in detail.report.checklist:
            machine = status_word(check.machine) if check.machine else "—"
            item = QTreeWidgetItem([check.text + (" (critical)" if check.critical else ""), machine,
                                    status_word(check.answer)])
            item.setForeground(2, status_colour(check.answer))
            item.setToolTip(0, check.text)
            if check.note:
                note = QTreeWidgetItem([f"Note: {check.note}"])
                note.setToolTip(0, check.note)
                item.addChild(note)
            self.checklist.addTopLevelItem(item)
        self.checklist.expandAll()

    def _fill_reviews(self, reviews: tuple[Review, ...]) -> None:
        if not reviews:
            self.reviews.setText("No second opinion yet.")
            return
        self.reviews.setText("\n".join(
            f"{r.supervisor} {'agrees' if r.agree else 'disagrees'} ({local_time(r.at)}, ledger entry #{r.ledger_seq})"
            + (f": {r.note}" if r.note else "") for r in reviews))

    def _fill_photos(self, generation: int, photos: tuple[Photo, ...]) -> None:
        self.photos.clear()
        store, side = self._context.workstation.store, THUMB_SIDE
        blank = QPixmap(self.photos.iconSize())
        blank.fill(self.palette().color(QPalette.ColorRole.Midlight))
        seen: set[str] = set()
        for photo in photos:
            retake = photo.zone in seen
            seen.add(photo.zone)
            item = QListWidgetItem(QIcon(blank), f"{photo.zone}{' (retake)' if retake else ''}\n"
                                                 f"{local_time(photo.taken_at)}")
            item.setData(SHA_ROLE, photo.sha256)
            item.setToolTip(f"{photo.zone}, taken by {photo.taken_by} on {local_time(photo.taken_at)}")
            self.photos.addItem(item)
            row = self.photos.count() - 1
            self._runner.start(lambda _progress, sha=photo.sha256: read_scaled(store.path_for(sha), side),
                               on_finished=lambda image, r=row: self._on_thumbnail(generation, r, image),
                               on_failed=lambda exc, r=row: self._on_thumbnail_failed(generation, r, exc))

    def _on_thumbnail(self, generation: int, row: int, image: QImage) -> None:
        if generation == self._generation and (item := self.photos.item(row)) is not None:
            item.setIcon(QIcon(QPixmap.fromImage(image)))

    def _on_thumbnail_failed(self, generation: int, row: int, exc: BaseException) -> None:
        if generation == self._generation and (item := self.photos.item(row)) is not None:
            item.setToolTip(f"{item.toolTip()}\nNot shown: {describe_error(exc)}")

    # -- opening things --
    def _open_photo(self, item: QListWidgetItem) -> None:
        sha = item.data(SHA_ROLE)
        self.photo_dialog = PhotoDialog(self._context.workstation.store.path_for(sha),
                                        item.text().replace("\n", " — "), self)
        self.photo_dialog.open()

    def _open_report(self) -> None:
        """The signed PDF from the store (refused if its bytes changed) in the report viewer."""
        if self._detail is None:
            return
        store, sha, case = self._context.workstation.store, self._detail.report_pdf_sha256, \
            self._detail.listing.case_number
        self._runner.start(lambda _progress: store.read(sha), on_finished=lambda pdf: self._show_report(case, pdf),
                           on_failed=lambda exc: self.status.emit(f"The report cannot be opened: "
                                                                  f"{describe_error(exc)}"))

    def _show_report(self, case: str, pdf: bytes) -> None:
        dialog = QDialog(self)
        dialog.setObjectName("report-dialog")
        dialog.setWindowTitle(f"Signed report of case {case}")
        viewer = ReportViewer(dialog)
        viewer.status.connect(self.status)
        QVBoxLayout(dialog).addWidget(viewer)
        viewer.load(pdf, f"Case {case}")
        dialog.resize(900, 1000)
        self.report_viewer = viewer
        dialog.open()

    # -- small builders --
    def _label(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _button(self, name: str, text: str, tip: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    @staticmethod
    def _tree(name: str, headers: list[str]) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setObjectName(name)
        tree.setHeaderLabels(headers)
        tree.setRootIsDecorated(True)
        tree.setUniformRowHeights(True)
        tree.setMinimumHeight(220)
        tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)   # long text elides; its tooltip has it all
        return tree


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def _colour(label: QLabel, status: str) -> None:
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, status_colour(status))
    label.setPalette(palette)
