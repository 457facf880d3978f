"""Parametric brand designs: everything that defines a brand's authentic look.

A `BrandDesign` is a frozen value. Counterfeit tells are made by copying it
with one field changed (`dataclasses.replace`), so a fake differs from the
authentic item in exactly the property the tell names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reference_library.manifest import CheckSpec  # the pack format's own checklist entry

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

#: Fonts a brand may use; all ship with Debian's fonts-dejavu-core/-extra.
SERIF_FONTS = ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerifCondensed.ttf",
               "DejaVuSerifCondensed-Bold.ttf")
SANS_FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansCondensed.ttf",
              "DejaVuSansCondensed-Bold.ttf", "DejaVuSansMono.ttf")
MARK_SHAPES = ("circle", "diamond", "star", "triangle", "chevron")
OUTLINE_SHAPES = ("rounded-rect", "oval", "octagon")
TEXTURE_PATTERNS = ("grain", "mesh")


def font_path(name: str) -> Path:
    """Absolute path of a DejaVu font file; raises if the machine lacks it."""
    path = FONT_DIR / name
    if not path.is_file():
        raise FileNotFoundError(f"font {name!r} not found in {FONT_DIR}")
    return path


@dataclass(frozen=True)
class Wordmark:
    """The brand name as printed or stamped on the logo zone."""

    text: str
    font: str                  # DejaVu file name
    height_mm: float           # cap height target of the text line
    stroke_mm: float           # extra stroke around glyphs (0 = font's own weight)
    spacing_em: float          # extra letter spacing, in em of the font size
    colour_rgb: tuple[int, int, int]


@dataclass(frozen=True)
class Mark:
    """The graphic emblem beside or above the wordmark."""

    shape: str                 # one of MARK_SHAPES, or "none"
    size_ratio: float          # mark diameter / wordmark height
    points: int                # star points (ignored by other shapes)
    line_mm: float             # outline width
    filled: bool
    above: bool                # mark above the wordmark (else left of it)


@dataclass(frozen=True)
class Stitching:
    """A seam: stitch pitch (length plus gap), how much is thread, the slant."""

    pitch_mm: float
    length_ratio: float        # thread length / pitch
    slant_deg: float           # stitch angle against the seam direction
    thread_mm: float           # thread thickness
    thread_rgb: tuple[int, int, int]
    jitter: float              # natural spacing jitter, fraction of the pitch


@dataclass(frozen=True)
class Hardware:
    """A metal plate (clasp, eyelet plate) with engraved text."""

    metal_lab: tuple[float, float, float]   # CIE Lab (D65) of the polished metal
    engraving: str
    engraving_font: str
    outline: str               # one of OUTLINE_SHAPES
    aspect: float              # plate width / height
    corner_ratio: float        # corner radius (or chamfer) / height
    width_mm: float


@dataclass(frozen=True)
class Texture:
    """The material's surface: filtered noise grain or a knitted mesh."""

    pattern: str               # one of TEXTURE_PATTERNS
    scale_mm: float            # grain size or mesh period
    anisotropy: float          # >= 1: grain elongation along `orientation_deg`
    orientation_deg: float
    contrast: float            # relative brightness swing of the grain


