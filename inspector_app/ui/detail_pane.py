"""The right-hand pane: what the selected brand, version, model or zone holds.

Read-only views of the catalog's frozen summaries; one page per kind of node
in a stack, so switching selection never rebuilds widgets.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHeaderView,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reference_library.catalog import BrandSummary, CheckSummary, ModelSummary, PackSummary, ZoneSummary

from ..services.wording import (
    describe_pack_contents,
    describe_tolerances,
    format_timestamp,
    plural,
    zone_kind_label,
)
from .library_tree import Node, NodeKind
from .thumbnails import ThumbnailGrid, ThumbnailLoader


def _heading(text: str = "") -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.4)
    font.setWeight(QFont.Weight.DemiBold)
    label.setFont(font)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _section(text: str = "") -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setWeight(QFont.Weight.DemiBold)
    label.setFont(font)
    label.setContentsMargins(0, 10, 0, 2)
    return label


def _muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: palette(placeholder-text);")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _value() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                  | Qt.TextInteractionFlag.TextSelectableByKeyboard)
    return label


def _table(headers: list[str], stretch: int) -> QTreeWidget:
    table = QTreeWidget()
    table.setHeaderLabels(headers)
    table.setRootIsDecorated(False)
    table.setAlternatingRowColors(True)
    table.setUniformRowHeights(False)
    table.setWordWrap(True)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    header = table.header()
    header.setStretchLastSection(False)
    for column in range(len(headers)):
        mode = QHeaderView.ResizeMode.Stretch if column == stretch else QHeaderView.ResizeMode.ResizeToContents
        header.setSectionResizeMode(column, mode)
    return table


def _bold(item: QTreeWidgetItem, column: int) -> None:
    font = QFont(item.font(column))
    font.setBold(True)
    item.setFont(column, font)


def _version_note(pack: PackSummary, brand: BrandSummary) -> str:
    if pack.current:
        return "current version"
    current = brand.current
    return f"superseded by {current.label}" if current else "superseded"


class PackPage(QWidget):
    """A brand (its current version) or one pack version: provenance, contents, checklist."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.heading = _heading()
        self.subtitle = _muted()
        self.publisher, self.version, self.imported, self.digest = _value(), _value(), _value(), _value()
        self.contents, self.versions = _value(), _value()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setHorizontalSpacing(18)
        for label, value in (("Publisher", self.publisher), ("Version", self.version),
                             ("Imported", self.imported), ("Digest", self.digest),
                             ("Contents", self.contents), ("All versions", self.versions)):
            form.addRow(label, value)
        self.checklist_title = _section()
        self.checklist = _table(["Check", "Zone", "Critical"], stretch=0)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.subtitle)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.checklist_title)
        layout.addWidget(self.checklist, 1)

    def show_pack(self, brand: BrandSummary, pack: PackSummary) -> None:
        self.heading.setText(brand.name)
        self.subtitle.setText(f"{brand.slug} · version {pack.label} · {_version_note(pack, brand)}")
        self.publisher.setText(pack.publisher)
        self.version.setText(pack.version if pack.revision == 1 else f"{pack.version}, revision {pack.revision}")
        self.imported.setText(format_timestamp(pack.imported_at))
        self.digest.setText(pack.digest[:16] + "…")
        self.digest.setToolTip(f"sha256 {pack.digest}")
        self.contents.setText(describe_pack_contents(pack))
        self.versions.setText(", ".join(p.label + (" (current)" if p.current else "") for p in brand.packs))
        critical = sum(c.critical for c in pack.checks)
        self.checklist_title.setText(f"Checklist — {plural(len(pack.checks), 'check')}, {critical} critical")
        self.checklist.clear()
        for number, check in enumerate(pack.checks, start=1):
            self.checklist.addTopLevelItem(_check_item(number, check))


def _check_item(number: int, check: CheckSummary) -> QTreeWidgetItem:
    item = QTreeWidgetItem([f"{number}. {check.text}", check.zone or "—", "critical" if check.critical else ""])
    item.setToolTip(0, check.id)
    if check.critical:
        _bold(item, 2)
    return item


