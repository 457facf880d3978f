"""Live frames for guided capture: a camera, or a video file standing in for one.

Both sources feed a :class:`QVideoSink`; the page shows frames as they come
and Space keeps the latest one. The preview is converted at most a few times
a second (a 4K frame costs milliseconds to convert), while :meth:`grab`
always converts the newest frame at full resolution.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QSize, QUrl, Signal
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import (
    QCamera, QCameraDevice, QCameraFormat, QMediaCaptureSession, QMediaDevices, QMediaPlayer, QVideoFrame, QVideoSink,
)

#: The live preview is refreshed at most this often (seconds); capture always takes the newest frame.
PREVIEW_INTERVAL = 0.1
#: JPEG quality of a frame kept as a shot.
JPEG_QUALITY = 95


def encode_jpeg(image: QImage, quality: int = JPEG_QUALITY) -> bytes:
    """A frame as JPEG bytes, the form every shot takes (safe on a worker thread)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "JPEG", quality):
        raise ValueError("the frame could not be encoded as JPEG")
    buffer.close()
    return bytes(data.data())


class FrameSource(QObject):
    """Where live frames come from; ``frameReady`` paces the preview, :meth:`grab` takes a shot."""

    frameReady = Signal(QImage)
    error = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.sink = QVideoSink(self)
        self.sink.videoFrameChanged.connect(self._on_frame)
        self._latest: QVideoFrame | None = None
        self._shown_at = 0.0

    @property
    def description(self) -> str:
        """What the source is, for the page ("Camera: …", "Video file: …")."""
        raise NotImplementedError

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def grab(self) -> QImage | None:
        """The newest frame as an image, or None before the first frame."""
        if self._latest is None or not self._latest.isValid():
            return None
        image = self._latest.toImage()
        return None if image.isNull() else image

    def _on_frame(self, frame: QVideoFrame) -> None:
        self._latest = frame
        now = time.monotonic()
        if now - self._shown_at >= PREVIEW_INTERVAL:
            self._shown_at = now
            image = frame.toImage()
            if not image.isNull():
                self.frameReady.emit(image)


@dataclass(frozen=True)
class CameraChoice:
    """A camera as the page lists it: its id (remembered in preferences), name and resolutions."""

    device: QCameraDevice
    id: str
    name: str
    resolutions: tuple[str, ...]   # "WIDTHxHEIGHT", largest first


def cameras() -> list[CameraChoice]:
    """The cameras this computer has (none on a headless bench)."""
    return [CameraChoice(d, bytes(d.id().data()).decode(errors="replace"), d.description(), _resolutions(d))
            for d in QMediaDevices.videoInputs()]


def _resolutions(device: QCameraDevice) -> tuple[str, ...]:
    sizes = {(f.resolution().width(), f.resolution().height()) for f in device.videoFormats()}
    return tuple(f"{w}x{h}" for w, h in sorted(sizes, key=lambda s: s[0] * s[1], reverse=True))


class CameraSource(FrameSource):
    """A real camera through QtMultimedia, at the chosen resolution (the largest when none is chosen)."""

    def __init__(self, choice: CameraChoice, resolution: str = "", parent: QObject | None = None):
        super().__init__(parent)
        self._choice = choice
        self.camera = QCamera(choice.device, self)
        fmt = _format_for(choice.device, resolution)
        if fmt is not None:
            self.camera.setCameraFormat(fmt)
        self.camera.errorOccurred.connect(lambda _err, text: self.error.emit(f"Camera: {text}"))
        self.session = QMediaCaptureSession(self)
        self.session.setCamera(self.camera)
        self.session.setVideoSink(self.sink)

    @property
    def description(self) -> str:
        size = self.camera.cameraFormat().resolution()
        return f"Camera: {self._choice.name}" + (f" ({size.width()}×{size.height()})" if size.isValid() else "")

    def start(self) -> None:
        self.camera.start()

    def stop(self) -> None:
        self.camera.stop()


def _format_for(device: QCameraDevice, resolution: str) -> QCameraFormat | None:
    """The device's format at ``WIDTHxHEIGHT`` (highest frame rate), or its largest."""
    formats = device.videoFormats()
    if not formats:
        return None
    wanted = _parse_size(resolution)
    matching = [f for f in formats if wanted is not None and f.resolution() == wanted]
    pool = matching or formats
    return max(pool, key=lambda f: (f.resolution().width() * f.resolution().height(), f.maxFrameRate()))


def _parse_size(text: str) -> QSize | None:
    width, _, height = text.partition("x")
    return QSize(int(width), int(height)) if width.isdigit() and height.isdigit() else None


class VideoFileSource(FrameSource):
    """A video file played in a loop as if it were a camera (demonstrations, and the tests of the camera path)."""

    def __init__(self, path: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.path = path
        self.player = QMediaPlayer(self)
        self.player.setLoops(QMediaPlayer.Loops.Infinite)
        self.player.setVideoSink(self.sink)
        self.player.errorOccurred.connect(self._on_error)

    @property
    def description(self) -> str:
        return f"Video file: {self.path.name}"

    def start(self) -> None:
        self.player.setSource(QUrl.fromLocalFile(str(self.path)))
        self.player.play()

    def stop(self) -> None:
        self.player.stop()

    def _on_error(self, _error: QMediaPlayer.Error, text: str) -> None:
        self.error.emit(f"The video {self.path.name} cannot be played: {text or 'unknown format'}.")
