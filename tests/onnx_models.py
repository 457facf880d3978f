"""Small real ONNX files for tests: a model of the pair-classifier contract, and its card.

Built with ``onnx.helper`` (the ``train`` extra): callers skip with the reason where onnx is absent.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from vision.classifier import INPUT_HEIGHT, INPUT_NAME, INPUT_WIDTH, OUTPUT_NAME

onnx = pytest.importorskip("onnx", reason="building test models needs the 'train' extra (onnx)")
from onnx import TensorProto, helper  # noqa: E402


def mean_model(path: Path, *, input_name: str = INPUT_NAME, shape: tuple = ("N", 2, INPUT_HEIGHT, INPUT_WIDTH),
               name: str = "mean") -> str:
    """A 'classifier' of the right shape: sigmoid of the mean of the pair, one value per pair; returns its sha256.

    ``name`` makes otherwise identical models differ in bytes (and hash).
    """
    x = helper.make_tensor_value_info(input_name, TensorProto.FLOAT, list(shape))
    y = helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, ["N"])
    axes = helper.make_tensor("axes", TensorProto.INT64, [3], [1, 2, 3])
    nodes = [
        helper.make_node("ReduceMean", [input_name, "axes"], ["m"], keepdims=0),
        helper.make_node("Sigmoid", ["m"], [OUTPUT_NAME]),
    ]
    graph = helper.make_graph(nodes, name, [x], [y], initializer=[axes])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    onnx.checker.check_model(model)
    data = model.SerializeToString()
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def model_with_card(directory: Path, *, name: str = "test-pair", version: str = "1", kinds: tuple[str, ...] = ("logo",),
                    threshold: float = 0.3, **card: object) -> Path:
    """A model file and its JSON card (``card`` overrides fields) in ``directory``; returns the .onnx path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}-v{version}.onnx"
    sha = mean_model(path, name=f"{name}-{version}-{'-'.join(kinds)}")
    fields = {"name": name, "version": version, "sha256": sha, "kinds": list(kinds), "threshold": threshold, **card}
    path.with_suffix(".json").write_text(json.dumps(fields), encoding="utf-8")
    return path
