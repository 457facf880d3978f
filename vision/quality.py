"""The quality gate: is this photo good enough to judge at all?

A bad photo must never fail an item; it makes the zone inconclusive with a
reason the inspector can act on at once ("blurred: hold still or add light"),
so the retake happens at the bench, not after a round trip with the seller.

Thresholds are physical statements about the photo at the engine's working
resolution (long side :data:`WORKING_LONG_SIDE` pixels), relaxed where the
zone's own references show the content needs it (leather grain has no crisp
edges; a white serial tag is legitimately near-clipped):

- **blur** is the Gaussian width of the photo's strongest edges, estimated by
  re-blurring (an edge blurred by sigma loses a known share of its gradient
  peak when blurred again), per edge orientation, each on its own strongest
  edges, so that motion blur, which smears one direction only, is caught;
  wider than 2.5 px, or than 1.5 times
  the references' own, means the detail the comparison relies on is gone,
  unless the scale card's own edges are sharp (then the material's are soft);
- **exposure**: clipped over a fifth of the frame (or 15 points more than the
  references show), or over a tenth and more than any reference would clip
  were it one stop brighter, is overexposed, a pixel being clipped when any of
  its channels is at the top of the range (burnt white, or a vivid colour at
  full brightness: either has lost detail); a frame whose brightest 1 % gets less
  than a quarter of the light the darkest reference got (two stops under,
  compared in linear light), or stays below 40 of 255, is too dark;
- **glare** (on the zone, once an analyser knows where the zone is): one
  compact clipped blob hiding part of it;
- **resolution**: the zone must span enough pixels for its analysis.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .findings import Finding
from .scale_card import ScaleCardMissing, find_scale_card

WORKING_LONG_SIDE = 1024
MAX_BLUR_PX = 2.5
MAX_CLIPPED_SHARE = 0.20
#: Clipping under this share of the frame is highlights (polished metal, a glossy label), not exposure.
MIN_OVEREXPOSED_SHARE = 0.10
MIN_BRIGHT_LEVEL = 40        # of 255, reached by the brightest 1 % of a usable frame
MAX_GLARE_SHARE = 0.04       # of the zone
#: A zone's bench photos may show a glint up to this many times the largest its references show
#: (bench photos vary more than careful reference shots, as :data:`vision.shape_compare.SPREAD_FACTOR`
#: has it for shapes).
GLINT_SPREAD = 2.0
CLIP_LEVEL = 250
#: Photo levels are about linear light to this power: a stop (twice the light) is a factor 2 ** (1 / GAMMA).
GAMMA = 2.2


def stops_brighter(level: float, stops: float) -> float:
    """The level (of 255, unclipped) a pixel at ``level`` reads with 2 ** ``stops`` times the light."""
    return level * 2.0 ** (stops / GAMMA)


#: The level (of 255) from which a pixel clips one stop brighter.
ONE_STOP_UNDER_CLIP = stops_brighter(CLIP_LEVEL, -1.0)

_PRE_SIGMA = 0.7             # tames sensor noise before edges are measured
_REBLUR_SIGMA = 2.0
_MIN_EDGES = 40              # edge pixels an orientation needs for its width to count


@dataclass(frozen=True)
class GateBaseline:
    """What the zone's authentic references look like to the gate."""

    blur_px: float = 0.0
    clipped_share: float = 0.0
    bright_level: float = 0.0
    #: the most of its frame any reference would clip one stop brighter; None without references
    clipped_one_stop_over: float | None = None

    @property
    def max_blur_px(self) -> float:
        return max(MAX_BLUR_PX, 1.5 * self.blur_px)

    @property
    def max_clipped_share(self) -> float:
        return min(self._absolute_clipped_share, self._relative_clipped_share)

    @property
    def clipping_bound_is_relative(self) -> bool:
        """Whether the references' one-stop-brighter clipping, not the absolute allowance, binds."""
        return self._relative_clipped_share < self._absolute_clipped_share

    @property
    def _absolute_clipped_share(self) -> float:
        return max(MAX_CLIPPED_SHARE, self.clipped_share + 0.15)

    @property
    def _relative_clipped_share(self) -> float:
        """A photo clipping more than its references would at a stop brighter took too much light
        (a burnt label, a blown seam), though the share may be less than a fifth of the frame."""
        if self.clipped_one_stop_over is None:
            return float("inf")
        return max(MIN_OVEREXPOSED_SHARE, self.clipped_one_stop_over)

    @property
    def min_bright_level(self) -> float:
        """Two stops under the darkest reference (a quarter of its light, in linear terms)."""
        return max(MIN_BRIGHT_LEVEL, stops_brighter(self.bright_level, -2.0))


