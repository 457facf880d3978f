"""Logo signatures for brand and model suggestion: local features, visual words, geometric check.

A photo of a logo is matched against thousands of references in two steps.
First a bag of visual words (ORB descriptors quantised with a fixed, shipped
vocabulary; tf-idf weighted, L2-normalised) gives a cheap similarity to every
reference. Then the best candidates are checked geometrically: descriptor
matches that survive the ratio test must agree on one homography (RANSAC), and
the number of agreeing matches ranks them. The vocabulary is generic (trained
on designs that are not in any library), so a new brand needs no retraining.

Everything works on a grey image reduced to ``WORK_LONG_SIDE``: ORB is fast
there (a bench photo in a few milliseconds) and a logo filling half the frame
still has enough detail.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import cv2
import numpy as np

#: Bump when features, vocabulary or weighting change: stored signatures are keyed by it.
ALGORITHM_VERSION = "orb-bow-3"
WORK_LONG_SIDE = 640
MAX_FEATURES = 400
#: FAST corner contrast (grey levels); 20 measured no better on the dev queries.
FAST_THRESHOLD = 12
DESCRIPTOR_BITS = 256
#: Side (work px) of the patch whose mean colour each feature carries: ink and material around a corner.
COLOUR_PATCH = 9


@dataclass(frozen=True)
class LocalFeatures:
    """ORB keypoints of one image: positions (N, 2) float32 in work px, descriptors (N, 32) uint8,
    and the mean RGB (N, 3) uint8 around each, for telling apart models that share a wordmark."""

    points: np.ndarray
    descriptors: np.ndarray
    colours: np.ndarray

    def __len__(self) -> int:
        return int(self.points.shape[0])


def work_image(rgb: np.ndarray) -> np.ndarray:
    """RGB ``uint8``, long side reduced to ``WORK_LONG_SIDE`` (never enlarged).

    Corners are found on grey (casts vary). No local contrast equalisation: it
    lifts the material's grain, whose corners differ from piece to piece and
    crowd out the lettering's (measured: fewer correct matches with it).
    """
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"rgb must be an (H, W, 3) uint8 array, got {rgb.shape} {rgb.dtype}")
    scale = WORK_LONG_SIDE / max(rgb.shape[:2])
    if scale < 1:
        return cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return rgb


def extract_features(rgb: np.ndarray, *, max_features: int = MAX_FEATURES) -> LocalFeatures:
    """ORB features of an RGB ``uint8`` image (any size; worked at ``WORK_LONG_SIDE``)."""
    small = work_image(rgb)
    orb = cv2.ORB_create(nfeatures=max_features, scaleFactor=1.2, nlevels=8, fastThreshold=FAST_THRESHOLD)
    keypoints, descriptors = orb.detectAndCompute(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), None)
    if descriptors is None or not keypoints:
        return LocalFeatures(np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8), np.zeros((0, 3), np.uint8))
    points = np.array([k.pt for k in keypoints], np.float32)
    mean = cv2.blur(small, (COLOUR_PATCH, COLOUR_PATCH))
    ix = np.clip(np.rint(points).astype(int), 0, [small.shape[1] - 1, small.shape[0] - 1])
    return LocalFeatures(points, descriptors, mean[ix[:, 1], ix[:, 0]])


@dataclass(frozen=True)
class Vocabulary:
    """Binary visual words (K, 32) uint8; a descriptor's word is its nearest by Hamming distance."""

    words: np.ndarray

    def __post_init__(self) -> None:
        if self.words.ndim != 2 or self.words.shape[1] != DESCRIPTOR_BITS // 8 or self.words.dtype != np.uint8:
            raise ValueError(f"vocabulary must be (K, 32) uint8, got {self.words.shape} {self.words.dtype}")

    @property
    def size(self) -> int:
        return int(self.words.shape[0])

    @property
    def digest(self) -> str:
        """Short hash naming this vocabulary, so signatures of another vocabulary are never mixed in."""
        return hashlib.sha256(self.words.tobytes()).hexdigest()[:12]

    def quantise(self, descriptors: np.ndarray) -> np.ndarray:
        """Word index of each descriptor (N,) int32; Hamming distance through one matrix product."""
        if len(descriptors) == 0:
            return np.zeros(0, np.int32)
        matches = cv2.BFMatcher(cv2.NORM_HAMMING).match(descriptors, self.words)
        words = np.empty(len(descriptors), np.int32)
        words[[m.queryIdx for m in matches]] = [m.trainIdx for m in matches]
        return words

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez_compressed(buffer, words=self.words)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Vocabulary:
        with np.load(io.BytesIO(data)) as z:
            return cls(z["words"].astype(np.uint8))


def _signed_bits(descriptors: np.ndarray) -> np.ndarray:
    return np.unpackbits(descriptors, axis=1).astype(np.float32) * 2 - 1


