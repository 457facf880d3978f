"""Benchmark: validating, importing, listing and exporting the demo library.

Each round uses a fresh data home (new SQLite database, empty store), so the
import time includes hashing, decoding checks and every file write with fsync.
Prints medians over the rounds.

    .venv/bin/python tools/bench_library.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from inspector_app.settings import Settings
from inspector_app.workstation import Workstation, demo_pack_dirs
from reference_library.catalog import list_library
from reference_library.exporter import export_pack
from reference_library.importer import import_pack
from reference_library.source import open_pack_source
from reference_library.validation import validate_pack


def one_round(packs: list[Path]) -> dict[str, float]:
    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        t = time.perf_counter()
        ws = Workstation.open(Settings(home=home, database_url=f"sqlite:///{home / 'db.sqlite3'}"))
        times["open + migrate (s)"] = time.perf_counter() - t
        try:
            t = time.perf_counter()
            for pack in packs:
                with open_pack_source(pack) as src:
                    validate_pack(src)
            times["validate demo (s)"] = time.perf_counter() - t
            t = time.perf_counter()
            for pack in packs:
                import_pack(pack, session_factory=ws.session_factory, store=ws.store)
            times["import demo (s)"] = time.perf_counter() - t
            t = time.perf_counter()
            with ws.session_factory() as session:
                brands = list_library(session)
            times["list (s)"] = time.perf_counter() - t
            t = time.perf_counter()
            with ws.session_factory() as session:
                for brand in brands:
                    export_pack(session, ws.store, brand.slug, home / f"{brand.slug}.zip")
            times["export demo (s)"] = time.perf_counter() - t
        finally:
            ws.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    packs = demo_pack_dirs()
    files = sum(1 for p in packs for f in p.rglob("*") if f.is_file())
    size = sum(f.stat().st_size for p in packs for f in p.rglob("*") if f.is_file())
    print(f"demo library: {len(packs)} packs, {files} files, {size / 1e6:.1f} MB; {args.rounds} rounds")
    rounds = [one_round(packs) for _ in range(args.rounds)]
    for key in rounds[0]:
        values = [r[key] for r in rounds]
        print(f"  {key:<22} median {statistics.median(values):.3f}   min {min(values):.3f}   max {max(values):.3f}")


if __name__ == "__main__":
    main()
