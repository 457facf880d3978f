"""Safe image decoding: size checked from the header before any pixel is decoded.

Every image that enters the workstation (a brand partner's reference, a photo
from the bench camera) is untrusted bytes. A 100 KB PNG can declare 30000x30000
pixels and take gigabytes to decode, and OpenCV's own limit is read once at
import time, so the limit is enforced here from the file header (Pillow reads
only the header when an image is opened) before OpenCV decodes anything.

Images come out as RGB ``uint8`` arrays of shape (H, W, 3), EXIF orientation
applied: one dtype policy for everything downstream.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

#: Default ceiling on decoded pixels: a 50-megapixel camera still fits.
DEFAULT_MAX_PIXELS = 60_000_000

#: Formats accepted as photos and references.
SUPPORTED_FORMATS = frozenset({"JPEG", "PNG", "TIFF", "WEBP", "BMP"})


class ImageError(ValueError):
    """The bytes are not a usable image; the message says why, in plain words."""


@dataclass(frozen=True)
class ImageInfo:
    """What the header says, read without decoding pixels."""

    format: str
    width: int
    height: int

    @property
    def pixels(self) -> int:
        return self.width * self.height


def probe_image(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> ImageInfo:
    """Read format and size from the header and refuse what must not be decoded.

    Raises :class:`ImageError` for bytes that are no image, a format we do not
    accept, or a size over ``max_pixels`` (a decompression bomb or a file far
    larger than any bench camera makes).
    """
    if not data:
        raise ImageError("empty file")
    with warnings.catch_warnings():
        # Pillow warns (and past twice the limit raises) on huge images; our own
        # limit below is the one that decides, so silence its opinion here.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as img:
                fmt = (img.format or "").upper()
                width, height = img.size
        except Image.DecompressionBombError:
            # Pillow refuses past twice its own ceiling before telling the size.
            raise ImageError(f"image declares over {2 * Image.MAX_IMAGE_PIXELS / 1e6:.0f} megapixels, "
                             f"over the limit of {max_pixels / 1e6:.1f} megapixels") from None
        except UnidentifiedImageError:
            raise ImageError("not a readable image (unknown format, or not an image at all)") from None
        except (OSError, SyntaxError, ValueError):
            raise ImageError("not a readable image (the file is damaged)") from None
    if fmt not in SUPPORTED_FORMATS:
        raise ImageError(f"unsupported image format {fmt or 'unknown'}")
    info = ImageInfo(fmt, int(width), int(height))
    if info.width <= 0 or info.height <= 0:
        raise ImageError("image has no pixels")
    if info.pixels > max_pixels:
        raise ImageError(
            f"image is {info.width}x{info.height} ({info.pixels / 1e6:.1f} megapixels), "
            f"over the limit of {max_pixels / 1e6:.1f} megapixels"
        )
    return info


_REDUCED_FLAGS = {1: cv2.IMREAD_COLOR, 2: cv2.IMREAD_REDUCED_COLOR_2,
                  4: cv2.IMREAD_REDUCED_COLOR_4, 8: cv2.IMREAD_REDUCED_COLOR_8}


def decode_image(
    data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS, reduce: int = 1
) -> np.ndarray:
    """Decode to an RGB ``uint8`` array (H, W, 3) with EXIF orientation applied.

    ``reduce`` (1, 2, 4 or 8) decodes at a fraction of full size, which JPEG
    does much faster than a full decode followed by a resize. Grey, 16-bit,
    alpha and CMYK inputs all arrive as 8-bit RGB. A truncated file is an
    :class:`ImageError`, never a half-grey image.
    """
    if reduce not in _REDUCED_FLAGS:
        raise ValueError(f"reduce must be one of 1, 2, 4, 8, not {reduce!r}")
    return _decode_probed(data, probe_image(data, max_pixels=max_pixels), reduce)


def _decode_probed(data: bytes, info: ImageInfo, reduce: int) -> np.ndarray:
    """:func:`decode_image` for bytes whose header :func:`probe_image` has already accepted."""
    while reduce > 1 and min(info.width, info.height) < reduce:
        reduce //= 2   # OpenCV fails to reduce an image to less than one pixel
    buffer = np.frombuffer(data, dtype=np.uint8)
    try:
        # IMREAD_COLOR already converts grey, alpha, 16-bit and CMYK to 8-bit BGR.
        bgr = cv2.imdecode(buffer, _REDUCED_FLAGS[reduce])
    except cv2.error:   # a decoder that asserts on damaged data rather than returning None
        bgr = None
    if bgr is None:
        raise ImageError("image data is corrupt or truncated")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def decode_for_analysis(data: bytes, *, min_long_side: int = 1600,
                        max_pixels: int = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """Decode no larger than the analysis needs: the largest JPEG reduction that
    leaves the long side within 10 % of ``min_long_side`` or above (a
    12-megapixel photo for a 1024-pixel analysis decodes at a quarter size,
    in half the time of a full decode)."""
    info = probe_image(data, max_pixels=max_pixels)
    reduce = 1
    while reduce < 8 and max(info.width, info.height) // (reduce * 2) >= 0.9 * min_long_side:
        reduce *= 2
    return _decode_probed(data, info, reduce)
