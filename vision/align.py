"""Finding a reference in a photo: local features, ratio test, robust homography.

The photo of a zone is taken at an angle, rotated, closer or further, under
uneven light with a colour cast. Local features on contrast-normalised grey
images survive all of that; a homography estimated robustly (MAGSAC) from the
matches that pass Lowe's ratio test maps the reference's plane into the photo.
ORB is tried first because it is fast; SIFT, slower but steadier under strong
perspective, is the fallback when ORB cannot verify a homography.

A failed alignment is a value (:class:`AlignmentFailed`) saying why, never an
exception: the zone then becomes inconclusive with a retake reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

#: Minimum RANSAC inliers for an alignment to count: fewer can fit by chance.
MIN_INLIERS = 12


@dataclass(frozen=True)
class Features:
    method: str                 # "orb" | "sift"
    points: np.ndarray          # (N, 2) float32, pixel coordinates
    descriptors: np.ndarray | None
    shape: tuple[int, int]      # (height, width) of the image they came from


@dataclass(frozen=True)
class Alignment:
    homography: np.ndarray      # 3x3, reference pixel -> photo pixel
    method: str
    matches: int                # pairs passing the ratio test
    inliers: int
    reference_points: np.ndarray  # (K, 2) inlier points in the reference
    photo_points: np.ndarray      # (K, 2) the same points in the photo
    reprojection_px: float        # mean inlier reprojection error, photo pixels

    @property
    def inlier_ratio(self) -> float:
        return self.inliers / max(self.matches, 1)

    def __bool__(self) -> bool:
        return True


@dataclass(frozen=True)
class AlignmentFailed:
    reason: str

    def __bool__(self) -> bool:
        return False


def normalise_grey(rgb_or_grey: np.ndarray) -> np.ndarray:
    """Grey with local contrast equalised: light gradients and casts mostly gone."""
    grey = rgb_or_grey if rgb_or_grey.ndim == 2 else cv2.cvtColor(rgb_or_grey, cv2.COLOR_RGB2GRAY)
    tiles = max(2, min(8, min(grey.shape[:2]) // 64))
    return cv2.createCLAHE(clipLimit=2.0, tileGridSize=(tiles, tiles)).apply(grey)


#: Offset (of 765, the brightest pixel's channel sum) that keeps dark pixels' chromaticity from noise.
CHROMA_DARK_OFFSET = 30.0


def chroma_grey(rgb: np.ndarray) -> np.ndarray:
    """How far each pixel's chromaticity lies from neutral, as grey: colour that shading cannot change.

    A material's mottling and the light's gradient scale a colour's intensity, not its
    chromaticity, so they vanish here; a lettering or mark in another hue or saturation than the
    material stands out. Measured from neutral, not from the image's own median, so that the
    polarity does not flip between a photo filled by the item and one mostly of the bench."""
    f = cv2.GaussianBlur(rgb, (0, 0), 1.0).astype(np.float32)
    ones = np.ones((1, 3), np.float32)
    c = cv2.subtract(f / (cv2.transform(f, ones) + np.float32(CHROMA_DARK_OFFSET))[..., None],
                     (1 / 3, 1 / 3, 1 / 3, 0), dtype=cv2.CV_32F)
    d = cv2.sqrt(cv2.transform(cv2.multiply(c, c), ones))
    sample = d[::4, ::4].ravel()                 # the scale needs no more than a sample
    k = int(0.995 * (sample.size - 1))
    top = float(np.partition(sample, k)[k])
    return cv2.convertScaleAbs(d, alpha=255.0 / max(top, 1e-6))


def extract_features(grey: np.ndarray, *, method: str = "orb", max_features: int = 2000) -> Features:
    """Keypoints and descriptors of a normalised grey image."""
    if method == "orb":
        detector = cv2.ORB_create(nfeatures=max_features, scaleFactor=1.2, nlevels=8, fastThreshold=10)
    elif method == "sift":
        detector = cv2.SIFT_create(nfeatures=max_features)
    else:
        raise ValueError(f"method must be 'orb' or 'sift', not {method!r}")
    keypoints, descriptors = detector.detectAndCompute(grey, None)
    points = np.array([k.pt for k in keypoints], dtype=np.float32).reshape(-1, 2)
    return Features(method, points, descriptors, grey.shape[:2])


def match_features(reference: Features, photo: Features, *, ratio: float = 0.8) -> tuple[np.ndarray, np.ndarray]:
    """Point pairs passing Lowe's ratio test: (reference points, photo points)."""
    if reference.method != photo.method:
        raise ValueError("features of different methods cannot be matched")
    empty = np.empty((0, 2), np.float32)
    if reference.descriptors is None or photo.descriptors is None or len(photo.points) < 2:
        return empty, empty
    if reference.method == "orb":
        pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(reference.descriptors, photo.descriptors, k=2)
        good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < ratio * p[1].distance]
        ref_idx = np.array([m.queryIdx for m in good], dtype=int)
        photo_idx = np.array([m.trainIdx for m in good], dtype=int)
    else:
        nearest, first, second = _two_nearest_l2(reference.descriptors, photo.descriptors)
        ref_idx = np.flatnonzero(first < ratio * second)
        photo_idx = nearest[ref_idx]
    if not len(ref_idx):
        return empty, empty
    return reference.points[ref_idx], photo.points[photo_idx]


