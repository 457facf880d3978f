"""The audit search form: every filter of a verdict query, in one row above the table.

Dates are whole local days: "from" the start of one day "to" the end of
another, converted to the UTC instants the service compares. Edits are
gathered for a moment before the form says it changed, so typing a date does
not start a search per keystroke.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QPushButton, QWidget

from reports.checklist import REASON_KINDS
from reports.verdict import Verdict

from ..status_style import status_word
from ...services.audit import FilterChoices, VerdictQuery

#: The earliest date the form offers; shown as "Any", meaning no bound.
NO_DATE = QDate(2000, 1, 1)
ANY = "Any"
SETTLE_MS = 250


class VerdictFilters(QWidget):
    """Date range, inspector, brand, model, decision and reason kind; ``changed`` after an edit settles."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.since = self._date_edit("filter-since", "Decided from this day on (Any: no lower bound)")
        self.until = self._date_edit("filter-until", "Decided up to and including this day (Any: no upper bound)")
        self.inspector = self._combo("filter-inspector", "Who signed")
        self.brand = self._combo("filter-brand", "Brand")
        self.model = self._combo("filter-model", "Model (of the chosen brand)")
        self.decision = self._combo("filter-decision", "The signed decision")
        for verdict in Verdict:
            self.decision.addItem(status_word(verdict.value), verdict.value)   # Qt keeps str, not the enum
        self.reason = self._combo("filter-reason", "Verdicts giving a reason of this kind")
        for kind in REASON_KINDS:
            self.reason.addItem(kind.capitalize(), kind)
        self.clear = QPushButton("Clear")
        self.clear.setObjectName("filter-clear")
        self.clear.setToolTip("Remove every filter")
        self.clear.clicked.connect(self.reset)
        self._models: dict[str, tuple[str, ...]] = {}
        self.brand.currentIndexChanged.connect(self._fill_models)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for label, widget in (("&From", self.since), ("&Until", self.until), ("&Inspector", self.inspector),
                              ("&Brand", self.brand), ("&Model", self.model), ("De&cision", self.decision),
                              ("Reaso&n", self.reason)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            layout.addWidget(caption)
            layout.addWidget(widget)
        layout.addWidget(self.clear)
        layout.addStretch(1)

        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.changed)
        for edit in (self.since, self.until):
            edit.dateChanged.connect(self._settle.start)
        for combo in (self.inspector, self.brand, self.model, self.decision, self.reason):
            combo.currentIndexChanged.connect(self._settle.start)

    def set_choices(self, choices: FilterChoices) -> None:
        """Offer the inspectors, brands and models found among the verdicts; keep what is chosen."""
        self._models = dict(choices.models)
        self._refill(self.inspector, choices.inspectors)
        self._refill(self.brand, tuple(choices.models))
        self._fill_models()

    def apply(self, query: VerdictQuery) -> VerdictQuery:
        """The query with this form's filters (its sort order is kept)."""
        return replace(query, since=_day_start(self.since.date()), until=_day_end(self.until.date()),
                       inspector=self.inspector.currentData(), brand=self.brand.currentData(),
                       model=self.model.currentData(), decision=_verdict(self.decision.currentData()),
                       reason=self.reason.currentData())

    def reset(self) -> None:
        for edit in (self.since, self.until):
            edit.setDate(NO_DATE)
        for combo in (self.inspector, self.brand, self.model, self.decision, self.reason):
            combo.setCurrentIndex(0)

    def focus_first(self) -> None:
        self.since.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _fill_models(self) -> None:
        brand = self.brand.currentData()
        models = self._models.get(brand, ()) if brand else sorted({m for ms in self._models.values() for m in ms})
        self._refill(self.model, tuple(models))

    @staticmethod
    def _refill(combo: QComboBox, values: tuple[str, ...]) -> None:
        chosen = combo.currentData()
        combo.blockSignals(True)   # the refill itself is no edit; a choice that disappears is one (below)
        combo.clear()
        combo.addItem(ANY, None)
        for value in values:
            combo.addItem(value, value)
        index = combo.findData(chosen) if chosen is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)
        if chosen is not None and index < 0:
            combo.currentIndexChanged.emit(0)

    def _date_edit(self, name: str, tip: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setObjectName(name)
        edit.setToolTip(tip)
        edit.setAccessibleName(tip)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText(ANY)   # shown when the date is the minimum: no bound
        edit.setDate(NO_DATE)
        return edit

    @staticmethod
    def _combo(name: str, tip: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setToolTip(tip)
        combo.setAccessibleName(tip)
        combo.addItem(ANY, None)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        return combo


def _day_start(day: QDate) -> datetime | None:
    if day == NO_DATE:
        return None
    return datetime.combine(day.toPython(), time()).astimezone()   # local midnight, as an aware time


def _day_end(day: QDate) -> datetime | None:
    start = _day_start(day)
    return None if start is None else (start.replace(tzinfo=None) + timedelta(days=1)).astimezone()


def _verdict(value: str | None) -> Verdict | None:
    return None if value is None else Verdict(value)
