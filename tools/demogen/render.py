"""Canonical renderings of each zone kind: flat, front-on, at a known scale.

Every renderer returns a `Flat`: an RGB uint8 image at `px_per_mm`, the
measured truth of what was drawn (the real mean stitch pitch, not the
design's nominal one) and, for measurement zones, the scale card's corners.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from skimage.color import lab2rgb

from tools.demogen.designs import BrandDesign, Hardware, Mark, Stitching, Texture, Wordmark, font_path

MARKER_MM = 20.0          # black square side of the ArUco marker (bench setting)
CARD_MARGIN_MM = 4.0      # white margin around the marker
CARD_WHITE = (240, 240, 240)
TAG_RGB = (236, 233, 224)
ARUCO_DICT = cv2.aruco.DICT_4X4_50


@dataclass(frozen=True)
class Flat:
    """A flat zone image with the truth of what was drawn on it."""

    image: np.ndarray                           # H x W x 3 RGB uint8
    px_per_mm: float
    measured: dict[str, float] = field(default_factory=dict)
    marker_corners: np.ndarray | None = None    # 4 x 2 float, TL TR BR BL, image px
    marker_id: int | None = None


# --- material ---------------------------------------------------------------------------

def _filtered_noise(shape: tuple[int, int], sigma_px: float, anisotropy: float,
                    angle_deg: float, rng: np.random.Generator) -> np.ndarray:
    """Zero-mean, unit-std noise with an elongated Gaussian correlation.

    Filtered at reduced resolution (sigma about 2 px) and enlarged, so a coarse
    grain costs the same as a fine one.
    """
    h, w = shape
    factor = max(1.0, sigma_px / 2.0)
    sh, sw = max(8, int(h / factor) + 4), max(8, int(w / factor) + 4)
    noise = rng.standard_normal((sh, sw)).astype(np.float32)
    s_across = sigma_px / factor
    s_along = s_across * anisotropy
    half = int(math.ceil(3 * s_along))
    yy, xx = np.mgrid[-half:half + 1, -half:half + 1].astype(np.float32)
    a = math.radians(angle_deg)
    u = xx * math.cos(a) + yy * math.sin(a)
    v = -xx * math.sin(a) + yy * math.cos(a)
    kernel = np.exp(-0.5 * ((u / s_along) ** 2 + (v / s_across) ** 2))
    kernel /= kernel.sum()
    smooth = cv2.filter2D(noise, -1, kernel, borderType=cv2.BORDER_REFLECT)
    big = cv2.resize(smooth, (int(sw * factor), int(sh * factor)), interpolation=cv2.INTER_CUBIC)
    out = big[:h, :w]
    return (out - out.mean()) / (out.std() + 1e-6)


def material(shape: tuple[int, int], rgb: tuple[int, int, int], texture: Texture,
             px_per_mm: float, rng: np.random.Generator) -> np.ndarray:
    """The brand's material (leather grain or knitted mesh) as float RGB in 0..1."""
    h, w = shape
    sigma = texture.scale_mm * px_per_mm / 2.0
    if texture.pattern == "mesh":
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        a = math.radians(texture.orientation_deg)
        u = xx * math.cos(a) + yy * math.sin(a)
        v = -xx * math.sin(a) + yy * math.cos(a)
        period = texture.scale_mm * px_per_mm
        cells = np.cos(2 * np.pi * u / period) * np.cos(2 * np.pi * v * texture.anisotropy / period)
        holes = np.clip((cells - 0.35) / 0.4, 0, 1)
        fibre = _filtered_noise(shape, max(1.0, 0.08 * px_per_mm), 4.0, texture.orientation_deg, rng)
        shade = 1.0 - texture.contrast * 1.6 * holes + 0.04 * fibre
    else:
        coarse = _filtered_noise(shape, sigma, texture.anisotropy, texture.orientation_deg, rng)
        ridges = 1.0 - np.abs(coarse)
        fine = _filtered_noise(shape, max(1.0, sigma / 4), 1.0, 0.0, rng)
        grain = 0.55 * coarse + 0.45 * (ridges - ridges.mean()) / (ridges.std() + 1e-6)
        shade = 1.0 + texture.contrast * 0.5 * grain + 0.03 * fine
    base = np.asarray(rgb, np.float32) / 255.0
    return np.clip(shade[..., None] * base, 0, 1)