def _nearest(signed: np.ndarray, signed_words: np.ndarray, chunk: int = 8192) -> np.ndarray:
    """Nearest word by Hamming distance: for +-1 vectors it is the largest dot product."""
    return np.concatenate([np.argmax(signed[i:i + chunk] @ signed_words.T, axis=1)
                           for i in range(0, len(signed), chunk)]).astype(np.int32)


def train_vocabulary(descriptors: np.ndarray, size: int, *, seed: int, iterations: int = 12) -> Vocabulary:
    """k-means on the descriptors' bits (seeded, so the same input gives the same vocabulary).

    Centres are rounded back to bits (k-majority), which is what Hamming quantisation needs.
    """
    if len(descriptors) < size:
        raise ValueError(f"need at least {size} descriptors to train {size} words, got {len(descriptors)}")
    rng = np.random.default_rng(seed)
    bits = np.unpackbits(descriptors, axis=1).astype(np.float32)
    centres = bits[rng.choice(len(bits), size, replace=False)]
    for _ in range(iterations):
        labels = _nearest(bits * 2 - 1, centres * 2 - 1)
        order = np.argsort(labels, kind="stable")
        counts = np.bincount(labels, minlength=size)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        used = counts > 0
        sums = np.add.reduceat(bits[order], starts[used], axis=0)
        refill = bits[rng.choice(len(bits), size, replace=False)]
        centres = refill.copy()
        centres[used] = (sums / counts[used][:, None] >= 0.5).astype(np.float32)
    return Vocabulary(np.packbits(centres.astype(np.uint8), axis=1))


#: Hamming distance (of 256 bits) under which two ORB descriptors are taken to show the same corner.
MAX_MATCH_DISTANCE = 64
REPROJECTION_PX = 6.0


@dataclass(frozen=True)
class GeometricMatch:
    """Matches between a photo and a reference that agree on one homography."""

    query_index: np.ndarray       # (M,) feature indices in the photo
    reference_index: np.ndarray   # (M,) feature indices in the reference

    @property
    def inliers(self) -> int:
        return int(len(self.query_index))


NO_MATCH = GeometricMatch(np.zeros(0, np.int64), np.zeros(0, np.int64))


def geometric_match(query: LocalFeatures, query_words: np.ndarray, reference: LocalFeatures,
                    reference_words: np.ndarray) -> GeometricMatch:
    """The matches that agree on one plane seen in perspective: how much of the reference the photo shows.

    Candidate matches come through the visual words (only features sharing a
    word are compared, a fraction of a millisecond instead of several for a
    brute-force match); each keeps its closest partner within
    ``MAX_MATCH_DISTANCE``, one-to-one. RANSAC then keeps only matches
    consistent with one homography, which a different wordmark made of the
    same letters does not give.
    """
    if len(query) < 4 or len(reference) < 4:
        return NO_MATCH
    order = np.argsort(reference_words, kind="stable")
    sorted_words = reference_words[order]
    lo = np.searchsorted(sorted_words, query_words, "left")
    counts = np.searchsorted(sorted_words, query_words, "right") - lo
    total = int(counts.sum())
    if total < 4:
        return NO_MATCH
    qi = np.repeat(np.arange(len(query_words)), counts)
    starts = np.repeat(lo - (np.cumsum(counts) - counts), counts)
    ri = order[starts + np.arange(total)]
    distance = np.unpackbits(query.descriptors[qi] ^ reference.descriptors[ri], axis=1).sum(axis=1)
    keep = distance <= MAX_MATCH_DISTANCE
    qi, ri, distance = qi[keep], ri[keep], distance[keep]
    # closest first, then one partner per feature on each side
    by_distance = np.argsort(distance, kind="stable")
    qi, ri = qi[by_distance], ri[by_distance]
    _, first_q = np.unique(qi, return_index=True)
    qi, ri = qi[np.sort(first_q)], ri[np.sort(first_q)]
    _, first_r = np.unique(ri, return_index=True)
    qi, ri = qi[first_r], ri[first_r]
    if len(qi) < 4:
        return NO_MATCH
    _, mask = cv2.findHomography(query.points[qi], reference.points[ri], cv2.USAC_FAST, REPROJECTION_PX)
    if mask is None:
        return NO_MATCH
    keep = mask.ravel().astype(bool)
    return GeometricMatch(qi[keep], ri[keep])


def colour_difference(query: LocalFeatures, reference: LocalFeatures, match: GeometricMatch) -> float:
    """Median chromaticity difference (L1, 0..2) at matched corners; NaN without matches.

    Chromaticity (RGB over its sum) ignores exposure; a bench colour cast
    shifts every match alike and stays small next to another colourway.
    """
    if match.inliers == 0:
        return float("nan")
    q = query.colours[match.query_index].astype(np.float32) + 1
    r = reference.colours[match.reference_index].astype(np.float32) + 1
    q /= q.sum(axis=1, keepdims=True)
    r /= r.sum(axis=1, keepdims=True)
    return float(np.median(np.abs(q - r).sum(axis=1)))

