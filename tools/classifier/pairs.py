"""Generated training pairs: a bench photo and a reference shot of one zone, both in the engine's frame.

Each *group* is one design and one zone kind: two reference shots of the
authentic design, and four bench photos each compared with both, two of fresh
authentic renderings (label 1) and two of counterfeits with a single tell each
(label 0). So the classes are balanced and every counterfeit has authentic
twins judged against the same references: what separates them is the design,
not the shot.

Photos go through :mod:`tools.demogen` as the benchmark's do (render, capture
with pose, light, cast, blur, noise, JPEG) and are brought back into the
frame the vision engine would compare them in (see
``vision.shape_compare.build_frame``): the design's bounding box grown by a
margin, long side :data:`FRAME_LONG_SIDE`, with the small residual
misalignment the engine's alignment leaves. Then :func:`vision.classifier.pair_input`,
exactly as at the bench.

Every group seeds its own generators from (seed, split, index), so a data set
is identical run to run and whatever the number of processes. Training and
validation designs come from disjoint streams; neither is ever a demo brand
nor a benchmark held-out brand (those are drawn by ``tools.demogen`` from
``job_rng(seed, "heldout/designs")``, a different stream).
"""

from __future__ import annotations

import math
import multiprocessing
from dataclasses import dataclass, replace

import cv2
import numpy as np

from tools.demogen import render
from tools.demogen.capture import capture, draw_usable
from tools.demogen.designs import BrandDesign, Texture, random_design
from tools.demogen.tells import apply_tell
from vision.classifier import INPUT_HEIGHT, INPUT_WIDTH, pair_input

KINDS = ("logo", "hardware")
#: Tells the classifier must see; the metal's colour is judged by CIEDE2000, and the input is grey.
TELLS: dict[str, tuple[str, ...]] = {
    "logo": ("typeface", "weight", "spacing", "proportions", "mark"),
    "hardware": ("engraving_font", "outline"),
}
TRAIN, VAL = 0, 1
FRAME_LONG_SIDE = 640              # as vision.shape_compare.FRAME_LONG_SIDE
#: Smaller than a bench photo (the engine works at 1024 px) to keep generation fast: the design still
#: spans more pixels in the photo than the model's 256 px wide input.
PHOTO_SIZE = (800, 600)
REFERENCE_SIZE = (720, 540)
PX_PER_MM = 7.5                    # flat rendering scale for PHOTO_SIZE (demogen: 12 px/mm at 1280 px)
REFERENCES_PER_GROUP, PHOTOS_PER_GROUP = 2, 4
PAIRS_PER_GROUP = REFERENCES_PER_GROUP * PHOTOS_PER_GROUP
#: Margin around the design, share of its long side: the engine grows by 12% (logo) and 40% (hardware) around
#: its features, which often reach into the material beyond the design, so the ranges extend beyond those.
GROW = {"logo": (0.08, 0.30), "hardware": (0.30, 0.80)}
#: Residual misalignment: corner jitter as a share of the frame's long side (usually, and the rare bad case).
JITTER, JITTER_RARE, RARE_SHARE = 0.01, 0.02, 0.1
#: Share of second references taken with a bench photo's ranges instead of a careful reference shot's.
ROUGH_REFERENCE_SHARE = 0.5


@dataclass(frozen=True)
class Pair:
    """One model input with its truth."""

    input: np.ndarray      # float32 [2, INPUT_HEIGHT, INPUT_WIDTH], see vision.classifier.pair_input
    label: int             # 1 authentic, 0 counterfeit
    kind: str
    tell: str              # "authentic" or the counterfeit's tell


@dataclass(frozen=True)
class Frame:
    """The comparison frame: flat px -> frame px, its size and where the design lies."""

    to_frame: np.ndarray   # 3x3
    size: tuple[int, int]  # width, height
    roi: np.ndarray        # bool (height, width)


def design_for(seed: int, split: int, group: int) -> BrandDesign:
    """The design of a group, drawn from the split's own stream: a split never sees another's designs."""
    return random_design(np.random.default_rng([seed, split, group]))


