"""Pack manifest (``pack.toml``, format 1): parsing into frozen specs.

This module only understands the TOML's shape and values; whether the files it
names exist and are good is :mod:`reference_library.validation`'s job. Every
problem is collected with its place, none stops the parse early.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from packaging.version import InvalidVersion, Version

from .problems import Problem, Severity

FORMAT = 1
ZONE_KINDS = ("logo", "stitching", "hardware", "code", "texture")
SLUG_RE = re.compile(r"[a-z0-9-]{1,64}")   # use fullmatch: "$" also matches before a final newline

#: Tolerance names understood per zone kind (DESIGN.md, pack format v1).
TOLERANCE_NAMES: dict[str, frozenset[str]] = {
    "logo": frozenset(),
    "stitching": frozenset({"pitch_mm", "angle_deg"}),
    "hardware": frozenset({"max_delta_e"}),
    "code": frozenset({"pattern", "public_key"}),
    "texture": frozenset(),
}


@dataclass(frozen=True)
class Tolerances:
    """The zone's acceptance bounds; None where the pack leaves it to the references."""

    pitch_mm: tuple[float, float] | None = None
    angle_deg: tuple[float, float] | None = None
    max_delta_e: float | None = None
    pattern: str | None = None
    public_key: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Only the bounds that are set, JSON-ready."""
        out: dict[str, Any] = {}
        for name in ("pitch_mm", "angle_deg", "max_delta_e", "pattern", "public_key"):
            value = getattr(self, name)
            if value is not None:
                out[name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tolerances:
        def pair(v: Any) -> tuple[float, float] | None:
            return None if v is None else (float(v[0]), float(v[1]))

        return cls(pitch_mm=pair(data.get("pitch_mm")), angle_deg=pair(data.get("angle_deg")),
                   max_delta_e=data.get("max_delta_e"), pattern=data.get("pattern"),
                   public_key=data.get("public_key"))


@dataclass(frozen=True)
class PackInfo:
    format: int
    brand: str
    brand_name: str
    version: str
    publisher: str


@dataclass(frozen=True)
class ModelSpec:
    id: str
    name: str


@dataclass(frozen=True)
class ZoneSpec:
    id: str
    model: str
    kind: str
    title: str
    critical: bool
    references: tuple[str, ...]
    counterfeits: tuple[str, ...] = ()
    tolerances: Tolerances = field(default_factory=Tolerances)


@dataclass(frozen=True)
class CheckSpec:
    id: str
    text: str
    critical: bool
    zone: str | None = None


@dataclass(frozen=True)
class Manifest:
    pack: PackInfo
    models: tuple[ModelSpec, ...]
    zones: tuple[ZoneSpec, ...]
    checks: tuple[CheckSpec, ...]


def parse_manifest(text: str, where: str = "pack.toml") -> tuple[Manifest | None, list[Problem]]:
    """Parse manifest text; return the manifest (None if unusable) and every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, [Problem(where, f"not valid TOML: {exc}")]
    except RecursionError:  # tomllib recurses once per level of nested arrays and inline tables
        return None, [Problem(where, "not valid TOML: arrays or tables nested too deeply")]
    return _Parser(where).parse(data)


