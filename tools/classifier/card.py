"""The model card: a machine-readable JSON beside the ONNX file, and the same facts for people in Markdown."""

from __future__ import annotations

import json
import platform
import subprocess
from pathlib import Path

import onnxruntime
import torch

from tools.classifier import evaluate, export, pairs
from tools.demogen.library import GENERATOR_VERSION
from vision.classifier import CLIP_SIGMA, INPUT_HEIGHT, INPUT_NAME, INPUT_WIDTH, OUTPUT_NAME

REPO = Path(__file__).resolve().parents[2]


def _git(*args: str) -> str:
    """A read-only git query about this checkout, or "unknown" outside one."""
    try:
        out = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=20, check=True)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip()


def generator_provenance() -> dict[str, object]:
    """Which demo generator made the data: its version, the commit, and whether it had local changes."""
    return {"demogen_version": GENERATOR_VERSION,
            "git_describe": _git("describe", "--always", "--dirty"),
            "demogen_tree": _git("rev-parse", "HEAD:tools/demogen"),
            "demogen_modified": _git("status", "--porcelain", "--", "tools/demogen", "tools/classifier") != ""}


def describe(*, name: str, version: str, onnx_path: Path, sha256: str, threshold: float, seed: int,
             parameters: int, train_pairs: int, val_pairs: int, epochs: int, history: list[dict[str, float]],
             metrics: dict[str, object], max_abs_diff: float, inference_ms: dict[str, float],
             wall_seconds: dict[str, float], threads: int) -> dict[str, object]:
    """Everything the JSON card holds."""
    return {
        "name": name, "version": version, "file": onnx_path.name, "sha256": sha256,
        "size_bytes": onnx_path.stat().st_size, "parameters": parameters,
        "kinds": list(pairs.KINDS),
        "threshold": round(threshold, 6),
        "threshold_rule": f"p_authentic below the threshold calls the zone counterfeit; the threshold is the "
                          f"highest value with at most {evaluate.MAX_FALSE_REJECT:.0%} of authentic validation "
                          f"pairs below it",
        "input": {"name": INPUT_NAME, "shape": ["N", 2, INPUT_HEIGHT, INPUT_WIDTH], "dtype": "float32",
                  "channels": ["photo", "reference"], "prepared_by": "vision.classifier.pair_input"},
        "output": {"name": OUTPUT_NAME, "shape": ["N"], "dtype": "float32",
                   "meaning": "probability that the photo shows the reference's authentic design"},
        "opset": export.OPSET,
        "seed": seed,
        "data": {"generator": generator_provenance(), "train_pairs": train_pairs, "val_pairs": val_pairs,
                 "tells": {k: list(v) for k, v in pairs.TELLS.items()},
                 "photo_size": list(pairs.PHOTO_SIZE), "reference_size": list(pairs.REFERENCE_SIZE),
                 "flat_px_per_mm": pairs.PX_PER_MM, "frame_grow": {k: list(v) for k, v in pairs.GROW.items()},
                 "residual_misalignment": {"corner_jitter": pairs.JITTER, "rare_corner_jitter": pairs.JITTER_RARE,
                                           "rare_share": pairs.RARE_SHARE}},
        "training": {"epochs": epochs, "history": history, "threads": threads, "torch": torch.__version__},
        "validation": metrics,
        "export_check": {"onnx_checker": "passed", "max_abs_diff_onnxruntime_vs_torch": max_abs_diff,
                         "onnxruntime": onnxruntime.__version__},
        "inference_ms_per_pair_1_thread": inference_ms,
        "wall_seconds": wall_seconds,
        "machine": {"platform": platform.platform(), "processor": platform.machine()},
    }


def write(info: dict[str, object], out: Path) -> tuple[Path, Path]:
    """Write ``<name>-v<version>.json`` and ``.md`` into ``out``."""
    stem = f"{info['name']}-v{info['version']}"
    json_path, md_path = out / f"{stem}.json", out / f"{stem}.md"
    json_path.write_text(json.dumps(info, indent=2) + "\n")
    md_path.write_text(markdown(info))
    return json_path, md_path


