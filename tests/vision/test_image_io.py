"""Loading untrusted images: every kind of input, every kind of bad file."""

from __future__ import annotations

import io
import time
import zlib
import struct
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from vision.image_io import ImageError, decode_image, probe_image

SAMPLES = Path(__file__).parents[1] / "data" / "opencv-samples"


def _encode(img: Image.Image, fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def _photo() -> Image.Image:
    return Image.open(SAMPLES / "WindowsLogo.jpg").convert("RGB")


def test_real_jpeg_decodes_to_rgb_uint8() -> None:
    data = (SAMPLES / "WindowsLogo.jpg").read_bytes()
    img = decode_image(data)
    assert img.dtype == np.uint8 and img.shape == (240, 320, 3)
    # The reference decoder agrees on colour order (RGB, not OpenCV's BGR).
    ref = np.asarray(_photo(), dtype=np.int16)
    assert np.abs(img.astype(np.int16) - ref).mean() < 3


@pytest.mark.parametrize("fmt", ["PNG", "TIFF", "WEBP", "BMP"])
def test_formats(fmt: str) -> None:
    img = decode_image(_encode(_photo(), fmt))
    assert img.shape == (240, 320, 3)


@pytest.mark.parametrize("mode", ["L", "RGBA", "LA", "CMYK"])
def test_modes_arrive_as_8bit_rgb(mode: str) -> None:
    src = _photo().convert(mode)
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    img = decode_image(_encode(src, fmt))
    assert img.dtype == np.uint8 and img.shape == (240, 320, 3)
    assert 20 < img.mean() < 235  # content survived, not a black or white frame


def test_sixteen_bit_scaled_not_truncated() -> None:
    grey16 = np.tile(np.linspace(0, 65535, 256), (64, 1)).astype(np.uint16)
    img = decode_image(_encode(Image.fromarray(grey16), "PNG"))
    assert img[:, -1].mean() > 240 and img[:, 0].mean() < 15


def test_exif_orientation_is_applied() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise on display
    img = decode_image(_encode(_photo(), "JPEG", exif=exif.tobytes()))
    assert img.shape == (320, 240, 3)


def test_reduced_decode() -> None:
    img = decode_image((SAMPLES / "WindowsLogo.jpg").read_bytes(), reduce=4)
    assert img.shape == (60, 80, 3)


def test_truncated_jpeg_is_an_error_not_a_grey_image() -> None:
    data = (SAMPLES / "WindowsLogo.jpg").read_bytes()
    with pytest.raises(ImageError, match="corrupt or truncated"):
        decode_image(data[: len(data) // 2])


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"),
    (b"%PDF-1.7 not an image at all", "not a readable image"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "not a readable image"),
])
def test_non_images(data: bytes, reason: str) -> None:
    with pytest.raises(ImageError, match=reason):
        decode_image(data)


def _png_bomb(side: int) -> bytes:
    """A tiny PNG declaring side x side grey pixels (all zeros compress to nothing)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    comp = zlib.compressobj(9)
    row = b"\x00" * (side + 1)
    body = b"".join(comp.compress(row) for _ in range(side)) + comp.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def test_decompression_bomb_refused_before_decoding() -> None:
    bomb = _png_bomb(20000)  # 400 megapixels in well under a megabyte
    assert len(bomb) < 1_000_000
    started = time.perf_counter()
    with pytest.raises(ImageError, match="megapixels"):
        decode_image(bomb)
    # Refused from the header: no time or memory spent on pixels (generous bound, not a benchmark).
    assert time.perf_counter() - started < 2.0


def test_pixel_limit_is_a_parameter() -> None:
    data = (SAMPLES / "WindowsLogo.jpg").read_bytes()
    assert probe_image(data).pixels == 320 * 240
    with pytest.raises(ImageError, match="over the limit"):
        probe_image(data, max_pixels=320 * 240 - 1)


def test_bad_reduce_factor() -> None:
    with pytest.raises(ValueError, match="reduce"):
        decode_image((SAMPLES / "WindowsLogo.jpg").read_bytes(), reduce=3)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "BMP"])
def test_image_smaller_than_the_reduction_decodes_whole(fmt: str) -> None:
    # Found by tests/fuzz/test_fuzz_image_io.py: a 1x1 image with reduce=2 raised cv2.error, and pack
    # validation decodes every reference with reduce=8, so a tiny reference broke the import.
    data = _encode(Image.new("RGB", (1, 5), (200, 10, 10)), fmt)
    for reduce in (2, 4, 8):
        img = decode_image(data, reduce=reduce)
        assert img.shape[:2] == (5, 1) and img.dtype == np.uint8
