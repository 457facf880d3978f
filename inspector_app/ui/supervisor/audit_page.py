"""The audit browser: search every signed verdict, sort it, open one with its evidence and review it.

The table reads pages from the audit service as it scrolls; the selected row's
verdict opens beside it, after the selection has rested for a moment so that
arrowing through the list does not load every verdict on the way.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelection, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QSplitter, QTableView, QVBoxLayout, QWidget

from ..bench_context import BenchContext
from ..messages import describe_error
from ..workers import JobRunner
from ...services.audit import FilterChoices
from .verdict_detail import VerdictDetailView
from .verdict_filters import VerdictFilters
from .verdict_table_model import COLUMN_OF, VerdictTableModel

#: How long a selection rests before its verdict is read.
SELECTION_SETTLE_MS = 200


class AuditPage(QWidget):
    status = Signal(str)

    def __init__(self, context: BenchContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("audit-page")
        self._context = context
        self._runner = JobRunner(self)
        self._sized = False

        self.filters = VerdictFilters()
        self.filters.changed.connect(self._apply_filters)
        self.summary = QLabel("Reading the verdicts…")
        self.summary.setObjectName("audit-summary")

        self.model = VerdictTableModel(context.audit, context.user, self)
        self.model.counted.connect(self._on_counted)
        self.model.loaded.connect(self._on_page)
        self.model.failed.connect(self._on_failed)
        self.table = QTableView()
        self.table.setObjectName("audit-table")
        self.table.setAccessibleName("Signed verdicts")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicator(COLUMN_OF["decided"], Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)   # asks the model for the newest first: the first page is read here
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.installEventFilter(self)

        self.detail = VerdictDetailView(context)
        self.detail.status.connect(self.status)
        self.detail.reviewed.connect(lambda _case: self.model.refresh())

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.summary)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([760, 640])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.filters)
        layout.addWidget(self.splitter, 1)

        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SELECTION_SETTLE_MS)
        self._settle.timeout.connect(self.open_selected)
        self._keys = [
            ("Ctrl+F", "Go to the filters", self.filters.focus_first),
            ("Return", "Open the selected verdict", self._open_and_focus),
            ("Ctrl+R", "Review the open verdict", self.detail.focus_review),
            ("F5", "Read the verdicts again", self.refresh),
        ]
        for key, _what, slot in self._keys:
            if key != "Return":   # Return belongs to the table (below), so it still works in the filters' fields
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)
        self._load_choices()

    def shortcuts(self) -> list[tuple[str, str]]:
        return [(key, what) for key, what, _slot in self._keys]

    def refresh(self) -> None:
        """Read the verdicts again (new ones signed meanwhile appear), keeping filters and order."""
        self.model.refresh()
        self._load_choices()
        self.status.emit("Reading the verdicts again…")

    def open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        listing = self.model.listing(rows[0].row()) if rows else None
        if listing is not None and (self.detail.detail is None
                                    or self.detail.detail.listing.case_number != listing.case_number):
            self.detail.show_case(listing.case_number)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._open_and_focus()
            return True
        return super().eventFilter(watched, event)

    def _open_and_focus(self) -> None:
        self._settle.stop()
        self.open_selected()
        self.detail.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _apply_filters(self) -> None:
        self.model.set_query(self.filters.apply(self.model.query))

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._settle.start()

    def _on_page(self, page: int) -> None:
        if page != 0:
            return
        if not self._sized:   # fit the columns to real data once; the user's widths stay after
            self._sized = True
            self.table.resizeColumnsToContents()
        if not self.table.selectionModel().hasSelection() and self.model.rowCount():
            self.table.selectRow(0)   # the detail never stands empty beside a list of verdicts

    def _on_counted(self, n: int) -> None:
        self.summary.setText(f"{n:,} {'verdict matches' if n == 1 else 'verdicts match'} the filters.")

    def _on_failed(self, message: str) -> None:
        self.summary.setText(f"The verdicts cannot be read: {message}")
        self.status.emit(message)

    def _load_choices(self) -> None:
        audit, actor = self._context.audit, self._context.user
        self._runner.start(lambda _progress: audit.filter_choices(actor), on_finished=self._on_choices,
                                 on_failed=lambda exc: self.status.emit(
                                     f"The filter lists cannot be read: {describe_error(exc)}"))

    def _on_choices(self, choices: FilterChoices) -> None:
        self.filters.set_choices(choices)
