"""The library browser: a filterable tree of the library beside a detail pane.

The browser only reads. It asks the library service for the brands the
signed-in user works with on a worker, shows them, and keeps the user's
selection across refreshes (after an import the page asks it to select the
imported brand instead).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QItemSelection, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from reference_library.catalog import BrandSummary
from reports.users import User

from ..services.library import LibraryService
from .detail_pane import DetailPane
from .library_tree import COL_INFO, COL_NAME, NODE_ROLE, LibraryFilterModel, LibraryTreeModel, Node, NodeKind
from .thumbnails import ThumbnailLoader
from .workers import JobRunner

log = logging.getLogger(__name__)


class EmptyLibrary(QWidget):
    """What a new bench sees: how to get a first pack in."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        title = QLabel("No reference packs yet")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setWeight(QFont.Weight.DemiBold)
        title.setFont(font)
        self.text = QLabel()
        self.text.setStyleSheet("color: palette(placeholder-text);")
        self.import_button = QPushButton("Import pack…")
        self.import_button.setObjectName("emptyImport")
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        for widget in (title, self.text, self.import_button):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.insertSpacing(3, 12)
        layout.addStretch(3)
        self.text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.set_can_import(True)

    def set_can_import(self, can: bool) -> None:
        """Whoever may not import is told who can, instead of being shown a button that would refuse."""
        intro = ("A brand's reference pack holds its models, the zones an inspector checks and the\n"
                 "authentic reference images. ")
        self.text.setText(intro + ("Import one to start: Import pack… (Ctrl+I)." if can
                                   else "A brand partner or an admin imports them."))
        self.import_button.setVisible(can)


