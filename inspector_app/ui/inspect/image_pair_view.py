"""Two image views side by side that zoom and pan together.

An inspector compares a photo with a reference detail by detail: zooming into
the left stitch must show the same stitch on the right. The views share a
zoom relative to "fit" and a centre relative to the image, not pixels, so a
1280-pixel photo and a 640-pixel reference stay on the same spot. Each view
holds a base picture and optional layers drawn over it (an aligned photo at
some opacity, a measurement picture), each stretched to the base's frame. Pictures come from the content store,
decoded on workers at detail size and kept in a small cache.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QImage,
    QKeyEvent,
    QNativeGestureEvent,
    QPainter,
    QPalette,
    QPixmap,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGestureEvent,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPinchGesture,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from reference_library.store import ContentStore

from ..image_loading import DETAIL_SIDE, UnreadableImage, read_scaled
from ..messages import describe_error
from ..thumbnails import PixmapCache

#: How far one wheel notch or one key press zooms.
ZOOM_STEP = 1.25
#: Zoom limits, relative to the whole image fitting the view.
MIN_ZOOM, MAX_ZOOM = 1.0, 32.0


@dataclass(frozen=True)
class ViewState:
    """Where a view looks: zoom relative to fit, centre as a fraction of the image's width and height."""

    zoom: float = 1.0
    centre_x: float = 0.5
    centre_y: float = 0.5