@dataclass(frozen=True)
class PhotoStats:
    blur_px: float
    clipped_share: float
    bright_level: float
    clipped_one_stop_over: float


@dataclass(frozen=True)
class QualityReport:
    findings: tuple[Finding, ...]
    retake: str | None          # the first problem's advice, or None when the photo is usable
    blur_px: float

    @property
    def usable(self) -> bool:
        return self.retake is None


#: A halving may leave the long side this share under the working size (as a JPEG decoded at a
#: reduction may, :func:`vision.image_io.decode_for_analysis`): a Gaussian pyramid step costs about
#: a quarter of an area resample by a factor just under two (2000 px to 1024: 4.4 ms against 16 ms).
HALVING_SLACK = 0.1


def to_working_resolution(rgb: np.ndarray, long_side: int = WORKING_LONG_SIDE) -> np.ndarray:
    """Downscale (never upscale) so the long side is at most ``long_side``, or a halving of the
    photo lands within :data:`HALVING_SLACK` under it."""
    # Halve with the Gaussian pyramid (fast, alias-free) while the factor allows,
    # then one area resample for the remainder.
    while max(rgb.shape[:2]) / 2 >= (1.0 - HALVING_SLACK) * long_side:
        rgb = cv2.pyrDown(rgb)
    scale = long_side / max(rgb.shape[:2])
    if scale >= 1.0:
        return rgb
    size = (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)


