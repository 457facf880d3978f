"""Frame sources: a video file played through QtMultimedia stands in for a camera."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from inspector_app.ui.inspect.frame_sources import VideoFileSource, encode_jpeg
from tests.ui.conftest import demo_item

FRAME_SIZE = (800, 600)


def make_video(path: Path, photo: Path, frames: int = 12, size: tuple[int, int] = FRAME_SIZE) -> Path:
    """An MJPG .avi whose frames are a demo photo, as a webcam would show the item."""
    image = cv2.resize(cv2.imread(str(photo)), size, interpolation=cv2.INTER_AREA)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10, size)
    assert writer.isOpened(), "OpenCV cannot write MJPG video here"
    for _ in range(frames):
        writer.write(image)
    writer.release()
    return path


def test_a_video_file_delivers_frames_and_a_grab(qtbot: QtBot, tmp_path: Path) -> None:
    video = make_video(tmp_path / "bench.avi", demo_item("maison-aurel/a01")["front-logo"])
    source = VideoFileSource(video)
    assert source.grab() is None   # nothing before the first frame
    with qtbot.waitSignal(source.frameReady, timeout=15_000) as blocker:
        source.start()
    shown: QImage = blocker.args[0]
    assert (shown.width(), shown.height()) == FRAME_SIZE
    frame = source.grab()
    assert frame is not None and (frame.width(), frame.height()) == FRAME_SIZE
    jpeg = encode_jpeg(frame)
    assert jpeg[:2] == b"\xff\xd8"
    decoded = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert decoded.shape[:2] == (FRAME_SIZE[1], FRAME_SIZE[0])
    assert source.description == "Video file: bench.avi"
    source.stop()


def test_a_file_that_is_not_a_video_reports_an_error(qtbot: QtBot, tmp_path: Path) -> None:
    broken = tmp_path / "broken.avi"
    broken.write_bytes(b"this is not a video")
    source = VideoFileSource(broken)
    with qtbot.waitSignal(source.error, timeout=15_000) as blocker:
        source.start()
    assert blocker.args[0].startswith("The video broken.avi cannot be played")
    assert source.grab() is None
