"""Command line: regenerate the committed demo library, or make held-out sets.

    python -m tools.demogen demo --out resources/demo
    python -m tools.demogen heldout --brands 3 --seed 7 --out /tmp/heldout [--megapixels 12]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from tools.demogen.designs import DEMO_DESIGNS, random_design
from tools.demogen.library import Layout, build
from tools.demogen.photos import job_rng

DEMO_SEED = 20261101


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.demogen",
                                     description="Synthetic brand designs, packs and sample photos.")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="regenerate the committed demo library (fixed seed)")
    demo.add_argument("--out", type=Path, default=Path("resources/demo"))
    demo.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    held = sub.add_parser("heldout", help="packs and samples for random, never-seen brands")
    held.add_argument("--brands", type=int, required=True)
    held.add_argument("--seed", type=int, required=True)
    held.add_argument("--out", type=Path, required=True)
    held.add_argument("--megapixels", type=float, default=None,
                      help="sample photo size (default 1280x960, about 1.2 MP)")
    held.add_argument("--items", type=int, default=None,
                      help="authentic and counterfeit items per brand (default 7 and 8)")
    held.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    if args.command == "demo":
        truth = build(list(DEMO_DESIGNS), args.out, seed=DEMO_SEED, layout=Layout(),
                      workers=args.workers)
    else:
        if args.brands < 1:
            parser.error("--brands must be at least 1")
        counts = {} if args.items is None else {
            "authentic_items": args.items, "counterfeit_items": args.items,
            "bad_photo_items": min(3, args.items), "references_per_zone": 2,
            "counterfeits_per_zone": 1}
        layout = (Layout.for_megapixels(args.megapixels, **counts) if args.megapixels
                  else Layout(**counts))
        rng = job_rng(args.seed, "heldout/designs")
        designs = [random_design(rng) for _ in range(args.brands)]
        truth = build(designs, args.out, seed=args.seed, layout=layout, workers=args.workers)
    items = truth["items"]
    verdicts = Counter(i["expected_verdict"] for i in items)  # type: ignore[union-attr,index]
    print(f"wrote {len(items)} items ({dict(verdicts)}) for "  # type: ignore[arg-type]
          f"{len(truth['packs'])} brands to {args.out} "  # type: ignore[arg-type]
          f"in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
