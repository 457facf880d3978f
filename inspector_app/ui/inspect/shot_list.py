"""The shot list: every zone of the model, what has been taken and what still needs a (re)take.

Each row spells its state in words and colour (not taken, usable, retake) so
the inspector sees at a glance what is left; taken zones show a thumbnail of
their photo, decoded on a worker.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QBrush, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

from reference_library.catalog import ZoneSummary

from ..status_style import status_colour
from ..thumbnails import ThumbnailLoader

#: The shown size of a row's thumbnail (decoded at the loader's side, scaled by the view).
ICON_SIDE = 72
ZONE_ROLE = Qt.ItemDataRole.UserRole + 20


class ShotState(Enum):
    MISSING = "not taken"
    USABLE = "usable"
    RETAKE = "retake"
    TAKEN = "taken"     # kept before this session (resumed): the gate's judgement was not kept with it

    @property
    def colour_key(self) -> str:
        """The status colour that reads as this state (status_style)."""
        return {"usable": "pass", "retake": "inconclusive"}.get(self.value, "na")


@dataclass(frozen=True)
class ZoneShot:
    """One zone of the shot list and its latest shot."""

    zone: ZoneSummary
    state: ShotState = ShotState.MISSING
    sha256: str | None = None
    retake: str | None = None

    @property
    def taken(self) -> bool:
        return self.sha256 is not None

    def describe(self) -> str:
        """The state in words, for the row and for screen readers."""
        if self.state is ShotState.RETAKE:
            return f"Retake: {self.retake}"
        if self.state is ShotState.TAKEN:
            return "Taken (kept earlier)"
        return self.state.value.capitalize()


class ShotList(QListWidget):
    """The zones in shot order; the selected row is the zone the next shot is for."""

    def __init__(self, thumbnails: ThumbnailLoader, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("shotList")
        self.setAccessibleName("Shot list")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setIconSize(QSize(ICON_SIDE, ICON_SIDE))
        self.setWordWrap(True)
        self.setSpacing(2)
        # every row has room for its thumbnail and three lines (a long title wraps once, then the state)
        self._row_height = max(ICON_SIDE, 3 * self.fontMetrics().lineSpacing()) + 6
        no_photo = QPixmap(ICON_SIDE, ICON_SIDE)
        no_photo.fill(self.palette().color(QPalette.ColorRole.Mid))
        self._no_photo = QIcon(no_photo)
        self._thumbnails = thumbnails
        self._shots: list[ZoneShot] = []
        thumbnails.ready.connect(self._on_thumbnail)

    @property
    def shots(self) -> tuple[ZoneShot, ...]:
        return tuple(self._shots)

    def set_shots(self, shots: list[ZoneShot]) -> None:
        self.clear()
        self._shots = list(shots)
        for shot in self._shots:
            item = QListWidgetItem()
            item.setData(ZONE_ROLE, shot.zone.id)
            self.addItem(item)
            self._show(item, shot)
        if self._shots:
            self.setCurrentRow(0)

    def update_shot(self, shot: ZoneShot) -> None:
        row = self.row_of(shot.zone.id)
        self._shots[row] = shot
        self._show(self.item(row), shot)

    def row_of(self, zone_id: str) -> int:
        return next(i for i, s in enumerate(self._shots) if s.zone.id == zone_id)

    def shot(self, zone_id: str) -> ZoneShot:
        return self._shots[self.row_of(zone_id)]

    def current_shot(self) -> ZoneShot | None:
        row = self.currentRow()
        return self._shots[row] if 0 <= row < len(self._shots) else None

    def next_to_take(self, after: str) -> int | None:
        """The first zone after ``after`` (wrapping round) with no photo yet."""
        start = self.row_of(after)
        order = self._shots[start + 1:] + self._shots[:start]
        return next((self.row_of(s.zone.id) for s in order if not s.taken), None)

    def shows_thumbnail(self, zone_id: str) -> bool:
        """Whether the zone's row shows its photo (decoded) rather than the empty box."""
        return self.item(self.row_of(zone_id)).icon().cacheKey() != self._no_photo.cacheKey()

    def critical_done(self) -> bool:
        """Every critical zone has a photo (what analysis needs at least)."""
        return bool(self._shots) and all(s.taken for s in self._shots if s.zone.critical)

    def _show(self, item: QListWidgetItem, shot: ZoneShot) -> None:
        critical = " · critical" if shot.zone.critical else ""
        text = f"{shot.zone.title}{critical}\n{shot.describe()}"
        item.setText(text)
        item.setToolTip(text)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, text.replace("\n", ", "))
        item.setForeground(QBrush(status_colour(shot.state.colour_key)) if shot.taken else QBrush())
        thumb = self._thumbnails.get(shot.sha256) if shot.sha256 else None
        item.setIcon(QIcon(thumb) if isinstance(thumb, QPixmap) else self._no_photo)
        item.setSizeHint(QSize(0, self._row_height))

    def _on_thumbnail(self, sha256: str) -> None:
        for row, shot in enumerate(self._shots):
            if shot.sha256 == sha256:
                self._show(self.item(row), shot)


def shot_after(shot: ZoneShot, sha256: str, retake: str | None) -> ZoneShot:
    """The zone's row once a new shot is kept."""
    return replace(shot, sha256=sha256, retake=retake, state=ShotState.RETAKE if retake else ShotState.USABLE)
