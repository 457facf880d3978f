"""Intake: a new case from a typed or scanned number, brand and model, or an unfinished case resumed.

Barcode scanners type into the focused field and press Enter, so the case
number field has the focus whenever the page shows and Enter opens the case
with the brand and model chosen (they stay chosen for the next item, as items
of one model often come in batches). A number that is an unfinished case is
offered for resuming instead of refused. An item without a readable listing
gets its brand and model suggested from a photo of its logo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QComboBox, QCompleter, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton,
    QVBoxLayout, QWidget,
)

from reference_library.catalog import BrandSummary
from reports.users import Action

from ...services.cases import CaseError, CaseView, Intake
from ..bench_context import BenchContext
from ..messages import describe_error
from ..status_style import status_colour
from ..workers import JobRunner
from .brand_suggestion import BrandSuggestion

CASE_ROLE = Qt.ItemDataRole.UserRole + 30


@dataclass(frozen=True)
class OpenCase:
    """An unfinished case as the list shows it."""

    case_number: str
    brand: str
    model: str
    photos: int
    analysed: bool
    intake_at: datetime

    def describe(self, names: dict[str, str]) -> str:
        progress = "analysed" if self.analysed else f"{self.photos} photo{'s' if self.photos != 1 else ''}"
        brand = names.get(self.brand, self.brand)
        model = names.get(f"{self.brand}/{self.model}", self.model)
        return f"{self.case_number} · {brand} {model} · {progress} · since {self.intake_at:%d %b %H:%M}"


def _searchable_combo(name: str, accessible: str) -> QComboBox:
    """An editable combo whose typed text filters the choices anywhere in their names."""
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName(accessible)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = combo.completer()
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    return combo


def _chosen(combo: QComboBox) -> str | None:
    """The id behind the combo's text: an exact name or id, else the only choice containing the text."""
    text = combo.currentText().strip().casefold()
    if not text:
        return None
    choices = [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())]
    exact = [data for name, data in choices if text in (name.casefold(), str(data).casefold())]
    if exact:
        return exact[0]
    partial = [data for name, data in choices if text in name.casefold() or text in str(data).casefold()]
    return partial[0] if len(partial) == 1 else None


def _settle(combo: QComboBox) -> None:
    """Show the full name of the choice the typed text stands for."""
    index = combo.findData(_chosen(combo))
    if index >= 0 and index != combo.currentIndex():
        combo.setCurrentIndex(index)


