"""Benchmark brand and model suggestion from a logo photo on generated libraries of growing size.

Libraries of 100, 1,000 and 10,000 logo references (10 per brand: 2 models x 5
shots) are imported pack by pack through the real importer into a fresh
database, each size extending the previous one, so the index follows imports
as a bench would. Queries are bench photos of library designs taken with
demogen's full capture simulation (pose, light, colour cast, blur, noise,
JPEG), never a reference. Two query sets: ``dev`` (seed 11, the only one
looked at while choosing parameters) and ``heldout`` (seed 12, reported only).

    python -m tools.bench_suggest [--sizes 100 1000 10000] [--cache DIR] [--db-url URL]

Prints per size: top-1 and top-5 accuracy for brand and for brand+model,
query time median and p95 (decode + features + search), import time, index
build time (incremental and from scratch) and index memory.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from inspector_app.database import open_database
from inspector_app.services.suggestions import SuggestionService
from reference_library.importer import import_pack
from reference_library.store import ContentStore
from tools import suggest_data as sd

LIBRARY_SEED = 2026
#: (label, capture seed, queries per size)
QUERY_SETS = (("dev", 11, 60), ("heldout", 12, 100))
DEFAULT_CACHE = Path.home() / ".cache" / "inspector-bench-suggest"


def pack_toml(models: list[sd.ModelDesign]) -> str:
    first = models[0]
    lines = ["[pack]", "format = 1", f'brand = "{first.brand}"', f'brand_name = "{first.brand_name}"',
             'version = "2026.1.0"', f'publisher = "{first.brand_name} brand protection"', ""]
    for m in models:
        lines += ["[[model]]", f'id = "{m.model}"', f'name = "{m.model_name}"', ""]
    for m in models:
        lines += ["[[zone]]", 'id = "logo"', f'model = "{m.model}"', 'kind = "logo"', 'title = "Logo"',
                  "critical = true", f'references = ["refs/{m.model}/logo/*.jpg"]', ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="generated images, reused")
    parser.add_argument("--db-url", help="database (default: a fresh SQLite file)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    per_brand = sd.MODELS_PER_BRAND * sd.REFERENCES_PER_MODEL
    library = sd.brands(LIBRARY_SEED, max(args.sizes) // per_brand)
    queries = {(label, size): [(m, sd.query_job(args.cache, seed, m, i, f"{label}-{size}"))
                               for i, m in enumerate(sd.query_sample(library[:size // per_brand], seed, count))]
               for label, seed, count in QUERY_SETS for size in args.sizes}
    started = time.perf_counter()
    sd.run([sd.reference_job(args.cache, LIBRARY_SEED, m) for b in library for m in b],
           [job for q in queries.values() for _, job in q], args.workers)
    print(f"data ready in {time.perf_counter() - started:.0f} s ({args.cache})")
    with tempfile.TemporaryDirectory() as tmp:
        engine, factory = open_database(args.db_url or f"sqlite:///{tmp}/bench.sqlite3")
        store = ContentStore(Path(tmp) / "store")
        service = SuggestionService(factory, store)
        imported = 0
        for size in sorted(args.sizes):
            started = time.perf_counter()
            for models in library[imported:size // per_brand]:
                pack_dir = args.cache / "packs" / models[0].brand
                (pack_dir / "pack.toml").write_text(pack_toml(models), encoding="utf-8")
                import_pack(pack_dir, session_factory=factory, store=store)
            import_seconds = time.perf_counter() - started
            imported = size // per_brand
            service.refresh()
            incremental = service.stats()
            cold = _cold_build(factory, store)
            print(f"\n== library of {incremental.references} references ({incremental.packs} brands, "
                  f"{incremental.packs * sd.MODELS_PER_BRAND} models)")
            print(f"import (with signatures) {import_seconds:.1f} s for the added packs; index update "
                  f"{incremental.build_seconds * 1000:.0f} ms; index from scratch {cold * 1000:.0f} ms; "
                  f"index memory {incremental.bytes / 1e6:.1f} MB")
            for label, _, _ in QUERY_SETS:
                _report(service, label, queries[(label, size)])
        _one_more_brand(service, factory, store, args.cache, args.workers, {b[0].brand for b in library})
        engine.dispose()
    return 0


def _one_more_brand(service: SuggestionService, factory: sessionmaker, store: ContentStore, cache: Path,
                    workers: int, taken: set[str]) -> None:
    """What keeping the index up to date costs on the largest library: one brand imported, then found."""
    models = next(b for b in sd.brands(LIBRARY_SEED + 1, 50) if b[0].brand not in taken)
    photo = sd.query_job(cache, 13, models[0], 0, "added")
    sd.run([sd.reference_job(cache, LIBRARY_SEED + 1, m) for m in models], [photo], workers)
    pack_dir = cache / "packs" / models[0].brand
    (pack_dir / "pack.toml").write_text(pack_toml(models), encoding="utf-8")
    import_pack(pack_dir, session_factory=factory, store=store)
    service.refresh()
    best = service.suggest(photo.path.read_bytes()).suggestions[0]
    print(f"\none brand more ({models[0].brand}): index update {service.stats().build_seconds * 1000:.0f} ms; "
          f"its photo's first suggestion: {best.brand} / {best.model}")


def _cold_build(factory: sessionmaker, store: ContentStore) -> float:
    """A new bench opening the same library: signatures from the database, matrix built."""
    fresh = SuggestionService(factory, store)
    fresh.refresh()
    return fresh.stats().build_seconds


def _report(service: SuggestionService, label: str, queries: list[tuple[sd.ModelDesign, sd.QueryJob]]) -> None:
    brand1 = brand5 = model1 = model5 = 0
    times = []
    for truth, job in queries:
        result = service.suggest(job.path.read_bytes(), top=5)
        times.append(result.seconds * 1000)
        brands = [s.brand for s in result.suggestions]
        models = [(s.brand, s.model) for s in result.suggestions]
        brand1 += brands[:1] == [truth.brand]
        brand5 += truth.brand in brands
        model1 += models[:1] == [(truth.brand, truth.model)]
        model5 += (truth.brand, truth.model) in models
    n = len(queries)
    times.sort()
    print(f"  {label:8s} n={n}: brand top-1 {brand1 / n:.1%} top-5 {brand5 / n:.1%} | "
          f"brand+model top-1 {model1 / n:.1%} top-5 {model5 / n:.1%} | query ms median "
          f"{statistics.median(times):.0f} p95 {times[int(0.95 * (n - 1))]:.0f}")


if __name__ == "__main__":
    raise SystemExit(main())
