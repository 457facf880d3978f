"""The classifier's run time: input preparation, hash check, contract check, real onnxruntime sessions.

Small models are built with ``onnx.helper`` (the ``train`` extra) so each contract
violation is a real file onnxruntime loads or refuses; the shipped model is run on
real aligned crops from the demo library.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from tests.vision.demo_data import DEMO, photo, sample_zones, zone_images
from vision import logo
from vision.classifier import INPUT_HEIGHT, INPUT_WIDTH, ModelError, comparison_input, load_classifier, pair_input

from tests.onnx_models import mean_model  # noqa: E402  (skips where onnx is absent)


def test_pair_input_is_lighting_independent_and_keeps_proportions() -> None:
    rng = np.random.default_rng(1)
    img = rng.integers(0, 255, (100, 300, 3), np.uint8)
    brighter = np.clip(img.astype(np.float32) * 0.6 + 40, 0, 255).astype(np.uint8)
    a, b = pair_input(img, brighter)
    assert a.shape == b.shape == (INPUT_HEIGHT, INPUT_WIDTH)
    assert np.abs(a - b).max() < 0.1            # gain and offset do not matter
    # 100 x 300 fits as 85 x 256: the rows above and below are padding (zero)
    assert np.all(a[:20] == 0) and np.all(a[-20:] == 0) and np.any(a[64] != 0)


def test_pair_input_crops_to_the_roi_and_masks_outside() -> None:
    img = np.zeros((200, 400, 3), np.uint8)
    img[50:150, 100:300] = 200
    img[80:120, 150:250] = 20
    roi = np.zeros((200, 400), bool)
    roi[50:150, 100:300] = True
    a, _ = pair_input(img, img, roi)
    assert a.shape == (INPUT_HEIGHT, INPUT_WIDTH)
    assert a[64, 128] < -1 and a[10, 128] > 0.4   # the dark inner bar and the light surround, filling the input


def test_pair_input_refuses_mismatched_images() -> None:
    with pytest.raises(ValueError, match="one shape"):
        pair_input(np.zeros((10, 10, 3), np.uint8), np.zeros((10, 12, 3), np.uint8))
    with pytest.raises(ValueError, match="empty"):
        pair_input(np.zeros((10, 10, 3), np.uint8), np.zeros((10, 10, 3), np.uint8), np.zeros((10, 10), bool))


def test_loads_once_and_gives_one_probability_per_pair(tmp_path: Path) -> None:
    sha = mean_model(tmp_path / "m.onnx")
    clf = load_classifier(tmp_path / "m.onnx", sha)
    assert load_classifier(tmp_path / "m.onnx", sha) is clf        # one session per model, reused
    x = np.zeros((3, 2, INPUT_HEIGHT, INPUT_WIDTH), np.float32)
    x[1] += 4.0
    p = clf.probabilities(x)
    assert p.shape == (3,) and p.dtype == np.float32
    assert p[0] == pytest.approx(0.5) and p[1] > 0.95
    assert clf.probabilities(x[:0]).shape == (0,)
    with pytest.raises(ValueError, match=r"\[N, 2, 128, 256\]"):
        clf.probabilities(np.zeros((1, 3, INPUT_HEIGHT, INPUT_WIDTH), np.float32))


def test_altered_model_file_is_refused(tmp_path: Path) -> None:
    sha = mean_model(tmp_path / "m.onnx", name="tampered")
    with pytest.raises(ModelError, match="altered or replaced"):
        load_classifier(tmp_path / "m.onnx", "0" * 64)
    mean_model(tmp_path / "m.onnx", name="tampered-2")    # the file is replaced by another model
    with pytest.raises(ModelError, match="altered or replaced"):
        load_classifier(tmp_path / "m.onnx", sha)


def test_missing_and_corrupt_model_files(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cannot be read"):
        load_classifier(tmp_path / "absent.onnx", "0" * 64)
    junk = b"not an onnx model at all" * 10
    (tmp_path / "junk.onnx").write_bytes(junk)
    with pytest.raises(ModelError, match="not a valid ONNX model"):
        load_classifier(tmp_path / "junk.onnx", hashlib.sha256(junk).hexdigest())


@pytest.mark.parametrize("kwargs, message", [
    ({"input_name": "image"}, "not a pair classifier"),
    ({"shape": ("N", 3, INPUT_HEIGHT, INPUT_WIDTH)}, "expects tensor"),
])
def test_model_with_other_inputs_is_refused(tmp_path: Path, kwargs: dict, message: str) -> None:
    sha = mean_model(tmp_path / "other.onnx", **kwargs)
    with pytest.raises(ModelError, match=message):
        load_classifier(tmp_path / "other.onnx", sha)


def test_shipped_model_on_real_aligned_crops() -> None:
    """The shipped model, through its card's hash, on the demo's logos aligned by the engine."""
    card_path = next((DEMO.parent / "models").glob("*.json"))
    card = json.loads(card_path.read_text())
    clf = load_classifier(card_path.with_suffix(".onnx"), card["sha256"])
    _, refs, fakes = zone_images("maison-aurel", "logo")
    prepared = logo.prepare(refs, fakes)
    zones = [z for z in sample_zones("logo") if z["brand"] == "maison-aurel" and not z["defect"]][:4]
    comparisons = [logo.analyse(prepared, photo(z)).comparison for z in zones]
    batch = np.stack([comparison_input(c) for c in comparisons if c is not None])
    assert len(batch) >= 3
    p = clf.probabilities(batch)
    assert p.shape == (len(batch),) and p.dtype == np.float32 and np.all((p >= 0) & (p <= 1))
    np.testing.assert_allclose(p[:1], clf.probabilities(batch[:1]), atol=1e-5)   # batching changes nothing
