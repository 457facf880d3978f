"""Counterfeit tells: one small, realistic deviation from the authentic design each.

Design tells return a copy of the design with one property changed. Code
tells change the payload instead (see `code_payload`), since a fake tag's
problem is its serial or signature, not its print.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
from skimage.color import deltaE_ciede2000

from tools.demogen.codes import brand_key, forger_key, signed_payload
from tools.demogen.designs import MARK_SHAPES, OUTLINE_SHAPES, SANS_FONTS, SERIF_FONTS, BrandDesign

TELLS: dict[str, tuple[str, ...]] = {
    "logo": ("typeface", "weight", "spacing", "proportions", "mark"),
    "stitching": ("pitch", "irregular", "slant"),
    "hardware": ("metal_colour", "engraving_font", "outline"),
    "code": ("bad_signature", "pattern", "unsigned", "clone"),
    "texture": ("grain_scale", "grain_pattern"),
}


def _other_family(font: str, rng: np.random.Generator) -> str:
    """A DejaVu font of the other family (serif <-> sans), as a fake's wrong typeface."""
    pool = SANS_FONTS if "Serif" in font else SERIF_FONTS
    bold = "Bold" in font
    same_weight = [f for f in pool if ("Bold" in f) == bold and "Mono" not in f]
    return str(rng.choice(same_weight))


def _toggle_weight(font: str) -> str:
    if "-Bold" in font:
        return font.replace("-Bold", "")
    return font.replace(".ttf", "-Bold.ttf")


def apply_tell(design: BrandDesign, kind: str, tell: str,
               rng: np.random.Generator) -> BrandDesign:
    """The design a counterfeiter produced: `design` with the property `tell` gone wrong."""
    if tell not in TELLS.get(kind, ()) or tell == "clone" or kind == "code":
        raise ValueError(f"{tell!r} is not a design tell for kind {kind!r}")
    w, m, st, hw, tx = (design.wordmark, design.mark, design.stitching, design.hardware,
                        design.texture)
    sign = 1.0 if rng.random() < 0.5 else -1.0
    if tell == "typeface":
        return replace(design, wordmark=replace(w, font=_other_family(w.font, rng)))
    if tell == "weight":
        return replace(design, wordmark=replace(w, font=_toggle_weight(w.font)))
    if tell == "spacing":
        delta = sign * rng.uniform(0.08, 0.14)
        return replace(design, wordmark=replace(w, spacing_em=max(-0.03, w.spacing_em + delta)))
    if tell == "proportions":
        factor = rng.uniform(0.62, 0.75) if sign < 0 else rng.uniform(1.3, 1.45)
        return replace(design, mark=replace(m, size_ratio=m.size_ratio * factor))
    if tell == "mark":
        shapes = [s for s in MARK_SHAPES if s != m.shape] + ["none"]
        return replace(design, mark=replace(m, shape=str(rng.choice(shapes))))
    if tell == "pitch":
        factor = rng.uniform(0.75, 0.88) if sign < 0 else rng.uniform(1.12, 1.25)
        return replace(design, stitching=replace(st, pitch_mm=st.pitch_mm * factor))
    if tell == "irregular":
        return replace(design, stitching=replace(st, jitter=rng.uniform(0.14, 0.2)))
    if tell == "slant":
        return replace(design, stitching=replace(st, slant_deg=st.slant_deg + sign * rng.uniform(10, 16)))
    if tell == "metal_colour":
        return replace(design, hardware=replace(hw, metal_lab=brassy(hw.metal_lab,
                                                                      rng.uniform(8, 15))))
    if tell == "engraving_font":
        return replace(design, hardware=replace(hw, engraving_font=_other_family(hw.engraving_font, rng)))
    if tell == "outline":
        if rng.random() < 0.5:
            outline = str(rng.choice([o for o in OUTLINE_SHAPES if o != hw.outline]))
            return replace(design, hardware=replace(hw, outline=outline))
        return replace(design, hardware=replace(hw, aspect=hw.aspect * (1 + sign * rng.uniform(0.18, 0.25))))
    if tell == "grain_scale":
        factor = rng.uniform(0.5, 0.65) if sign < 0 else rng.uniform(1.6, 2.0)
        return replace(design, texture=replace(tx, scale_mm=tx.scale_mm * factor))
    return replace(design, texture=replace(tx, anisotropy=tx.anisotropy * rng.uniform(1.7, 2.3),
                                           orientation_deg=(tx.orientation_deg + 60) % 180))


def delta_e(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    """CIEDE2000 between two Lab colours."""
    return float(deltaE_ciede2000(np.asarray(lab1, float), np.asarray(lab2, float)))


def brassy(lab: tuple[float, float, float], target: float) -> tuple[float, float, float]:
    """A yellower, slightly darker metal about `target` CIEDE2000 away from `lab`."""
    def shifted(t: float) -> tuple[float, float, float]:
        return (lab[0] - 0.3 * t, lab[1] + 0.25 * t, lab[2] + t)
    lo, hi = 0.0, 60.0
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if delta_e(lab, shifted(mid)) < target else (lo, mid)
    return tuple(round(v, 3) for v in shifted((lo + hi) / 2))  # type: ignore[return-value]


def code_payload(design: BrandDesign, tell: str | None, serial: str,
                 rng: np.random.Generator) -> tuple[str, str, bool]:
    """(payload, printed serial, signature valid) for an authentic or faked tag.

    `serial` is the serial the tag claims (for a clone, a genuine serial copied
    from another item). A serial that breaks the pattern is made up here.
    """
    key = brand_key(design.key_seed)
    if tell in (None, "clone"):
        return signed_payload(serial, key), serial, True
    if tell == "bad_signature":
        return signed_payload(serial, forger_key(design.key_seed)), serial, False
    if tell == "unsigned":
        return serial, serial, False
    if tell == "pattern":
        bad = _break_pattern(design, serial, rng)
        return signed_payload(bad, forger_key(design.key_seed)), bad, False
    raise ValueError(f"unknown code tell {tell!r}")


def _break_pattern(design: BrandDesign, serial: str, rng: np.random.Generator) -> str:
    """A plausible-looking serial that does not match the brand's pattern."""
    choices = [
        serial + str(rng.integers(0, 10)),                      # one character too many
        serial.replace(design.serial.prefix + "-", design.serial.prefix[::-1] + "-", 1),
        serial[:-1],                                           # one too few
        serial.replace("-", "", 1),
    ]
    for cand in rng.permutation(choices):
        if not re.fullmatch(design.serial.pattern, str(cand)):
            return str(cand)
    raise AssertionError("no pattern-breaking variant found")