class IntakePage(QWidget):
    status = Signal(str)
    caseOpened = Signal(str)   # a case number, new or resumed

    def __init__(self, context: BenchContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("intakePage")
        self._context = context
        self._runner = JobRunner(self)
        self._brands: list[BrandSummary] = []
        self._names: dict[str, str] = {}
        self._open: dict[str, OpenCase] = {}
        self._offered: str | None = None   # the unfinished case Enter resumes
        self._generation = 0

        self.case_number = QLineEdit()
        self.case_number.setObjectName("caseNumber")
        self.case_number.setAccessibleName("Case number")
        self.case_number.setPlaceholderText("Type or scan the case number")
        self.case_number.textChanged.connect(self._on_number_changed)
        self.brand = _searchable_combo("brand", "Brand")
        self.brand.currentTextChanged.connect(self._on_brand_text)
        self._models_of: str | None = None   # the brand whose models the model combo lists
        self.model = _searchable_combo("model", "Model")
        self.order_ref = QLineEdit()
        self.order_ref.setObjectName("orderRef")
        self.order_ref.setPlaceholderText("optional")
        self.declared_value = QLineEdit()
        self.declared_value.setObjectName("declaredValue")
        self.declared_value.setPlaceholderText("optional, e.g. 1 250 EUR")
        for field in (self.case_number, self.order_ref, self.declared_value, self.model.lineEdit()):
            field.returnPressed.connect(self.submit)
        for combo in (self.brand, self.model):
            combo.lineEdit().editingFinished.connect(lambda combo=combo: _settle(combo))
        self.brand.lineEdit().returnPressed.connect(self.model.setFocus)

        self.open_button = QPushButton("Open case  (Enter)")
        self.open_button.setObjectName("openCaseButton")
        self.open_button.clicked.connect(self.submit)
        self.notice = QLabel()
        self.notice.setObjectName("intakeNotice")
        self.notice.setWordWrap(True)
        self.resume_offer = QPushButton()
        self.resume_offer.setObjectName("resumeOfferButton")
        self.resume_offer.hide()
        self.resume_offer.clicked.connect(lambda: self.resume(self._offered or ""))

        self.open_cases = QListWidget()
        self.open_cases.setObjectName("openCases")
        self.open_cases.setAccessibleName("Unfinished cases")
        self.open_cases.itemActivated.connect(lambda item: self.resume(item.data(CASE_ROLE)))
        self.resume_button = QPushButton("Resume  (Enter in the list)")
        self.resume_button.setObjectName("resumeButton")
        self.resume_button.clicked.connect(self._resume_selected)

        self.suggestion = BrandSuggestion(context)
        self.suggestion.suggested.connect(self.choose_item)
        self.suggestion.status.connect(self.status)

        allowed = context.may(Action.INSPECT)
        self.open_button.setEnabled(allowed)
        self.resume_button.setEnabled(allowed)
        if not allowed:
            self.notice.setText("Your role does not take items in; cases are opened by inspectors.")

        form = QFormLayout()
        form.addRow("Case &number", self.case_number)
        form.addRow("&Brand", self.brand)
        form.addRow("&Model", self.model)
        form.addRow("&Order reference", self.order_ref)
        form.addRow("&Declared value", self.declared_value)
        new_case = QVBoxLayout()
        title = QLabel("New item")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        new_case.addWidget(title)
        new_case.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.resume_offer)
        buttons.addStretch(1)
        new_case.addLayout(buttons)
        new_case.addWidget(self.notice)
        new_case.addSpacing(12)
        new_case.addWidget(self.suggestion)
        new_case.addStretch(1)
        unfinished = QVBoxLayout()
        unfinished.addWidget(QLabel("Unfinished cases"))
        unfinished.addWidget(self.open_cases, 1)
        unfinished.addWidget(self.resume_button)
        layout = QHBoxLayout(self)
        layout.addLayout(new_case, 3)
        layout.addLayout(unfinished, 2)

        self._keys = [("Enter", "open the case (or resume it when it is unfinished)"),
                      ("Ctrl+L", "focus the case number (scan)"), ("Ctrl+U", "go to the unfinished cases"),
                      ("Ctrl+G", "suggest brand and model from a photo of the logo")]
        for keys, slot in (("Ctrl+L", self.focus_number), ("Ctrl+U", self.open_cases.setFocus),
                           ("Ctrl+G", self.suggestion.choose_photo)):
            action = QAction(self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    def shortcuts(self) -> list[tuple[str, str]]:
        return [(keys, what.capitalize()) for keys, what in self._keys]

    @property
    def busy(self) -> bool:
        return self._runner.busy

    @property
    def unfinished(self) -> list[str]:
        return list(self._open)

    # -- reading the library and the unfinished cases --

    def refresh(self) -> None:
        """Read brands and unfinished cases again (on a worker)."""
        self._generation += 1
        generation = self._generation
        library, cases, user = self._context.library, self._context.cases, self._context.user
        inspector = self._context.may(Action.INSPECT)

        def work(_progress: object) -> tuple[list[BrandSummary], list[OpenCase]]:
            brands = library.brands()
            views = [cases.resume(user, number) for number in cases.open_cases(user)] if inspector else []
            return brands, [OpenCase(v.case_number, v.brand, v.model, len(v.photos), bool(v.zones), v.intake_at)
                            for v in views]

        self._runner.start(work, on_finished=lambda result: self._on_read(generation, *result),
                           on_failed=lambda exc: self._show_notice(describe_error(exc), error=True))

    def _on_read(self, generation: int, brands: list[BrandSummary], open_cases: list[OpenCase]) -> None:
        if generation != self._generation:
            return
        self._brands = [b for b in brands if b.current is not None]
        self._names = {b.slug: b.name for b in self._brands}
        self._names.update({f"{b.slug}/{m.id}": m.name for b in self._brands for m in b.current.models})
        chosen_brand, chosen_model = self.brand.currentText(), self.model.currentText()
        self.brand.blockSignals(True)
        self.brand.clear()
        for brand in self._brands:
            self.brand.addItem(brand.name, brand.slug)
        self.brand.setCurrentIndex(self.brand.findText(chosen_brand))
        self.brand.blockSignals(False)
        self._fill_models()
        self.model.setCurrentIndex(self.model.findText(chosen_model))
        self._open = {c.case_number: c for c in open_cases}
        self.open_cases.clear()
        for case in open_cases:
            item = QListWidgetItem(case.describe(self._names))
            item.setData(CASE_ROLE, case.case_number)
            self.open_cases.addItem(item)
        if open_cases:
            self.open_cases.setCurrentRow(0)
        self.resume_button.setEnabled(bool(open_cases) and self._context.may(Action.INSPECT))

    def _on_brand_text(self) -> None:
        if _chosen(self.brand) != self._models_of:
            self._fill_models()

    def _fill_models(self) -> None:
        slug = _chosen(self.brand)
        self._models_of = slug
        brand = next((b for b in self._brands if b.slug == slug), None)
        self.model.clear()
        if brand is not None and brand.current is not None:
            for model in brand.current.models:
                self.model.addItem(model.name, model.id)
            self.model.setCurrentIndex(0 if len(brand.current.models) == 1 else -1)

    def choose_item(self, brand: str, model: str) -> None:
        """Fill brand and model (a suggestion taken), leaving the case number to scan."""
        index = self.brand.findData(brand)
        if index < 0:
            return
        self.brand.setCurrentIndex(index)
        self._fill_models()
        self.model.setCurrentIndex(self.model.findData(model))

    # -- opening --

    def focus_number(self) -> None:
        self.case_number.setFocus()
        self.case_number.selectAll()

    def submit(self) -> None:
        """Enter: open the new case, or resume the unfinished one offered."""
        number = self.case_number.text().strip()
        if not number:
            self._show_notice("Type or scan the case number.", error=True)
            self.focus_number()
            return
        if number == self._offered or number in self._open:
            self._offer_resume(number)
            return
        for combo in (self.brand, self.model):
            _settle(combo)
        brand, model = _chosen(self.brand), _chosen(self.model)
        if brand is None or model is None:
            missing = self.brand if brand is None else self.model
            self._show_notice(f"Choose the {missing.accessibleName().lower()} (type part of its name).", error=True)
            missing.setFocus()
            return
        intake = Intake(number, brand, model, self.order_ref.text().strip() or None,
                        self.declared_value.text().strip() or None)
        cases, user = self._context.cases, self._context.user

        def work(_progress: object) -> tuple[bool, CaseView]:
            try:
                known = cases.resume(user, number)   # the number is known already
            except CaseError:
                return True, cases.open(user, intake)
            # an open case is claimed for this bench here, so one another bench holds is refused with its holder
            return False, cases.claim(user, number) if known.state == "open" else known

        self.open_button.setEnabled(False)
        self._runner.start(work, on_finished=self._on_opened, on_failed=self._on_failed)

    def _on_opened(self, result: tuple[bool, CaseView]) -> None:
        self.open_button.setEnabled(True)
        new, view = result
        if new:
            self._clear_item_fields()
            self.status.emit(f"Case {view.case_number} opened: {view.brand} {view.model}.")
            self.caseOpened.emit(view.case_number)
        elif view.state == "open":
            self._open.setdefault(view.case_number, OpenCase(view.case_number, view.brand, view.model,
                                                             len(view.photos), bool(view.zones), view.intake_at))
            self._offer_resume(view.case_number)
        else:
            self._show_notice(f"Case {view.case_number} is decided: its signed verdict can be reviewed by a "
                              "supervisor, not changed.", error=True)

    def _on_failed(self, exc: BaseException) -> None:
        self.open_button.setEnabled(self._context.may(Action.INSPECT))
        self._show_notice(describe_error(exc), error=True)

    def _offer_resume(self, number: str) -> None:
        if self._offered == number:
            self.resume(number)
            return
        self._offered = number
        self._show_notice(f"Case {number} is unfinished: press Enter again to resume it.")
        self.resume_offer.setText(f"Resume {number}")
        self.resume_offer.show()

    def resume(self, number: str) -> None:
        if not number:
            return
        self._clear_item_fields()
        self.status.emit(f"Resuming case {number}.")
        self.caseOpened.emit(number)

    def _resume_selected(self) -> None:
        item = self.open_cases.currentItem()
        if item is not None:
            self.resume(item.data(CASE_ROLE))

    def _on_number_changed(self, text: str) -> None:
        if self._offered is not None and text.strip() != self._offered:
            self._offered = None
            self.resume_offer.hide()
            self.notice.clear()

    def _clear_item_fields(self) -> None:
        for field in (self.case_number, self.order_ref, self.declared_value):
            field.clear()
        self.notice.clear()

    def _show_notice(self, text: str, *, error: bool = False) -> None:
        self.notice.setStyleSheet(f"color: {status_colour('fail').name()};" if error else "")
        self.notice.setText(text)
        if error:
            self.status.emit(text)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()
        self.focus_number()