def _to_u8(img: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(img * 255.0), 0, 255).astype(np.uint8)


# --- scale card -------------------------------------------------------------------------

def card_size_mm() -> float:
    return MARKER_MM + 2 * CARD_MARGIN_MM


def draw_scale_card(img: np.ndarray, px_per_mm: float, x_mm: float, y_mm: float,
                    marker_id: int) -> np.ndarray:
    """Paint the white ArUco scale card (top-left at x_mm, y_mm); return marker corners.

    The marker's black square is exactly MARKER_MM at `px_per_mm` when
    MARKER_MM * px_per_mm is a whole number of pixels (the callers ensure it).
    """
    card = int(round(card_size_mm() * px_per_mm))
    side = int(round(MARKER_MM * px_per_mm))
    margin = (card - side) // 2
    x0, y0 = int(round(x_mm * px_per_mm)), int(round(y_mm * px_per_mm))
    dictionary = cv2.aruco.getPredefinedDictionary(ARUCO_DICT)
    cells = cv2.aruco.generateImageMarker(dictionary, marker_id, 6)
    marker = cv2.resize(cells, (side, side), interpolation=cv2.INTER_NEAREST)
    shadow = np.zeros(img.shape[:2], np.float32)
    off = max(1, int(0.6 * px_per_mm))
    shadow[y0 + off:y0 + card + off, x0 + off:x0 + card + off] = 1.0
    shadow = cv2.GaussianBlur(shadow, (0, 0), 0.8 * px_per_mm)
    img *= (1.0 - 0.35 * shadow)[..., None]
    img[y0:y0 + card, x0:x0 + card] = np.asarray(CARD_WHITE, np.float32) / 255.0
    mx, my = x0 + margin, y0 + margin
    img[my:my + side, mx:mx + side] = (marker.astype(np.float32) / 255.0 * CARD_WHITE[0] / 255.0)[..., None]
    return np.array([[mx, my], [mx + side, my], [mx + side, my + side], [mx, my + side]],
                    np.float64)


# --- text and marks ---------------------------------------------------------------------

def _font(name: str, cap_height_px: float) -> ImageFont.FreeTypeFont:
    """A DejaVu font sized so capitals are `cap_height_px` tall (DejaVu caps are 0.73 em)."""
    return ImageFont.truetype(str(font_path(name)), max(6, int(round(cap_height_px / 0.73))))


def _text_layout(word: Wordmark, px_per_mm: float) -> tuple[ImageFont.FreeTypeFont, list[float], float, int]:
    """Font, x offset of each character, total width, stroke px: letter spacing applied."""
    font = _font(word.font, word.height_mm * px_per_mm)
    stroke = int(round(word.stroke_mm * px_per_mm))
    xs, x = [], 0.0
    for ch in word.text:
        xs.append(x)
        x += font.getlength(ch) + word.spacing_em * font.size
    width = x - word.spacing_em * font.size + 2 * stroke
    return font, xs, width, stroke


def _mark_polygon(mark: Mark, cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    if mark.shape == "diamond":
        return [(cx, cy - r), (cx + 0.75 * r, cy), (cx, cy + r), (cx - 0.75 * r, cy)]
    if mark.shape == "triangle":
        return [(cx + r * math.cos(math.radians(a)), cy + r * math.sin(math.radians(a)))
                for a in (-90, 30, 150)]
    if mark.shape == "chevron":
        return [(cx - r, cy - 0.6 * r), (cx, cy + 0.2 * r), (cx + r, cy - 0.6 * r),
                (cx + r, cy), (cx, cy + 0.8 * r), (cx - r, cy)]
    n = max(4, mark.points)
    pts = []
    for i in range(2 * n):
        rr = r if i % 2 == 0 else 0.45 * r
        a = math.radians(-90 + 180 * i / n)
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    return pts


def _draw_mark(draw: ImageDraw.ImageDraw, mark: Mark, monogram: str, cx: float, cy: float,
               r: float, px_per_mm: float) -> None:
    if mark.shape == "none":
        return
    line = max(1, int(round(mark.line_mm * px_per_mm)))
    fill = 255 if mark.filled else None
    if mark.shape == "circle":
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill, outline=255, width=line)
    else:
        draw.polygon(_mark_polygon(mark, cx, cy, r), fill=fill, outline=255, width=line)
    if not mark.filled and mark.shape in ("circle", "diamond"):
        font = ImageFont.truetype(str(font_path("DejaVuSerif.ttf")), max(6, int(r * 1.1)))
        draw.text((cx, cy), monogram, fill=255, font=font, anchor="mm")


