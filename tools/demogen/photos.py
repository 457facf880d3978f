"""One photo job: render a zone (authentic or with a tell), then capture it.

A `PhotoJob` is a frozen value holding every input, so jobs run in any order
or in parallel and still give identical bytes: each job seeds its own
generator from the run seed and its own name.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from tools.demogen import render
from tools.demogen.capture import Photo, capture, draw_defective, draw_usable
from tools.demogen.designs import BrandDesign, ZoneSpec
from tools.demogen.tells import apply_tell, code_payload, delta_e


def job_rng(seed: int, name: str) -> np.random.Generator:
    """A generator that depends only on the run seed and a stable job name."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def marker_id(design: BrandDesign, zone: ZoneSpec) -> int:
    """The scale card's ArUco id (0..9) for this brand and zone: stable across runs."""
    return zlib.crc32(f"{design.brand}/{zone.id}".encode()) % 10


@dataclass(frozen=True)
class PhotoJob:
    """Everything needed to make one photo of one zone."""

    name: str                  # unique within the run; seeds the job's generator
    seed: int
    design: BrandDesign        # the authentic design
    zone: ZoneSpec
    size: tuple[int, int]      # photo width, height
    px_per_mm: float           # of the flat rendering
    tell: str | None = None
    defect: str | None = None
    serial: str | None = None  # code zones: the serial the tag claims
    gentle: bool = False       # reference shot: narrower capture ranges


@dataclass(frozen=True)
class PhotoResult:
    jpeg: bytes
    measured: dict[str, object]
    capture: dict[str, object]


def make_photo(job: PhotoJob) -> PhotoResult:
    """Render the zone as the job describes and photograph it."""
    rng = job_rng(job.seed, job.name)
    authentic = job.design
    kind = job.zone.kind
    design = authentic
    if job.tell is not None and kind != "code":
        design = apply_tell(authentic, kind, job.tell, rng)
    ppm = job.px_per_mm
    card = job.defect != "no_scale_card"
    measured: dict[str, object] = {}
    if kind == "logo":
        flat = render.render_logo(design, ppm, render.logo_canvas_mm(authentic), rng)
        measured = {"font": design.wordmark.font, "spacing_em": round(design.wordmark.spacing_em, 4),
                    "mark_shape": design.mark.shape, "mark_size_ratio": round(design.mark.size_ratio, 4)}
    elif kind == "stitching":
        flat = render.render_stitching(design, ppm, rng, marker_id=marker_id(authentic, job.zone),
                                       scale_card=card)
    elif kind == "hardware":
        flat = render.render_hardware(design, ppm, rng, marker_id=marker_id(authentic, job.zone),
                                      scale_card=card)
        measured = {"delta_e": round(delta_e(authentic.hardware.metal_lab, design.hardware.metal_lab), 3),
                    "engraving_font": design.hardware.engraving_font,
                    "outline": design.hardware.outline}
    elif kind == "code":
        if job.serial is None:
            raise ValueError(f"job {job.name}: a code zone needs a serial")
        payload, printed, valid = code_payload(authentic, job.tell, job.serial, rng)
        flat = render.render_code(authentic, ppm, rng, payload=payload, printed_serial=printed)
        measured = {"serial": printed, "payload": payload, "signature_valid": valid}
    elif kind == "texture":
        flat = render.render_texture(design, ppm, rng)
    else:
        raise ValueError(f"unknown zone kind {kind!r}")
    measured = {**{k: (round(v, 4) if isinstance(v, float) else v) for k, v in flat.measured.items()},
                **measured}
    if flat.marker_id is not None and flat.marker_corners is not None:
        measured["marker_id"] = flat.marker_id
        measured["marker_corners_flat_px"] = flat.marker_corners.tolist()
    w, h = job.size
    if job.defect is None or job.defect == "no_scale_card":
        params = draw_usable(rng, w, h, gentle=job.gentle)
    else:
        params = draw_defective(rng, w, h, job.defect)
    photo: Photo = capture(flat, params, rng)
    truth = photo.truth()
    truth["flat_px_per_mm"] = ppm
    truth["flat_size"] = [int(flat.image.shape[1]), int(flat.image.shape[0])]
    return PhotoResult(photo.jpeg, measured, truth)
