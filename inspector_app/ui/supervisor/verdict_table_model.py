"""The audit table: signed verdicts as rows, read page by page from the audit service on workers.

A hundred thousand verdicts never sit in memory nor pass through the GUI
thread at once: the view asks for more rows as it scrolls (``canFetchMore`` /
``fetchMore``), each page is read on a worker, and a new sort or filter asks
the service for a new first page in the new order, so the database sorts
through its indexes instead of the model sorting what it happens to hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from reports.users import User

from ..messages import describe_error
from ..status_style import status_colour, status_word
from ..workers import JobRunner
from ...services.audit import PAGE_SIZE, AuditService, VerdictListing, VerdictPage, VerdictQuery

#: The listing itself, for the page that shows a row's detail.
LISTING_ROLE = Qt.ItemDataRole.UserRole + 1

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    key: str      # the service's sort key (audit.SORT_KEYS)
    title: str
    tip: str


COLUMNS = (
    Column("case", "Case", "Case number"),
    Column("brand", "Brand", "Brand"),
    Column("model", "Model", "Model"),
    Column("decision", "Decision", "The inspector's signed decision"),
    Column("suggested", "Suggested", "What the machine suggested"),
    Column("overridden", "Overridden", "Whether the decision went against the machine's suggestion"),
    Column("inspector", "Inspector", "Who signed"),
    Column("intake", "Intake", "When the item was taken in (local time)"),
    Column("decided", "Decided", "When the verdict was signed (local time)"),
    Column("tag", "Tag", "The tag number of a PASS"),
    Column("reasons", "Reasons", "The kinds of reasons given: authenticity, condition, listing"),
)
COLUMN_OF = {c.key: i for i, c in enumerate(COLUMNS)}
_STATUS_KEYS = ("decision", "suggested")
_TEXT_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)
_ROLES = frozenset((*_TEXT_ROLES, LISTING_ROLE, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole,
                    Qt.ItemDataRole.ToolTipRole))


def local_time(at: Any) -> str:
    return at.astimezone().strftime("%Y-%m-%d %H:%M")


def cell_text(listing: VerdictListing, key: str) -> str:
    """What a column shows for a verdict, in words."""
    match key:
        case "case":
            return listing.case_number
        case "brand":
            return listing.brand
        case "model":
            return listing.model
        case "decision":
            return status_word(listing.decision.value)
        case "suggested":
            return status_word(listing.suggested.value)
        case "overridden":
            return "Overridden" if listing.overridden else ""
        case "inspector":
            return listing.inspector
        case "intake":
            return local_time(listing.intake_at)
        case "decided":
            return local_time(listing.decided_at)
        case "tag":
            return listing.tag_number or ""
        case "reasons":
            return ", ".join(listing.reason_kinds)
    raise KeyError(key)


@dataclass(frozen=True)
class Row:
    """A listing with its cells already in words: painting only looks them up."""

    listing: VerdictListing
    texts: tuple[str, ...]


def rows_for(listings: Sequence[VerdictListing]) -> list[Row]:
    """Safe on a worker: the formatting (local times above all) is done off the GUI thread."""
    return [Row(listing, tuple(cell_text(listing, c.key) for c in COLUMNS)) for listing in listings]


class ListingTableModel(QAbstractTableModel):
    """Verdict listings as rows: what each column shows, in which colour. Holds only what it was given."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._rows: list[Row] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_listings(self, listings: Sequence[VerdictListing]) -> None:
        self.set_rows(rows_for(listings))

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def listing(self, row: int) -> VerdictListing | None:
        return self._rows[row].listing if 0 <= row < len(self._rows) else None

    def row_of(self, case_number: str) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.listing.case_number == case_number), None)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES or not index.isValid():   # called for every cell and role on each paint: be quick
            return None
        row = self._rows[index.row()]
        if role in _TEXT_ROLES:
            return row.texts[index.column()]
        listing, key = row.listing, COLUMNS[index.column()].key
        if role == LISTING_ROLE:
            return listing
        if key in _STATUS_KEYS:
            verdict = listing.decision if key == "decision" else listing.suggested
            if role == Qt.ItemDataRole.ForegroundRole:
                return status_colour(verdict.value)
            if role == Qt.ItemDataRole.FontRole and key == "decision":
                return self._bold
        if role == Qt.ItemDataRole.ToolTipRole and key == "overridden" and listing.overridden:
            return (f"Signed {status_word(listing.decision.value)} against the machine's "
                    f"{status_word(listing.suggested.value)}")
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        if role == Qt.ItemDataRole.ToolTipRole:
            return COLUMNS[section].tip
        return None


class VerdictTableModel(ListingTableModel):
    """Every verdict matching a query, fetched a page at a time on workers, sorted by the database.

    While a new query's first page is on its way the old rows stay on screen;
    a page that arrives for a query that has since changed is dropped.
    """

    loaded = Signal(int)       # a page (its number) has been shown
    counted = Signal(int)      # how many verdicts the current filters match
    failed = Signal(str)       # one line for the window

    def __init__(self, audit: AuditService, actor: User, parent: QObject | None = None, *,
                 page_size: int = PAGE_SIZE):
        super().__init__(parent)
        self._audit = audit
        self._actor = actor
        self._page_size = page_size
        self._query = VerdictQuery()
        self._generation = 0
        self._next_page = 0
        self._has_more = False
        self._loading = False
        self._runner = JobRunner(self)

    @property
    def query(self) -> VerdictQuery:
        return self._query

    @property
    def busy(self) -> bool:
        return self._runner.busy

    @property
    def pages_loaded(self) -> int:
        return self._next_page

    def set_query(self, query: VerdictQuery) -> None:
        """Show this query's verdicts from its first page (also how a refresh is done)."""
        self._query = query
        self._generation += 1
        generation = self._generation
        self._has_more = False
        self._fetch(0)
        self._runner.start(lambda _progress: self._audit.count(self._actor, query),
                           on_finished=lambda n: self._on_counted(generation, n), on_failed=self._on_failed)

    def refresh(self) -> None:
        self.set_query(self._query)

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._has_more and not self._loading

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._fetch(self._next_page)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Asks the service for the first page in the new order; nothing is sorted here."""
        query = replace(self._query, sort=COLUMNS[column].key,
                        descending=order == Qt.SortOrder.DescendingOrder)
        if query != self._query or self._generation == 0:
            self.set_query(query)

    def _fetch(self, page: int) -> None:
        self._loading = True
        generation, query, actor, size = self._generation, self._query, self._actor, self._page_size
        def work(_progress: object) -> tuple[VerdictPage, list[Row]]:
            found = self._audit.search(actor, query, page, size)
            return found, rows_for(found.items)

        self._runner.start(work, on_finished=lambda result: self._on_page(generation, *result),
                           on_failed=lambda exc: self._on_page_failed(generation, exc))

    def _on_page(self, generation: int, page: VerdictPage, rows: list[Row]) -> None:
        if generation != self._generation:
            return
        self._loading = False
        if page.page == 0:
            self.set_rows(rows)
        elif rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self._next_page = page.page + 1
        self._has_more = page.has_more
        self.loaded.emit(page.page)

    def _on_page_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._loading = False
            self._on_failed(exc)

    def _on_counted(self, generation: int, n: int) -> None:
        if generation == self._generation:
            self.counted.emit(n)

    def _on_failed(self, exc: BaseException) -> None:
        self.failed.emit(describe_error(exc))
