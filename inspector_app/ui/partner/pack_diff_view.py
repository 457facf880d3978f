"""Two versions of a brand's pack side by side: what was added, removed or changed, with the images.

The tree lists the differences in the pack's terms (models, zones, checks);
selecting a line shows the images it concerns, the older version's on the
left and the newer's on the right, so a replaced reference is seen at a glance.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reference_library.catalog import BrandSummary, ImageRef, PackSummary
from reference_library.pack_diff import FieldChange, ImageChanges, PackDiff, PlacedZone, diff_packs

from ...services.wording import describe_tolerances, plural
from ..thumbnails import ThumbnailGrid, ThumbnailLoader

#: On each tree item: the index of (images of the older version, of the newer) that the line concerns.
IMAGES_ROLE = Qt.ItemDataRole.UserRole + 20

Images = tuple[tuple[ImageRef, ...], tuple[ImageRef, ...]]


def describe_change(change: FieldChange) -> str:
    """One line for a changed property, tolerances in the words the library browser uses."""
    if change.name == "critical":
        return "now critical" if change.new else "no longer critical"
    if change.name.startswith("tolerance "):
        name = change.name.removeprefix("tolerance ")
        if change.old is None:
            return "tolerance added: " + _tolerance(name, change.new)
        if change.new is None:
            return "tolerance dropped: " + _tolerance(name, change.old)
        return f"{_tolerance(name, change.old)} → {_tolerance(name, change.new)}"
    return f"{change.name}: “{change.old or '—'}” → “{change.new or '—'}”"


def _tolerance(name: str, value: Any) -> str:
    return describe_tolerances({name: value})[0]


def describe_images(images: ImageChanges) -> list[str]:
    parts = [(images.added, "added"), (images.removed, "removed"), (images.replaced, "replaced")]
    return [f"{plural(len(refs), 'image')} {what}" for refs, what in parts if refs]


def summarise(diff: PackDiff) -> str:
    if diff.empty:
        return f"No differences between {diff.old} and {diff.new}."
    counts = [(diff.models_added, "model", "added"), (diff.models_removed, "model", "removed"),
              (diff.zones_added, "zone", "added"), (diff.zones_removed, "zone", "removed"),
              (diff.zones_changed, "zone", "changed"), (diff.checks_added, "check", "added"),
              (diff.checks_removed, "check", "removed"), (diff.checks_changed, "check", "changed")]
    return f"From {diff.old} to {diff.new}: " + ", ".join(
        f"{plural(len(items), noun)} {what}" for items, noun, what in counts if items) + "."


def _all_images(placed: PlacedZone) -> tuple[ImageRef, ...]:
    return placed.zone.references + placed.zone.counterfeits


class PackDiffView(QWidget):
    """The differences of one :class:`PackDiff` as a tree, with the selected line's images."""

    def __init__(self, loader: ThumbnailLoader, parent: QWidget | None = None):
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setObjectName("diffSummary")
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("diffTree")
        self.tree.setAccessibleName("Differences")
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)
        self.tree.currentItemChanged.connect(self._on_current)
        self._images: list[Images] = []   # kept here, not in the items: an int is all Qt has to carry
        self.old_title, self.new_title = QLabel(), QLabel()
        self.old_images, self.new_images = ThumbnailGrid(loader), ThumbnailGrid(loader)
        self.old_images.setObjectName("diffOldImages")
        self.new_images.setObjectName("diffNewImages")
        images = QSplitter(Qt.Orientation.Horizontal)
        for title, grid in ((self.old_title, self.old_images), (self.new_title, self.new_images)):
            box = QWidget()
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 0, 0, 0)
            box_layout.addWidget(title)
            box_layout.addWidget(grid, 1)
            images.addWidget(box)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tree)
        splitter.addWidget(images)
        splitter.setSizes([300, 300])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)

    def show_diff(self, diff: PackDiff) -> None:
        self.summary.setText(summarise(diff))
        self.old_title.setText(f"In {diff.old}: removed or replaced")
        self.new_title.setText(f"In {diff.new}: added or replacing")
        self.tree.clear()
        self._images.clear()
        sections = [
            ("Models added", [(f"{m.name} ({m.id})", [], (), ()) for m in diff.models_added]),
            ("Models removed", [(f"{m.name} ({m.id})", [], (), ()) for m in diff.models_removed]),
            ("Zones added", [(_zone_line(z.model, z.zone.id, z.zone.title), [], (), _all_images(z))
                             for z in diff.zones_added]),
            ("Zones removed", [(_zone_line(z.model, z.zone.id, z.zone.title), [], _all_images(z), ())
                               for z in diff.zones_removed]),
            ("Zones changed", [(_zone_line(z.model, z.zone.id, z.zone.title),
                                [describe_change(c) for c in z.fields] + describe_images(z.images),
                                z.images.removed + tuple(old for old, _ in z.images.replaced),
                                z.images.added + tuple(new for _, new in z.images.replaced))
                               for z in diff.zones_changed]),
            ("Checks added", [(c.text, [], (), ()) for c in diff.checks_added]),
            ("Checks removed", [(c.text, [], (), ()) for c in diff.checks_removed]),
            ("Checks changed", [(c.id, [describe_change(f) for f in c.fields], (), ()) for c in diff.checks_changed]),
        ]
        for title, lines in sections:
            if lines:
                self._add_section(title, lines)
        self.tree.expandAll()
        if self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
        else:
            self._show_images((), ())

    def _add_section(self, title: str, lines: list[tuple[str, list[str], tuple[ImageRef, ...],
                                                         tuple[ImageRef, ...]]]) -> None:
        """A bold section line (showing every image of its lines), one line per difference, details below."""
        section = QTreeWidgetItem([f"{title} ({len(lines)})"])
        font = section.font(0)
        font.setBold(True)
        section.setFont(0, font)
        self.tree.addTopLevelItem(section)
        section.setData(0, IMAGES_ROLE, self._keep((tuple(ref for line in lines for ref in line[2]),
                                                    tuple(ref for line in lines for ref in line[3]))))
        for text, details, old, new in lines:
            index = self._keep((old, new))
            item = QTreeWidgetItem([text])
            item.setData(0, IMAGES_ROLE, index)
            section.addChild(item)
            for detail in details:
                child = QTreeWidgetItem([detail])
                child.setData(0, IMAGES_ROLE, index)
                item.addChild(child)

    def _keep(self, images: Images) -> int:
        self._images.append(images)
        return len(self._images) - 1

    def _on_current(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        old, new = self._images[item.data(0, IMAGES_ROLE)] if item is not None else ((), ())
        self._show_images(old, new)

    def _show_images(self, old: tuple[ImageRef, ...], new: tuple[ImageRef, ...]) -> None:
        self.old_images.set_images(old)
        self.new_images.set_images(new)


def _zone_line(model: str, zone: str, title: str) -> str:
    return f"{model} / {zone} — {title}"


class PackDiffDialog(QDialog):
    """Choose two versions of a brand's pack and see what changed from the first to the second."""

    def __init__(self, brand: BrandSummary, loader: ThumbnailLoader, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("packDiff")
        self.setWindowTitle(f"Compare versions — {brand.name}")
        self._packs: tuple[PackSummary, ...] = brand.packs   # newest first
        self.old_version, self.new_version = QComboBox(), QComboBox()
        for combo, name in ((self.old_version, "From version"), (self.new_version, "To version")):
            combo.setAccessibleName(name)
            for pack in self._packs:
                combo.addItem(pack.label + ("  (current)" if pack.current else ""))
        self.old_version.setObjectName("diffFrom")
        self.new_version.setObjectName("diffTo")
        self.new_version.setCurrentIndex(0)
        self.old_version.setCurrentIndex(min(1, len(self._packs) - 1))
        swap = QToolButton()
        swap.setText("⇄")
        swap.setToolTip("Swap the two versions (Ctrl+W)")
        swap.setShortcut("Ctrl+W")
        swap.clicked.connect(self.swap)
        self.view = PackDiffView(loader)
        choose = QHBoxLayout()
        choose.addWidget(QLabel("From"))
        choose.addWidget(self.old_version, 1)
        choose.addWidget(swap)
        choose.addWidget(QLabel("to"))
        choose.addWidget(self.new_version, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(choose)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.old_version.currentIndexChanged.connect(self._compare)
        self.new_version.currentIndexChanged.connect(self._compare)
        self.resize(980, 720)
        self._compare()

    @property
    def diff(self) -> PackDiff:
        return diff_packs(self._packs[self.old_version.currentIndex()], self._packs[self.new_version.currentIndex()])

    def swap(self) -> None:
        old, new = self.old_version.currentIndex(), self.new_version.currentIndex()
        for combo, index in ((self.old_version, new), (self.new_version, old)):
            combo.blockSignals(True)
            combo.setCurrentIndex(index)
            combo.blockSignals(False)
        self._compare()

    def _compare(self) -> None:
        self.view.show_diff(self.diff)
