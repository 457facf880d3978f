"""The library as a tree model: brand, pack versions, models, zones; and its filter.

Built from the catalog's frozen summaries; each row carries a :class:`Node`
(what it stands for) and a :data:`SEARCH_ROLE` text the filter matches. The
current version comes first and bold; superseded versions are greyed but stay
browsable.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QFont, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication

from reference_library.catalog import BrandSummary, ModelSummary, PackSummary, ZoneSummary

from ..services.wording import zone_kind_label

NODE_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2

COL_NAME, COL_INFO = 0, 1


class NodeKind(Enum):
    BRAND = "brand"
    PACK = "pack"
    MODEL = "model"
    ZONE = "zone"


@dataclass(frozen=True)
class Node:
    """What a tree row stands for, with everything the detail pane needs to show it."""

    kind: NodeKind
    brand: BrandSummary
    pack: PackSummary | None = None
    model: ModelSummary | None = None
    zone: ZoneSummary | None = None

    @property
    def key(self) -> tuple[str, ...]:
        """Identity that survives a refresh: brand slug, pack version and revision, model id, zone id."""
        parts = [self.brand.slug]
        if self.pack:
            parts.append(f"{self.pack.version}#{self.pack.revision}")
        if self.model:
            parts.append(self.model.id)
        if self.zone:
            parts.append(self.zone.id)
        return tuple(parts)


def filter_matches(search_text: str, query: str) -> bool:
    """Every word of the query occurs in the row's text (its own and its ancestors'), any case."""
    haystack = search_text.casefold()
    return all(word in haystack for word in query.casefold().split())


def packs_current_first(brand: BrandSummary) -> list[PackSummary]:
    return sorted(brand.packs, key=lambda p: not p.current)  # stable: newest first otherwise


class LibraryTreeModel(QStandardItemModel):
    """Two columns: the name, and a short note (versions, 'current', zone kind)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(0, 2, parent)
        self.setHorizontalHeaderLabels(["Library", ""])

    def set_library(self, brands: list[BrandSummary]) -> None:
        self.removeRows(0, self.rowCount())
        muted = QApplication.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.PlaceholderText)
        root = self.invisibleRootItem()
        for brand in brands:
            node = Node(NodeKind.BRAND, brand)
            versions = len(brand.packs)
            brand_row = _row(node, brand.name, f"{versions} version{'s' if versions != 1 else ''}",
                             f"{brand.name} {brand.slug}", tooltip=brand.slug)
            root.appendRow(brand_row)
            for pack in packs_current_first(brand):
                self._add_pack(brand_row[0], brand, pack, None if pack.current else muted)

    def _add_pack(self, parent: QStandardItem, brand: BrandSummary, pack: PackSummary, muted: QColor | None) -> None:
        search = f"{brand.name} {brand.slug} {pack.label}"
        note = "current" if pack.current else "superseded"
        pack_row = _row(Node(NodeKind.PACK, brand, pack), pack.label, note, search, bold=pack.current,
                        colour=muted, tooltip=f"{brand.name} {pack.label} from {pack.publisher}")
        parent.appendRow(pack_row)
        for model in pack.models:
            model_search = f"{search} {model.name} {model.id}"
            zones = len(model.zones)
            model_row = _row(Node(NodeKind.MODEL, brand, pack, model), model.name,
                             f"{zones} zone{'s' if zones != 1 else ''}", model_search, colour=muted, tooltip=model.id)
            pack_row[0].appendRow(model_row)
            for zone in model.zones:
                kind = zone_kind_label(zone.kind)
                note = f"{kind} · critical" if zone.critical else kind
                model_row[0].appendRow(_row(
                    Node(NodeKind.ZONE, brand, pack, model, zone), zone.id, note,
                    f"{model_search} {zone.id} {zone.title} {zone.kind} {kind} {'critical' if zone.critical else ''}",
                    bold=zone.critical, colour=muted, tooltip=zone.title))

    def find(self, key: tuple[str, ...]) -> QModelIndex:
        """The row whose node has this key, or the closest ancestor still present."""
        best = QModelIndex()
        parent = QModelIndex()
        for depth in range(1, len(key) + 1):
            match = next((self.index(r, COL_NAME, parent) for r in range(self.rowCount(parent))
                          if self.index(r, COL_NAME, parent).data(NODE_ROLE).key == key[:depth]), None)
            if match is None:
                break
            best = parent = match
        return best


def _row(node: Node, name: str, note: str, search: str, *, bold: bool = False, colour: QColor | None = None,
         tooltip: str = "") -> list[QStandardItem]:
    items = [QStandardItem(name), QStandardItem(note)]
    for item in items:
        item.setEditable(False)
        item.setData(node, NODE_ROLE)
        item.setData(search, SEARCH_ROLE)
        if tooltip:
            item.setToolTip(tooltip)
        if colour is not None:
            item.setForeground(colour)
    if bold:
        font = QFont(items[0].font())
        font.setBold(True)
        items[0].setFont(font)
    items[1].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return items


class LibraryFilterModel(QSortFilterProxyModel):
    """Shows rows matching the query, their ancestors (for context) and their descendants."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self.setAutoAcceptChildRows(True)
        self._query = ""

    def set_query(self, query: str) -> None:
        self.beginFilterChange()
        self._query = query.strip()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self._query:
            return True
        index = self.sourceModel().index(source_row, COL_NAME, source_parent)
        return filter_matches(index.data(SEARCH_ROLE) or "", self._query)