def logo_canvas_mm(design: BrandDesign) -> tuple[float, float]:
    """Canvas of the logo zone, sized from the authentic design so fakes share it."""
    _, _, width_px, _ = _text_layout(design.wordmark, 10.0)
    text_w = width_px / 10.0
    mark_d = design.mark.size_ratio * design.wordmark.height_mm
    if design.mark.above:
        w, h = max(text_w, mark_d), design.wordmark.height_mm + mark_d * 1.3
    else:
        w, h = text_w + mark_d * 1.3, max(design.wordmark.height_mm, mark_d)
    return round(w + 24.0), round(max(h + 24.0, 0.5 * (w + 24.0)))


def render_logo(design: BrandDesign, px_per_mm: float, canvas_mm: tuple[float, float],
                rng: np.random.Generator) -> Flat:
    """Wordmark and mark stamped on the material, centred on the canvas."""
    w, h = int(round(canvas_mm[0] * px_per_mm)), int(round(canvas_mm[1] * px_per_mm))
    img = material((h, w), design.material_rgb, design.texture, px_per_mm, rng)
    word, mark = design.wordmark, design.mark
    font, xs, text_w, stroke = _text_layout(word, px_per_mm)
    cap = word.height_mm * px_per_mm
    r = 0.0 if mark.shape == "none" else mark.size_ratio * cap / 2
    gap = 0.3 * 2 * r
    block_w = max(text_w, 2 * r) if mark.above else text_w + 2 * r + gap
    block_h = cap + 2 * r + gap if mark.above else max(cap, 2 * r)
    x0, y0 = (w - block_w) / 2, (h - block_h) / 2
    if mark.above:
        mcx, mcy = w / 2, y0 + r
        tx, ty = (w - text_w) / 2, y0 + block_h - cap
    else:
        mcx, mcy = x0 + r, h / 2
        tx, ty = x0 + 2 * r + gap, (h - cap) / 2
    mask_img = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(mask_img)
    _draw_mark(draw, mark, word.text[:1], mcx, mcy, r, px_per_mm)
    top = font.getbbox("H")[1]
    for ch, dx in zip(word.text, xs):
        draw.text((tx + stroke + dx, ty - top), ch, fill=255, font=font,
                  stroke_width=stroke, stroke_fill=255)
    mask = np.asarray(mask_img, np.float32) / 255.0
    _stamp(img, mask, word.colour_rgb, px_per_mm, rng)
    return Flat(_to_u8(img), px_per_mm, {"wordmark_height_mm": word.height_mm,
                                         "mark_diameter_mm": 2 * r / px_per_mm})


def _stamp(img: np.ndarray, mask: np.ndarray, rgb: tuple[int, int, int], px_per_mm: float,
           rng: np.random.Generator) -> None:
    """Heat-stamp or print `mask` in `rgb`: slight impression shadow, uneven ink."""
    off = max(1, int(round(0.12 * px_per_mm)))
    shadow = np.roll(np.roll(mask, off, 0), off, 1)
    img *= (1.0 - 0.35 * shadow)[..., None]
    ink = np.asarray(rgb, np.float32) / 255.0
    unevenness = 1.0 + 0.05 * _filtered_noise(mask.shape, 0.3 * px_per_mm, 1.0, 0.0, rng)
    colour = np.clip(ink[None, None, :] * unevenness[..., None], 0, 1)
    img[:] = img * (1 - mask[..., None]) + colour * mask[..., None]