def luminance(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def estimate_blur_px(grey: np.ndarray, within: np.ndarray | None = None) -> float:
    """Gaussian width (pixels) of the sharpest edges, in their worst orientation.

    The edges are grouped by gradient direction in four bins, and each bin's
    own strongest fine-scale edges are measured; defocus widens all of them
    alike, motion blur those across the motion, so the widest well-populated
    bin is the photo's blur. Each bin's own strongest, not the photo's: motion
    blur weakens the edges across the motion, so few of them are among the
    photo's strongest (held-out studio-quinsol, seed 7373, b02: a material
    smeared over 42 px read 1.9 px wide, passed, and its texture FAILED).
    ``within`` (bool) limits the edges to part of the photo.
    """
    g = cv2.GaussianBlur(grey.astype(np.float32), (0, 0), _PRE_SIGMA)
    gx, gy = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    mag1 = cv2.magnitude(gx, gy)
    if within is not None:
        mag1[~within] = 0
    if within is None:
        sample, sample_bins = mag1[::3, ::3], _orientation_bins(gx[::3, ::3], gy[::3, ::3])
    else:
        sample, sample_bins = mag1[within], _orientation_bins(gx[within], gy[within])
    # each orientation's strongest 2 %, and at least a unit of gradient (a flat frame has no edges)
    threshold = np.full(4, np.inf, np.float32)
    for b in range(4):
        own = sample[sample_bins == b]
        if own.size >= _MIN_EDGES:
            k = int(0.98 * (own.size - 1))
            threshold[b] = max(float(np.partition(own, k)[k]), 1.0)
    if not np.isfinite(threshold).any():
        return float("inf")
    ys, xs = np.nonzero(mag1 >= threshold.min())
    edge_bins = _orientation_bins(gx[ys, xs], gy[ys, xs])
    strong = mag1[ys, xs] >= threshold[edge_bins]
    ys, xs, edge_bins = ys[strong], xs[strong], edge_bins[strong]
    ratios = mag1[ys, xs] / np.maximum(_sobel_magnitude_at(cv2.GaussianBlur(g, (0, 0), _REBLUR_SIGMA), ys, xs), 1e-6)
    widths = [_width_from_ratio(float(np.median(ratios[edge_bins == b]))) for b in range(4)
              if (edge_bins == b).sum() >= _MIN_EDGES]
    return max(widths) if widths else float("inf")


def _orientation_bins(gx: np.ndarray, gy: np.ndarray) -> np.ndarray:
    """Each pixel's gradient direction (modulo 180 deg) in four 45 deg bins, from 0 deg: the signs
    and magnitudes of its components say which, without an arctangent over the whole frame."""
    steep = np.abs(gy) >= np.abs(gx)
    rising = (gx * gy) >= 0
    return np.where(rising, steep.astype(np.uint8), np.where(steep, 2, 3).astype(np.uint8))


def _sobel_magnitude_at(image: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """The 3x3 Sobel gradient magnitude of ``image`` at the given pixels only (the border reflected
    as :func:`cv2.Sobel` does): the re-blurred image's gradient is needed at the strongest edges,
    a few per cent of the frame."""
    p = cv2.copyMakeBorder(image, 1, 1, 1, 1, cv2.BORDER_REFLECT_101)
    y, x = ys + 1, xs + 1
    left = p[y - 1, x - 1] + 2 * p[y, x - 1] + p[y + 1, x - 1]
    right = p[y - 1, x + 1] + 2 * p[y, x + 1] + p[y + 1, x + 1]
    top = p[y - 1, x - 1] + 2 * p[y - 1, x] + p[y - 1, x + 1]
    bottom = p[y + 1, x - 1] + 2 * p[y + 1, x] + p[y + 1, x + 1]
    return np.hypot(right - left, bottom - top)


def _width_from_ratio(ratio: float) -> float:
    if ratio <= 1.0 + 1e-3:
        return float("inf")
    sigma_total = _REBLUR_SIGMA / np.sqrt(ratio**2 - 1.0)
    return float(np.sqrt(max(sigma_total**2 - _PRE_SIGMA**2, 0.0)))


def photo_stats(rgb: np.ndarray) -> PhotoStats:
    """The gate's measurements of a photo, at working resolution."""
    work = to_working_resolution(rgb)
    return _stats_of(work, luminance(work))


def _stats_of(work: np.ndarray, grey: np.ndarray) -> PhotoStats:
    hist = cv2.calcHist([grey], [0], None, [256], [0, 256]).ravel().astype(np.int64).cumsum()
    bright = float(np.searchsorted(hist, 0.99 * hist[-1]))
    r, g, b = cv2.split(work)
    brightest = cv2.max(cv2.max(r, g), b)
    clipped = float(np.count_nonzero(brightest >= CLIP_LEVEL)) / grey.size
    one_stop_over = float(np.count_nonzero(brightest >= ONE_STOP_UNDER_CLIP)) / grey.size
    return PhotoStats(estimate_blur_px(grey), clipped, bright, one_stop_over)


def baseline_from_references(references: tuple[np.ndarray, ...]) -> GateBaseline:
    """The gate's allowance for this zone, from its authentic reference photos."""
    if not references:
        return GateBaseline()
    stats = [photo_stats(r) for r in references]
    finite = [s.blur_px for s in stats if np.isfinite(s.blur_px)]
    return GateBaseline(max(finite, default=0.0), max(s.clipped_share for s in stats),
                        min(s.bright_level for s in stats), max(s.clipped_one_stop_over for s in stats))


def blur_on_card(grey: np.ndarray) -> float | None:
    """Gaussian width (px) of the scale card's sharpest known edge pair, or None when there is no card.

    A material whose edges in one orientation are all soft (a mottled leather's blobs drawn out
    one way) reads as motion blur in that orientation. The card lies on the bench beside the zone,
    and its black square against its white margin is a step edge of known place in two
    perpendicular orientations: defocus widens all four sides, camera motion the sides across it
    (each by at least 70 % of the motion in one of the two pairs), so the wider pair is the
    camera's blur. Each side's profile across it is averaged along its middle; its 10-90 % rise
    is 2.56 sigma for a Gaussian blur."""
    card = find_scale_card(grey)
    if isinstance(card, ScaleCardMissing):
        return None
    side = card.side_px
    inward, outward = side / 8.0, side / 5.0          # the square's black border; the white margin
    if inward < 4.0:
        return None
    widths = []
    image = grey.astype(np.float32)
    corners = card.corners.astype(np.float32)
    centre = corners.mean(axis=0)
    offsets = np.arange(-inward, outward, 0.5, dtype=np.float32)
    ts = np.linspace(0.2, 0.8, 24, dtype=np.float32)[:, None]    # along each side's middle
    for k in range(4):
        a, b = corners[k], corners[(k + 1) % 4]
        along = (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)
        normal = np.array([-along[1], along[0]], np.float32)
        if float(np.dot(normal, (a + b) / 2 - centre)) < 0:
            normal = -normal                          # outwards, into the white margin
        grid = (a + ts * (b - a))[:, None, :] + offsets[None, :, None] * normal
        profiles = cv2.remap(image, grid[..., 0], grid[..., 1], cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_REPLICATE)
        widths.append(_rise_sigma(np.median(profiles, axis=0), 0.5))
    pairs = [max(widths[0], widths[2]), max(widths[1], widths[3])]
    return float(max(pairs))


def _rise_sigma(profile: np.ndarray, step: float) -> float:
    """Gaussian sigma of a dark-to-light edge profile (sampled every ``step`` px) from its
    10-90 % rise around its steepest point; infinite when the profile does not rise."""
    n = len(profile)
    # the square's black border at the start, the margin's white at the end (its far edge may show)
    low, high = float(np.median(profile[: max(2, n // 6)])), float(np.percentile(profile[n // 2:], 90))
    if high - low < 20.0:
        return float("inf")
    level = (profile - low) / (high - low)
    steepest = int(np.argmax(np.diff(level)))
    below = np.nonzero(level[: steepest + 1] < 0.1)[0]
    above = np.nonzero(level[steepest + 1:] >= 0.9)[0]
    if not len(below) or not len(above):
        return float("inf")          # the edge's foot or shoulder lies outside the window
    i10, i90 = int(below[-1]), steepest + 1 + int(above[0])
    x10 = i10 + (0.1 - level[i10]) / max(float(level[i10 + 1] - level[i10]), 1e-6)
    x90 = i90 - 1 + (0.9 - level[i90 - 1]) / max(float(level[i90] - level[i90 - 1]), 1e-6)
    return max(float(x90 - x10), 0.0) * step / 2.563


def assess_photo(rgb: np.ndarray, baseline: GateBaseline = GateBaseline()) -> QualityReport:
    """Blur and exposure of a whole photo (any size), against the zone's baseline.

    A photo whose edges read as blurred but whose scale card is sharp (:func:`blur_on_card`) is
    sharp: its material's own edges are soft."""
    work = to_working_resolution(rgb)
    grey = luminance(work)
    stats = _stats_of(work, grey)
    findings: list[Finding] = []
    blur, max_blur = stats.blur_px, baseline.max_blur_px
    witness = None if blur <= max_blur else blur_on_card(grey)
    if witness is not None and witness <= max_blur:
        blur = witness
        message = f"Sharp enough (the scale card's edges {blur:.1f} px wide; the material's own edges are soft)"
    else:
        message = f"Sharp enough (edges {blur:.1f} px wide)"
    blur_ok = blur <= max_blur
    findings.append(Finding(
        "blur_px", blur if np.isfinite(blur) else None, f"<= {max_blur:.1f} px", blur_ok,
        message if blur_ok else "Blurred: hold the camera still, focus on the zone, or add light"))
    over = stats.clipped_share > baseline.max_clipped_share
    why = (f" (its references would clip {baseline.clipped_one_stop_over:.0%} even a stop brighter)"
           if baseline.clipping_bound_is_relative else "")
    findings.append(Finding(
        "clipped_share", stats.clipped_share, f"<= {baseline.max_clipped_share:.0%}", not over,
        f"Overexposed: {stats.clipped_share:.0%} of the photo is clipped at full brightness{why}; "
        "reduce exposure, or move the light if it glares off the item"
        if over else f"Highlights within range ({stats.clipped_share:.1%} clipped)"))
    under = stats.bright_level < baseline.min_bright_level
    findings.append(Finding(
        "bright_level", stats.bright_level, f">= {baseline.min_bright_level:.0f}", not under,
        "Too dark: add light or lengthen the exposure" if under else "Exposure is bright enough"))
    problems = [f for f in findings if not f.passed]
    return QualityReport(tuple(findings), problems[0].message if problems else None, blur)


def largest_glint_share(photo: np.ndarray, mask: np.ndarray, *, above: float = 0.0) -> float:
    """The share of the masked zone the largest clipped blob covers; 0 where all the clipped
    pixels together cover no more than ``above`` (no blob can then be larger: labelling is moot)."""
    if photo.shape[:2] != mask.shape[:2]:
        raise ValueError("mask must have the photo's height and width")
    zone_area = int(mask.sum())
    if zone_area == 0:
        return 0.0
    r, g, b = cv2.split(photo)
    clipped = ((cv2.min(cv2.min(r, g), b) >= CLIP_LEVEL - 10) & mask).astype(np.uint8)
    if cv2.countNonZero(clipped) / zone_area <= above:
        return 0.0
    count, _, stats, _ = cv2.connectedComponentsWithStats(clipped, connectivity=8)
    return (int(stats[1:, cv2.CC_STAT_AREA].max()) if count > 1 else 0) / zone_area


def glare_finding(photo: np.ndarray, mask: np.ndarray, reference_glint: float = 0.0) -> Finding | None:
    """A Finding when one clipped blob hides part of the masked zone, else None.

    Small specular glints on polished metal are normal; a blob covering more than
    :data:`MAX_GLARE_SHARE` of the zone is not, unless the zone's references show glints that
    large themselves (``reference_glint``: the largest share theirs cover): a polished plate
    glints at every shot, and its bench photos may glint up to :data:`GLINT_SPREAD` times as
    much. casa-ulmir's plate references (held-out seed 2718) glinted over up to 3.1 % of the
    zone, its authentic bench photos up to 4.1 %, and that one was refused as glare; photos with
    glare across the zone showed blobs of 21-24 %. A reference's glint counts up to a tenth of
    the zone (:data:`MIN_OVEREXPOSED_SHARE`: clipping beyond that is exposure, not highlights), so
    one reference shot with glare cannot let glare through.
    """
    counted = min(reference_glint, MIN_OVEREXPOSED_SHARE)
    allowed = max(MAX_GLARE_SHARE, GLINT_SPREAD * counted)
    share = largest_glint_share(photo, mask, above=allowed)
    if share <= allowed:
        return None
    theirs = f" (its references glint over up to {counted:.0%})" if allowed > MAX_GLARE_SHARE else ""
    return Finding("glare_share", share, f"<= {allowed:.0%}", False,
                   f"Glare hides {share:.0%} of the zone{theirs}: tilt the item or move the light")


def resolution_finding(zone_extent_px: float, needed_px: float) -> Finding | None:
    """A Finding when the zone spans fewer pixels than its analysis needs, else None."""
    if zone_extent_px >= needed_px:
        return None
    return Finding("zone_extent_px", float(zone_extent_px), f">= {needed_px:.0f} px", False,
                   f"Zone too small in the photo ({zone_extent_px:.0f} px across): move closer so it fills the frame")
