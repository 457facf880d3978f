"""Never-seen brands as ``python -m tools.demogen heldout`` draws them, and their sample photos as
its sets render them: a test can reproduce the very photo a held-out benchmark run got wrong."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from tools.demogen.designs import BrandDesign, random_design
from tools.demogen.library import Layout, build, pack_job
from tools.demogen.photos import PhotoJob, job_rng, make_photo
from vision.findings import Status, ZoneAnalysis
from vision.image_io import decode_image

#: ``heldout --brands`` as the development seeds were generated.
BRANDS_PER_SET = 4


def heldout_design(seed: int, brand: str) -> BrandDesign:
    """The design of ``brand`` among those ``heldout --seed SEED`` draws."""
    rng = job_rng(seed, "heldout/designs")
    return next(d for d in (random_design(rng) for _ in range(BRANDS_PER_SET)) if d.brand == brand)


def heldout_photo(seed: int, design: BrandDesign, item: str, zone_id: str, *,
                  tell: str | None = None, defect: str | None = None) -> tuple[np.ndarray, dict[str, Any]]:
    """``samples/BRAND/ITEM/ZONE.jpg`` of the set ``heldout --seed SEED`` writes (RGB), and what
    its rendering measured; any zone but a serial code, whose tag needs the item's serial.
    ``tell`` and ``defect``: the counterfeit's tell or the bad photo's defect, as the set drew it."""
    layout = Layout()
    job = PhotoJob(f"samples/{design.brand}/{item}/{zone_id}.jpg", seed, design, design.zone(zone_id),
                   layout.photo_size, layout.px_per_mm, tell=tell, defect=defect)
    result = make_photo(job)
    return decode_image(result.jpeg), result.measured


def authentic_pass(analyse: Callable[[Any, np.ndarray], ZoneAnalysis], prepared: Any, seed: int,
                   design: BrandDesign, items: Iterable[str], zone_id: str) -> list[ZoneAnalysis]:
    """Each of ``items``' photos of ``zone_id`` judged by ``analyse``, asserted to PASS (naming the
    item and the findings that did not pass otherwise); the results, for further checks."""
    results = []
    for item in items:
        result = analyse(prepared, heldout_photo(seed, design, item, zone_id)[0])
        assert result.status is Status.PASS, (item, [f.message for f in result.findings if not f.passed])
        results.append(result)
    return results


def heldout_pack_zone(seed: int, design: BrandDesign, zone_id: str, fake_tells: tuple[str, ...] = ()
                      ) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """The references and known counterfeits (``fake_tells``, in the pack's order) of a zone of
    the pack ``heldout --seed SEED`` writes (RGB); any zone but a serial code."""
    layout, zone = Layout(), design.zone(zone_id)

    def shot(number: int, tell: str | None = None) -> np.ndarray:
        return decode_image(make_photo(pack_job(design, zone, layout, seed, number, tell=tell)[1]).jpeg)

    refs = tuple(shot(i) for i in range(1, layout.references_per_zone + 1))
    fakes = tuple(shot(i, tell) for i, tell in enumerate(fake_tells, 1))
    return refs, fakes


def heldout_brand(seed: int, design: BrandDesign, out: Path) -> dict[str, Any]:
    """Write ``design``'s pack as ``heldout --seed SEED`` does (the same references; which tells its
    known counterfeits show depends on the items planned before them, so they may differ) and the
    photos of one authentic item and one counterfeit, under ``out``; the ground truth."""
    layout = Layout(authentic_items=1, counterfeit_items=1, bad_photo_items=0)
    return build([design], out, seed=seed, layout=layout)