class ImageView(QGraphicsView):
    """One picture with optional layers over it; wheel, pinch, drag and +/-/0 keys move the view."""

    viewChanged = Signal()   # the user zoomed or panned (not emitted while a state is applied)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.base = QGraphicsPixmapItem()
        self.base.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self.base)
        self.placeholder = QGraphicsSimpleTextItem()
        self.placeholder.setBrush(self.palette().color(QPalette.ColorRole.PlaceholderText))
        self.scene().addItem(self.placeholder)
        self.layers: list[QGraphicsPixmapItem] = []
        self.setRenderHints(QPainter.RenderHint.SmoothPixmapTransform | QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setBackgroundRole(QPalette.ColorRole.Window)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().grabGesture(Qt.GestureType.PinchGesture)
        self._state = ViewState()
        self._applying = False
        self.horizontalScrollBar().valueChanged.connect(self._scrolled)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)

    # -- what is shown --
    def set_picture(self, image: QImage | QPixmap | None, placeholder: str = "") -> None:
        """Show ``image`` (layers are cleared), or ``placeholder`` text where there is none; keeps the view state."""
        self.clear_layers()
        has_image = image is not None and not image.isNull()
        self.base.setPixmap(_pixmap(image) if image is not None and has_image else QPixmap())
        self.base.setVisible(has_image)
        self.placeholder.setText("" if has_image else placeholder)
        self.placeholder.setVisible(not has_image)
        rect = self.base.boundingRect() if has_image else self.placeholder.boundingRect().adjusted(-20, -20, 20, 20)
        with self._quiet():
            self.scene().setSceneRect(rect)
        self.apply_state(self._state)

    def add_layer(self, image: QImage | QPixmap, opacity: float = 1.0) -> QGraphicsPixmapItem:
        """Draw ``image`` over the picture, stretched to its frame (both must show the same frame)."""
        item = QGraphicsPixmapItem(_pixmap(image))
        item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        frame = self.base.boundingRect()
        if item.boundingRect().width() and item.boundingRect().height():
            item.setTransform(QTransform.fromScale(frame.width() / item.boundingRect().width(),
                                                   frame.height() / item.boundingRect().height()))
        item.setOpacity(opacity)
        item.setZValue(len(self.layers) + 1)
        self.scene().addItem(item)
        self.layers.append(item)
        return item

    def clear_layers(self) -> None:
        for item in self.layers:
            self.scene().removeItem(item)
        self.layers.clear()

    @property
    def has_picture(self) -> bool:
        return self.base.isVisible()

    # -- where the view looks --
    def state(self) -> ViewState:
        return self._state

    def apply_state(self, state: ViewState) -> None:
        """Look at the same relative spot with the same relative zoom, without echoing ``viewChanged``."""
        zoom = min(max(state.zoom, MIN_ZOOM), MAX_ZOOM)
        self._state = ViewState(zoom, min(max(state.centre_x, 0.0), 1.0), min(max(state.centre_y, 0.0), 1.0))
        rect = self.sceneRect()
        scale = self._fit_scale() * zoom
        with self._quiet():
            self.setTransform(QTransform.fromScale(scale, scale))
            self.centerOn(rect.left() + self._state.centre_x * rect.width(),
                          rect.top() + self._state.centre_y * rect.height())

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom keeping the scene point under ``anchor`` (viewport coordinates; default the centre) in place."""
        old = self._state
        zoom = min(max(old.zoom * factor, MIN_ZOOM), MAX_ZOOM)
        if zoom == old.zoom:
            return
        rect = self.sceneRect()
        centre = QPointF(rect.left() + old.centre_x * rect.width(), rect.top() + old.centre_y * rect.height())
        fixed = self.mapToScene(anchor.toPoint()) if anchor is not None else centre
        ratio = old.zoom / zoom
        new_centre = fixed + (centre - fixed) * ratio
        self.apply_state(ViewState(zoom, *self._relative(new_centre)))
        self.viewChanged.emit()

    def zoom_in(self) -> None:
        self.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom_by(1 / ZOOM_STEP)

    def fit(self) -> None:
        self.apply_state(ViewState())
        self.viewChanged.emit()

    def current_scale(self) -> float:
        """Screen pixels per image pixel right now."""
        return self.transform().m11()

    # -- events --
    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(ZOOM_STEP ** steps, event.position())
        event.accept()

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.NativeGesture and isinstance(event, QNativeGestureEvent) \
                and event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture:
            self.zoom_by(1 + event.value(), event.position())
            return True
        if event.type() == QEvent.Type.Gesture and isinstance(event, QGestureEvent):
            pinch = event.gesture(Qt.GestureType.PinchGesture)
            if isinstance(pinch, QPinchGesture):
                self.zoom_by(pinch.scaleFactor(), self.viewport().mapFromGlobal(pinch.centerPoint()))
                return True
        return super().viewportEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        actions = {Qt.Key.Key_Plus: self.zoom_in, Qt.Key.Key_Equal: self.zoom_in, Qt.Key.Key_Minus: self.zoom_out,
                   Qt.Key.Key_0: self.fit}
        action = actions.get(Qt.Key(event.key()))
        if action is None:
            super().keyPressEvent(event)
        else:
            action()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:   # the window switched theme
            self.placeholder.setBrush(self.palette().color(QPalette.ColorRole.PlaceholderText))
        super().changeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        with self._quiet():
            super().resizeEvent(event)
        self.apply_state(self._state)   # the same part of the image stays in view

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        """Scroll bars moved by the program, not the user: neither the state nor the other view follows."""
        self._applying = True
        try:
            yield
        finally:
            self._applying = False

    def _scrolled(self) -> None:
        if self._applying:
            return
        rect = self.sceneRect()
        centre = self.mapToScene(self.viewport().rect().center())
        if rect.width() and rect.height():
            self._state = ViewState(self._state.zoom, *self._relative(centre))
            self.viewChanged.emit()

    def _relative(self, point: QPointF) -> tuple[float, float]:
        rect = self.sceneRect()
        if not rect.width() or not rect.height():
            return 0.5, 0.5
        return (point.x() - rect.left()) / rect.width(), (point.y() - rect.top()) / rect.height()

    def _fit_scale(self) -> float:
        rect: QRectF = self.sceneRect()
        port = self.viewport().rect()
        if rect.isEmpty() or port.isEmpty():
            return 1.0
        return min(port.width() / rect.width(), port.height() / rect.height())


class ImagePairView(QWidget):
    """Two captioned :class:`ImageView` in a splitter; moving either moves the other to the same relative spot."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.left = ImageView()
        self.left.setObjectName("leftImage")
        self.right = ImageView()
        self.right.setObjectName("rightImage")
        self.left_caption = QLabel()
        self.left_caption.setObjectName("leftCaption")
        self.right_caption = QLabel()
        self.right_caption.setObjectName("rightCaption")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self._right_side = _captioned(self.right_caption, self.right)
        self.splitter.addWidget(_captioned(self.left_caption, self.left))
        self.splitter.addWidget(self._right_side)
        for index in (0, 1):
            self.splitter.setStretchFactor(index, 1)
        self.splitter.setSizes([1000, 1000])   # half and half, whatever the captions ask for
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.left.viewChanged.connect(lambda: self.right.apply_state(self.left.state()))
        self.right.viewChanged.connect(lambda: self.left.apply_state(self.right.state()))

    def set_captions(self, left: str, right: str) -> None:
        self.left_caption.setText(left)
        self.right_caption.setText(right)
        self.left.setAccessibleName(left)
        self.right.setAccessibleName(right)

    def views(self) -> tuple[ImageView, ImageView]:
        return self.left, self.right

    def set_single(self, single: bool) -> None:
        """Show only the left view (for a picture that already holds both sides)."""
        self._right_side.setVisible(not single)

    def zoom_in(self) -> None:
        self._active().zoom_in()

    def zoom_out(self) -> None:
        self._active().zoom_out()

    def fit(self) -> None:
        self._active().fit()

    def _active(self) -> ImageView:
        """The view with focus drives the other; the left one when neither has it."""
        return self.right if self.right.hasFocus() else self.left


def _pixmap(image: QImage | QPixmap) -> QPixmap:
    return image if isinstance(image, QPixmap) else QPixmap.fromImage(image)


def _captioned(caption: QLabel, view: ImageView) -> QWidget:
    caption.setWordWrap(True)
    caption.setBuddy(view)
    side = QWidget()
    layout = QVBoxLayout(side)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(caption)
    layout.addWidget(view, 1)
    return side


class PictureCache(PixmapCache):
    """Stored pictures decoded at detail size on workers; the last few are kept (a 24 MP photo is ~45 MB)."""

    def __init__(self, store: ContentStore, *, side: int = DETAIL_SIDE, capacity: int = 12,
                 parent: QObject | None = None):
        super().__init__(lambda sha256: read_scaled(store.path_for(sha256), side), side=side, capacity=capacity,
                         explain=_why_not_shown, parent=parent)


def _why_not_shown(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, UnreadableImage) else describe_error(exc)