def _pct(v: object) -> str:
    return f"{100 * float(v):.1f}%"  # type: ignore[arg-type]


def markdown(info: dict[str, object]) -> str:
    """The human model card."""
    v = info["validation"]
    d = info["data"]
    t = info["training"]
    gen = d["generator"]  # type: ignore[index]
    rows = []
    for kind, k in v["per_kind"].items():  # type: ignore[index]
        for tell, c in k["catch_rate_per_tell"].items():
            rows.append(f"| {kind} | {tell} | {c['caught']}/{c['pairs']} ({_pct(c['rate'])}) |")
    kinds = "\n".join(f"| {kind} | {k['roc_auc']} | {_pct(k['false_reject_rate'])} | {_pct(k['catch_rate'])} |"
                      for kind, k in v["per_kind"].items())  # type: ignore[index]
    epochs = "\n".join(f"| {h['epoch']} | {h['loss']} | {h.get('val_roc_auc', '')} |" for h in t["history"])  # type: ignore[index]
    wall = info["wall_seconds"]
    return f"""# Pair classifier v{info['version']} (`{info['file']}`)

A learned second opinion for the **logo** and **hardware** zones: given the
bench photo resampled into the reference's frame by the vision engine's
alignment, and the reference shot it was matched with, the probability that
both show the same authentic design. It learns no brand: it compares two
images, so it serves brands it has never seen, against their own references.
The geometric and colour analysers stay the primary evidence (the metal's
colour in particular is judged by CIEDE2000 on the scale card, never here).

- sha256: `{info['sha256']}`
- size: {info['size_bytes']} bytes, {info['parameters']} parameters
- ONNX opset {info['opset']}; runs on onnxruntime ({info['export_check']['onnxruntime']}), torch is not needed

## Input and output

- input `{info['input']['name']}`: float32 `[N, 2, 128, 256]`, channel 0 the photo, channel 1 the
  reference, both in one frame (`vision.findings.Comparison`), built by
  `vision.classifier.pair_input(photo_rgb, reference_rgb, roi)`:
  each image is cut to the bounding box of the ROI, made grey (OpenCV RGB->GRAY),
  standardised to zero mean and unit standard deviation inside the ROI
  (spread at least 1 grey level), set to 0 outside it, clipped to ±{CLIP_SIGMA:g},
  and letterboxed into 256 x 128 keeping its proportions (zero padding;
  INTER_AREA when shrinking). The batch dimension `N` is dynamic.
- output `{info['output']['name']}`: float32 `[N]`, the probability (sigmoid inside the graph) that the
  photo shows the reference's authentic design.

## Decision threshold

**{info['threshold']}**: a zone whose `p_authentic` is below it is called counterfeit.
Calibrated on the validation split (designs never trained on) as the highest
threshold with at most {evaluate.MAX_FALSE_REJECT:.0%} of authentic validation pairs below it.

## Training data

Generated by `tools/classifier/pairs.py` with the demo generator `tools/demogen`
(version {gen['demogen_version']}, `git describe` {gen['git_describe']}, demogen tree
`{gen['demogen_tree']}`, local changes to the generator or this trainer at training time:
{gen['demogen_modified']}). Seed **{info['seed']}**.

- Designs: `tools.demogen.designs.random_design` (fonts, marks, engravings, plate outlines,
  metal colours, materials and textures drawn at random), one design per group of
  8 pairs; training designs from the stream `default_rng([seed, 0, i])`, validation
  designs from `default_rng([seed, 1, i])`. Never the demo brands (maison-aurel,
  kestrel-athletics) nor the benchmark's held-out brands (drawn from another stream).
- Per group: two reference shots of the authentic design (one careful, the other careful
  or with a bench photo's ranges) and four bench photos (`capture.draw_usable`: tilt up to
  ~25°, roll, light gradient, vignette, colour cast, defocus, sensor noise, JPEG
  85-89), two of fresh authentic renderings and two counterfeits with one tell each;
  every photo against both references, so 50% authentic.
- Tells: logo {', '.join(d['tells']['logo'])}; hardware {', '.join(d['tells']['hardware'])}
  (not metal colour: the input is grey).
- Frame: the photos are decoded and resampled with the capture's true
  homographies into the frame the engine would choose, in the first reference
  shot's own perspective (as the engine compares in its master reference's):
  an axis-aligned box around the design's bounding box (logo: the ink;
  hardware: the plate) grown by a random {d['frame_grow']['logo'][0]:.0%}-{d['frame_grow']['logo'][1]:.0%}
  (logo) or {d['frame_grow']['hardware'][0]:.0%}-{d['frame_grow']['hardware'][1]:.0%} (hardware) of its long side,
  long side 640 px, ROI the grown box with round corners as that shot sees it, scale card left out
  (hardware).
  The photo gets a residual misalignment: corners moved by up to
  {d['residual_misalignment']['corner_jitter']:.0%} of the frame ({d['residual_misalignment']['rare_share']:.0%} of pairs up to
  {d['residual_misalignment']['rare_corner_jitter']:.0%}), as the engine's alignment leaves.
- Sizes: {d['train_pairs']} training pairs, {d['val_pairs']} validation pairs; photos
  {d['photo_size'][0]}x{d['photo_size'][1]}, references {d['reference_size'][0]}x{d['reference_size'][1]}, flat renderings at {d['flat_px_per_mm']} px/mm.

## Training

`.venv/bin/python -m tools.classifier.train --out resources/models --seed {info['seed']}` (torch {t['torch']} on the CPU,
{t['threads']} threads). Early-fusion CNN (photo, reference, difference): a 4x4 stride-4
conv stem, three stages of conv-BN-ReLU (stride 2, then 1), average and max pooling,
linear, sigmoid (`tools/classifier/model.py`). AdamW, one-cycle
learning rate, binary cross-entropy, {t['epochs']} epochs, per-image contrast jitter.
Wall time: generation {wall['generation']} s, training {wall['training']} s,
export and calibration {wall['export_and_calibration']} s.

| epoch | training loss | validation ROC AUC |
|---|---|---|
{epochs}

## Metrics on the held-out validation split

{v['pairs']} pairs ({v['authentic_pairs']} authentic, {v['counterfeit_pairs']} counterfeit) of designs never trained on,
at the threshold above: ROC AUC **{v['roc_auc']}**, false reject rate **{_pct(v['false_reject_rate'])}**,
catch rate **{_pct(v['catch_rate'])}**.

| kind | ROC AUC | false rejects | caught |
|---|---|---|---|
{kinds}

| kind | tell | counterfeit pairs caught |
|---|---|---|
{chr(10).join(rows)}

onnxruntime agrees with torch to {info['export_check']['max_abs_diff_onnxruntime_vs_torch']:.1e} on validation pairs;
`onnx.checker` passes. Inference per pair, one thread: {info['inference_ms_per_pair_1_thread']['batch_1']} ms (batch 1),
{info['inference_ms_per_pair_1_thread']['batch_8']} ms (batch 8).

## Limits

- Trained and validated on generated images only (DejaVu fonts, the demo generator's
  materials and optics); its metrics say nothing yet about real photographs.
- Sees grey levels only: colour (ink, metal) is outside its competence.
- Assumes the engine's alignment: a photo misaligned by more than about 2% of the frame
  looks like a different design to it. Use it only when the fine alignment converged.
- Sees the frame at 256 x 128: details smaller than about 1/250 of the design's width
  (fine engraving serifs on a wide plate) are below its resolution.
- The threshold is calibrated on {v['authentic_pairs']} authentic validation pairs: its 1% false reject
  rate is an estimate with a few tenths of a per cent of uncertainty.
"""
