"""The verdict: the machine's suggestion and why, the inspector's decision and reasons, the signature.

The machine only suggests; the inspector decides, gives reasons by kind and,
when deciding against the suggestion, says why. The service checks every
rule and signs; this panel offers the choices, explains the suggestion from
the zones that made it, pre-fills the reasons from the failed checks and
shows the service's refusal as one line. Signing renders and signs the PDF,
so it runs on a worker; the signed report then opens in the panel.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reports.checklist import REASON_KINDS
from reports.users import Action
from reports.verdict import Verdict

from ...services.cases import CaseView, Decision, SignedVerdict
from ..bench_context import BenchContext
from ..messages import describe_error
from ..report_viewer import ReportViewer
from ..status_style import status_colour, status_word
from ..workers import JobRunner

DECISION_KEYS = {Verdict.PASS: "Alt+P", Verdict.FAIL: "Alt+F", Verdict.INCONCLUSIVE: "Alt+I"}
REASON_HINTS = {
    "authenticity": "The item is not genuine (only these reasons make it counterfeit)",
    "condition": "Damage, wear, missing parts",
    "listing": "Not the item that was listed",
}


@dataclass(frozen=True)
class SignedReport:
    """What a signature hands back to the window: the verdict and its PDF as stored."""

    verdict: SignedVerdict
    pdf: bytes


def why_suggested(view: CaseView) -> str:
    """The zones that made the machine's suggestion, in words."""
    if view.suggested is None:
        return "The case has not been analysed yet."
    zones = view.zones
    if view.suggested is Verdict.PASS:
        return f"All {len(zones)} zones pass."
    if view.suggested is Verdict.FAIL:
        deciding = [z for z in zones if z["critical"] and z["status"] == "fail"]
        return "Critical zones that fail: " + "; ".join(f"{z['zone']} ({_first_failure(z)})" for z in deciding)
    undecided = [z for z in zones if z["status"] != "pass"]
    return "Not decided by the machine: " + "; ".join(
        f"{z['zone']} ({status_word(z['status']).lower()}: {z['retake'] or _first_failure(z)})" for z in undecided)


def suggested_reasons(view: CaseView) -> dict[str, list[str]]:
    """Reason lines to start from: failed zone checks as authenticity, other failed checks as condition."""
    reasons: dict[str, list[str]] = {kind: [] for kind in REASON_KINDS}
    for state in view.checklist:
        if state.effective == "fail":
            kind = "authenticity" if state.check.zone else "condition"
            line = state.effective_note.strip() or state.check.text
            if line not in reasons[kind]:
                reasons[kind].append(line)
    return reasons


def _first_failure(zone: Mapping[str, Any]) -> str:
    return next((f["message"] for f in zone["findings"] if not f["passed"]), status_word(zone["status"]))