class _Parser:
    def __init__(self, where: str):
        self.where = where
        self.problems: list[Problem] = []

    def error(self, place: str, message: str) -> None:
        self.problems.append(Problem(f"{self.where}: {place}", message))

    def warn(self, place: str, message: str) -> None:
        self.problems.append(Problem(f"{self.where}: {place}", message, Severity.WARNING))

    # -- typed field readers: record a problem and return None on a bad value --
    def _get(self, table: dict[str, Any], key: str, place: str, typ: type,
             *, required: bool = True, default: Any = None) -> Any:
        if key not in table:
            if required:
                self.error(place, f"missing required field '{key}'")
            return default
        value = table[key]
        if isinstance(value, bool) and typ is not bool:  # TOML true is an int to Python
            self.error(f"{place}.{key}", f"expected {_type_name(typ)}, got true/false")
            return default
        if not isinstance(value, typ):
            self.error(f"{place}.{key}", f"expected {_type_name(typ)}, got {type(value).__name__} {value!r}")
            return default
        return value

    def _slug(self, table: dict[str, Any], key: str, place: str) -> str | None:
        value = self._get(table, key, place, str)
        if value is not None and not SLUG_RE.fullmatch(value):
            self.error(f"{place}.{key}", f"'{value}' is not a slug (lower-case letters, digits and '-', "
                                         "at most 64 characters)")
            return None
        return value

    def _text(self, table: dict[str, Any], key: str, place: str) -> str | None:
        value = self._get(table, key, place, str)
        if value is not None and not value.strip():
            self.error(f"{place}.{key}", "must not be empty")
            return None
        return value

    def _unknown_keys(self, table: dict[str, Any], known: set[str], place: str) -> None:
        for key in sorted(set(table) - known):
            self.warn(f"{place}.{key}", "unknown field, ignored")

    def _tables(self, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
            self.error(key, f"must be an array of tables ([[{key}]])")
            return []
        return value

    # -- sections --
    def parse(self, data: dict[str, Any]) -> tuple[Manifest | None, list[Problem]]:
        pack = self._pack(data.get("pack"))
        models = self._models(self._tables(data, "model"))
        zone_tables = self._tables(data, "zone")
        zones = self._zones(zone_tables, {m.id for m in models})
        # Checks may name any declared zone, even one with problems of its own:
        # that zone's problems are already reported, once, at the zone.
        declared = {t["id"] for t in zone_tables if isinstance(t.get("id"), str)}
        checks = self._checks(self._tables(data, "check"), declared)
        self._unknown_keys(data, {"pack", "model", "zone", "check"}, "(top level)")
        if pack is None:
            return None, self.problems
        return Manifest(pack, tuple(models), tuple(zones), tuple(checks)), self.problems

    def _pack(self, table: Any) -> PackInfo | None:
        if not isinstance(table, dict):
            self.error("[pack]", "missing the [pack] table")
            return None
        place = "[pack]"
        fmt = self._get(table, "format", place, int)
        if fmt is not None and fmt != FORMAT:
            self.error(f"{place}.format", f"format {fmt} is not supported; this workstation reads format {FORMAT}")
        brand = self._slug(table, "brand", place)
        brand_name = self._text(table, "brand_name", place)
        version = self._text(table, "version", place)
        if version is not None:
            try:
                Version(version)
            except InvalidVersion:
                self.error(f"{place}.version", f"'{version}' is not a version number like 2026.11.0")
                version = None
        publisher = self._text(table, "publisher", place)
        self._unknown_keys(table, {"format", "brand", "brand_name", "version", "publisher"}, place)
        if None in (fmt, brand, brand_name, version, publisher) or fmt != FORMAT:
            return None
        return PackInfo(fmt, brand, brand_name, version, publisher)

    def _models(self, tables: list[dict[str, Any]]) -> list[ModelSpec]:
        models: list[ModelSpec] = []
        seen: set[str] = set()
        if not tables:
            self.error("[[model]]", "a pack needs at least one model")
        for i, table in enumerate(tables):
            place = f"model[{i}]"
            mid = self._slug(table, "id", place)
            name = self._text(table, "name", place)
            self._unknown_keys(table, {"id", "name"}, place)
            if mid in seen:
                self.error(f"{place}.id", f"duplicate model id '{mid}'")
                continue
            if mid is not None and name is not None:
                seen.add(mid)
                models.append(ModelSpec(mid, name))
        return models

    def _zones(self, tables: list[dict[str, Any]], model_ids: set[str]) -> list[ZoneSpec]:
        zones: list[ZoneSpec] = []
        seen: set[tuple[str, str]] = set()
        for i, table in enumerate(tables):
            place = f'zone[{i}] "{table.get("id", "?")}"'
            zid = self._slug(table, "id", place)
            model = self._slug(table, "model", place)
            if model is not None and model not in model_ids:
                self.error(f"{place}.model", f"no model with id '{model}'")
                model = None
            kind = self._get(table, "kind", place, str)
            if kind is not None and kind not in ZONE_KINDS:
                self.error(f"{place}.kind", f"unknown kind '{kind}'; expected one of {', '.join(ZONE_KINDS)}")
                kind = None
            title = self._text(table, "title", place)
            critical = self._get(table, "critical", place, bool, required=False, default=False)
            references = self._patterns(table, "references", place, required=True)
            counterfeits = self._patterns(table, "counterfeits", place, required=False)
            tolerances = self._tolerances(table.get("tolerances", {}), kind, place)
            self._unknown_keys(table, {"id", "model", "kind", "title", "critical", "references",
                                       "counterfeits", "tolerances"}, place)
            if zid is not None and model is not None:
                if (model, zid) in seen:
                    self.error(f"{place}.id", f"duplicate zone id '{zid}' in model '{model}'")
                    continue
                seen.add((model, zid))
            if None in (zid, model, kind, title, references, tolerances):
                continue
            zones.append(ZoneSpec(zid, model, kind, title, critical, references, counterfeits or (), tolerances))
        return zones

    def _patterns(self, table: dict[str, Any], key: str, place: str, *, required: bool) -> tuple[str, ...] | None:
        value = self._get(table, key, place, list, required=required, default=[] if not required else None)
        if value is None:
            return None
        if required and not value:
            self.error(f"{place}.{key}", "must list at least one image path or glob")
            return None
        bad = [v for v in value if not isinstance(v, str) or not v.strip()]
        if bad:
            self.error(f"{place}.{key}", "every entry must be a non-empty path or glob string")
            return None
        return tuple(value)

    def _tolerances(self, table: Any, kind: str | None, place: str) -> Tolerances | None:
        place = f"{place}.tolerances"
        if not isinstance(table, dict):
            self.error(place, "must be a table")
            return None
        if kind is None:
            return Tolerances()
        understood = TOLERANCE_NAMES[kind]
        ok = True
        for name in sorted(set(table) - understood):
            hint = f"; understood for {kind}: {', '.join(sorted(understood))}" if understood else ""
            self.error(f"{place}.{name}", f"'{name}' is not a tolerance of a {kind} zone{hint}")
            ok = False
        values: dict[str, Any] = {}
        for name in ("pitch_mm", "angle_deg"):
            if name in table and name in understood:
                values[name] = self._range(table[name], f"{place}.{name}", positive=name == "pitch_mm")
                ok &= values[name] is not None
        if "max_delta_e" in table and "max_delta_e" in understood:
            v = _finite(table["max_delta_e"])
            if v is None or v <= 0:
                self.error(f"{place}.max_delta_e", f"expected a positive number, got {table['max_delta_e']!r}")
                ok = False
            else:
                values["max_delta_e"] = v
        if "pattern" in table and "pattern" in understood:
            values["pattern"] = self._regex(table["pattern"], f"{place}.pattern")
            ok &= values["pattern"] is not None
        if "public_key" in table and "public_key" in understood:
            v = table["public_key"]
            if not isinstance(v, str) or not v.strip():
                self.error(f"{place}.public_key", "expected the path of a PEM public key")
                ok = False
            else:
                values["public_key"] = v
        if kind == "code" and "public_key" not in table:
            self.warn(place, "no public_key: serial signatures cannot be verified for this zone")
        return Tolerances(**values) if ok else None

    def _regex(self, value: Any, place: str) -> str | None:
        if not isinstance(value, str):
            self.error(place, f"expected a regular expression string, got {value!r}")
            return None
        try:
            re.compile(value)
        except re.error as exc:
            self.error(place, f"not a valid regular expression: {exc}")
            return None
        return value

    def _range(self, value: Any, place: str, *, positive: bool) -> tuple[float, float] | None:
        lo, hi = (_finite(v) for v in value) if isinstance(value, list) and len(value) == 2 else (None, None)
        if lo is None or hi is None:
            self.error(place, f"expected [low, high], two finite numbers, got {value!r}")
            return None
        if lo > hi:
            self.error(place, f"range is reversed: low {lo:g} is above high {hi:g}")
            return None
        if positive and lo <= 0:
            self.error(place, f"low bound must be above zero, got {lo:g}")
            return None
        return lo, hi

    def _checks(self, tables: list[dict[str, Any]], zone_ids: set[str]) -> list[CheckSpec]:
        checks: list[CheckSpec] = []
        seen: set[str] = set()
        for i, table in enumerate(tables):
            place = f'check[{i}] "{table.get("id", "?")}"'
            cid = self._slug(table, "id", place)
            text = self._text(table, "text", place)
            critical = self._get(table, "critical", place, bool, required=False, default=False)
            zone = self._get(table, "zone", place, str, required=False)
            if zone is not None and zone not in zone_ids:
                self.error(f"{place}.zone", f"no zone with id '{zone}'")
                zone = None
                cid = None
            self._unknown_keys(table, {"id", "text", "critical", "zone"}, place)
            if cid in seen:
                self.error(f"{place}.id", f"duplicate check id '{cid}'")
                continue
            if cid is not None and text is not None:
                seen.add(cid)
                checks.append(CheckSpec(cid, text, critical, zone))
        return checks


def _finite(value: Any) -> float | None:
    """A TOML number as a float; None for anything else, nan, inf and integers beyond a float's range."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _type_name(typ: type) -> str:
    names = {str: "a string", int: "an integer", bool: "true or false", list: "an array", dict: "a table"}
    return names.get(typ, typ.__name__)