class ModelPage(QWidget):
    """One model of a pack version: its zones at a glance."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.heading = _heading()
        self.subtitle = _muted()
        self.zones = _table(["Zone", "Kind", "Critical", "References", "Counterfeits"], stretch=0)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.subtitle)
        layout.addWidget(_section("Zones"))
        layout.addWidget(self.zones, 1)

    def show_model(self, brand: BrandSummary, pack: PackSummary, model: ModelSummary) -> None:
        self.heading.setText(model.name)
        self.subtitle.setText(f"{model.id} · {brand.name} {pack.label} · {_version_note(pack, brand)}")
        self.zones.clear()
        for zone in model.zones:
            item = QTreeWidgetItem([f"{zone.title}\n{zone.id}", zone_kind_label(zone.kind),
                                    "critical" if zone.critical else "", str(len(zone.references)),
                                    str(len(zone.counterfeits))])
            if zone.critical:
                _bold(item, 2)
            self.zones.addTopLevelItem(item)


class ZonePage(QWidget):
    """One zone: what is judged, within which tolerances, against which images."""

    def __init__(self, loader: ThumbnailLoader, parent: QWidget | None = None):
        super().__init__(parent)
        self.heading = _heading()
        self.subtitle = _muted()
        self.critical = QLabel()
        self.critical.setWordWrap(True)
        self.tolerances = _value()
        self.checks = _value()
        self.references_title = _section()
        self.references = ThumbnailGrid(loader)
        self.counterfeits_title = _section()
        self.counterfeits = ThumbnailGrid(loader)
        self.no_counterfeits = _muted("This pack shows no known counterfeits for this zone.")

        facts = QFormLayout()
        facts.setHorizontalSpacing(18)
        facts.addRow("Tolerances", self.tolerances)
        facts.addRow("Checks", self.checks)

        references = _grid_section(self.references_title, self.references)
        counterfeits = _grid_section(self.counterfeits_title, self.counterfeits, self.no_counterfeits)
        self.grids = QSplitter(Qt.Orientation.Vertical)
        self.grids.setChildrenCollapsible(False)
        self.grids.addWidget(references)
        self.grids.addWidget(counterfeits)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.critical)
        layout.addSpacing(6)
        layout.addLayout(facts)
        layout.addWidget(self.grids, 1)

    def show_zone(self, brand: BrandSummary, pack: PackSummary, model: ModelSummary, zone: ZoneSummary) -> None:
        self.heading.setText(zone.title)
        self.subtitle.setText(f"{zone.id} · {zone_kind_label(zone.kind)} · {model.name} · "
                              f"{brand.name} {pack.label} ({_version_note(pack, brand)})")
        self.critical.setText("<b>Critical zone</b> — if it fails, the item fails." if zone.critical
                              else "Not critical — a failure here alone does not fail the item.")
        tolerance_lines = describe_tolerances(zone.tolerances)
        self.tolerances.setText("\n".join(tolerance_lines) if tolerance_lines
                                else "None set; judged against the reference images only.")
        checks = [c for c in pack.checks if c.zone == zone.id]
        self.checks.setText("\n".join(f"{c.text}{'  (critical)' if c.critical else ''}" for c in checks)
                            if checks else "No checklist item is tied to this zone.")
        self.references_title.setText(f"Authentic references ({len(zone.references)})")
        self.references.set_images(zone.references)
        self.counterfeits_title.setText(f"Known counterfeits ({len(zone.counterfeits)})")
        self.counterfeits.set_images(zone.counterfeits)
        self.counterfeits.setVisible(bool(zone.counterfeits))
        self.no_counterfeits.setVisible(not zone.counterfeits)
        weights = [max(len(zone.references), 1), max(len(zone.counterfeits), 1) if zone.counterfeits else 0]
        self.grids.setSizes([w * 100 for w in weights])


def _grid_section(title: QLabel, grid: ThumbnailGrid, *extra: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(title)
    layout.addWidget(grid, 1)
    for widget in extra:
        layout.addWidget(widget)
    return box


class DetailPane(QStackedWidget):
    """Shows the node selected in the library tree, or a hint when nothing is."""

    def __init__(self, loader: ThumbnailLoader, parent: QWidget | None = None):
        super().__init__(parent)
        self.hint = _muted("Select a brand, version, model or zone on the left.")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pack_page = PackPage()
        self.model_page = ModelPage()
        self.zone_page = ZonePage(loader)
        for page in (self.hint, self.pack_page, self.model_page, self.zone_page):
            self.addWidget(page)
        self.setFrameShape(QFrame.Shape.NoFrame)

    def show_node(self, node: Node | None) -> None:
        if node is None:
            self.setCurrentWidget(self.hint)
        elif node.kind is NodeKind.BRAND:
            pack = node.brand.current or node.brand.packs[0]
            self.pack_page.show_pack(node.brand, pack)
            self.setCurrentWidget(self.pack_page)
        elif node.kind is NodeKind.PACK and node.pack:
            self.pack_page.show_pack(node.brand, node.pack)
            self.setCurrentWidget(self.pack_page)
        elif node.kind is NodeKind.MODEL and node.pack and node.model:
            self.model_page.show_model(node.brand, node.pack, node.model)
            self.setCurrentWidget(self.model_page)
        elif node.pack and node.model and node.zone:
            self.zone_page.show_zone(node.brand, node.pack, node.model, node.zone)
            self.setCurrentWidget(self.zone_page)
