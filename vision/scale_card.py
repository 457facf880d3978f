"""The bench's scale card: an ArUco marker of known size lying in the item's plane.

Bench convention: a marker from OpenCV's ``DICT_4X4_50`` (ids 0 to 9) printed
with a black square side of 20.0 mm on white card. Its four corners give the
plane's perspective, so any point of the photo on that plane can be mapped to
millimetres; the white quiet zone around the black square is a neutral grey
reference for white balance.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

DEFAULT_SIDE_MM = 20.0
CARD_IDS = range(10)


#: :meth:`ScaleCard.silhouette` looks this many marker sides beyond the black square at most ...
CARD_REACH = 0.45
#: ... for card white at least this share of the quiet zone's grey level ...
CARD_WHITE_SHARE = 0.75
#: ... and grows the card found by this many marker sides (the edge's blur, the card's shadow).
CARD_EDGE_SIDES = 0.06


@dataclass(frozen=True)
class ScaleCard:
    marker_id: int
    corners: np.ndarray        # (4, 2) photo pixels: top-left, top-right, bottom-right, bottom-left
    side_mm: float
    to_mm: np.ndarray          # 3x3 homography: photo pixel -> plane millimetres (marker's top-left = 0,0)

    @property
    def side_px(self) -> float:
        """Mean side of the black square in photo pixels."""
        return float(np.linalg.norm(np.roll(self.corners, -1, axis=0) - self.corners, axis=1).mean())

    @property
    def px_per_mm(self) -> float:
        return self.side_px / self.side_mm

    def photo_to_mm(self, points: np.ndarray) -> np.ndarray:
        return cv2.perspectiveTransform(np.asarray(points, np.float64).reshape(-1, 1, 2), self.to_mm).reshape(-1, 2)

    def mm_to_photo(self, points: np.ndarray) -> np.ndarray:
        inv = np.linalg.inv(self.to_mm)
        return cv2.perspectiveTransform(np.asarray(points, np.float64).reshape(-1, 1, 2), inv).reshape(-1, 2)

    def white_reference(self, rgb: np.ndarray) -> np.ndarray | None:
        """Mean RGB of the card's white quiet zone, or None if it is not visible.

        Samples a ring 0.03 to 0.13 marker sides outside the black square: inside
        the one-module margin (1/6 of the side) that ArUco requires every card to
        have, so a card with a narrow margin never averages in the item behind it.
        The brighter half of the samples is kept (a stray shadow, the marker's
        own edge blur).
        """
        s = self.side_mm
        ring: list[np.ndarray] = []
        for t in np.linspace(0.03, 0.13, 4):
            lo, hi = -t * s, s + t * s
            edge = np.linspace(lo, hi, 32)
            ring += [np.column_stack([edge, np.full_like(edge, lo)]), np.column_stack([edge, np.full_like(edge, hi)]),
                     np.column_stack([np.full_like(edge, lo), edge]), np.column_stack([np.full_like(edge, hi), edge])]
        pts = np.round(self.mm_to_photo(np.vstack(ring))).astype(int)
        h, w = rgb.shape[:2]
        inside = (pts[:, 0] >= 0) & (pts[:, 0] < w) & (pts[:, 1] >= 0) & (pts[:, 1] < h)
        if inside.mean() < 0.8:
            return None
        samples = rgb[pts[inside, 1], pts[inside, 0]].astype(np.float64)
        total = samples.sum(axis=1)
        return samples[total >= np.median(total)].mean(axis=0)

    def silhouette(self, rgb: np.ndarray, *, reach: float = CARD_REACH) -> np.ndarray:
        """Where the card lies in the photo (bool, the photo's shape): the black square and the
        white card around it, at most ``reach`` marker sides beyond the square on any side.

        Cards differ in how much white surrounds the marker, and an item's part may lie right
        beside it: the white is followed out from the square (as bright as the quiet zone, within
        :data:`CARD_WHITE_SHARE` of its level, and connected to it) rather than assumed, and grown
        by the edge's blur and the card's shadow (:data:`CARD_EDGE_SIDES`).
        """
        h, w = rgb.shape[:2]
        s = self.side_mm
        lo, hi = -reach * s, (1 + reach) * s
        r = max(2.0, min(8.0, self.px_per_mm))                  # plane px per mm
        n = int(np.ceil((hi - lo) * r))
        plane_to_mm = np.array([[1 / r, 0, lo], [0, 1 / r, lo], [0, 0, 1]])
        to_photo = np.linalg.inv(self.to_mm) @ plane_to_mm
        grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY) if rgb.ndim == 3 else rgb
        plane = cv2.warpPerspective(grey, to_photo, (n, n), flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP,
                                    borderMode=cv2.BORDER_CONSTANT, borderValue=0)
        square = np.zeros((n, n), np.uint8)
        a, b = int(round(-lo * r)), int(round((s - lo) * r))
        square[a:b, a:b] = 1
        white = self.white_reference(rgb)
        card = square.copy()
        if white is not None:
            level = float(cv2.cvtColor(np.uint8([[white]]), cv2.COLOR_RGB2GRAY)[0, 0])
            bright = (plane >= CARD_WHITE_SHARE * level).astype(np.uint8)
            _, labels = cv2.connectedComponents(bright, connectivity=4)
            # the white around the square (its quiet zone) and what it joins, not a bright item apart from it
            ring = (cv2.dilate(square, np.ones((5, 5), np.uint8)) > 0) & (square == 0) & (bright > 0)
            if ring.any():
                card |= (labels == np.bincount(labels[ring]).argmax()).astype(np.uint8)
        grow = int(np.ceil(CARD_EDGE_SIDES * s * r)) * 2 + 1
        card = cv2.dilate(card, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (grow, grow)))
        out = cv2.warpPerspective(card, to_photo, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
        return out > 0


@dataclass(frozen=True)
class ScaleCardMissing:
    reason: str

    def __bool__(self) -> bool:
        return False


def _detector() -> cv2.aruco.ArucoDetector:
    """A fresh detector per call: cheap to make, and no state shared between threads."""
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    return cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50), params)


def find_scale_card(rgb: np.ndarray, *, side_mm: float = DEFAULT_SIDE_MM) -> ScaleCard | ScaleCardMissing:
    """The largest bench marker in the photo, with its plane mapping; or why there is none."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY) if rgb.ndim == 3 else rgb
    corners, ids, _ = _detector().detectMarkers(grey)
    if ids is None or len(ids) == 0:
        return ScaleCardMissing("no scale card in the photo: lay the 20 mm card flat beside the zone")
    candidates = [(int(i), c.reshape(4, 2)) for i, c in zip(ids.ravel(), corners) if int(i) in CARD_IDS]
    if not candidates:
        return ScaleCardMissing("a marker was found but it is not a bench scale card (ids 0 to 9)")
    marker_id, quad = max(candidates, key=lambda c: cv2.contourArea(c[1].astype(np.float32)))
    square_mm = np.float64([[0, 0], [side_mm, 0], [side_mm, side_mm], [0, side_mm]])
    to_mm = cv2.getPerspectiveTransform(quad.astype(np.float32), square_mm.astype(np.float32))
    return ScaleCard(marker_id, quad.astype(np.float64), side_mm, to_mm.astype(np.float64))