# --- stitching --------------------------------------------------------------------------

STITCH_CANVAS_MM = (90.0, 62.0)


def render_stitching(design: BrandDesign, px_per_mm: float, rng: np.random.Generator, *,
                     marker_id: int, scale_card: bool = True) -> Flat:
    """A straight seam on the material with the scale card lying beside it."""
    w, h = (int(round(v * px_per_mm)) for v in STITCH_CANVAS_MM)
    img = material((h, w), design.material_rgb, design.texture, px_per_mm, rng)
    st: Stitching = design.stitching
    # panel edge with edge paint, 8 mm above the seam
    edge_y = int(10 * px_per_mm)
    img[:edge_y] *= 0.55
    img[edge_y - int(0.8 * px_per_mm):edge_y] = img[edge_y - int(0.8 * px_per_mm):edge_y] * 0.6
    seam_y = 18.0 * px_per_mm
    groove = np.zeros((h, w), np.float32)
    cv2.line(groove, (0, int(seam_y)), (w, int(seam_y)), 1.0, max(1, int(0.5 * px_per_mm)))
    img *= (1.0 - 0.12 * cv2.GaussianBlur(groove, (0, 0), 0.4 * px_per_mm))[..., None]
    pitch = st.pitch_mm * px_per_mm
    n = int((w - 4 * px_per_mm) / pitch)
    centres = 2 * px_per_mm + pitch / 2 + pitch * np.arange(n) + rng.normal(0, st.jitter * pitch, n)
    angles = st.slant_deg + rng.normal(0, 1.2, n)
    length = st.length_ratio * pitch
    thread = np.asarray(st.thread_rgb, np.float32) / 255.0
    thick = max(2, int(round(st.thread_mm * px_per_mm)))
    hole_r = max(1, int(round(0.35 * st.thread_mm * px_per_mm)))
    shift = 4
    k = 1 << shift
    shade = np.zeros((h, w), np.float32)
    body = np.zeros((h, w), np.float32)
    for cx, ang in zip(centres, angles):
        a = math.radians(ang)
        dx, dy = 0.5 * length * math.cos(a), -0.5 * length * math.sin(a)
        cy = seam_y + rng.normal(0, 0.04 * px_per_mm)
        p1 = (int((cx - dx) * k), int((cy - dy) * k))
        p2 = (int((cx + dx) * k), int((cy + dy) * k))
        for p in (p1, p2):
            cv2.circle(shade, p, hole_r * k, 1.0, -1, cv2.LINE_AA, shift)
        cv2.line(body, p1, p2, 1.0, thick, cv2.LINE_AA, shift)
    img *= (1.0 - 0.5 * cv2.GaussianBlur(shade, (0, 0), 0.3 * px_per_mm))[..., None]
    twist = 0.85 + 0.15 * np.sin(np.arange(w, dtype=np.float32) / (0.25 * px_per_mm))[None, :]
    colour = thread[None, None, :] * twist[..., None]
    img[:] = img * (1 - body[..., None]) + colour * body[..., None]
    diffs = np.diff(np.sort(centres)) / px_per_mm
    measured = {"pitch_mm": float(diffs.mean()), "pitch_cv": float(diffs.std() / diffs.mean()),
                "angle_deg": float(angles.mean()), "length_ratio": st.length_ratio}
    corners = None
    if scale_card:
        corners = draw_scale_card(img, px_per_mm, 6.0, STITCH_CANVAS_MM[1] - card_size_mm() - 4.0,
                                  marker_id)
    return Flat(_to_u8(img), px_per_mm, measured, corners, marker_id if scale_card else None)


# --- hardware ---------------------------------------------------------------------------

HARDWARE_CANVAS_MM = (100.0, 62.0)


def lab_to_rgb(lab: tuple[float, float, float]) -> np.ndarray:
    """sRGB in 0..1 of a D65 Lab colour."""
    return lab2rgb(np.asarray(lab, np.float64).reshape(1, 1, 3)).reshape(3)


