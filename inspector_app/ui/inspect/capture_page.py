"""Guided capture: the model's shot list, one zone at a time, from a camera, a hot folder or files.

Every shot goes through the quality gate the moment it is taken (on a worker)
and its judgement is drawn on the photo: a green mark when usable, the retake
reason as a banner when not. Shots are handled one after the other, each for
the zone selected when its turn comes, so a burst from a tethered camera fills
the shot list in order. A shot that could not be recorded because the database
or the image store failed is held, with its zone, and Retry records it again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction, QColor, QDragEnterEvent, QDropEvent, QHideEvent, QImage, QKeySequence, QPainter, QPaintEvent, QPalette, QPen,
    QPixmap, QShowEvent,
)
from PySide6.QtMultimedia import QMediaDevices
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFileDialog, QFrame, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QScrollArea,
    QSizePolicy, QVBoxLayout, QWidget,
)

from reference_library.catalog import ZoneSummary

from ...services.cases import CaseView, TakenPhoto
from ..bench_context import BenchContext
from ..image_loading import PREVIEW_SIDE, THUMB_SIDE, read_scaled
from ..messages import describe_error, is_recording_fault
from ..status_style import status_colour
from ..thumbnails import ThumbnailLoader
from ..workers import JobRunner
from .frame_sources import CameraSource, FrameSource, VideoFileSource, cameras, encode_jpeg
from .hot_folder import IMAGE_SUFFIXES, HotFolder, is_image_file
from .shot_list import ShotList, ShotState, ZoneShot, shot_after

#: The long side the reference example is decoded at.
EXAMPLE_SIDE = 480
IMAGE_FILTER = "Images ({})".format(" ".join(f"*{s}" for s in sorted(IMAGE_SUFFIXES)))

#: A shot as it arrives: a file (import, drop, hot folder) or a camera frame.
ShotSource = Path | QImage
#: A shot waiting its turn, with the zone it belongs to when that is already fixed (a retried shot).
Queued = tuple[ShotSource, str | None]


def framing_advice(kind: str, scale_card_mm: float) -> str:
    """What to put in the frame for a zone of this kind."""
    card = f"the scale card ({scale_card_mm:g} mm square)"
    return {
        "logo": "The whole logo, square on, filling about two thirds of the frame.",
        "stitching": f"A straight run of seam with {card} flat beside it.",
        "hardware": f"The whole plate with {card} beside it.",
        "code": "The serial tag, flat, filling the frame.",
        "texture": "A flat area of material.",
    }.get(kind, "The zone, square on, filling the frame.")


class PhotoView(QWidget):
    """A photo scaled to fit, with the gate's judgement drawn on it."""

    def __init__(self, placeholder: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 180)
        self._pixmap: QPixmap | None = None
        self._placeholder = placeholder
        self.banner: str | None = None     # the retake reason drawn over the photo
        self.usable: bool | None = None    # True: green mark; None: no judgement shown

    def show_image(self, image: QImage | None, *, usable: bool | None = None, banner: str | None = None) -> None:
        self._pixmap = QPixmap.fromImage(image) if image is not None and not image.isNull() else None
        self.usable, self.banner = usable, banner
        judgement = "usable" if usable else (f"retake: {banner}" if banner else "")
        self.setAccessibleDescription(judgement)
        self.setToolTip(judgement.capitalize())
        self.update()

    def show_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.show_image(None)

    @property
    def has_image(self) -> bool:
        return self._pixmap is not None

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        palette = self.palette()
        if self._pixmap is None:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect().adjusted(12, 12, -12, -12),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._placeholder)
            return
        size = self._pixmap.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRectF((self.width() - size.width()) / 2, (self.height() - size.height()) / 2,
                        size.width(), size.height())
        painter.drawPixmap(target, self._pixmap, QRectF(self._pixmap.rect()))
        light = palette.color(QPalette.ColorRole.HighlightedText)   # white on both themes, reads on the marks
        if self.banner:
            lines = painter.fontMetrics().lineSpacing()
            band = QRectF(target.left(), target.bottom() - 3 * lines, target.width(), 3 * lines)
            colour = QColor(status_colour(ShotState.RETAKE.colour_key))   # a copy: the style's colour is shared
            colour.setAlpha(215)
            painter.fillRect(band, colour)
            painter.setPen(light)
            painter.drawText(band.adjusted(10, 0, -10, 0),
                             Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap, f"Retake: {self.banner}")
        elif self.usable:
            side = max(28.0, min(target.width(), target.height()) * 0.09)
            mark = QRectF(target.right() - side - 10, target.top() + 10, side, side)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(status_colour("pass"))
            painter.drawEllipse(mark)
            painter.setPen(QPen(light, side / 9, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawPolyline([QPointF(mark.left() + side * x, mark.top() + side * y)
                                  for x, y in ((0.27, 0.52), (0.43, 0.70), (0.75, 0.32))])


class CapturePage(QWidget):
    """The shot list beside the current zone's guidance, the latest shot and the sources."""

    status = Signal(str)
    shotTaken = Signal(object)        # TakenPhoto, once gated and kept
    analyseRequested = Signal()

    def __init__(self, context: BenchContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("capturePage")
        self.setAcceptDrops(True)
        self._context = context
        self._case: str | None = None
        self._shots = JobRunner(self)     # gate-and-keep, one at a time
        self._decodes = JobRunner(self)   # previews and examples
        self._queue: deque[Queued] = deque()
        self._unsaved: list[tuple[ShotSource, str]] = []   # shots the database or the store failed to record
        self._preview_generation = 0
        self._examples: dict[str, QPixmap] = {}
        self._keep_preview = False
        self._last_shot_zone: str | None = None
        self.source: FrameSource | None = None
        self._paused = False   # the source was stopped because the page was hidden

        self.thumbnails = ThumbnailLoader(context.library, side=THUMB_SIDE, parent=self)
        self.shot_list = ShotList(self.thumbnails)
        self.shot_list.currentRowChanged.connect(self._on_zone_selected)
        self.analyse_button = QPushButton("Analyse  (Ctrl+Return)")
        self.analyse_button.setObjectName("analyseButton")
        self.analyse_button.setEnabled(False)
        self.analyse_button.setToolTip("Judge every zone against the references; needs a photo of each critical zone")
        self.analyse_button.clicked.connect(self.request_analysis)

        self.zone_title = QLabel()
        self.zone_title.setObjectName("zoneTitle")
        font = self.zone_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.zone_title.setFont(font)
        self.critical = QLabel()
        self.critical.setObjectName("zoneCritical")
        self.guidance = QLabel()
        self.guidance.setObjectName("framingAdvice")
        self.guidance.setWordWrap(True)
        self.preview = PhotoView("No photo yet.")
        self.preview.setObjectName("photoPreview")
        self.preview.setAccessibleName("Latest shot")
        self.preview_caption = QLabel()
        self.preview_caption.setObjectName("previewCaption")
        self.message = QLabel()
        self.message.setObjectName("captureMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {status_colour('fail').name()};")
        self.retry_button = QPushButton("Retry  (Ctrl+R)")
        self.retry_button.setObjectName("retryShotButton")
        self.retry_button.setToolTip("Record again the shots the database or the image store could not keep")
        self.retry_button.clicked.connect(self.retry_unsaved)
        self.retry_button.hide()

        self.example = QLabel("No reference photo for this zone.")
        self.example.setObjectName("referenceExample")
        self.example.setAccessibleName("Reference photo of the zone")
        self.example.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.example.setMinimumSize(240, 180)
        self.example.setWordWrap(True)

        self._build_sources()
        self._build_layout()
        self._build_actions()

    # -- layout --------------------------------------------------------------------------------------

    def _build_sources(self) -> None:
        self.import_button = QPushButton("Import file…  (Ctrl+O)")
        self.import_button.setObjectName("importButton")
        self.import_button.setToolTip("Take a photo file as this zone's shot (or drop files on the page)")
        self.import_button.clicked.connect(self.choose_files)

        self.live = PhotoView("Camera off.")
        self.live.setObjectName("liveView")
        self.live.setAccessibleName("Live camera view")
        self.camera_box = QComboBox()
        self.camera_box.setObjectName("cameraDevice")
        self.camera_box.setAccessibleName("Camera")
        self.resolution_box = QComboBox()
        self.resolution_box.setObjectName("cameraResolution")
        self.resolution_box.setAccessibleName("Camera resolution")
        self.camera_state = QLabel()
        self.camera_state.setObjectName("cameraState")
        self.camera_state.setWordWrap(True)
        self.camera_button = QPushButton("Start camera  (Ctrl+Shift+C)")
        self.camera_button.setObjectName("cameraButton")
        self.camera_button.clicked.connect(self.toggle_camera)
        self.video_button = QPushButton("Use a video file as camera…  (Ctrl+Shift+V)")
        self.video_button.setObjectName("videoFileButton")
        self.video_button.clicked.connect(self.choose_video_file)
        self._fill_cameras()
        self._devices = QMediaDevices(self)
        self._devices.videoInputsChanged.connect(self._fill_cameras)   # a camera plugged in or out
        self.camera_box.currentIndexChanged.connect(self._on_camera_chosen)
        self.resolution_box.currentTextChanged.connect(self._on_resolution_chosen)

        self.hot_folder = HotFolder(self)
        self.hot_folder.arrived.connect(self._on_hot_arrival)
        self.hot_folder.error.connect(self._on_hot_folder_error)
        self.hot_toggle = QCheckBox("Watch hot folder  (Ctrl+H)")
        self.hot_toggle.setObjectName("hotFolderToggle")
        self.hot_toggle.setToolTip("New photos in the folder are taken as the selected zone's shot")
        self.hot_toggle.toggled.connect(self.watch_hot_folder)
        self.hot_path = QLabel()
        self.hot_path.setObjectName("hotFolderPath")
        self.hot_path.setWordWrap(True)
        self.hot_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hot_choose = QPushButton("Choose folder…  (Ctrl+Shift+H)")
        self.hot_choose.setObjectName("hotFolderChoose")
        self.hot_choose.clicked.connect(self.choose_hot_folder)
        self._show_hot_folder()

    def _build_layout(self) -> None:
        left = QVBoxLayout()
        left.addWidget(QLabel("Shot list"))
        left.addWidget(self.shot_list, 1)
        left.addWidget(self.analyse_button)

        middle = QVBoxLayout()
        heading = QHBoxLayout()
        heading.addWidget(self.zone_title)
        heading.addWidget(self.critical)
        heading.addStretch(1)
        middle.addLayout(heading)
        middle.addWidget(self.guidance)
        middle.addWidget(self.preview, 1)
        middle.addWidget(self.preview_caption)
        middle.addWidget(self.message)
        middle.addWidget(self.retry_button)

        example_box = QGroupBox("Reference example")
        QVBoxLayout(example_box).addWidget(self.example)
        camera = QGroupBox("Camera")
        grid = QGridLayout(camera)
        grid.addWidget(self.live, 0, 0, 1, 2)
        grid.addWidget(self.camera_box, 1, 0)
        grid.addWidget(self.resolution_box, 1, 1)
        grid.addWidget(self.camera_state, 2, 0, 1, 2)
        grid.addWidget(self.camera_button, 3, 0, 1, 2)
        grid.addWidget(self.video_button, 4, 0, 1, 2)
        hot = QGroupBox("Hot folder")
        hot_layout = QVBoxLayout(hot)
        for widget in (self.hot_toggle, self.hot_path, self.hot_choose):
            hot_layout.addWidget(widget)
        sources = QWidget()
        right = QVBoxLayout(sources)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(example_box, 1)
        right.addWidget(self.import_button)
        right.addWidget(camera, 1)
        right.addWidget(hot)
        # the sources scroll rather than push the window taller than a laptop screen
        scroller = QScrollArea(objectName="captureSources", widgetResizable=True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroller.setWidget(sources)

        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addLayout(middle, 5)
        layout.addWidget(scroller, 3)

    def _build_actions(self) -> None:
        self._keys: list[tuple[str, str]] = []
        for keys, what, slot in (
            ("PgDown", "next zone", lambda: self._move(1)),
            ("PgUp", "previous zone", lambda: self._move(-1)),
            ("Space", "capture from the camera", self.capture_frame),
            ("Ctrl+O", "import a photo file for the zone", self.choose_files),
            ("R", "retake the zone just shot", self.retake),
            ("Ctrl+R", "record again the shots that could not be kept", self.retry_unsaved),
            ("Ctrl+Return", "analyse the case", self.request_analysis),
            ("Ctrl+Shift+C", "start or stop the camera", self.toggle_camera),
            ("Ctrl+Shift+V", "use a video file as camera", self.choose_video_file),
            ("Ctrl+H", "watch the hot folder on or off", self.hot_toggle.toggle),
            ("Ctrl+Shift+H", "choose the hot folder", self.choose_hot_folder),
        ):
            action = QAction(what, self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            self._keys.append((keys, what.capitalize()))
        self._keys.insert(0, ("Up / Down", "Previous / next zone"))

    def shortcuts(self) -> list[tuple[str, str]]:
        return list(self._keys)

    # -- the case ------------------------------------------------------------------------------------

    @property
    def case_number(self) -> str | None:
        return self._case

    @property
    def busy(self) -> bool:
        """A shot is being gated or waits its turn."""
        return self._shots.busy or bool(self._queue)

    def show_case(self, view: CaseView, zones: tuple[ZoneSummary, ...]) -> None:
        """Show the case's shot list: ``zones`` in shot order, with the photos it holds already."""
        self._case = view.case_number
        self._queue.clear()
        self._set_unsaved([])
        self.message.clear()
        judged = {z["zone"]: z for z in view.zones}
        shots = [_saved_shot(zone, view.photos.get(zone.id), judged.get(zone.id)) for zone in zones]
        self.shot_list.set_shots(shots)
        self._last_shot_zone = None
        self.shot_list.setCurrentRow(next((i for i, s in enumerate(shots) if not s.taken), 0))
        self._update_analyse()
        self.shot_list.setFocus()

    def clear_case(self) -> None:
        self._case = None
        self._queue.clear()
        self._set_unsaved([])
        self.shot_list.set_shots([])
        self.preview.show_placeholder("No case open.")
        self._update_analyse()

    def request_analysis(self) -> None:
        if self.analyse_button.isEnabled():
            self.analyseRequested.emit()
        else:
            self.status.emit("Every critical zone needs a photo before the analysis.")

    # -- zones ---------------------------------------------------------------------------------------

    def _move(self, step: int) -> None:
        row = self.shot_list.currentRow() + step
        if 0 <= row < self.shot_list.count():
            self.shot_list.setCurrentRow(row)

    def retake(self) -> None:
        """Go back to the zone shot last (or stay on the current one): the next shot replaces its photo."""
        target = self._last_shot_zone or (self.shot_list.current_shot().zone.id
                                          if self.shot_list.current_shot() else None)
        if target is None:
            return
        self.shot_list.setCurrentRow(self.shot_list.row_of(target))
        self.status.emit(f"Retaking {self.shot_list.shot(target).zone.title}: shoot it again.")

    def _on_zone_selected(self, row: int) -> None:
        shot = self.shot_list.current_shot()
        if shot is None:
            return
        zone = shot.zone
        self.zone_title.setText(zone.title)
        self.critical.setText("critical" if zone.critical else "not critical")
        self.critical.setToolTip("The verdict cannot pass without this zone" if zone.critical else
                                 "This zone adds evidence but is not required")
        self.guidance.setText(framing_advice(zone.kind, self._context.preferences.scale_card_mm))
        self._show_example(zone)
        if self._keep_preview:
            return
        self._show_zone_photo(shot)

    def _show_zone_photo(self, shot: ZoneShot) -> None:
        self._preview_generation += 1
        generation = self._preview_generation
        if shot.sha256 is None:
            self.preview.show_placeholder(f"No photo of {shot.zone.title} yet.")
            self.preview_caption.setText("")
            return
        path = self._context.workstation.store.path_for(shot.sha256)
        self._decodes.start(lambda _p: read_scaled(path, PREVIEW_SIDE),
                            on_finished=lambda image: self._on_zone_photo(generation, shot, image),
                            on_failed=lambda exc: self._on_decode_failed(generation, exc))

    def _on_zone_photo(self, generation: int, shot: ZoneShot, image: QImage) -> None:
        if generation == self._preview_generation:
            self._show_judged(shot, image)

    def _on_decode_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._preview_generation:
            self.preview.show_placeholder(f"The photo cannot be shown: {describe_error(exc)}")

    def _show_judged(self, shot: ZoneShot, image: QImage) -> None:
        usable = True if shot.state is ShotState.USABLE else None
        self.preview.show_image(image, usable=usable, banner=shot.retake)
        self.preview_caption.setText(f"{shot.zone.title}: {shot.describe()}")

    def _show_example(self, zone: ZoneSummary) -> None:
        if not zone.references:
            self.example.setPixmap(QPixmap())
            self.example.setText("No reference photo for this zone.")
            return
        sha = zone.references[0].sha256
        if sha in self._examples:
            self._set_example(self._examples[sha])
            return
        self.example.setText("Loading the reference…")
        store = self._context.workstation.store
        self._decodes.start(lambda _p: read_scaled(store.read(sha), EXAMPLE_SIDE),
                            on_finished=lambda image: self._on_example(zone.id, sha, image),
                            on_failed=lambda exc: self.example.setText(describe_error(exc)))

    def _on_example(self, zone_id: str, sha: str, image: QImage) -> None:
        self._examples[sha] = QPixmap.fromImage(image)
        current = self.shot_list.current_shot()
        if current is not None and current.zone.id == zone_id:
            self._set_example(self._examples[sha])

    def _set_example(self, pixmap: QPixmap) -> None:
        side = max(160, min(self.example.width(), self.example.height()))
        self.example.setPixmap(pixmap.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio,
                                             Qt.TransformationMode.SmoothTransformation))

    # -- shots ---------------------------------------------------------------------------------------

    def take(self, source: ShotSource) -> None:
        """A shot for the selected zone (when its turn comes): a photo file or a camera frame."""
        if self._case is None:
            self.status.emit("Open a case before taking photos.")
            return
        self._queue.append((source, None))
        self._next_shot()

    @property
    def unsaved(self) -> int:
        """How many shots wait for Retry."""
        return len(self._unsaved)

    def retry_unsaved(self) -> None:
        """Record again, each for its own zone, the shots a database or store fault kept from being recorded."""
        if not self._unsaved or self._case is None:
            return
        self._queue.extend(self._unsaved)
        self._set_unsaved([])
        self._next_shot()

    def _set_unsaved(self, shots: list[tuple[ShotSource, str]]) -> None:
        self._unsaved = shots
        self.retry_button.setVisible(bool(shots))
        if shots:
            self.retry_button.setText(f"Retry {len(shots)} shot{'s' if len(shots) > 1 else ''}  (Ctrl+R)")

    def _next_shot(self) -> None:
        if self._shots.busy or not self._queue or self._case is None:
            return
        shot = self.shot_list.current_shot()
        if shot is None:
            self._queue.clear()
            return
        source, pinned = self._queue.popleft()
        case, zone = self._case, pinned or shot.zone.id
        cases, user = self._context.cases, self._context.user
        self.message.clear()
        self.status.emit(f"Checking the shot of {self.shot_list.shot(zone).zone.title}…")

        def work(_progress: object) -> tuple[TakenPhoto, QImage]:
            data = source.read_bytes() if isinstance(source, Path) else encode_jpeg(source)
            taken = cases.take_photo(user, case, zone, data)
            return taken, read_scaled(data, PREVIEW_SIDE)

        self._shots.start(work, on_finished=lambda result: self._on_taken(case, *result),
                          on_failed=lambda exc: self._on_shot_failed(case, source, zone, exc))

    def _on_taken(self, case: str, taken: TakenPhoto, image: QImage) -> None:
        if case != self._case:   # kept in its case, but another case is on screen now
            self._next_shot()
            return
        shot = shot_after(self.shot_list.shot(taken.zone), taken.sha256, taken.retake)
        self.shot_list.update_shot(shot)
        self._last_shot_zone = taken.zone
        self._preview_generation += 1   # a preview still decoding is older than this shot
        self._show_judged(shot, image)
        self._update_analyse()
        if taken.usable:
            self.status.emit(f"{shot.zone.title}: usable.")
            following = self.shot_list.next_to_take(taken.zone)
            if following is not None:
                self._keep_preview = True   # the shot just taken stays in view while the list moves on
                self.shot_list.setCurrentRow(following)
                self._keep_preview = False
            elif self.analyse_button.isEnabled():
                self.status.emit("Every zone has a photo: analyse with Ctrl+Return.")
        else:
            self.status.emit(f"{shot.zone.title}: retake ({taken.retake}).")
        self.shotTaken.emit(taken)
        self._next_shot()

    def _on_shot_failed(self, case: str, source: ShotSource, zone: str, exc: BaseException) -> None:
        what = source.name if isinstance(source, Path) else "the camera frame"
        text = f"{what} was not kept: {describe_error(exc)}"
        if case == self._case and is_recording_fault(exc):   # the shot is fine: hold it for Retry
            self._set_unsaved([*self._unsaved, (source, zone)])
            text = f"{what} was not recorded: {describe_error(exc)} (Retry: Ctrl+R)"
        self.message.setText(text)
        self.status.emit(text)
        self._next_shot()

    def _update_analyse(self) -> None:
        self.analyse_button.setEnabled(self._case is not None and self.shot_list.critical_done())

    # -- files and drops -----------------------------------------------------------------------------

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Import photos", "", IMAGE_FILTER)
        for path in paths:
            self.take(Path(path))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _dropped_images(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = _dropped_images(event)
        if paths:
            event.acceptProposedAction()
            for path in paths:
                self.take(path)

    # -- hot folder ----------------------------------------------------------------------------------

    def watch_hot_folder(self, on: bool) -> None:
        folder = self._context.preferences.hot_folder
        if on and not folder:
            self.choose_hot_folder()
            return
        if on and self.hot_folder.start(Path(folder)):
            self.status.emit(f"Watching {folder}: new photos are taken as the selected zone's shot.")
        elif not on:
            self.hot_folder.stop()
        self._show_hot_folder()

    def choose_hot_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Hot folder", self._context.preferences.hot_folder)
        if folder:
            self.set_hot_folder(Path(folder))
        else:
            self._show_hot_folder()

    def set_hot_folder(self, folder: Path) -> None:
        """Remember the folder and watch it from now on."""
        self._context.preferences.hot_folder = str(folder)
        if self.hot_toggle.isChecked():
            self.watch_hot_folder(True)
        else:
            self.hot_toggle.setChecked(True)

    def _on_hot_arrival(self, path: Path) -> None:
        """A tethered shot counts only while capture is on screen; later it would follow the analysis unseen."""
        if self.isVisible() and self.isEnabled():
            self.take(path)
        else:
            self.status.emit(f"{path.name} arrived in the hot folder outside capture and was not taken "
                             "(go back to Capture, Ctrl+2, and import it if it is wanted).")

    def _on_hot_folder_error(self, text: str) -> None:
        self.message.setText(text)
        self.status.emit(text)
        self._show_hot_folder()

    def _show_hot_folder(self) -> None:
        folder = self._context.preferences.hot_folder
        active = self.hot_folder.active
        self.hot_toggle.blockSignals(True)
        self.hot_toggle.setChecked(active)
        self.hot_toggle.blockSignals(False)
        self.hot_path.setText(f"Watching {folder}" if active else (f"{folder} (not watched)" if folder else
                                                                   "No folder chosen."))

    # -- camera --------------------------------------------------------------------------------------

    def _fill_cameras(self) -> None:
        self._cameras = cameras()
        self.camera_box.blockSignals(True)   # filling is not choosing: the remembered camera stays remembered
        self.camera_box.clear()
        for choice in self._cameras:
            self.camera_box.addItem(choice.name, choice.id)
        has_camera = bool(self._cameras)
        self.camera_box.setEnabled(has_camera)
        self.resolution_box.setEnabled(has_camera)
        self.camera_button.setEnabled(has_camera)
        if has_camera:
            remembered = self.camera_box.findData(self._context.preferences.camera_device)
            self.camera_box.setCurrentIndex(max(remembered, 0))
        else:
            self.camera_box.addItem("No camera found")
        self.camera_box.blockSignals(False)
        self._fill_resolutions()
        if self.source is None:
            self._show_idle_camera()

    def _show_idle_camera(self) -> None:
        self.camera_state.setText("Camera off." if self._cameras else
                                  "No camera found. Connect one, use the hot folder, or use a video file as camera.")

    def _fill_resolutions(self) -> None:
        index = self.camera_box.currentIndex()
        self.resolution_box.blockSignals(True)
        self.resolution_box.clear()
        if 0 <= index < len(self._cameras):
            self.resolution_box.addItems(list(self._cameras[index].resolutions))
            remembered = self.resolution_box.findText(self._context.preferences.camera_resolution)
            self.resolution_box.setCurrentIndex(max(remembered, 0))
        self.resolution_box.blockSignals(False)

    def _on_camera_chosen(self, index: int) -> None:
        if 0 <= index < len(self._cameras):
            self._context.preferences.camera_device = self._cameras[index].id
            self._fill_resolutions()

    def _on_resolution_chosen(self, text: str) -> None:
        if text:
            self._context.preferences.camera_resolution = text

    def toggle_camera(self) -> None:
        if self.source is not None:
            self.stop_source()
            return
        index = self.camera_box.currentIndex()
        if not 0 <= index < len(self._cameras):
            self.status.emit("No camera found: use the hot folder, a photo file or a video file as camera.")
            return
        self.use_source(CameraSource(self._cameras[index], self.resolution_box.currentText()))

    def choose_video_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Video file as camera", "",
                                              "Videos (*.avi *.mp4 *.mkv *.mov *.webm)")
        if path:
            self.use_source(VideoFileSource(Path(path)))

    def use_source(self, source: FrameSource) -> None:
        """Show this source's frames live; Space keeps the newest one as the zone's shot."""
        self.stop_source()
        source.setParent(self)
        self.source = source
        source.frameReady.connect(self.live.show_image)
        source.error.connect(self._on_source_error)
        source.start()
        self.camera_state.setText(f"{source.description} · Space captures.")
        self.camera_button.setText("Stop camera  (Ctrl+Shift+C)")
        self.camera_button.setEnabled(True)

    def stop_source(self) -> None:
        if self.source is not None:
            self.source.stop()
            self.source.deleteLater()
            self.source = None
        self._paused = False
        self.live.show_placeholder("Camera off.")
        self.camera_button.setText("Start camera  (Ctrl+Shift+C)")
        self.camera_button.setEnabled(bool(self._cameras))
        self._show_idle_camera()

    def _on_source_error(self, text: str) -> None:
        self.camera_state.setText(text)
        self.status.emit(text)

    def capture_frame(self) -> None:
        """Space: the newest camera frame becomes the selected zone's shot."""
        if self.source is None:
            self.status.emit("No camera running: start the camera or use a video file as camera.")
            return
        frame = self.source.grab()
        if frame is None:
            self.status.emit("The camera has not delivered a picture yet.")
            return
        self.take(frame)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.source is not None and self._paused:
            self.source.start()
            self._paused = False

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        if self.source is not None and not self._paused:   # a camera left on in another step wastes it
            self.source.stop()
            self._paused = True


def _saved_shot(zone: ZoneSummary, sha256: str | None, judged: Mapping[str, Any] | None) -> ZoneShot:
    """A zone as the case holds it; whether a kept photo was usable is known once an analysis judged it."""
    if sha256 is None:
        return ZoneShot(zone)
    if judged is not None and judged.get("photo_sha256") == sha256:
        return shot_after(ZoneShot(zone), sha256, judged.get("retake"))
    return ZoneShot(zone, ShotState.TAKEN, sha256)


def _dropped_images(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls()
            if url.isLocalFile() and is_image_file(Path(url.toLocalFile()))]
