"""Simulated bench photos of a flat zone: pose, light, colour cast, optics, sensor, JPEG.

`draw_usable` gives parameters within the range a quality gate must accept;
`draw_defective` gives a photo a quality gate must reject, labelled with why.
Every parameter is recorded in the ground truth, including the homography
from the flat zone's pixels to the photo's, so measurements can be checked.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

import cv2
import numpy as np

from tools.demogen.render import Flat

DEFECTS = ("blur", "motion_blur", "overexposed", "underexposed", "glare", "too_small",
           "no_scale_card")
BENCH_COLOURS = ((58, 62, 60), (40, 44, 52), (96, 92, 86), (150, 150, 146))


@dataclass(frozen=True)
class CaptureParams:
    """How one photo was taken. Angles in degrees, fractions of the frame, linear light gains."""

    width: int
    height: int
    tilt_x_deg: float        # plane rotation about the camera's x axis
    tilt_y_deg: float        # plane rotation about the camera's y axis
    roll_deg: float          # in-plane rotation
    fill: float              # zone's projected width / frame width
    offset_x: float          # zone centre offset from frame centre, fraction of the frame
    offset_y: float
    exposure: float          # linear gain (1 = well exposed)
    light_gradient: float    # relative brightness change across the frame
    light_angle_deg: float
    vignette: float
    wb_gains: tuple[float, float, float]   # linear R, G, B multipliers (colour cast)
    defocus_sigma: float     # Gaussian blur, photo px
    motion_px: float         # motion blur length, photo px (0 = none)
    motion_angle_deg: float
    glare: float             # peak added linear light of a specular spot (0 = none)
    noise_sigma: float       # sensor noise std, 8-bit levels
    jpeg_quality: int
    bench_rgb: tuple[int, int, int]

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def draw_usable(rng: np.random.Generator, width: int, height: int, *,
                gentle: bool = False) -> CaptureParams:
    """A photo an inspector would take: tilted up to ~25 degrees, fairly lit, sharp enough.

    `gentle` narrows the ranges (brand reference shots are taken with more care).
    """
    k = 0.5 if gentle else 1.0
    while True:
        tx, ty = rng.uniform(-18, 18, size=2) * k
        if math.hypot(tx, ty) <= 25:
            break
    scale = width / 1280.0
    return CaptureParams(
        width=width, height=height,
        tilt_x_deg=float(tx), tilt_y_deg=float(ty),
        roll_deg=float(rng.uniform(-25, 25) * k),
        fill=float(rng.uniform(0.55, 0.8)),
        offset_x=float(rng.uniform(-0.06, 0.06)), offset_y=float(rng.uniform(-0.05, 0.05)),
        exposure=float(rng.uniform(0.85, 1.1)),
        light_gradient=float(rng.uniform(0.05, 0.3) * k),
        light_angle_deg=float(rng.uniform(0, 360)),
        vignette=float(rng.uniform(0.05, 0.2)),
        wb_gains=tuple(float(g) for g in (rng.uniform(0.9, 1.1) ** k, 1.0,
                                          rng.uniform(0.88, 1.1) ** k)),  # type: ignore[arg-type]
        defocus_sigma=float(rng.uniform(0.3, 1.1) * scale),
        motion_px=0.0, motion_angle_deg=0.0, glare=0.0,
        noise_sigma=float(rng.uniform(0.6, 1.8)),
        jpeg_quality=int(rng.integers(85, 90)),
        bench_rgb=BENCH_COLOURS[int(rng.integers(0, len(BENCH_COLOURS)))],
    )


def draw_defective(rng: np.random.Generator, width: int, height: int, defect: str) -> CaptureParams:
    """A usable photo spoilt in one way named by `defect` (scene defects change nothing here)."""
    if defect not in DEFECTS:
        raise ValueError(f"defect must be one of {DEFECTS}, got {defect!r}")
    p = draw_usable(rng, width, height)
    scale = width / 1280.0
    if defect == "blur":
        return replace(p, defocus_sigma=float(rng.uniform(6, 10) * scale))
    if defect == "motion_blur":
        return replace(p, motion_px=float(rng.uniform(28, 45) * scale),
                       motion_angle_deg=float(rng.uniform(0, 180)))
    if defect == "overexposed":
        return replace(p, exposure=float(rng.uniform(2.8, 3.6)))
    if defect == "underexposed":
        return replace(p, exposure=float(rng.uniform(0.05, 0.09)))
    if defect == "glare":
        return replace(p, glare=float(rng.uniform(4.0, 7.0)))
    if defect == "too_small":
        return replace(p, fill=float(rng.uniform(0.1, 0.15)))
    return p


def _project_corners(p: CaptureParams, w: int, h: int) -> np.ndarray:
    """Photo-pixel corners (TL TR BR BL) of a w x h flat seen under the pose in `p`."""
    pts = np.array([[-w / 2, -h / 2, 0], [w / 2, -h / 2, 0], [w / 2, h / 2, 0], [-w / 2, h / 2, 0]],
                   np.float64)
    ax, ay, az = (math.radians(v) for v in (p.tilt_x_deg, p.tilt_y_deg, p.roll_deg))
    rx = np.array([[1, 0, 0], [0, math.cos(ax), -math.sin(ax)], [0, math.sin(ax), math.cos(ax)]])
    ry = np.array([[math.cos(ay), 0, math.sin(ay)], [0, 1, 0], [-math.sin(ay), 0, math.cos(ay)]])
    rz = np.array([[math.cos(az), -math.sin(az), 0], [math.sin(az), math.cos(az), 0], [0, 0, 1]])
    cam = pts @ (rx @ ry @ rz).T
    distance = 2.2 * max(w, h)
    proj = cam[:, :2] / (cam[:, 2:] + distance)
    proj -= proj.mean(axis=0)
    span = proj.max(axis=0) - proj.min(axis=0)
    s = min(p.fill * p.width / span[0], 0.92 * p.height / span[1])
    quad = proj * s + np.array([p.width * (0.5 + p.offset_x), p.height * (0.5 + p.offset_y)])
    # keep the whole zone in frame (an inspector would reframe a cut-off shot)
    margin = 0.03 * np.array([p.width, p.height])
    low = np.maximum(margin - quad.min(axis=0), 0)
    high = np.maximum(quad.max(axis=0) - (np.array([p.width, p.height]) - margin), 0)
    return quad + low - high


def _bench(p: CaptureParams, rng: np.random.Generator) -> np.ndarray:
    """Out-of-focus bench mat, float RGB 0..1 (linear light)."""
    base = np.asarray(p.bench_rgb, np.float32) / 255.0
    small = rng.standard_normal((p.height // 16 + 2, p.width // 16 + 2)).astype(np.float32)
    small = cv2.GaussianBlur(small, (0, 0), 2.0)
    tex = cv2.resize(small, (p.width, p.height), interpolation=cv2.INTER_CUBIC)
    img = base[None, None, :] * (1.0 + 0.05 * tex[..., None])
    return _to_linear(np.clip(img, 0, 1))


def _to_linear(img: np.ndarray) -> np.ndarray:
    return np.power(img, 2.2, dtype=np.float32)


def _to_srgb(img: np.ndarray) -> np.ndarray:
    return np.power(np.clip(img, 0, 1), 1 / 2.2, dtype=np.float32)


@dataclass(frozen=True)
class Photo:
    """A simulated capture: JPEG bytes plus the geometry needed to check measurements."""

    jpeg: bytes
    homography: np.ndarray        # 3 x 3, flat-zone px -> photo px
    params: CaptureParams
    px_per_mm: float              # photo px per mm at the zone centre

    def truth(self) -> dict[str, object]:
        d = self.params.as_dict()
        d["homography"] = [[round(float(v), 6) for v in row] for row in self.homography]
        d["photo_px_per_mm"] = round(self.px_per_mm, 4)
        return d


def capture(flat: Flat, p: CaptureParams, rng: np.random.Generator) -> Photo:
    """Photograph `flat` on the bench under `p`."""
    h, w = flat.image.shape[:2]
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    dst = _project_corners(p, w, h).astype(np.float32)
    H = cv2.getPerspectiveTransform(src, dst)
    size = (p.width, p.height)
    zone = _to_linear(flat.image.astype(np.float32) / 255.0)
    # pre-filter so a strong reduction does not alias (a lens would not)
    shrink = float(np.linalg.norm(dst[1] - dst[0]) / w)
    if shrink < 0.7:
        zone = cv2.GaussianBlur(zone, (0, 0), 0.45 / shrink)
    warped = cv2.warpPerspective(zone, H, size, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.ones((h, w), np.float32), H, size, flags=cv2.INTER_LINEAR)
    shadow = cv2.GaussianBlur(np.roll(mask, (int(0.01 * p.height), int(0.01 * p.width)), (0, 1)),
                              (0, 0), 0.012 * p.width)
    img = _bench(p, rng) * (1.0 - 0.5 * shadow)[..., None]
    img = img * (1 - mask[..., None]) + warped * mask[..., None]
    # light: exposure, directional gradient, vignette, colour cast
    yy, xx = np.mgrid[0:p.height, 0:p.width].astype(np.float32)
    nx, ny = (xx - p.width / 2) / p.width, (yy - p.height / 2) / p.width
    a = math.radians(p.light_angle_deg)
    light = p.exposure * (1 + p.light_gradient * (nx * math.cos(a) + ny * math.sin(a)) * 2)
    light *= 1 - p.vignette * (nx ** 2 + ny ** 2) * 2.5
    img = img * light[..., None] * np.asarray(p.wb_gains, np.float32)[None, None, :]
    if p.glare > 0:
        cx, cy = np.mean(dst, axis=0) + rng.uniform(-0.1, 0.1, 2) * np.ptp(dst, axis=0)
        r = 0.12 * np.ptp(dst[:, 0])
        img += (p.glare * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r)))[..., None]
    if p.defocus_sigma > 0:
        img = cv2.GaussianBlur(img, (0, 0), p.defocus_sigma)
    if p.motion_px > 0:
        img = cv2.filter2D(img, -1, _motion_kernel(p.motion_px, p.motion_angle_deg))
    out = _to_srgb(img) * 255.0
    out += rng.normal(0, p.noise_sigma, out.shape).astype(np.float32)
    bgr = cv2.cvtColor(np.clip(np.rint(out), 0, 255).astype(np.uint8), cv2.COLOR_RGB2BGR)
    ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, p.jpeg_quality])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return Photo(buf.tobytes(), H.astype(np.float64), p, _local_scale(H, w, h) * flat.px_per_mm)


def _local_scale(H: np.ndarray, w: int, h: int) -> float:
    """Photo px per flat px at the flat's centre (sqrt of the Jacobian's determinant)."""
    c = np.array([[[w / 2, h / 2], [w / 2 + 1, h / 2], [w / 2, h / 2 + 1]]], np.float64)
    q = cv2.perspectiveTransform(c, H)[0]
    (ax, ay), (bx, by) = q[1] - q[0], q[2] - q[0]
    return math.sqrt(abs(ax * by - ay * bx))


def _motion_kernel(length: float, angle_deg: float) -> np.ndarray:
    n = int(math.ceil(length)) | 1
    k = np.zeros((n, n), np.float32)
    c = n // 2
    a = math.radians(angle_deg)
    dx, dy = 0.5 * length * math.cos(a), 0.5 * length * math.sin(a)
    cv2.line(k, (int(round(c - dx)), int(round(c - dy))), (int(round(c + dx)), int(round(c + dy))),
             1.0, 1, cv2.LINE_AA)
    return k / k.sum()