class VerdictPanel(QWidget):
    status = Signal(str)
    signed = Signal(object)   # the SignedVerdict, after a successful signature

    def __init__(self, context: BenchContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._context = context
        self._case: CaseView | None = None
        self._suggested_text: dict[str, str] = {}
        self._runner = JobRunner(self)

        self.suggestion = QLabel()
        self.suggestion.setObjectName("suggestedVerdict")
        font = QFont(self.suggestion.font())
        font.setPointSizeF(font.pointSizeF() * 2)
        font.setWeight(QFont.Weight.Bold)
        self.suggestion.setFont(font)
        self.why = QLabel()
        self.why.setObjectName("suggestionWhy")
        self.why.setWordWrap(True)

        self.decisions = QButtonGroup(self)
        self.decision_buttons: dict[Verdict, QRadioButton] = {}
        decision_row = QHBoxLayout()
        self._keys: list[tuple[str, str]] = []
        for verdict in Verdict:
            button = QRadioButton(f"{verdict.value} ({DECISION_KEYS[verdict]})")
            button.setObjectName(f"decide_{verdict.value.lower()}")
            self.decisions.addButton(button)
            self.decision_buttons[verdict] = button
            decision_row.addWidget(button)
            self._shortcut(DECISION_KEYS[verdict], button.click, f"Decide {verdict.value}")
        decision_row.addStretch(1)
        self.setFocusProxy(self.decision_buttons[Verdict.PASS])   # focusing the panel starts at the decision
        self.decisions.buttonToggled.connect(lambda *_: self._decision_changed())

        reasons_box = QGroupBox("Reasons (one per line)")
        reasons_form = QFormLayout(reasons_box)
        self.reasons: dict[str, QPlainTextEdit] = {}
        for kind in REASON_KINDS:
            edit = QPlainTextEdit()
            edit.setObjectName(f"reasons_{kind}")
            edit.setTabChangesFocus(True)
            edit.setPlaceholderText(REASON_HINTS[kind])
            edit.setAccessibleName(f"{kind.capitalize()} reasons")
            edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 4)
            self.reasons[kind] = edit
            reasons_form.addRow(f"{kind.capitalize()}:", edit)

        self.override = QLineEdit()
        self.override.setObjectName("overrideReason")
        self.override.setAccessibleName("Override reason")
        self.password = QLineEdit()
        self.password.setObjectName("signPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.password.setPlaceholderText("Your password unlocks your signing key")
        self.password.returnPressed.connect(self.sign)
        self.sign_button = QPushButton("Sign (Ctrl+Return)")
        self.sign_button.setObjectName("signVerdict")
        self.sign_button.clicked.connect(self.sign)
        self._shortcut("Ctrl+Return", self.sign, "Sign the verdict and open the report", extra=("Ctrl+Enter",))
        self.message = QLabel()
        self.message.setObjectName("verdictMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {status_colour('fail').name()};")

        sign_form = QFormLayout()
        sign_form.addRow("&Override reason:", self.override)
        sign_form.addRow("Pass&word:", self.password)
        form = QWidget()
        column = QVBoxLayout(form)
        column.addWidget(QLabel("The machine suggests"))
        column.addWidget(self.suggestion)
        column.addWidget(self.why)
        column.addSpacing(8)
        column.addWidget(QLabel("Your decision"))
        column.addLayout(decision_row)
        column.addWidget(reasons_box)
        column.addLayout(sign_form)
        column.addWidget(self.message)
        sign_row = QHBoxLayout()
        sign_row.addStretch(1)
        sign_row.addWidget(self.sign_button)
        column.addLayout(sign_row)
        column.addStretch(1)

        self.signed_line = QLabel()
        self.signed_line.setObjectName("signedLine")
        bold = QFont(self.signed_line.font())
        bold.setWeight(QFont.Weight.DemiBold)
        self.signed_line.setFont(bold)
        self.viewer = ReportViewer()
        self.viewer.setObjectName("reportViewer")
        self.viewer.status.connect(self.status)
        report = QWidget()
        report_column = QVBoxLayout(report)
        report_column.setContentsMargins(0, 0, 0, 0)
        report_column.addWidget(self.signed_line)
        report_column.addWidget(self.viewer, 1)
        self.pages = QStackedWidget()
        self.pages.addWidget(form)
        self.pages.addWidget(report)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self._keys += self.viewer.shortcuts()
        self._show()

    # -- the contract --
    def shortcuts(self) -> list[tuple[str, str]]:
        return list(self._keys)

    def show_case(self, view: CaseView) -> None:
        """Show the suggestion for a case; reasons the inspector has not edited follow the latest checklist."""
        same_case = self._case is not None and self._case.case_number == view.case_number
        self._case = view
        if not same_case:
            self.pages.setCurrentIndex(0)
            self.decisions.setExclusive(False)
            for button in self.decision_buttons.values():
                button.setChecked(False)
            self.decisions.setExclusive(True)
            self.override.clear()
            self.password.clear()
            self._suggested_text = {}
        for kind, lines in suggested_reasons(view).items():
            edit = self.reasons[kind]
            if not same_case or edit.toPlainText() == self._suggested_text.get(kind, ""):
                edit.setPlainText("\n".join(lines))
                self._suggested_text[kind] = edit.toPlainText()
        self._say("")
        self._show()

    @property
    def decision(self) -> Verdict | None:
        return next((v for v, b in self.decision_buttons.items() if b.isChecked()), None)

    @property
    def busy(self) -> bool:
        return self._runner.busy

    # -- signing --
    def sign(self) -> None:
        """Ask the service to decide and sign; a refusal or a wrong password shows one line, changes nothing."""
        view = self._case
        if view is None or self.busy or self.pages.currentIndex() != 0:
            return
        decision = self.decision
        if decision is None:
            self._say("Choose PASS, FAIL or INCONCLUSIVE first (Alt+P, Alt+F, Alt+I).")
            return
        reasons = {kind: tuple(edit.toPlainText().splitlines()) for kind, edit in self.reasons.items()}
        request = Decision(view.case_number, decision, reasons,
                           self.override.text() if self.override.isEnabled() else None)
        password = self.password.text()
        cases, store, user = self._context.cases, self._context.workstation.store, self._context.user

        def work(_progress: object) -> SignedReport:
            verdict = cases.decide_and_sign(user, request, password)
            return SignedReport(verdict, store.read(verdict.report_pdf_sha256))

        self._say("")
        self.status.emit(f"Signing the {decision.value} verdict for case {view.case_number}…")
        self._runner.start(work, on_finished=self._signed, on_failed=self._refused)
        self.sign_button.setText("Signing…")
        self._show()   # busy: nothing can be changed until the service answers

    def _signed(self, report: SignedReport) -> None:
        verdict = report.verdict
        self._restore_sign_button()
        self.password.clear()
        tag = f" · tag {verdict.tag_number}" if verdict.tag_number else ""
        self.signed_line.setText(f"Signed {verdict.decision.value} for case {verdict.case_number}{tag} · ledger "
                                 f"entry {verdict.ledger_seq}")
        self.viewer.load(report.pdf, f"Report {verdict.case_number}")
        self.pages.setCurrentIndex(1)
        self.viewer.view.setFocus()
        self.status.emit(f"Case {verdict.case_number} signed {verdict.decision.value}; the report is open.")
        self.signed.emit(verdict)

    def _refused(self, exc: BaseException) -> None:
        self._restore_sign_button()
        self._say(describe_error(exc))
        self.password.clear()
        self.password.setFocus()

    def _restore_sign_button(self) -> None:
        self.sign_button.setText("Sign (Ctrl+Return)")
        self._show()

    # -- internals --
    def _shortcut(self, key: str, slot: object, what: str, extra: Iterable[str] = ()) -> None:
        for sequence in (key, *extra):
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self._keys.append((key, what))

    def _decision_changed(self) -> None:
        self._show()
        if self.override.isEnabled() and not self.override.text():
            self.override.setFocus()

    def _show(self) -> None:
        view = self._case
        suggested = view.suggested if view is not None else None
        if suggested is None:
            self.suggestion.setText("No suggestion")
            self.suggestion.setStyleSheet("")
        else:
            self.suggestion.setText(suggested.value)
            self.suggestion.setStyleSheet(f"color: {status_colour(suggested.value).name()};")
        self.why.setText(why_suggested(view) if view is not None else "No case open.")
        differs = self.decision is not None and suggested is not None and self.decision is not suggested
        self.override.setEnabled(differs)
        self.override.setPlaceholderText(
            f"Required: the machine suggests {suggested.value}; say why you decide otherwise" if differs and suggested
            else "Needed only when your decision differs from the machine's suggestion")
        may_sign = self._context.may(Action.SIGN_VERDICT)
        can_sign = (may_sign and view is not None and view.state == "open" and suggested is not None
                    and not self.busy)
        for widget in (*self.decision_buttons.values(), *self.reasons.values(), self.password):
            widget.setEnabled(can_sign)
        self.sign_button.setEnabled(can_sign)
        if not may_sign:
            self.sign_button.setToolTip("Your role may not sign verdicts")
        elif view is not None and view.state != "open":
            self.sign_button.setToolTip(f"Case {view.case_number} is decided already")
        else:
            self.sign_button.setToolTip("Sign with your password: the report is rendered, signed and recorded")

    def _say(self, message: str) -> None:
        self.message.setText(message)
        if message:
            self.status.emit(message)
