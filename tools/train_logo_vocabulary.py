"""Train the shipped visual vocabulary for logo suggestion (resources/vision/logo-vocabulary.npz).

The words are learnt from generated logos of brands drawn with their own seed,
never from the demo brands nor from the libraries the bench indexes, so the
vocabulary is generic: any brand imported later is described with the same
words and nothing is retrained at import or query time. Deterministic: the
same seed gives the same file.

    python -m tools.train_logo_vocabulary [--brands 150] [--words 1024] [--seed 90210]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from tools import suggest_data as sd
from vision.image_io import decode_image
from vision.logo_signature import extract_features, train_vocabulary

OUT = Path(__file__).resolve().parents[1] / "resources" / "vision" / "logo-vocabulary.npz"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--brands", type=int, default=150)
    parser.add_argument("--words", type=int, default=1024)
    parser.add_argument("--seed", type=int, default=90210)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        library = sd.brands(args.seed, args.brands)
        refs = [sd.reference_job(root, args.seed, m) for b in library for m in b]
        photos = [sd.query_job(root, args.seed, m, i, "train")
                  for i, m in enumerate(sd.query_sample(library, args.seed, args.brands // 2))]
        sd.run(refs, photos, args.workers)
        # Two references per model and the bench photos: both kinds of image the words must describe.
        paths = [p for job in refs for p in job.paths[:2]] + [job.path for job in photos]
        descriptors = np.concatenate([extract_features(decode_image(p.read_bytes())).descriptors for p in paths])
    vocabulary = train_vocabulary(descriptors, args.words, seed=args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(vocabulary.to_bytes())
    print(f"{len(paths)} images, {len(descriptors)} descriptors -> {vocabulary.size} words "
          f"({vocabulary.digest}) in {time.perf_counter() - started:.0f} s: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
