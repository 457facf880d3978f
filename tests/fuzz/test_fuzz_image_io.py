"""Fuzzing the image loader: real images of every kind, then damaged; only ImageError escapes, the limit holds."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from tests.fuzz.budget import fuzz
from vision.image_io import ImageError, decode_for_analysis, decode_image, probe_image

pytestmark = [pytest.mark.fuzz, pytest.mark.filterwarnings("ignore::UserWarning:PIL")]  # damaged files

FORMATS = ["JPEG", "PNG", "TIFF", "WEBP", "BMP", "GIF", "PPM"]
MODES = ["RGB", "L", "RGBA", "CMYK", "P", "I;16", "1"]


@st.composite
def images(draw: st.DrawFn) -> bytes:
    """A small real image in any format and mode, then truncated, overwritten or padded."""
    size = (draw(st.integers(1, 48)), draw(st.integers(1, 48)))
    pixels = np.frombuffer(draw(st.binary(min_size=size[0] * size[1] * 3, max_size=size[0] * size[1] * 3)), np.uint8)
    img = Image.fromarray(pixels.reshape(size[1], size[0], 3), "RGB").convert(draw(st.sampled_from(MODES)))
    buf = io.BytesIO()
    try:
        img.save(buf, format=draw(st.sampled_from(FORMATS)))
    except (OSError, ValueError, KeyError):   # that format cannot hold that mode
        img.convert("RGB").save(buf, format="PNG")
    data = bytearray(buf.getvalue())
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["truncate", "overwrite", "insert"]))
        if action == "truncate":
            del data[at:]
        elif action == "overwrite":
            # Header fields (sizes, counts, offsets) are the interesting targets: big values, zeros, 0xff runs.
            patch = draw(st.binary(min_size=1, max_size=4) | st.sampled_from([b"\xff\xff\xff\x7f", b"\0\0\0\0"]))
            data[at:at + len(patch)] = patch
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
    return bytes(data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(images() | st.binary(max_size=2000), st.integers(1, 48 * 48 * 2), st.sampled_from([1, 2, 4, 8]))
def only_image_errors_and_the_limit_holds(data: bytes, max_pixels: int, reduce: int) -> None:
    try:
        info = probe_image(data, max_pixels=max_pixels)
    except ImageError as exc:
        assert str(exc) and "\n" not in str(exc)
        info = None
    for decode in (lambda: decode_image(data, max_pixels=max_pixels, reduce=reduce),
                   lambda: decode_for_analysis(data, min_long_side=16, max_pixels=max_pixels)):
        try:
            rgb = decode()
        except ImageError as exc:
            assert str(exc) and "\n" not in str(exc)
            continue
        assert info is not None, "decoded what the header check refused"
        assert rgb.dtype == np.uint8 and rgb.ndim == 3 and rgb.shape[2] == 3
        # Never more pixels than the header declared (EXIF orientation may swap the sides): the limit holds.
        assert rgb.shape[0] * rgb.shape[1] <= info.pixels <= max_pixels


def test_image_loader_fuzz() -> None:
    assert fuzz(only_image_errors_and_the_limit_holds) > 0