def _two_nearest_l2(query: np.ndarray, train: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per query descriptor: the nearest train descriptor's index, and the distances to the nearest
    two (exhaustive, as a brute-force matcher). One matrix product does the work: on SIFT's
    128-float descriptors it is several times faster than OpenCV's brute-force matcher. Two
    row minima find the nearest two at a fraction of a row-wise partial sort's cost."""
    q, t = query.astype(np.float32), train.astype(np.float32)
    d2 = (q * q).sum(axis=1)[:, None] + (t * t).sum(axis=1)[None, :] - 2.0 * (q @ t.T)
    rows = np.arange(len(d2))
    nearest = np.argmin(d2, axis=1)
    first = d2[rows, nearest]
    d2[rows, nearest] = np.inf                      # the runner-up is the least of the rest
    second = d2.min(axis=1)
    return nearest, np.sqrt(np.maximum(first, 0.0)), np.sqrt(np.maximum(second, 0.0))


def estimate_homography(ref_pts: np.ndarray, photo_pts: np.ndarray, reference_shape: tuple[int, int],
                        photo_shape: tuple[int, int], *, method: str,
                        threshold_px: float | None = None) -> Alignment | AlignmentFailed:
    """Robust homography from matched points, checked for plausibility."""
    if len(ref_pts) < MIN_INLIERS:
        return AlignmentFailed(f"only {len(ref_pts)} matching features (need {MIN_INLIERS})")
    # Inlier tolerance scales with the photo: 0.4 % of its diagonal, at least 2 px.
    threshold = threshold_px or max(2.0, 0.004 * float(np.hypot(*photo_shape)))
    H, mask = cv2.findHomography(ref_pts, photo_pts, cv2.USAC_MAGSAC, threshold, maxIters=5000, confidence=0.999)
    if H is None or mask is None:
        return AlignmentFailed("no consistent geometry among the matches")
    inlier = mask.ravel().astype(bool)
    if inlier.sum() < MIN_INLIERS:
        return AlignmentFailed(f"only {int(inlier.sum())} geometrically consistent matches (need {MIN_INLIERS})")
    problem = _implausible(H, reference_shape)
    if problem:
        return AlignmentFailed(problem)
    projected = cv2.perspectiveTransform(ref_pts[inlier].reshape(-1, 1, 2), H).reshape(-1, 2)
    error = float(np.linalg.norm(projected - photo_pts[inlier], axis=1).mean())
    return Alignment(H, method, len(ref_pts), int(inlier.sum()), ref_pts[inlier], photo_pts[inlier], error)


def homographies_lsq(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Least-squares homographies of many point sets at once: (B, N, 2) pairs -> (B, 3, 3).

    The normalised direct linear transform (Hartley): each set is centred and
    scaled to a mean distance of sqrt(2), and the homography is the
    eigenvector of AᵀA with the smallest eigenvalue. The bootstrap of
    :func:`vision.shape_compare.anchors_of` fits forty of these per photo, which one batched
    eigen-decomposition does in a fraction of forty separate fits.
    """
    def normalise(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        c = p.mean(axis=1, keepdims=True)
        d = np.linalg.norm(p - c, axis=2).mean(axis=1)
        k = np.sqrt(2.0) / np.maximum(d, 1e-12)
        T = np.zeros((len(p), 3, 3))
        T[:, 0, 0] = T[:, 1, 1] = k
        T[:, :2, 2] = -k[:, None] * c[:, 0]
        T[:, 2, 2] = 1.0
        return (p - c) * k[:, None, None], T
    (s, Ts), (d, Td) = normalise(src.astype(np.float64)), normalise(dst.astype(np.float64))
    x, y, u, v = s[..., 0], s[..., 1], d[..., 0], d[..., 1]
    one, zero = np.ones_like(x), np.zeros_like(x)
    rows_u = np.stack([x, y, one, zero, zero, zero, -u * x, -u * y, -u], axis=-1)
    rows_v = np.stack([zero, zero, zero, x, y, one, -v * x, -v * y, -v], axis=-1)
    A = np.concatenate([rows_u, rows_v], axis=1)                                   # (B, 2N, 9)
    _, vectors = np.linalg.eigh(A.transpose(0, 2, 1) @ A)
    Hn = vectors[:, :, 0].reshape(-1, 3, 3)
    H = np.linalg.inv(Td) @ Hn @ Ts
    scale = H[:, 2:3, 2:3]
    return H / np.where(np.abs(scale) > 1e-12, scale, 1.0)


def _implausible(H: np.ndarray, reference_shape: tuple[int, int]) -> str | None:
    """Why a homography cannot be a photo of a flat reference, or None."""
    h, w = reference_shape
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]]).reshape(-1, 1, 2)
    warped = cv2.perspectiveTransform(corners, H).reshape(-1, 2)
    if not np.isfinite(warped).all():
        return "the match maps the reference to infinity"
    if not cv2.isContourConvex(warped.astype(np.float32)):
        return "the match folds the reference over itself"
    edges = np.linalg.norm(np.roll(warped, -1, axis=0) - warped, axis=1)
    if edges.min() < 8 or edges.max() / edges.min() > 12 * max(w, h) / min(w, h):
        return "the match squeezes the reference beyond any plausible viewing angle"
    return None


def align(reference: Features, photo: Features, *, ratio: float = 0.8) -> Alignment | AlignmentFailed:
    """Homography mapping the reference into the photo, or why there is none."""
    ref_pts, photo_pts = match_features(reference, photo, ratio=ratio)
    return estimate_homography(ref_pts, photo_pts, reference.shape, photo.shape, method=reference.method)


def warp_to_reference(photo: np.ndarray, alignment: Alignment, reference_shape: tuple[int, int]) -> np.ndarray:
    """The photo resampled into the reference's frame (same size as the reference)."""
    h, w = reference_shape
    return cv2.warpPerspective(photo, np.linalg.inv(alignment.homography), (w, h), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)