def _outline_mask(hw: Hardware, w: int, h: int) -> np.ndarray:
    mask = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(mask)
    if hw.outline == "oval":
        draw.ellipse((0, 0, w - 1, h - 1), fill=255)
    elif hw.outline == "octagon":
        c = hw.corner_ratio * h * 1.4
        draw.polygon([(c, 0), (w - 1 - c, 0), (w - 1, c), (w - 1, h - 1 - c), (w - 1 - c, h - 1),
                      (c, h - 1), (0, h - 1 - c), (0, c)], fill=255)
    else:
        draw.rounded_rectangle((0, 0, w - 1, h - 1), radius=hw.corner_ratio * h, fill=255)
    return np.asarray(mask, np.float32) / 255.0


def render_hardware(design: BrandDesign, px_per_mm: float, rng: np.random.Generator, *,
                    marker_id: int, scale_card: bool = True) -> Flat:
    """A shaded metal plate with engraved text, and the scale card on the left."""
    cw, ch = (int(round(v * px_per_mm)) for v in HARDWARE_CANVAS_MM)
    img = material((ch, cw), design.material_rgb, design.texture, px_per_mm, rng)
    hw = design.hardware
    pw = int(round(min(hw.width_mm, 56.0) * px_per_mm))
    ph = int(round(pw / hw.aspect))
    x0 = int(round(66.0 * px_per_mm - pw / 2))
    y0 = (ch - ph) // 2
    mask = _outline_mask(hw, pw, ph)
    # drop shadow on the material
    shadow = np.zeros((ch, cw), np.float32)
    off = int(0.8 * px_per_mm)
    shadow[y0 + off:y0 + ph + off, x0 + off:x0 + pw + off] = mask
    img *= (1.0 - 0.5 * cv2.GaussianBlur(shadow, (0, 0), 1.2 * px_per_mm))[..., None]
    # metal in Lab: a cylinder-like brightness profile, brushed streaks, bevelled rim
    L0, a0, b0 = hw.metal_lab
    yy = np.linspace(-1, 1, ph, dtype=np.float32)[:, None]
    profile = np.broadcast_to(6.0 * np.cos(yy * 1.3) - 3.0, (ph, pw))
    brushed = _filtered_noise((ph, pw), 0.4 * px_per_mm, 12.0, 0.0, rng)
    rim_w = max(2, int(round(1.0 * px_per_mm)))
    inner = cv2.erode(mask, np.ones((2 * rim_w + 1, 2 * rim_w + 1), np.uint8))
    rim = np.clip(mask - inner, 0, 1)
    lightness = L0 + profile + 1.2 * brushed - 14.0 * rim * (yy > 0) + 10.0 * rim * (yy <= 0)
    # engraving
    text_mask = Image.new("L", (pw, ph), 0)
    draw = ImageDraw.Draw(text_mask)
    font = _font(hw.engraving_font, 0.22 * ph)
    while font.getlength(hw.engraving) > 0.78 * pw and font.size > 8:
        font = ImageFont.truetype(str(font_path(hw.engraving_font)), font.size - 2)
    draw.text((pw / 2, ph / 2), hw.engraving, fill=255, font=font, anchor="mm")
    engr = np.asarray(text_mask, np.float32) / 255.0
    edge = np.clip(np.roll(engr, 1, 0) - engr, 0, 1)
    lightness = lightness - 30.0 * engr + 12.0 * edge
    lab = np.stack([np.clip(lightness, 0, 100), np.full_like(lightness, a0),
                    np.full_like(lightness, b0)], axis=-1)
    metal = lab2rgb(lab).astype(np.float32)
    # specular highlight: a soft diagonal band
    xx = np.linspace(-1, 1, pw, dtype=np.float32)[None, :]
    band = np.exp(-((xx * 0.6 + yy * 0.8 + 0.3) ** 2) / 0.02) * 0.35 * inner
    metal = np.clip(metal + band[..., None], 0, 1)
    region = img[y0:y0 + ph, x0:x0 + pw]
    region[:] = region * (1 - mask[..., None]) + metal * mask[..., None]
    corners = None
    if scale_card:
        corners = draw_scale_card(img, px_per_mm, 5.0, (HARDWARE_CANVAS_MM[1] - card_size_mm()) / 2,
                                  marker_id)
    measured = {"metal_L": L0, "metal_a": a0, "metal_b": b0,
                "plate_aspect": pw / ph, "plate_width_mm": pw / px_per_mm}
    return Flat(_to_u8(img), px_per_mm, measured, corners, marker_id if scale_card else None)


