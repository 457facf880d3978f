"""Train the pair classifier from scratch, calibrate its threshold, export it and write its model card.

    .venv/bin/python -m tools.classifier.train --out resources/models

Everything follows from ``--seed``: the generated pairs (see
:mod:`tools.classifier.pairs`), the initial weights and the batch order, so
the same command on the same versions gives the same model. The defaults
finish in well under 30 minutes on two cores.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from tools.classifier import card, evaluate, export, pairs
from tools.classifier.model import PairNet, parameter_count
from vision.classifier import file_sha256, load_classifier

DEFAULT_SEED = 20261123
NAME, VERSION = "pair-classifier", "1"
BATCH_SIZE = 32
LEARNING_RATE = 3e-3
WEIGHT_DECAY = 1e-4
#: Per-image contrast jitter at training time: pair_input standardises, but not every shot's ink equally.
GAIN_RANGE = (0.85, 1.15)


def fit(model: PairNet, data: pairs.PairSet, epochs: int, seed: int,
        validate: pairs.PairSet | None = None) -> list[dict[str, float]]:
    """Train in place (AdamW, one-cycle schedule); returns the loss (and validation AUC) per epoch."""
    g = torch.Generator().manual_seed(seed)
    x, y = torch.from_numpy(data.inputs), torch.from_numpy(data.labels)
    n = len(y)
    steps_per_epoch = math.ceil(n / BATCH_SIZE)
    opt = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=LEARNING_RATE, pct_start=0.15,
                                                   total_steps=max(1, epochs * steps_per_epoch))
    history = []
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(n, generator=g)
        total, count, started = 0.0, 0, time.perf_counter()
        for i in range(0, n, BATCH_SIZE):
            idx = order[i:i + BATCH_SIZE]
            lo, hi = GAIN_RANGE
            gain = lo + (hi - lo) * torch.rand((len(idx), 2, 1, 1), generator=g)
            loss = F.binary_cross_entropy_with_logits(model.logits(x[idx] * gain), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            schedule.step()
            total += float(loss.detach()) * len(idx)
            count += len(idx)
        entry = {"epoch": epoch + 1, "loss": round(total / count, 4),
                 "seconds": round(time.perf_counter() - started, 1)}
        if validate is not None:
            entry["val_roc_auc"] = round(evaluate.roc_auc(predict(model, validate.inputs), validate.labels), 4)
        print(f"  epoch {entry['epoch']}/{epochs}: " + ", ".join(f"{k} {v}" for k, v in entry.items()
                                                                  if k != "epoch"), flush=True)
        history.append(entry)
    return history


def predict(model: PairNet, inputs: np.ndarray, batch: int = 128) -> np.ndarray:
    model.eval()
    with torch.no_grad():
        return np.concatenate([model(torch.from_numpy(inputs[i:i + batch])).numpy()
                               for i in range(0, len(inputs), batch)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.classifier.train", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="directory for the .onnx, .json and .md")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--train-pairs", type=int, default=4096)
    parser.add_argument("--val-pairs", type=int, default=1024)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="torch threads and data-generation processes")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    print(f"generating {args.train_pairs} training and {args.val_pairs} validation pairs "
          f"(seed {args.seed}, {args.threads} processes)", flush=True)
    train_set = pairs.generate(args.seed, pairs.TRAIN, args.train_pairs, workers=args.threads)
    val_set = pairs.generate(args.seed, pairs.VAL, args.val_pairs, workers=args.threads)
    generated = time.perf_counter()
    print(f"  {len(train_set.labels)} + {len(val_set.labels)} pairs in {generated - started:.0f} s", flush=True)

    model = PairNet()
    print(f"training {parameter_count(model)} parameters for {args.epochs} epochs", flush=True)
    history = fit(model, train_set, args.epochs, args.seed, validate=val_set)
    trained = time.perf_counter()

    args.out.mkdir(parents=True, exist_ok=True)
    onnx_path = args.out / f"{NAME}-v{VERSION}.onnx"
    export.export(model, onnx_path, val_set.inputs)
    max_diff = export.verify(model, onnx_path, val_set.inputs[:64])
    sha256 = file_sha256(onnx_path)
    # calibrated on what ships: the ONNX file as onnxruntime runs it
    scores = load_classifier(onnx_path, sha256).probabilities(val_set.inputs)
    threshold = evaluate.calibrate_threshold(scores[val_set.labels == 1])
    metrics = evaluate.metrics(scores, val_set.labels, val_set.kinds, val_set.tells, threshold)
    timing = export.inference_ms(onnx_path, val_set.inputs)
    exported = time.perf_counter()

    info = card.describe(
        name=NAME, version=VERSION, onnx_path=onnx_path, sha256=sha256, threshold=threshold, seed=args.seed,
        parameters=parameter_count(model), train_pairs=len(train_set.labels), val_pairs=len(val_set.labels),
        epochs=args.epochs, history=history, metrics=metrics, max_abs_diff=max_diff, inference_ms=timing,
        wall_seconds={"generation": round(generated - started, 1), "training": round(trained - generated, 1),
                      "export_and_calibration": round(exported - trained, 1)},
        threads=args.threads)
    json_path, md_path = card.write(info, args.out)
    print(f"threshold {threshold:.4f}: AUC {metrics['roc_auc']}, false rejects {metrics['false_reject_rate']}, "
          f"catch rate {metrics['catch_rate']}", flush=True)
    print(f"wrote {onnx_path} ({onnx_path.stat().st_size} bytes, sha256 {sha256}), {json_path.name}, "
          f"{md_path.name} in {exported - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
