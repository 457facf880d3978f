"""The escalation queue: INCONCLUSIVE verdicts waiting for a supervisor, oldest first.

A verdict leaves the queue when it has a review, so recording one here reads
the queue again and moves on to the next case. Below the queue, the open
cases benches hold, for freeing the claim of a bench that stopped.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QSplitter, QTableView, QVBoxLayout, QWidget

from ..bench_context import BenchContext
from ..messages import describe_error
from ..workers import JobRunner
from ...services.audit import VerdictListing
from .claims_panel import ClaimsPanel
from .verdict_detail import VerdictDetailView
from .verdict_table_model import ListingTableModel


class EscalationsPage(QWidget):
    status = Signal(str)
    loaded = Signal(int)   # the queue was read: how many wait

    def __init__(self, context: BenchContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("escalations-page")
        self._context = context
        self._runner = JobRunner(self)

        self.summary = QLabel("Reading the queue…")
        self.summary.setObjectName("escalations-summary")
        self.model = ListingTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("escalations-table")
        self.table.setAccessibleName("Inconclusive verdicts waiting for a supervisor, oldest first")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)

        self.detail = VerdictDetailView(context)
        self.detail.status.connect(self.status)
        self.detail.reviewed.connect(lambda _case: self.refresh())

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.summary)
        left_layout.addWidget(self.table, 2)
        self.claims = ClaimsPanel(context)
        self.claims.status.connect(self.status)
        left_layout.addWidget(self.claims, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(splitter)

        self._keys = [
            ("Ctrl+F", "Go to the queue", lambda: self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)),
            ("Return", "Open the selected verdict", self._focus_detail),
            ("Ctrl+R", "Review the open verdict", self.detail.focus_review),
            ("F5", "Read the queue and the claims again", self.refresh),
        ]
        for key, _what, slot in self._keys:
            if key != "Return":
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)
        self.table.activated.connect(lambda _index: self._focus_detail())
        self.refresh()

    def shortcuts(self) -> list[tuple[str, str]]:
        return [(key, what) for key, what, _slot in self._keys]

    def refresh(self) -> None:
        self.claims.refresh()
        audit, actor = self._context.audit, self._context.user
        self._runner.start(lambda _progress: audit.supervisor_queue(actor), on_finished=self._on_queue,
                           on_failed=lambda exc: self.summary.setText(
                               f"The queue cannot be read: {describe_error(exc)}"))

    def _on_queue(self, queue: tuple[VerdictListing, ...]) -> None:
        shown = self.detail.detail.listing.case_number if self.detail.detail else None
        self.model.set_listings(queue)
        self.summary.setText(f"{len(queue)} inconclusive {'verdict waits' if len(queue) == 1 else 'verdicts wait'} "
                             "for a supervisor, oldest first." if queue else
                             "No inconclusive verdict is waiting: the queue is empty.")
        row = self.model.row_of(shown) if shown else None
        if row is None and queue:
            row = 0
        if row is not None:
            self.table.selectRow(row)
        else:
            self.detail.clear()
        self.loaded.emit(len(queue))

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        listing = self.model.listing(rows[0].row()) if rows else None
        if listing is not None:
            self.detail.show_case(listing.case_number)

    def _focus_detail(self) -> None:
        self.detail.setFocus(Qt.FocusReason.ShortcutFocusReason)