# --- code -------------------------------------------------------------------------------

CODE_CANVAS_MM = (60.0, 72.0)


def render_code(design: BrandDesign, px_per_mm: float, rng: np.random.Generator, *,
                payload: str, printed_serial: str) -> Flat:
    """A tag with the brand name, a QR code of `payload` and the printed serial."""
    w, h = (int(round(v * px_per_mm)) for v in CODE_CANVAS_MM)
    img = material((h, w), design.material_rgb, design.texture, px_per_mm, rng)
    tx0, ty0 = int(5 * px_per_mm), int(4 * px_per_mm)
    tw, th = w - 2 * tx0, h - 2 * ty0
    tag_img = Image.new("L", (tw, th), 255)
    draw = ImageDraw.Draw(tag_img)
    params = cv2.QRCodeEncoder_Params()
    params.correction_level = cv2.QRCodeEncoder_CORRECT_LEVEL_L
    qr = cv2.QRCodeEncoder.create(params).encode(payload)
    modules = qr.shape[0] + 8
    qr_px = int(36 * px_per_mm)
    module_px = qr_px // modules
    qr_img = cv2.resize(qr, (qr.shape[1] * module_px, qr.shape[0] * module_px),
                        interpolation=cv2.INTER_NEAREST)
    qx = (tw - qr_img.shape[1]) // 2
    qy = int(11 * px_per_mm)
    tag = np.asarray(tag_img, np.uint8).copy()
    tag[qy:qy + qr_img.shape[0], qx:qx + qr_img.shape[1]] = qr_img
    tag_img = Image.fromarray(tag)
    draw = ImageDraw.Draw(tag_img)
    draw.text((tw / 2, 6 * px_per_mm), design.brand_name.upper(), fill=40,
              font=_font(design.wordmark.font, 2.6 * px_per_mm), anchor="mm")
    draw.text((tw / 2, qy + qr_img.shape[0] + 4 * px_per_mm), printed_serial, fill=30,
              font=_font("DejaVuSansMono.ttf", 2.8 * px_per_mm), anchor="mm")
    ink = np.asarray(tag_img, np.float32) / 255.0
    paper = np.asarray(TAG_RGB, np.float32) / 255.0
    fibres = 1.0 + 0.015 * _filtered_noise((th, tw), 0.2 * px_per_mm, 3.0, 90.0, rng)
    tag_rgb = paper[None, None, :] * (0.1 + 0.9 * ink[..., None]) * fibres[..., None]
    shadow = np.zeros((h, w), np.float32)
    shadow[ty0 + 6:ty0 + th + 6, tx0 + 6:tx0 + tw + 6] = 1
    img *= (1.0 - 0.4 * cv2.GaussianBlur(shadow, (0, 0), 0.8 * px_per_mm))[..., None]
    img[ty0:ty0 + th, tx0:tx0 + tw] = np.clip(tag_rgb, 0, 1)
    return Flat(_to_u8(img), px_per_mm, {"qr_module_mm": module_px / px_per_mm})


# --- texture ----------------------------------------------------------------------------

TEXTURE_CANVAS_MM = (64.0, 48.0)


def render_texture(design: BrandDesign, px_per_mm: float, rng: np.random.Generator) -> Flat:
    """A patch of the bare material, lit flat."""
    w, h = (int(round(v * px_per_mm)) for v in TEXTURE_CANVAS_MM)
    img = material((h, w), design.material_rgb, design.texture, px_per_mm, rng)
    t = design.texture
    return Flat(_to_u8(img), px_per_mm, {"scale_mm": t.scale_mm, "anisotropy": t.anisotropy,
                                         "orientation_deg": t.orientation_deg})
