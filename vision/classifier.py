"""A learned second opinion: does the photo show the same authentic design as its reference?

The model compares a *pair*: the photo resampled into the reference's frame by
the geometric alignment (:class:`vision.findings.Comparison`) and the
reference it was matched with. It never learns a brand: what it learns is
whether two aligned images of a logo or an engraved plate show one design, so
it serves brands it was never trained on, judged against their own references.

Model contract (documented in ``resources/models/*.md``): one input
:data:`INPUT_NAME`, float32 ``[N, 2, INPUT_HEIGHT, INPUT_WIDTH]`` built by
:func:`pair_input` (channel 0 the photo, 1 the reference); one output
:data:`OUTPUT_NAME`, float32 ``[N]``, the probability that the photo shows the
authentic design. Training (``tools/classifier``) uses :func:`pair_input` too,
so what the model sees at the bench is prepared exactly as it was in training.

Only onnxruntime runs the model: torch is never needed to inspect.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from .findings import Comparison

INPUT_NAME = "pair"
OUTPUT_NAME = "p_authentic"
INPUT_HEIGHT, INPUT_WIDTH = 128, 256
#: Standardised grey levels are clipped here: a specular spot must not dominate the input.
CLIP_SIGMA = 5.0


class ModelError(Exception):
    """The model file is missing, altered, or not a pair classifier of this contract."""


def _standardised(rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Grey, zero mean and unit spread inside ``mask`` (exposure and contrast do not matter), 0 outside."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    inside = grey[mask]
    if inside.size < 16:
        return np.zeros_like(grey)
    out = (grey - float(inside.mean())) / max(float(inside.std()), 1.0)
    out[~mask] = 0.0
    return np.clip(out, -CLIP_SIGMA, CLIP_SIGMA)


def _letterbox(img: np.ndarray) -> np.ndarray:
    """Fit into the input size keeping proportions (a logo's proportions are evidence), zero padded."""
    h, w = img.shape
    scale = min(INPUT_WIDTH / w, INPUT_HEIGHT / h)
    nw, nh = max(1, int(round(w * scale))), max(1, int(round(h * scale)))
    small = cv2.resize(img, (nw, nh), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    out = np.zeros((INPUT_HEIGHT, INPUT_WIDTH), np.float32)
    y0, x0 = (INPUT_HEIGHT - nh) // 2, (INPUT_WIDTH - nw) // 2
    out[y0:y0 + nh, x0:x0 + nw] = small
    return out


def pair_input(photo: np.ndarray, reference: np.ndarray, roi: np.ndarray | None = None) -> np.ndarray:
    """The model's input for one pair: float32 ``[2, INPUT_HEIGHT, INPUT_WIDTH]``.

    ``photo`` and ``reference`` are RGB uint8 of one shape, already in one frame;
    both are cut to the bounding box of ``roi`` (where the design lies) and masked to it.
    """
    if photo.shape != reference.shape or photo.ndim != 3 or photo.shape[2] != 3:
        raise ValueError(f"photo {photo.shape} and reference {reference.shape} must be RGB images of one shape")
    mask = np.ones(photo.shape[:2], bool) if roi is None else roi.astype(bool)
    if mask.shape != photo.shape[:2]:
        raise ValueError(f"roi {mask.shape} does not match the images {photo.shape[:2]}")
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        raise ValueError("the region of interest is empty")
    box = (slice(ys.min(), ys.max() + 1), slice(xs.min(), xs.max() + 1))
    m = mask[box]
    return np.stack([_letterbox(_standardised(photo[box], m)), _letterbox(_standardised(reference[box], m))])


def comparison_input(comparison: Comparison) -> np.ndarray:
    return pair_input(comparison.photo, comparison.reference, comparison.roi)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class PairClassifier:
    """One onnxruntime session over a verified model file; thread-safe to call."""

    sha256: str
    session: object
    lock: threading.Lock

    def probabilities(self, inputs: np.ndarray) -> np.ndarray:
        """``[N, 2, H, W]`` inputs (see :func:`pair_input`) -> ``[N]`` probabilities of the authentic design."""
        batch = np.ascontiguousarray(inputs, np.float32)
        if batch.ndim != 4 or batch.shape[1:] != (2, INPUT_HEIGHT, INPUT_WIDTH):
            raise ValueError(f"inputs must be [N, 2, {INPUT_HEIGHT}, {INPUT_WIDTH}], not {list(batch.shape)}")
        if len(batch) == 0:
            return np.zeros(0, np.float32)
        with self.lock:
            (out,) = self.session.run([OUTPUT_NAME], {INPUT_NAME: batch})  # type: ignore[attr-defined]
        return np.clip(np.asarray(out, np.float32).reshape(len(batch)), 0.0, 1.0)


_sessions: dict[tuple[str, int], PairClassifier] = {}
_sessions_lock = threading.Lock()


def load_classifier(path: Path, sha256: str, *, threads: int = 1) -> PairClassifier:
    """The model at ``path``, after checking its hash and its inputs; sessions are made once and reused."""
    key = (sha256, threads)
    with _sessions_lock:
        if key in _sessions:
            return _sessions[key]
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise ModelError(f"model file {path} cannot be read: {exc.strerror or exc}") from None
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            raise ModelError(f"model file {path} has been altered or replaced: its sha256 is {actual[:12]}…, "
                             f"the registry expects {sha256[:12]}…")
        classifier = PairClassifier(sha256, _session(data, path, threads), threading.Lock())
        _sessions[key] = classifier
        return classifier


def _session(data: bytes, path: Path, threads: int) -> object:
    import onnxruntime as ort   # imported here: inspecting without a model never loads it

    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, threads)
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    try:
        session = ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])
    except Exception as exc:   # onnxruntime raises its own exception types for a corrupt file
        raise ModelError(f"model file {path} is not a valid ONNX model: {str(exc).splitlines()[0]}") from None
    inputs, outputs = session.get_inputs(), session.get_outputs()
    names = [i.name for i in inputs], [o.name for o in outputs]
    if names != ([INPUT_NAME], [OUTPUT_NAME]):
        raise ModelError(f"model file {path} is not a pair classifier: inputs {names[0]}, outputs {names[1]}; "
                         f"expected [{INPUT_NAME!r}] and [{OUTPUT_NAME!r}]")
    shape = list(inputs[0].shape)
    if inputs[0].type != "tensor(float)" or len(shape) != 4 or shape[1:] != [2, INPUT_HEIGHT, INPUT_WIDTH]:
        raise ModelError(f"model file {path} expects {inputs[0].type} {shape}; "
                         f"this version of the workstation gives float [N, 2, {INPUT_HEIGHT}, {INPUT_WIDTH}]")
    return session
