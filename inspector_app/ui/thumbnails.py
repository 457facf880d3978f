"""Thumbnails of stored images: decoded on workers, cached, shown in grids.

Decoding even a small reference takes milliseconds and a zone can hold dozens,
so every image is decoded off the GUI thread (reduced JPEG decode, then area
resampling) and kept in a bounded cache keyed by content hash: an image shared
by two zones or two pack versions is decoded once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np
from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem, QStyle, QWidget

from reference_library.catalog import ImageRef

from ..services.library import LibraryService
from .workers import JobRunner

THUMB_SIDE = 176
SHA_ROLE = Qt.ItemDataRole.UserRole + 10
SHOWN_ROLE = Qt.ItemDataRole.UserRole + 11


def rgb_to_qimage(rgb: np.ndarray) -> QImage:
    """A QImage that owns a copy of the pixels (safe to hand across threads)."""
    height, width = rgb.shape[:2]
    return QImage(rgb.data, width, height, rgb.strides[0], QImage.Format.Format_RGB888).copy()


class PixmapCache(QObject):
    """Pictures decoded on workers and kept in a bounded cache keyed by content hash.

    ``decode`` turns a sha256 into a QImage on a worker; a failure is kept as
    its message (``explain``), so a broken picture shows as a broken tile
    and is not decoded again and again.
    """

    ready = Signal(str)   # sha256: its pixmap (or why there is none) is now available

    def __init__(self, decode: Callable[[str], QImage], *, side: int, capacity: int,
                 explain: Callable[[BaseException], str] = str, parent: QObject | None = None):
        super().__init__(parent)
        self._decode = decode
        self._explain = explain
        self._side = side
        self._capacity = capacity
        self._cache: OrderedDict[str, QPixmap | str] = OrderedDict()
        self._pending: set[str] = set()
        self._runner = JobRunner(self)

    @property
    def side(self) -> int:
        return self._side

    def get(self, sha256: str) -> QPixmap | str | None:
        """The cached pixmap, why it cannot be shown, or None (then a decode is started; ``ready`` follows)."""
        if sha256 in self._cache:
            self._cache.move_to_end(sha256)
            return self._cache[sha256]
        if sha256 not in self._pending:
            self._pending.add(sha256)
            self._runner.start(lambda _progress: self._decode(sha256),
                               on_finished=lambda image: self._keep(sha256, image),
                               on_failed=lambda exc: self._keep(sha256, self._explain(exc) or "could not be decoded"))
        return None

    @property
    def busy(self) -> bool:
        return self._runner.busy

    def _keep(self, sha256: str, picture: QImage | str) -> None:
        self._pending.discard(sha256)
        self._cache[sha256] = picture if isinstance(picture, str) else QPixmap.fromImage(picture)  # converted once
        while len(self._cache) > self._capacity:
            self._cache.popitem(last=False)
        self.ready.emit(sha256)


class ThumbnailLoader(PixmapCache):
    """Library thumbnails: a reduced decode of each stored image, many kept (a zone can hold dozens)."""

    def __init__(self, service: LibraryService, *, side: int = THUMB_SIDE, capacity: int = 600,
                 parent: QObject | None = None):
        super().__init__(lambda sha256: rgb_to_qimage(service.thumbnail(sha256, side)), side=side,
                         capacity=capacity, parent=parent)


class ThumbnailGrid(QListWidget):
    """A wrapping grid of image tiles, each labelled with its path in the pack."""

    def __init__(self, loader: ThumbnailLoader, parent: QWidget | None = None):
        super().__init__(parent)
        self._loader = loader
        side = loader.side
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setUniformItemSizes(True)
        self.setIconSize(QSize(side, side))
        lines = self.fontMetrics().lineSpacing()
        self.setGridSize(QSize(side + 32, side + 3 * lines + 12))  # room for a path on up to three lines
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._placeholder = _blank_icon(side, self.palette().color(QPalette.ColorRole.Midlight))
        self._broken = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        loader.ready.connect(self._on_ready)

    def set_images(self, images: Sequence[ImageRef]) -> None:
        self.clear()
        for ref in images:
            item = QListWidgetItem(ref.path)
            item.setData(SHA_ROLE, ref.sha256)
            item.setToolTip(f"{ref.path}\nsha256 {ref.sha256[:16]}…")
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self.addItem(item)
            self._apply(item, self._loader.get(ref.sha256))

    def pending(self) -> int:
        """Tiles still waiting for their image."""
        return sum(1 for i in range(self.count()) if not self.item(i).data(SHOWN_ROLE))

    def _on_ready(self, sha256: str) -> None:
        for i in range(self.count()):
            item = self.item(i)
            if item.data(SHA_ROLE) == sha256:
                self._apply(item, self._loader.get(sha256))

    def _apply(self, item: QListWidgetItem, thumb: QPixmap | str | None) -> None:
        if thumb is None:
            item.setIcon(self._placeholder)
            return
        item.setData(SHOWN_ROLE, 1)  # an int: PySide 6.12 miscounts references to a stored bool
        if isinstance(thumb, str):
            item.setIcon(self._broken)
            item.setToolTip(f"{item.toolTip()}\nNot shown: {thumb}")
        else:
            item.setIcon(QIcon(_centred(thumb, self._loader.side)))


def _blank_icon(side: int, colour: QColor) -> QIcon:
    pixmap = QPixmap(side, side)
    pixmap.fill(colour)
    return QIcon(pixmap)


def _centred(pixmap: QPixmap, side: int) -> QPixmap:
    """The thumbnail on a square transparent canvas, so tiles line up whatever the aspect ratio."""
    canvas = QPixmap(side, side)
    canvas.fill(Qt.GlobalColor.transparent)
    painter = QPainter(canvas)
    painter.drawPixmap((side - pixmap.width()) // 2, (side - pixmap.height()) // 2, pixmap)
    painter.end()
    return canvas