def logo_box(design: BrandDesign, px_per_mm: float) -> tuple[float, float, float, float]:
    """Bounding box (flat px at ``px_per_mm``) of the logo's ink: wordmark and mark.

    Rendered as a white-on-black mask at a coarse scale, so the box follows the
    renderer's own layout rather than a copy of it.
    """
    coarse = 4.0
    blank = replace(design, material_rgb=(0, 0, 0),
                    texture=Texture("grain", 1.0, 1.0, 0.0, 0.0),
                    wordmark=replace(design.wordmark, colour_rgb=(255, 255, 255)))
    flat = render.render_logo(blank, coarse, render.logo_canvas_mm(design), np.random.default_rng(0))
    ys, xs = np.nonzero(flat.image[..., 0] > 127)
    k = px_per_mm / coarse
    return xs.min() * k, ys.min() * k, (xs.max() + 1) * k, (ys.max() + 1) * k


def hardware_box(design: BrandDesign, px_per_mm: float) -> tuple[float, float, float, float]:
    """Bounding box (flat px) of the metal plate, as ``render.render_hardware`` places it."""
    ch = int(round(render.HARDWARE_CANVAS_MM[1] * px_per_mm))
    pw = int(round(min(design.hardware.width_mm, 56.0) * px_per_mm))
    ph = int(round(pw / design.hardware.aspect))
    x0, y0 = int(round(66.0 * px_per_mm - pw / 2)), (ch - ph) // 2
    return x0, y0, x0 + pw, y0 + ph


def card_exclusion(px_per_mm: float) -> np.ndarray:
    """Flat-px quad left out of the hardware ROI: the scale card grown 1.9 times, as vision.hardware does."""
    card = render.card_size_mm()
    cx, cy = 5.0 + card / 2, (render.HARDWARE_CANVAS_MM[1] - card) / 2 + card / 2
    half = 1.9 * render.MARKER_MM / 2
    quad = np.array([[cx - half, cy - half], [cx + half, cy - half], [cx + half, cy + half],
                     [cx - half, cy + half]])
    return quad * px_per_mm


def make_frame(box: tuple[float, float, float, float], grow: float, exclude: np.ndarray | None,
               view: np.ndarray) -> Frame:
    """The frame ``build_frame`` would choose around ``box``, seen as the master reference shot sees it.

    The engine compares in the master reference photo's own perspective (an
    axis-aligned box around its features, grown), not front-on: ``view`` is
    that shot's homography, flat px -> photo px. The ROI is the box grown with
    round corners, in the same perspective.
    """
    x0, y0, x1, y1 = box
    margin = grow * max(x1 - x0, y1 - y0)
    outline = _rounded_box(x0, y0, x1, y1, margin)
    seen = cv2.perspectiveTransform(outline.reshape(-1, 1, 2), view).reshape(-1, 2)
    fx0, fy0 = seen.min(axis=0)
    fx1, fy1 = seen.max(axis=0)
    scale = FRAME_LONG_SIDE / max(fx1 - fx0, fy1 - fy0)
    to_frame = np.array([[scale, 0, -fx0 * scale], [0, scale, -fy0 * scale], [0, 0, 1]], np.float64) @ view
    size = (int(round((fx1 - fx0) * scale)), int(round((fy1 - fy0) * scale)))
    roi = np.zeros((size[1], size[0]), np.uint8)
    cv2.fillPoly(roi, [np.round(_project(outline, to_frame)).astype(np.int32)], 1)
    if exclude is not None:
        cv2.fillConvexPoly(roi, np.round(_project(exclude, to_frame)).astype(np.int32), 0)
    return Frame(to_frame, size, roi > 0)


def _project(points: np.ndarray, homography: np.ndarray) -> np.ndarray:
    return cv2.perspectiveTransform(points.reshape(-1, 1, 2).astype(np.float64), homography).reshape(-1, 2)


def _rounded_box(x0: float, y0: float, x1: float, y1: float, r: float, steps: int = 8) -> np.ndarray:
    """Outline of the box grown by ``r`` with round corners, as a polygon (flat px)."""
    points = []
    for (cx, cy), start in (((x1, y0), -90), ((x1, y1), 0), ((x0, y1), 90), ((x0, y0), 180)):
        for a in np.radians(np.linspace(start, start + 90, steps)):
            points.append((cx + r * np.cos(a), cy + r * np.sin(a)))
    return np.array(points, np.float64)


