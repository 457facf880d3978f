"""ONNX export of the pair network, and the checks that the file is what the workstation will run."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import onnx
import torch

from vision.classifier import INPUT_NAME, OUTPUT_NAME, file_sha256, load_classifier

OPSET = 17
#: onnxruntime must agree with torch this closely on validation pairs.
MAX_ABS_DIFF = 1e-4


def export(model: torch.nn.Module, path: Path, example: np.ndarray) -> None:
    """Write ``model`` (eval mode, sigmoid inside) as ONNX: input ``pair`` [N,2,H,W], output ``p_authentic`` [N]."""
    model.eval()
    torch.onnx.export(model, (torch.from_numpy(example[:2]),), str(path), opset_version=OPSET,
                      input_names=[INPUT_NAME], output_names=[OUTPUT_NAME],
                      dynamic_axes={INPUT_NAME: {0: "N"}, OUTPUT_NAME: {0: "N"}},
                      do_constant_folding=True, dynamo=False)
    onnx.checker.check_model(onnx.load(str(path)), full_check=True)


def verify(model: torch.nn.Module, path: Path, batch: np.ndarray) -> float:
    """Largest |onnxruntime - torch| on ``batch``, through ``vision.classifier.load_classifier``; raises if too large."""
    classifier = load_classifier(path, file_sha256(path))
    with torch.no_grad():
        expected = model.eval()(torch.from_numpy(batch)).numpy()
    diff = float(np.max(np.abs(classifier.probabilities(batch) - expected)))
    if diff >= MAX_ABS_DIFF:
        raise RuntimeError(f"onnxruntime and torch differ by {diff:.2e} on validation pairs")
    return diff


def inference_ms(path: Path, batch: np.ndarray, sizes: tuple[int, ...] = (1, 8), repeats: int = 20) -> dict[str, float]:
    """Median onnxruntime time per pair (ms, one thread) for each batch size: what one zone costs at the bench."""
    classifier = load_classifier(path, file_sha256(path), threads=1)
    out = {}
    for n in sizes:
        x = np.ascontiguousarray(batch[:n])
        classifier.probabilities(x)
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            classifier.probabilities(x)
            times.append(time.perf_counter() - t)
        out[f"batch_{n}"] = round(1000 * float(np.median(times)) / n, 3)
    return out
