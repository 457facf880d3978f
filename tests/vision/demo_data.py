"""The committed demo library as test data for the analysers: packs, samples, ground truth."""

from __future__ import annotations

import json
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np

DEMO = Path(__file__).parents[2] / "resources" / "demo"


def load(path: Path) -> np.ndarray:
    """An image file as RGB uint8."""
    return cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)


@cache
def truth() -> dict[str, Any]:
    return json.loads((DEMO / "samples" / "ground_truth.json").read_text(encoding="utf-8"))


def zone_spec(brand: str, kind: str) -> dict[str, Any]:
    """The brand's zone of this kind, as its pack.toml declares it."""
    pack = tomllib.loads((DEMO / "packs" / brand / "pack.toml").read_text(encoding="utf-8"))
    return next(z for z in pack["zone"] if z["kind"] == kind)


def zone_images(brand: str, kind: str) -> tuple[str, tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """(zone id, authentic references, known counterfeits) of the brand's zone of this kind."""
    pack_dir = DEMO / "packs" / brand
    zone = zone_spec(brand, kind)
    refs = tuple(load(p) for g in zone["references"] for p in sorted(pack_dir.glob(g)))
    fakes = tuple(load(p) for g in zone.get("counterfeits", []) for p in sorted(pack_dir.glob(g)))
    return zone["id"], refs, fakes


def sample_zones(kind: str) -> list[dict[str, Any]]:
    """Every sample photo of this kind, with its ground truth and brand."""
    return [dict(z, brand=item["brand"], item=item["item"]) for item in truth()["items"]
            for z in item["zones"] if z["kind"] == kind]


def photo(zone: dict[str, Any]) -> np.ndarray:
    return load(DEMO / zone["photo"])


def relit(img: np.ndarray, gain: float, cast: tuple[float, float, float] = (1.0, 1.0, 1.0)) -> np.ndarray:
    """A global exposure change and white-balance cast, applied in linear light as a camera would."""
    lin = (img.astype(np.float32) / 255.0) ** 2.2 * gain * np.asarray(cast, np.float32)
    return np.clip(np.rint(np.clip(lin, 0, 1) ** (1 / 2.2) * 255.0), 0, 255).astype(np.uint8)


def centre_cut(img: np.ndarray, share: float) -> np.ndarray:
    """The photo without ``share`` of its height and width at each side: a shot taken closer."""
    h, w = img.shape[:2]
    return img[int(share * h):int((1 - share) * h), int(share * w):int((1 - share) * w)]


def sample(brand: str, item: str, kind: str) -> tuple[np.ndarray, dict[str, Any]]:
    """One item's photo of its zone of this kind, with that zone's ground truth."""
    entry = next(i for i in truth()["items"] if i["id"] == f"{brand}/{item}")
    zone = next(z for z in entry["zones"] if z["kind"] == kind)
    return load(DEMO / zone["photo"]), zone
