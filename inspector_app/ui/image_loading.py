"""Photos decoded at the size they are shown, on workers, never at full size on the GUI thread.

A 24-megapixel bench photo is 96 MB as pixels; a case holds dozens. Qt's
reader decodes JPEG straight to a reduced size (the DCT scales for free), so
a thumbnail costs a fraction of a full decode and memory stays bounded by
what is on screen. EXIF orientation is applied, and the header's size is
checked before any pixel is decoded, against decompression bombs.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QImage, QImageReader

#: The most pixels a photo may claim in its header (matches the engine's loader limit in spirit: 120 MP).
MAX_PIXELS = 120_000_000
#: Long sides the screens ask for: list thumbnails, the capture preview, the compare view.
THUMB_SIDE = 256
PREVIEW_SIDE = 1600
DETAIL_SIDE = 4096


class UnreadableImage(ValueError):
    """The file is not an image Qt can read, or claims too many pixels; the message is one line."""


def image_size(source: Path | bytes) -> QSize:
    """The photo's size from its header, orientation applied, without decoding pixels."""
    reader, _ = _reader(source)
    size = reader.size()
    if not size.isValid():
        raise UnreadableImage(f"not a readable image ({reader.errorString()})")
    return size


def read_scaled(source: Path | bytes, max_side: int) -> QImage:
    """The image with its long side at most ``max_side`` (never enlarged), upright per its EXIF."""
    reader, _buffer = _reader(source)   # the buffer must outlive the read
    size = reader.size()
    if not size.isValid():
        raise UnreadableImage(f"not a readable image ({reader.errorString()})")
    if size.width() * size.height() > MAX_PIXELS:
        raise UnreadableImage(f"the image claims {size.width()}×{size.height()} pixels, more than a bench "
                              "photo can have")
    long_side = max(size.width(), size.height())
    if long_side > max_side:
        reader.setScaledSize(size.scaled(max_side, max_side, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        raise UnreadableImage(f"the image could not be decoded ({reader.errorString()})")
    return image


def _reader(source: Path | bytes) -> tuple[QImageReader, QBuffer | None]:
    if isinstance(source, Path):
        reader = QImageReader(str(source))
        buffer = None
    else:
        buffer = QBuffer()
        buffer.setData(QByteArray(source))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    return reader, buffer

