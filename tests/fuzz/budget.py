"""A fixed time budget for hypothesis targets: CI fuzzes for seconds, a developer for as long as they like.

Hypothesis stops after a number of examples, not after a time, but every
``@given`` test exposes ``test.hypothesis.fuzz_one_input(buffer)``, which turns
any bytes into one example of its strategies. :func:`fuzz` runs the test's
normal examples, then feeds it random buffers until ``FUZZ_SECONDS`` (default
10 per target) are spent. ``FUZZ_SEED`` replays a run; a failure names the seed
and the buffer that broke it.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

FUZZ_SECONDS = float(os.environ.get("FUZZ_SECONDS", "10"))

#: Buffer lengths drawn from: short ones reach the small cases, long ones feed big structures (zips, images).
BUFFER_SIZES = (64, 512, 4096, 32768)


def fuzz(test: Callable[..., Any], *, seconds: float | None = None) -> int:
    """Run ``test``'s own examples, then random buffers for ``seconds``; return the inputs tried."""
    test()
    seconds = FUZZ_SECONDS if seconds is None else seconds
    seed = int(os.environ.get("FUZZ_SEED") or random.SystemRandom().randrange(2**32))
    rng = random.Random(seed)
    fuzz_one_input = test.hypothesis.fuzz_one_input  # type: ignore[attr-defined]
    tried = usable = 0
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        buffer = rng.randbytes(rng.choice(BUFFER_SIZES))
        try:
            usable += fuzz_one_input(buffer) is not None   # None: the buffer was too short for one example
        except Exception as exc:
            saved = Path(tempfile.gettempdir(), f"fuzz-{test.__name__}-{seed}-{tried}.bin")
            saved.write_bytes(buffer)
            exc.add_note(f"fuzz input #{tried} of FUZZ_SEED={seed}, saved to {saved}; replay with "
                         f"{test.__name__}.hypothesis.fuzz_one_input(Path('{saved}').read_bytes())")
            raise
        tried += 1
    print(f"\n{test.__name__}: {tried} fuzz inputs ({usable} usable) in {seconds:g} s, FUZZ_SEED={seed}")
    return tried
