"""Cases held by a bench, for a supervisor to free when that bench stopped (crash, power cut, left for the day).

Releasing needs a reason, which goes into the ledger with the claim that was
freed; the case then waits for whichever bench takes it up next, with every
photo and answer taken so far.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from ..bench_context import BenchContext
from ..messages import describe_error
from ..workers import JobRunner
from ...services.claims import Claim

COLUMNS = ("Case", "Item", "Held by", "Bench", "Since")


class ClaimsPanel(QWidget):
    status = Signal(str)
    loaded = Signal(int)   # the claims were read: how many cases are held

    def __init__(self, context: BenchContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("claims-panel")
        self._context = context
        self._runner = JobRunner(self)
        self._claims: tuple[Claim, ...] = ()

        self.summary = QLabel("Reading which benches hold cases…")
        self.summary.setObjectName("claims-summary")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("claims-table")
        self.table.setAccessibleName("Open cases held by a bench, the longest held first")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_button)
        self.reason = QLineEdit()
        self.reason.setObjectName("claim-release-reason")
        self.reason.setPlaceholderText("Why the claim is released (for the ledger), e.g. the bench crashed")
        self.reason.textChanged.connect(self._update_button)
        self.reason.returnPressed.connect(self.release_selected)
        self.release = QPushButton("Release claim")
        self.release.setObjectName("claim-release")
        self.release.setToolTip("Free the selected case for another bench; recorded in the ledger with the reason")
        self.release.clicked.connect(self.release_selected)

        row = QHBoxLayout()
        row.addWidget(self.reason, 1)
        row.addWidget(self.release)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        self._update_button()

    def refresh(self) -> None:
        claims, actor = self._context.claims, self._context.user
        self._runner.start(lambda _progress: claims.claims(actor), on_finished=self._on_claims,
                           on_failed=lambda exc: self.summary.setText(
                               f"The claims cannot be read: {describe_error(exc)}"))

    def selected(self) -> Claim | None:
        rows = self.table.selectionModel().selectedRows()
        return self._claims[rows[0].row()] if rows else None

    def release_selected(self) -> None:
        claim, reason = self.selected(), self.reason.text().strip()
        if claim is None or not reason:
            return
        claims, actor = self._context.claims, self._context.user
        self.release.setEnabled(False)
        self._runner.start(lambda _progress: claims.release(actor, claim.case_number, reason),
                           on_finished=self._on_released, on_failed=self._on_failed)

    def _on_released(self, claim: Claim) -> None:
        self.reason.clear()
        self.status.emit(f"Case {claim.case_number} released from {claim.username} at {claim.bench}: "
                         "any bench can take it up now.")
        self.refresh()

    def _on_failed(self, exc: BaseException) -> None:
        self.status.emit(describe_error(exc))
        self.refresh()

    def _on_claims(self, claims: tuple[Claim, ...]) -> None:
        self._claims = claims
        self.table.setRowCount(len(claims))
        for row, claim in enumerate(claims):
            for column, text in enumerate((claim.case_number, f"{claim.brand} {claim.model}", claim.username,
                                           claim.bench, _since(claim.since))):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(row, column, item)
        self.summary.setText(f"{len(claims)} open {'case is' if len(claims) == 1 else 'cases are'} held by a bench, "
                             "the longest held first. Release one only when its bench has stopped."
                             if claims else "No bench holds an open case.")
        if claims:
            self.table.selectRow(0)
        self._update_button()
        self.loaded.emit(len(claims))

    def _update_button(self) -> None:
        self.release.setEnabled(self.selected() is not None and bool(self.reason.text().strip()))


def _since(at: datetime) -> str:
    return at.astimezone().strftime("%Y-%m-%d %H:%M")
