"""Generated logo data for the suggestion bench and the vocabulary tool.

Brands are drawn with ``tools.demogen.designs.random_design``; each brand gets
two models that share the wordmark but differ in emblem and material (as a
house's bag and its shoe would). References are careful shots, queries are
bench photos with the full range of pose, light, colour cast, blur and JPEG.
Every image depends only on (seed, name), so a cache is reused across runs.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from tools.demogen import render
from tools.demogen.capture import BENCH_COLOURS, capture, draw_usable
from tools.demogen.designs import MARK_SHAPES, BrandDesign, random_design
from tools.demogen.photos import job_rng

MODELS_PER_BRAND = 2
REFERENCES_PER_MODEL = 5
REFERENCE_SIZE = (640, 480)
REFERENCE_PX_PER_MM = 6.0
QUERY_SIZE = (1280, 960)
QUERY_PX_PER_MM = 12.0


@dataclass(frozen=True)
class ModelDesign:
    """One (brand, model) pair and the design its logo is rendered from."""

    brand: str
    brand_name: str
    model: str
    model_name: str
    design: BrandDesign


def brands(seed: int, count: int) -> list[list[ModelDesign]]:
    """``count`` distinct brands (by slug), each a list of its models."""
    out: list[list[ModelDesign]] = []
    seen: set[str] = set()
    index = 0
    while len(out) < count:
        rng = job_rng(seed, f"brand/{index}")
        index += 1
        base = random_design(rng)
        if base.brand in seen:
            continue
        seen.add(base.brand)
        models = []
        for m in range(MODELS_PER_BRAND):
            design = base if m == 0 else _variant(base, rng)
            slug, name = f"model-{m + 1}", f"{base.model_name} {m + 1}"
            models.append(ModelDesign(base.brand, base.brand_name, slug, name, design))
        out.append(models)
    return out


def _variant(base: BrandDesign, rng: np.random.Generator) -> BrandDesign:
    """Same wordmark, another emblem and material: a second model of the house."""
    shapes = [s for s in MARK_SHAPES if s != base.mark.shape]
    mark = replace(base.mark, shape=str(rng.choice(shapes)), above=not base.mark.above)
    material = tuple(int(v) for v in rng.integers(25, 235, size=3))
    return replace(base, mark=mark, material_rgb=material)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ReferenceJob:
    """A model's references: one flat rendering, several careful shots of it."""

    paths: tuple[Path, ...]
    seed: int
    name: str
    design: BrandDesign


@dataclass(frozen=True)
class QueryJob:
    """One bench photo of a logo, through demogen's full capture simulation."""

    path: Path
    seed: int
    name: str
    design: BrandDesign


def reference_job(root: Path, seed: int, m: ModelDesign) -> ReferenceJob:
    paths = tuple(root / f"packs/{m.brand}/refs/{m.model}/logo/ref-{i + 1:02d}.jpg"
                  for i in range(REFERENCES_PER_MODEL))
    return ReferenceJob(paths, seed, f"refs/{m.brand}/{m.model}", m.design)


def query_job(root: Path, seed: int, m: ModelDesign, i: int, label: str) -> QueryJob:
    rel = f"queries/{label}/{m.brand}/{m.model}/q-{i:04d}.jpg"
    return QueryJob(root / rel, seed, rel, m.design)


def shoot_references(job: ReferenceJob) -> None:
    """Render the logo once and write each reference shot (skipped when all exist).

    Reference shots are taken with care, so a cheap capture suffices: a mild
    perspective, the bench around it, light and focus varied a little, JPEG.
    """
    if all(p.exists() for p in job.paths):
        return
    rng = job_rng(job.seed, job.name)
    flat = render.render_logo(job.design, REFERENCE_PX_PER_MM, render.logo_canvas_mm(job.design), rng)
    for path in job.paths:
        _write(path, _careful_shot(flat.image, rng))


def _careful_shot(flat: np.ndarray, rng: np.random.Generator) -> bytes:
    w, h = REFERENCE_SIZE
    fh, fw = flat.shape[:2]
    scale = min(rng.uniform(0.6, 0.8) * w / fw, 0.85 * h / fh)
    angle = np.radians(rng.uniform(-8, 8))
    c, s = np.cos(angle) * scale, np.sin(angle) * scale
    src = np.array([[0, 0], [fw, 0], [fw, fh], [0, fh]], np.float32) - [fw / 2, fh / 2]
    dst = src @ np.array([[c, s], [-s, c]], np.float32)
    dst = dst * (1 + rng.uniform(-0.04, 0.04, size=(4, 1))) + [w / 2, h / 2] + rng.uniform(-12, 12, 2)
    H = cv2.getPerspectiveTransform((src + [fw / 2, fh / 2]).astype(np.float32), dst.astype(np.float32))
    bench = tuple(int(v) for v in rng.choice(BENCH_COLOURS)[::-1])
    bgr = cv2.warpPerspective(cv2.cvtColor(flat, cv2.COLOR_RGB2BGR), H, (w, h), flags=cv2.INTER_AREA,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=bench)
    gain = rng.uniform(0.9, 1.1) * np.array([rng.uniform(0.95, 1.05), 1.0, rng.uniform(0.95, 1.05)])
    bgr = cv2.GaussianBlur(bgr, (0, 0), rng.uniform(0.3, 0.8)).astype(np.float32) * gain
    bgr += rng.normal(0, 1.2, bgr.shape).astype(np.float32)
    ok, buf = cv2.imencode(".jpg", np.clip(bgr, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 90])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return buf.tobytes()


def shoot_query(job: QueryJob) -> None:
    if job.path.exists():
        return
    rng = job_rng(job.seed, job.name)
    flat = render.render_logo(job.design, QUERY_PX_PER_MM, render.logo_canvas_mm(job.design), rng)
    _write(job.path, capture(flat, draw_usable(rng, *QUERY_SIZE), rng).jpeg)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(path)


def run(references: list[ReferenceJob], queries: list[QueryJob], workers: int) -> None:
    """Make whatever is not in the cache yet."""
    todo_refs = [j for j in references if not all(p.exists() for p in j.paths)]
    todo_queries = [j for j in queries if not j.path.exists()]
    with ProcessPoolExecutor(max_workers=max(1, workers)) as pool:
        list(pool.map(shoot_references, todo_refs, chunksize=8))
        list(pool.map(shoot_query, todo_queries, chunksize=4))


def query_sample(library: list[list[ModelDesign]], seed: int, count: int) -> list[ModelDesign]:
    """``count`` models of ``library`` drawn with replacement, the same for the same seed."""
    rng = np.random.default_rng([seed, len(library)])
    return [library[int(b)][int(m)] for b, m in zip(rng.integers(0, len(library), count),
                                                  rng.integers(0, MODELS_PER_BRAND, count))]
