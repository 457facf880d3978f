"""The training command works end to end: a few steps on tiny data give a model the workstation can load."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch", reason="torch is the optional train extra: pip install -e '.[train]'")
pytest.importorskip("onnx", reason="onnx is the optional train extra: pip install -e '.[train]'")

import onnx  # noqa: E402

from tools.classifier import pairs, train  # noqa: E402
from vision.classifier import INPUT_HEIGHT, INPUT_WIDTH, load_classifier  # noqa: E402


def test_pairs_are_reproducible_and_balanced() -> None:
    a, b = pairs.make_group(3, pairs.VAL, 1), pairs.make_group(3, pairs.VAL, 1)
    assert [p.label for p in a] == [1, 1, 0, 0, 1, 1, 0, 0]
    assert all(p.kind == "hardware" and p.input.shape == (2, INPUT_HEIGHT, INPUT_WIDTH) for p in a)
    assert all(np.array_equal(p.input, q.input) for p, q in zip(a, b))
    assert pairs.design_for(3, pairs.TRAIN, 0) != pairs.design_for(3, pairs.VAL, 0)


def test_tiny_training_exports_a_loadable_model(tmp_path: Path) -> None:
    assert train.main(["--out", str(tmp_path), "--train-pairs", "16", "--val-pairs", "8", "--epochs", "1",
                       "--threads", "1"]) == 0
    path = tmp_path / "pair-classifier-v1.onnx"
    onnx.checker.check_model(onnx.load(str(path)), full_check=True)
    card = json.loads((tmp_path / "pair-classifier-v1.json").read_text())
    assert (card["input"]["name"], card["output"]["name"], card["opset"]) == ("pair", "p_authentic", 17)
    assert card["kinds"] == ["logo", "hardware"] and 0.0 <= card["threshold"] <= 1.0
    assert card["sha256"] in (tmp_path / "pair-classifier-v1.md").read_text()
    classifier = load_classifier(path, card["sha256"])
    p = classifier.probabilities(np.random.default_rng(0).normal(size=(3, 2, INPUT_HEIGHT, INPUT_WIDTH)))
    assert p.shape == (3,) and np.all((p >= 0) & (p <= 1))