class LibraryBrowser(QWidget):
    """Tree (brand > versions > models > zones) with a filter box, and the detail pane."""

    loaded = Signal()              # the tree shows a fresh copy of the library
    importRequested = Signal()     # the empty state's button
    loadFailed = Signal(str)

    def __init__(self, service: LibraryService, actor: User, parent: QWidget | None = None):
        super().__init__(parent)
        self._service = service
        self._actor = actor
        self._runner = JobRunner(self)
        self._brands: list[BrandSummary] = []
        self._pending_selection: tuple[str, ...] | None = None
        self._generation = 0   # only the newest read is shown, whatever order reads finish in

        self.model = LibraryTreeModel(self)
        self.proxy = LibraryFilterModel(self)
        self.proxy.setSourceModel(self.model)

        self.filter = QLineEdit()
        self.filter.setObjectName("libraryFilter")
        self.filter.setAccessibleName("Filter the library")
        self.filter.setPlaceholderText("Filter brands, models, zones  (Ctrl+F)")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._on_filter)
        self.filter.installEventFilter(self)
        self.no_match = QLabel()
        self.no_match.setWordWrap(True)
        self.no_match.setStyleSheet("color: palette(placeholder-text);")
        self.no_match.hide()

        self.tree = QTreeView()
        self.tree.setObjectName("libraryTree")
        self.tree.setAccessibleName("Library")
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_INFO, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.selectionModel().selectionChanged.connect(self._on_selection)

        self.thumbnails = ThumbnailLoader(service, parent=self)
        self.detail = DetailPane(self.thumbnails)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filter)
        left_layout.addWidget(self.no_match)
        left_layout.addWidget(self.tree, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([340, 900])

        self.loading = QLabel("Reading the library…")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty = EmptyLibrary()
        self.empty.import_button.clicked.connect(self.importRequested)
        self.pages = QStackedWidget()
        for page in (self.loading, self.empty, self.splitter):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.pages)

    # -- reading the library --
    @property
    def brands(self) -> list[BrandSummary]:
        return list(self._brands)

    @property
    def has_loaded(self) -> bool:
        """Whether the library has been read at least once (the loading page is gone)."""
        return self.pages.currentWidget() is not self.loading

    @property
    def busy(self) -> bool:
        return self._runner.busy or self.thumbnails.busy

    def refresh(self, select: tuple[str, ...] | None = None) -> None:
        """Reread the library on a worker; then select ``select`` (a node key) or keep the selection."""
        current = self.selected_node()
        if select is None and self._runner.busy and self._pending_selection:
            select = self._pending_selection   # a read still on its way was asked to select something: keep it
        self._pending_selection = select or (current.key if current else None)
        self._generation += 1
        generation = self._generation
        self._runner.start(lambda _progress: self._service.brands_for(self._actor),
                           on_finished=lambda brands: self._on_loaded(generation, brands),
                           on_failed=self._on_load_failed)

    def _on_loaded(self, generation: int, brands: list[BrandSummary]) -> None:
        if generation != self._generation:
            return
        self._brands = brands
        self.model.set_library(brands)
        self.pages.setCurrentWidget(self.splitter if brands else self.empty)
        self._apply_filter(self.filter.text())
        target = self.model.find(self._pending_selection) if self._pending_selection else QModelIndex()
        if not target.isValid() and brands:
            target = self.model.index(0, COL_NAME)
        self.select_index(target)
        self.loaded.emit()

    def _on_load_failed(self, exc: BaseException) -> None:
        log.error("reading the library failed", exc_info=exc)
        self.loading.setText(f"The library could not be read: {exc}")
        self.pages.setCurrentWidget(self.loading)
        self.loadFailed.emit(str(exc))

    # -- selection --
    def selected_node(self) -> Node | None:
        rows = self.tree.selectionModel().selectedRows(COL_NAME)
        return rows[0].data(NODE_ROLE) if rows else None

    def select_key(self, key: tuple[str, ...]) -> bool:
        """Select the row with this node key; False if the library has no such row."""
        index = self.model.find(key)
        if not index.isValid() or index.data(NODE_ROLE).key != key:
            return False
        self.select_index(index)
        return True

    def select_index(self, source_index: QModelIndex) -> None:
        index = self.proxy.mapFromSource(source_index)
        if not index.isValid():
            self.tree.clearSelection()
            self.detail.show_node(None)
            return
        self.tree.scrollTo(index)
        self.tree.setCurrentIndex(index)

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.detail.show_node(self.selected_node())

    def _expand_default(self) -> None:
        """Brands open to their versions, the current version open to its models."""
        self.tree.collapseAll()
        for row in range(self.proxy.rowCount()):
            brand = self.proxy.index(row, COL_NAME)
            self.tree.expand(brand)
            for pack_row in range(self.proxy.rowCount(brand)):
                pack = self.proxy.index(pack_row, COL_NAME, brand)
                node: Node = pack.data(NODE_ROLE)
                if node.kind is NodeKind.PACK and node.pack and node.pack.current:
                    self.tree.expand(pack)

    # -- filtering --
    def focus_filter(self) -> None:
        self.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter.selectAll()

    def _on_filter(self, text: str) -> None:
        self._apply_filter(text)
        if not self.tree.selectionModel().hasSelection() and self.proxy.rowCount():
            self.tree.setCurrentIndex(self._first_leaf())

    def _apply_filter(self, text: str) -> None:
        self.proxy.set_query(text)
        if text.strip():
            self.tree.expandAll()
        else:
            self._expand_default()
        nothing = bool(text.strip()) and self.proxy.rowCount() == 0
        self.no_match.setText(f"Nothing in the library matches “{text.strip()}”.")
        self.no_match.setVisible(nothing)

    def _first_leaf(self) -> QModelIndex:
        """The first visible match, deepest first: with a filter that is usually the zone looked for."""
        index = self.proxy.index(0, COL_NAME)
        while self.proxy.rowCount(index):
            index = self.proxy.index(0, COL_NAME, index)
        return index

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """In the filter box: Down or Enter moves to the tree, Escape clears the filter."""
        if watched is self.filter and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
            if key == Qt.Key.Key_Escape and self.filter.text():
                self.filter.clear()
                return True
        return super().eventFilter(watched, event)
