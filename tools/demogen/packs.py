"""Write a brand's reference pack manifest (pack format version 1, DESIGN.md)."""

from __future__ import annotations

import json
from pathlib import Path

from tools.demogen.designs import BrandDesign, ZoneSpec

PACK_VERSION = "2026.11.0"
PUBLIC_KEY_PATH = "keys/serial-ed25519.pub"
PITCH_TOLERANCE = 0.07      # relative, each side of the design's pitch
ANGLE_TOLERANCE_DEG = 6.0
MAX_DELTA_E = 6.0


def _q(value: str) -> str:
    """A TOML basic string (JSON's escapes are a subset TOML accepts)."""
    return json.dumps(value, ensure_ascii=False)


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return _q(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def tolerances(design: BrandDesign, zone: ZoneSpec) -> dict[str, object]:
    """The `[zone.tolerances]` table for a zone, by kind (empty for logo and texture)."""
    if zone.kind == "stitching":
        st = design.stitching
        return {"pitch_mm": [round(st.pitch_mm * (1 - PITCH_TOLERANCE), 2),
                             round(st.pitch_mm * (1 + PITCH_TOLERANCE), 2)],
                "angle_deg": [round(st.slant_deg - ANGLE_TOLERANCE_DEG, 1),
                              round(st.slant_deg + ANGLE_TOLERANCE_DEG, 1)]}
    if zone.kind == "hardware":
        return {"max_delta_e": MAX_DELTA_E}
    if zone.kind == "code":
        return {"pattern": design.serial.pattern, "public_key": PUBLIC_KEY_PATH}
    return {}


def pack_toml(design: BrandDesign) -> str:
    """The manifest text; reference and counterfeit images are referenced by glob."""
    lines = ["[pack]", "format = 1", f"brand = {_q(design.brand)}",
             f"brand_name = {_q(design.brand_name)}", f"version = {_q(PACK_VERSION)}",
             f"publisher = {_q(design.brand_name + ' brand protection')}", "",
             "[[model]]", f"id = {_q(design.model)}", f"name = {_q(design.model_name)}", ""]
    for zone in design.zones:
        lines += ["[[zone]]", f"id = {_q(zone.id)}", f"model = {_q(design.model)}",
                  f"kind = {_q(zone.kind)}", f"title = {_q(zone.title)}",
                  f"critical = {_value(zone.critical)}",
                  f"references = {_value([f'refs/{design.model}/{zone.id}/*.jpg'])}",
                  f"counterfeits = {_value([f'fakes/{design.model}/{zone.id}/*.jpg'])}"]
        tol = tolerances(design, zone)
        if tol:
            lines += ["", "[zone.tolerances]"] + [f"{k} = {_value(v)}" for k, v in tol.items()]
        lines.append("")
    for check in design.checks:
        lines += ["[[check]]", f"id = {_q(check.id)}"]
        if check.zone is not None:
            lines.append(f"zone = {_q(check.zone)}")
        lines += [f"text = {_q(check.text)}", f"critical = {_value(check.critical)}", ""]
    return "\n".join(lines)


def write_manifest(design: BrandDesign, pack_dir: Path, public_key_pem: bytes) -> None:
    """pack.toml and the public key; images are written by the caller."""
    (pack_dir / "keys").mkdir(parents=True, exist_ok=True)
    (pack_dir / PUBLIC_KEY_PATH).write_bytes(public_key_pem)
    (pack_dir / "pack.toml").write_text(pack_toml(design), encoding="utf-8")
