"""How library facts read to a person: tolerances, zone kinds, where the data lives.

Plain functions with no Qt, so the same words appear in the window, in
reports and in tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import make_url

from reference_library.catalog import PackSummary

from ..settings import Settings

ZONE_KIND_LABELS = {
    "logo": "Logo",
    "stitching": "Stitching",
    "hardware": "Hardware",
    "code": "Serial code",
    "texture": "Texture",
}


def zone_kind_label(kind: str) -> str:
    return ZONE_KIND_LABELS.get(kind, kind.capitalize())


def _num(value: float) -> str:
    return f"{float(value):g}".replace("-", "\u2212")  # a true minus sign reads better than a hyphen


def _range(bounds: Any, unit: str) -> str:
    """``3.6–4.4 mm``; with a negative bound ``−6° to 6°``, where a dash would read as a minus."""
    lo, hi = float(bounds[0]), float(bounds[1])
    if lo < 0:
        return f"{_num(lo)}{unit} to {_num(hi)}{unit}"
    return f"{_num(lo)}–{_num(hi)}{unit}"


def describe_tolerances(tolerances: Mapping[str, Any]) -> list[str]:
    """One sentence per tolerance, e.g. ``"Stitch pitch 3.6–4.4 mm"``; unknown names shown as they are."""
    lines: list[str] = []
    for name, value in tolerances.items():
        if name == "pitch_mm":
            lines.append(f"Stitch pitch {_range(value, ' mm')} (stitch plus gap, along the seam)")
        elif name == "angle_deg":
            lines.append(f"Stitch slant {_range(value, '°')} against the seam direction")
        elif name == "max_delta_e":
            lines.append(f"Colour within ΔE {_num(value)} (CIEDE2000) of the references")
        elif name == "pattern":
            lines.append(f"Serial number matches {value}")
        elif name == "public_key":
            lines.append(f"Serial signature checked with the brand key {value}")
        else:
            lines.append(f"{name}: {value}")
    return lines


def describe_data_location(settings: Settings) -> str:
    """Where the data lives, for the status bar; never shows a password."""
    url = make_url(settings.database_url)
    if settings.uses_sqlite:
        database = "SQLite database"
    else:
        backend = "PostgreSQL" if url.get_backend_name() == "postgresql" else url.get_backend_name()
        host = f"{url.host}:{url.port}" if url.port else (url.host or "local socket")
        database = f"{backend} database {url.database or ''} on {host}".replace("  ", " ")
    return f"Data: {settings.home} · {database}"


def plural(count: int, noun: str, plural_noun: str | None = None) -> str:
    return f"{count} {noun if count == 1 else (plural_noun or noun + 's')}"


def format_timestamp(moment: datetime) -> str:
    """Local time to the minute; a naive value (SQLite drops the zone) is UTC as stored."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone().strftime("%Y-%m-%d %H:%M %Z").strip()


def describe_pack_contents(pack: PackSummary) -> str:
    zones = [z for m in pack.models for z in m.zones]
    critical_checks = sum(c.critical for c in pack.checks)
    return " · ".join([
        plural(len(pack.models), "model"),
        plural(len(zones), "zone"),
        plural(sum(len(z.references) for z in zones), "reference"),
        plural(sum(len(z.counterfeits) for z in zones), "known counterfeit"),
        f"{plural(len(pack.checks), 'check')} ({critical_checks} critical)",
    ])


_STAGES = {"validating": "Checking files", "storing": "Copying into the store"}


def describe_stage(stage: str) -> str:
    """The importer's stage name in words; a ``"name: stage"`` prefix (one pack of several) is kept."""
    prefix, _, name = stage.rpartition(": ")
    words = _STAGES.get(name, name.capitalize())
    return f"{prefix}: {words.lower()}" if prefix else words
