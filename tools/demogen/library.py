"""Build a demo library: packs, sample items to inspect, and the ground truth.

Layout under OUT (the same for the committed demo and for held-out sets):

    packs/<brand>/pack.toml, keys/serial-ed25519.pub, refs/..., fakes/...
    samples/<brand>/<item-id>/<zone-id>.jpg
    samples/ground_truth.json
"""

from __future__ import annotations

import json
import math
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tools.demogen.capture import DEFECTS
from tools.demogen.codes import brand_key, public_pem
from tools.demogen.designs import BrandDesign, ZoneSpec
from tools.demogen.packs import write_manifest
from tools.demogen.photos import PhotoJob, PhotoResult, job_rng, make_photo
from tools.demogen.tells import TELLS

GENERATOR = "tools.demogen"
GENERATOR_VERSION = "1.0.0"
BASE_PX_PER_MM = 12.0
BASE_WIDTH = 1280


@dataclass(frozen=True)
class Layout:
    """Photo sizes and how many of each thing to make per brand."""

    photo_size: tuple[int, int] = (1280, 960)
    reference_size: tuple[int, int] = (960, 720)
    references_per_zone: int = 4
    counterfeits_per_zone: int = 3
    authentic_items: int = 7
    counterfeit_items: int = 8
    bad_photo_items: int = 3

    @property
    def px_per_mm(self) -> float:
        """Flat rendering scale: 12 px/mm at 1280 px wide, more for larger photos.

        Rounded so the 20 mm marker is a whole number of pixels.
        """
        return round(20 * BASE_PX_PER_MM * self.photo_size[0] / BASE_WIDTH) / 20

    @staticmethod
    def for_megapixels(megapixels: float, **counts: int) -> "Layout":
        w = int(round(math.sqrt(megapixels * 1e6 * 4 / 3) / 16) * 16)
        h = w * 3 // 4
        return Layout(photo_size=(w, h), reference_size=(w * 3 // 4, h * 3 // 4), **counts)


@dataclass(frozen=True)
class ZonePlan:
    tell: str | None = None
    defect: str | None = None


@dataclass(frozen=True)
class ItemPlan:
    id: str
    serial: str
    zones: dict[str, ZonePlan] = field(default_factory=dict)
    clone_of: str | None = None

    def zone(self, zone_id: str) -> ZonePlan:
        return self.zones.get(zone_id, ZonePlan())


def _zone_of_kind(design: BrandDesign, kind: str) -> ZoneSpec:
    return next(z for z in design.zones if z.kind == kind)


def plan_items(design: BrandDesign, layout: Layout, rng: np.random.Generator,
               variant: int = 0) -> list[ItemPlan]:
    """Authentic items, counterfeits with one or two tells each, and bad-photo items.

    Counterfeit tells are taken in turn from every tell of every zone
    (interleaved by zone, starting half-way round for odd `variant`s), so two
    brands together cover every tell; one counterfeit is a clone of an
    authentic item's serial. The last counterfeit also carries a bad photo
    on another zone, so a FAIL must survive an unusable photo. Defects rotate
    with `variant` so brands cover different ones.
    """
    serials: set[str] = set()

    def fresh_serial() -> str:
        while (s := design.serial.draw(rng)) in serials:
            pass
        serials.add(s)
        return s

    authentic = [ItemPlan(f"a{i + 1:02d}", fresh_serial()) for i in range(layout.authentic_items)]
    items = list(authentic)
    pool = _interleaved_tells(design)
    start = (variant * len(pool) // 2) % len(pool)
    queue = pool[start:] + pool[:start]
    clone_at = int(rng.integers(0, layout.counterfeit_items)) if authentic else -1
    for i in range(layout.counterfeit_items):
        serial = fresh_serial()
        zones: dict[str, ZonePlan] = {}
        clone_of = None
        if i == clone_at:
            source = authentic[int(rng.integers(0, len(authentic)))]
            zones[_zone_of_kind(design, "code").id] = ZonePlan(tell="clone")
            serial, clone_of = source.serial, source.id
        wanted = 1 if zones else (1 if rng.random() < 0.6 else 2)
        while len(zones) < wanted:
            if not queue:
                queue = list(pool)
            pick = next((k for k, (zone_id, _) in enumerate(queue) if zone_id not in zones), 0)
            zone_id, tell = queue.pop(pick)
            zones.setdefault(zone_id, ZonePlan(tell=tell))
        items.append(ItemPlan(f"c{i + 1:02d}", serial, zones, clone_of))
    defects = [DEFECTS[(4 * variant + i) % len(DEFECTS)] for i in range(layout.bad_photo_items + 1)]
    for i, defect in enumerate(defects[:-1]):
        zone = _defect_zone(design, defect, rng, exclude=())
        items.append(ItemPlan(f"b{i + 1:02d}", fresh_serial(), {zone.id: ZonePlan(defect=defect)}))
    if layout.counterfeit_items:
        last = next(i for i in reversed(range(len(items))) if items[i].id.startswith("c"))
        fake = items[last]
        zone = _defect_zone(design, defects[-1], rng, exclude=tuple(fake.zones))
        items[last] = ItemPlan(fake.id, fake.serial, {**fake.zones, zone.id: ZonePlan(defect=defects[-1])},
                               fake.clone_of)
    return items


def _interleaved_tells(design: BrandDesign) -> list[tuple[str, str]]:
    """(zone id, tell) pairs, first tell of every zone, then the second, and so on."""
    per_zone = [[(z.id, t) for t in TELLS[z.kind] if t != "clone"] for z in design.zones]
    return [pair for rank in range(max(map(len, per_zone))) for tells in per_zone
            if rank < len(tells) for pair in [tells[rank]]]


def _defect_zone(design: BrandDesign, defect: str, rng: np.random.Generator,
                 exclude: tuple[str, ...]) -> ZoneSpec:
    """A zone where `defect` makes sense (a missing scale card only where one belongs)."""
    kinds = ("stitching", "hardware") if defect == "no_scale_card" else \
        ("logo", "stitching", "hardware", "code", "texture")
    choices = [z for z in design.zones if z.kind in kinds and z.id not in exclude]
    if not choices:
        choices = [z for z in design.zones if z.id not in exclude]
    return choices[int(rng.integers(0, len(choices)))]


def expected_status(plan: ZonePlan) -> str:
    """What a correct engine reports for the zone."""
    if plan.defect is not None:
        return "inconclusive"
    return "fail" if plan.tell is not None else "pass"


def expected_verdict(design: BrandDesign, statuses: dict[str, str]) -> str:
    """DESIGN.md's rule: a failed critical zone fails; all passing passes; else inconclusive."""
    if any(statuses[z.id] == "fail" and z.critical for z in design.zones):
        return "FAIL"
    if all(s == "pass" for s in statuses.values()):
        return "PASS"
    return "INCONCLUSIVE"


def _pack_jobs(design: BrandDesign, layout: Layout, seed: int, rng: np.random.Generator,
               taken: set[str]) -> list[tuple[str, PhotoJob]]:
    """Reference and known-counterfeit shots; their serials avoid the samples' (`taken`)."""
    def serial() -> str:
        while (s := design.serial.draw(rng)) in taken:
            pass
        taken.add(s)
        return s

    jobs = []
    for zone in design.zones:
        for i in range(layout.references_per_zone):
            jobs.append(pack_job(design, zone, layout, seed, i + 1, serial=serial()))
        tells = [t for t in TELLS[zone.kind] if t != "clone"]
        start = int(rng.integers(0, len(tells)))
        for i in range(layout.counterfeits_per_zone):
            jobs.append(pack_job(design, zone, layout, seed, i + 1, tell=tells[(start + i) % len(tells)],
                                 serial=serial()))
    return jobs


def pack_job(design: BrandDesign, zone: ZoneSpec, layout: Layout, seed: int, number: int, *,
             tell: str | None = None, serial: str | None = None) -> tuple[str, PhotoJob]:
    """A pack's reference shot ``number`` of ``zone`` (or, with a ``tell``, its known counterfeit
    ``number``): the path in the pack and the job; the path names the job, so it seeds the photo."""
    rel = (f"refs/{design.model}/{zone.id}/ref-{number:02d}.jpg" if tell is None
           else f"fakes/{design.model}/{zone.id}/fake-{number:02d}-{tell}.jpg")
    return rel, PhotoJob(f"{design.brand}/{rel}", seed, design, zone, layout.reference_size, layout.px_per_mm,
                         tell=tell, serial=serial, gentle=tell is None)


def _sample_jobs(design: BrandDesign, layout: Layout, seed: int,
                 items: list[ItemPlan]) -> list[tuple[str, PhotoJob]]:
    jobs = []
    for item in items:
        for zone in design.zones:
            plan = item.zone(zone.id)
            rel = f"samples/{design.brand}/{item.id}/{zone.id}.jpg"
            jobs.append((rel, PhotoJob(rel, seed, design, zone, layout.photo_size,
                                       layout.px_per_mm, tell=plan.tell, defect=plan.defect,
                                       serial=item.serial)))
    return jobs


def _run(jobs: list[PhotoJob], workers: int) -> list[PhotoResult]:
    if workers <= 1:
        return [make_photo(j) for j in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(make_photo, jobs, chunksize=4))


def build(designs: list[BrandDesign], out: Path, *, seed: int, layout: Layout,
          workers: int | None = None) -> dict[str, object]:
    """Write packs, samples and ground truth for `designs` into `out` (replacing them)."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    for sub in ("packs", "samples"):
        shutil.rmtree(out / sub, ignore_errors=True)
    all_jobs: list[tuple[str, PhotoJob]] = []
    plans: dict[str, list[ItemPlan]] = {}
    for index, design in enumerate(designs):
        rng = job_rng(seed, f"plan/{design.brand}")
        plans[design.brand] = plan_items(design, layout, rng, variant=index)
        all_jobs += [(f"packs/{design.brand}/{rel}", job)
                     for rel, job in _pack_jobs(design, layout, seed, rng,
                                                  {i.serial for i in plans[design.brand]})]
        all_jobs += _sample_jobs(design, layout, seed, plans[design.brand])
    results = dict(zip((rel for rel, _ in all_jobs), _run([j for _, j in all_jobs], workers)))
    for rel, result in results.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(result.jpeg)
    packs_truth = []
    for design in designs:
        pack_dir = out / "packs" / design.brand
        write_manifest(design, pack_dir, public_pem(brand_key(design.key_seed)))
        packs_truth.append(_pack_truth(design, all_jobs, results))
    items_truth = [_item_truth(design, item, results)
                   for design in designs for item in plans[design.brand]]
    truth = {"generator": GENERATOR, "generator_version": GENERATOR_VERSION, "seed": seed,
             "photo_size": list(layout.photo_size), "flat_px_per_mm": layout.px_per_mm,
             "marker_mm": 20.0, "packs": packs_truth, "items": items_truth}
    (out / "samples").mkdir(parents=True, exist_ok=True)
    (out / "samples" / "ground_truth.json").write_text(json.dumps(truth, indent=1) + "\n",
                                                       encoding="utf-8")
    return truth


def _pack_truth(design: BrandDesign, jobs: list[tuple[str, PhotoJob]],
                results: dict[str, PhotoResult]) -> dict[str, object]:
    prefix = f"packs/{design.brand}/"
    photos = []
    for rel, job in jobs:
        if rel.startswith(prefix):
            r = results[rel]
            photos.append({"photo": rel, "zone": job.zone.id, "kind": job.zone.kind,
                           "truth": "authentic" if job.tell is None else "counterfeit",
                           "tell": job.tell, "measured": r.measured, "capture": r.capture})
    return {"brand": design.brand, "brand_name": design.brand_name, "model": design.model,
            "path": prefix.rstrip("/"), "photos": photos}


def _item_truth(design: BrandDesign, item: ItemPlan,
                results: dict[str, PhotoResult]) -> dict[str, object]:
    zones = []
    statuses = {}
    for zone in design.zones:
        plan = item.zone(zone.id)
        rel = f"samples/{design.brand}/{item.id}/{zone.id}.jpg"
        r = results[rel]
        statuses[zone.id] = expected_status(plan)
        zones.append({
            "zone": zone.id, "kind": zone.kind, "critical": zone.critical, "photo": rel,
            "truth": "counterfeit" if plan.tell else "authentic", "tell": plan.tell,
            "defect": plan.defect, "expected_status": statuses[zone.id],
            "serial": r.measured.get("serial"),
            "clone_of": f"{design.brand}/{item.clone_of}" if plan.tell == "clone" else None,
            "measured": r.measured, "capture": r.capture,
        })
    counterfeit = any(z["truth"] == "counterfeit" for z in zones)
    return {"id": f"{design.brand}/{item.id}", "item": item.id, "brand": design.brand,
            "model": design.model, "truth": "counterfeit" if counterfeit else "authentic",
            "expected_verdict": expected_verdict(design, statuses), "zones": zones}