@dataclass(frozen=True)
class SerialFormat:
    """Serial numbers: PREFIX-LAYOUT where # is a digit and A an uppercase letter."""

    prefix: str
    layout: str                # e.g. "######" or "##A-#####"

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Z]+", self.prefix) or not re.fullmatch(r"[#A-]+", self.layout):
            raise ValueError(f"serial format {self.prefix!r}/{self.layout!r}: prefix must be "
                             "capitals, layout only '#', 'A' and '-'")

    @property
    def pattern(self) -> str:
        """The regular expression a pack publishes for these serials."""
        classes = {"#": "[0-9]", "A": "[A-Z]"}
        parts = [classes[c] + (f"{{{n}}}" if n > 1 else "") if c in classes else c * n
                 for c, n in _runs(self.layout)]
        return f"^{self.prefix}-{''.join(parts)}$"

    def draw(self, rng: np.random.Generator) -> str:
        """A fresh serial that matches `pattern`."""
        chars = []
        for c in self.layout:
            if c == "#":
                chars.append(str(rng.integers(0, 10)))
            elif c == "A":
                chars.append(chr(ord("A") + int(rng.integers(0, 26))))
            else:
                chars.append(c)
        return f"{self.prefix}-{''.join(chars)}"


def _runs(layout: str) -> list[tuple[str, int]]:
    runs: list[tuple[str, int]] = []
    for c in layout:
        if runs and runs[-1][0] == c:
            runs[-1] = (c, runs[-1][1] + 1)
        else:
            runs.append((c, 1))
    return runs


@dataclass(frozen=True)
class ZoneSpec:
    """One zone of a model as published in the pack."""

    id: str
    kind: str                  # logo | stitching | hardware | code | texture
    title: str
    critical: bool


@dataclass(frozen=True)
class BrandDesign:
    """Everything that defines one brand's authentic look, plus its pack metadata."""

    brand: str                 # slug
    brand_name: str
    model: str                 # slug of the (single) model
    model_name: str
    wordmark: Wordmark
    mark: Mark
    material_rgb: tuple[int, int, int]
    stitching: Stitching
    hardware: Hardware
    texture: Texture
    serial: SerialFormat
    key_seed: str              # derives the brand's Ed25519 signing key
    zones: tuple[ZoneSpec, ...]
    checks: tuple[CheckSpec, ...]

    def zone(self, zone_id: str) -> ZoneSpec:
        for z in self.zones:
            if z.id == zone_id:
                return z
        raise KeyError(zone_id)


def _checks(zones: tuple[ZoneSpec, ...], extra: tuple[CheckSpec, ...]) -> tuple[CheckSpec, ...]:
    """One zone-tied check per zone (wording by kind) followed by `extra`."""
    wording = {
        "logo": "Lettering and emblem match the reference: typeface, weight, spacing, proportions",
        "stitching": "Stitch pitch and slant match the reference; spacing is even",
        "hardware": "Metal colour, engraving and outline of the hardware match the reference",
        "code": "Serial code scans, its signature verifies and the serial is not a clone",
        "texture": "Material grain matches the reference in size and direction",
    }
    tied = tuple(CheckSpec(id=f"{z.id}-matches", zone=z.id, text=wording[z.kind],
                           critical=z.critical) for z in zones)
    return tied + extra


_AUREL_ZONES = (
    ZoneSpec("front-logo", "logo", "Heat-stamped logo on the front panel", True),
    ZoneSpec("handle-stitching", "stitching", "Saddle stitching along the handle", True),
    ZoneSpec("clasp", "hardware", "Engraved clasp plate", True),
    ZoneSpec("serial-tag", "code", "Signed serial tag inside the pocket", True),
    ZoneSpec("body-leather", "texture", "Grained calfskin of the body", False),
)

MAISON_AUREL = BrandDesign(
    brand="maison-aurel",
    brand_name="Maison Aurel",
    model="city-tote",
    model_name="City Tote",
    wordmark=Wordmark(text="MAISON AUREL", font="DejaVuSerif.ttf", height_mm=7.0,
                      stroke_mm=0.0, spacing_em=0.12, colour_rgb=(214, 182, 120)),
    mark=Mark(shape="circle", size_ratio=2.4, points=0, line_mm=0.8, filled=False,
              above=True),
    material_rgb=(92, 52, 34),
    stitching=Stitching(pitch_mm=3.8, length_ratio=0.72, slant_deg=30.0, thread_mm=0.9,
                        thread_rgb=(226, 210, 176), jitter=0.03),
    hardware=Hardware(metal_lab=(78.0, 1.5, 14.0), engraving="MAISON AUREL PARIS",
                      engraving_font="DejaVuSerif.ttf", outline="rounded-rect", aspect=2.2,
                      corner_ratio=0.18, width_mm=52.0),
    texture=Texture(pattern="grain", scale_mm=0.9, anisotropy=1.2, orientation_deg=20.0,
                    contrast=0.22),
    serial=SerialFormat(prefix="MA", layout="######"),
    key_seed="demogen:maison-aurel:2026",
    zones=_AUREL_ZONES,
    checks=_checks(_AUREL_ZONES, (
        CheckSpec("dust-bag", "Dust bag and box label match the model", False),
        CheckSpec("no-glue", "No glue smell or residue at the seams", False),
        CheckSpec("edge-paint", "Edge paint is even, without bubbles or overspill", False),
        CheckSpec("lining", "Lining fabric and colour match the model", True),
    )),
)

_KESTREL_ZONES = (
    ZoneSpec("tongue-logo", "logo", "Printed logo on the tongue", True),
    ZoneSpec("heel-stitching", "stitching", "Heel counter stitching", True),
    ZoneSpec("eyelet", "hardware", "Top eyelet plate", False),
    ZoneSpec("size-tag", "code", "Signed size tag inside the tongue", True),
    ZoneSpec("upper-mesh", "texture", "Engineered mesh of the upper", False),
)

KESTREL_ATHLETICS = BrandDesign(
    brand="kestrel-athletics",
    brand_name="Kestrel Athletics",
    model="stride-runner",
    model_name="Stride Runner",
    wordmark=Wordmark(text="KESTREL", font="DejaVuSans-Bold.ttf", height_mm=9.0,
                      stroke_mm=0.0, spacing_em=0.02, colour_rgb=(232, 74, 38)),
    mark=Mark(shape="star", size_ratio=1.6, points=5, line_mm=0.0, filled=True,
              above=False),
    material_rgb=(228, 228, 222),
    stitching=Stitching(pitch_mm=2.6, length_ratio=0.62, slant_deg=0.0, thread_mm=0.6,
                        thread_rgb=(40, 44, 60), jitter=0.03),
    hardware=Hardware(metal_lab=(62.0, 0.0, -1.5), engraving="KESTREL",
                      engraving_font="DejaVuSans-Bold.ttf", outline="oval", aspect=1.6,
                      corner_ratio=0.0, width_mm=40.0),
    texture=Texture(pattern="mesh", scale_mm=2.2, anisotropy=1.0, orientation_deg=0.0,
                    contrast=0.35),
    serial=SerialFormat(prefix="KA", layout="##A-#####"),
    key_seed="demogen:kestrel-athletics:2026",
    zones=_KESTREL_ZONES,
    checks=_checks(_KESTREL_ZONES, (
        CheckSpec("box-label", "Box label size and style code match the tongue tag", True),
        CheckSpec("no-glue", "No glue stains along the midsole line", False),
        CheckSpec("insole-print", "Insole print is sharp and centred", False),
    )),
)

DEMO_DESIGNS: tuple[BrandDesign, ...] = (MAISON_AUREL, KESTREL_ATHLETICS)

_SYLLABLES = ("ar", "bel", "cor", "dan", "el", "fon", "gar", "hel", "ir", "jas", "kor",
              "lum", "mir", "nor", "ol", "pra", "quin", "ros", "sol", "tav", "ul", "ver",
              "wen", "xan", "yor", "zel")


def random_design(rng: np.random.Generator) -> BrandDesign:
    """Draw a brand never seen before, for held-out evaluation.

    Parameters are drawn within ranges that give plausible, renderable items;
    the zone set is always one zone of each kind.
    """
    name = "".join(_SYLLABLES[i] for i in rng.integers(0, len(_SYLLABLES), size=2)).title()
    house = str(rng.choice(["Maison", "Atelier", "Casa", "Studio", "House"]))
    brand_name = f"{house} {name}"
    slug = f"{house}-{name}".lower()
    prefix = (house[0] + name[0]).upper()
    serif = bool(rng.random() < 0.5)
    font = str(rng.choice(SERIF_FONTS if serif else SANS_FONTS))
    metal = (float(rng.uniform(55, 82)), float(rng.uniform(-2, 4)), float(rng.uniform(-3, 22)))
    material = tuple(int(v) for v in rng.integers(25, 235, size=3))
    zones = (
        ZoneSpec("logo", "logo", "Logo", True),
        ZoneSpec("stitching", "stitching", "Seam stitching", True),
        ZoneSpec("hardware", "hardware", "Hardware plate", bool(rng.random() < 0.7)),
        ZoneSpec("serial", "code", "Signed serial tag", True),
        ZoneSpec("material", "texture", "Material surface", False),
    )
    return BrandDesign(
        brand=slug,
        brand_name=brand_name,
        model="model-" + str(int(rng.integers(100, 999))),
        model_name="Model " + name,
        wordmark=Wordmark(text=brand_name.upper(), font=font,
                          height_mm=float(rng.uniform(5.0, 9.0)),
                          stroke_mm=float(rng.choice([0.0, 0.0, 0.15])),
                          spacing_em=float(rng.uniform(0.0, 0.18)),
                          colour_rgb=_contrasting(material, rng)),
        mark=Mark(shape=str(rng.choice(MARK_SHAPES)), size_ratio=float(rng.uniform(1.3, 2.6)),
                  points=int(rng.integers(4, 8)), line_mm=float(rng.uniform(0.5, 1.2)),
                  filled=bool(rng.random() < 0.5), above=bool(rng.random() < 0.5)),
        material_rgb=material,  # type: ignore[arg-type]
        stitching=Stitching(pitch_mm=float(rng.uniform(2.2, 5.0)),
                            length_ratio=float(rng.uniform(0.55, 0.8)),
                            slant_deg=float(rng.choice([0.0, rng.uniform(15, 40)])),
                            thread_mm=float(rng.uniform(0.5, 1.0)),
                            thread_rgb=_contrasting(material, rng), jitter=0.03),
        hardware=Hardware(metal_lab=metal, engraving=name.upper(),
                          engraving_font=str(rng.choice(SERIF_FONTS + SANS_FONTS)),
                          outline=str(rng.choice(OUTLINE_SHAPES)),
                          aspect=float(rng.uniform(1.4, 2.6)),
                          corner_ratio=float(rng.uniform(0.1, 0.3)),
                          width_mm=float(rng.uniform(38, 54))),
        texture=Texture(pattern=str(rng.choice(TEXTURE_PATTERNS)),
                        scale_mm=float(rng.uniform(0.7, 2.4)),
                        anisotropy=float(rng.uniform(1.0, 2.0)),
                        orientation_deg=float(rng.uniform(0, 180)),
                        contrast=float(rng.uniform(0.18, 0.35))),
        serial=SerialFormat(prefix=prefix, layout=str(rng.choice(["######", "##A-#####",
                                                                   "A####"]))),
        key_seed=f"demogen:{slug}:{int(rng.integers(0, 2**31))}",
        zones=zones,
        checks=_checks(zones, (
            CheckSpec("packaging", "Packaging and labels match the model", False),
            CheckSpec("no-glue", "No glue smell or residue at the seams", False),
            CheckSpec("interior", "Interior label and lining match the model", True),
        )),
    )


def _contrasting(material: tuple[int, ...], rng: np.random.Generator) -> tuple[int, int, int]:
    """A colour that stands out from the material (light on dark, dark on light)."""
    dark = sum(material) / 3 < 128
    lo, hi = (170, 250) if dark else (10, 90)
    return tuple(int(v) for v in rng.integers(lo, hi, size=3))  # type: ignore[return-value]