def jitter(size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A small homography (frame px) moving the corners as far as the engine's alignment may be off."""
    w, h = size
    amount = (JITTER_RARE if rng.random() < RARE_SHARE else JITTER) * max(w, h)
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = src + rng.uniform(-amount, amount, (4, 2)).astype(np.float32)
    return cv2.getPerspectiveTransform(src, dst).astype(np.float64)


@dataclass(frozen=True)
class Shot:
    """A decoded capture and its truth homography, flat px -> photo px."""

    rgb: np.ndarray
    homography: np.ndarray


def shoot(design: BrandDesign, authentic: BrandDesign, kind: str, size: tuple[int, int], gentle: bool,
          marker: int, rng: np.random.Generator) -> Shot:
    """Render ``design`` on the authentic design's canvas, photograph it and decode the JPEG."""
    if kind == "logo":
        flat = render.render_logo(design, PX_PER_MM, render.logo_canvas_mm(authentic), rng)
    else:
        flat = render.render_hardware(design, PX_PER_MM, rng, marker_id=marker)
    photo = capture(flat, draw_usable(rng, size[0], size[1], gentle=gentle), rng)
    rgb = cv2.cvtColor(cv2.imdecode(np.frombuffer(photo.jpeg, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    return Shot(rgb, photo.homography)


def in_frame(shot: Shot, frame: Frame, residual: np.ndarray | None = None) -> np.ndarray:
    """The shot resampled into ``frame`` (RGB uint8), through an alignment error ``residual`` if given."""
    to_frame = frame.to_frame @ np.linalg.inv(shot.homography)
    if residual is not None:
        to_frame = residual @ to_frame
    return cv2.warpPerspective(shot.rgb, to_frame, frame.size, flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0))


def make_group(seed: int, split: int, group: int) -> list[Pair]:
    """Every photo of a group against every reference shot of it: authentic and counterfeit pairs alike.

    The references are a careful shot and one taken with a bench photo's
    ranges or another careful one, so an authentic photo meets references
    under other light, cast and angle; each pair gets its own residual misalignment.
    """
    cv2.setNumThreads(1)
    kind = KINDS[group % len(KINDS)]
    authentic = design_for(seed, split, group)
    rng = np.random.default_rng([seed, 10 + split, group])
    lo, hi = GROW[kind]
    marker = int(rng.integers(0, 10))
    shots = [shoot(authentic, authentic, kind, REFERENCE_SIZE, i == 0 or rng.random() >= ROUGH_REFERENCE_SHARE,
                   marker, rng) for i in range(REFERENCES_PER_GROUP)]
    grow = float(rng.uniform(lo, hi))
    if kind == "logo":
        frame = make_frame(logo_box(authentic, PX_PER_MM), grow, None, shots[0].homography)
    else:
        frame = make_frame(hardware_box(authentic, PX_PER_MM), grow, card_exclusion(PX_PER_MM), shots[0].homography)
    references = [in_frame(shot, frame) for shot in shots]
    pairs = []
    for i in range(PHOTOS_PER_GROUP):
        design, label, name = authentic, 1, "authentic"
        if i % 2:
            name = str(rng.choice(TELLS[kind]))
            design, label = apply_tell(authentic, kind, name, rng), 0
        shot = shoot(design, authentic, kind, PHOTO_SIZE, False, marker, rng)
        for reference in references:
            photo = in_frame(shot, frame, jitter(frame.size, rng))
            pairs.append(Pair(pair_input(photo, reference, frame.roi), label, kind, name))
    return pairs


def _group_star(args: tuple[int, int, int]) -> list[Pair]:
    return make_group(*args)


@dataclass(frozen=True)
class PairSet:
    """Stacked pairs: inputs [N, 2, H, W] float32, labels [N], and each pair's kind and tell."""

    inputs: np.ndarray
    labels: np.ndarray
    kinds: tuple[str, ...]
    tells: tuple[str, ...]


def generate(seed: int, split: int, n_pairs: int, workers: int = 2) -> PairSet:
    """``n_pairs`` (rounded up to whole groups) pairs of the split; identical for any ``workers``."""
    jobs = [(seed, split, g) for g in range(math.ceil(n_pairs / PAIRS_PER_GROUP))]
    if workers > 1:
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            groups = pool.map(_group_star, jobs, chunksize=4)
    else:
        groups = [_group_star(j) for j in jobs]
    pairs = [p for g in groups for p in g]
    inputs = np.empty((len(pairs), 2, INPUT_HEIGHT, INPUT_WIDTH), np.float32)
    for i, p in enumerate(pairs):
        inputs[i] = p.input
    return PairSet(inputs, np.array([p.label for p in pairs], np.float32),
                   tuple(p.kind for p in pairs), tuple(p.tell for p in pairs))
