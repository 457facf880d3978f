"""What changed between two versions of a brand's pack: models, zones, images and checks.

A brand partner publishing a new version (and an inspector wondering why a
verdict moved) wants the difference in the pack's own terms, not a file list:
which zones appeared or went, which tolerances moved, which reference images
were added, dropped or replaced. A pure function over two catalog summaries;
images are compared by content (sha256) and role, so a renamed file is no change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .catalog import CheckSummary, ImageRef, ModelSummary, PackSummary, ZoneSummary


@dataclass(frozen=True)
class FieldChange:
    """One property that differs; ``None`` stands for "not set" (a tolerance added or dropped)."""

    name: str
    old: Any
    new: Any


@dataclass(frozen=True)
class ImageChanges:
    added: tuple[ImageRef, ...] = ()
    removed: tuple[ImageRef, ...] = ()
    replaced: tuple[tuple[ImageRef, ImageRef], ...] = ()   # (old, new): same role and path, other content

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.replaced)


@dataclass(frozen=True)
class PlacedZone:
    """A zone with the model it belongs to (zone ids are unique per model only)."""

    model: str
    zone: ZoneSummary


@dataclass(frozen=True)
class ZoneDiff:
    """A zone present in both versions that changed; ``zone`` is the newer one."""

    model: str
    zone: ZoneSummary
    fields: tuple[FieldChange, ...]
    images: ImageChanges


@dataclass(frozen=True)
class CheckDiff:
    id: str
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class PackDiff:
    brand: str
    old: str    # version labels
    new: str
    models_added: tuple[ModelSummary, ...]
    models_removed: tuple[ModelSummary, ...]
    zones_added: tuple[PlacedZone, ...]
    zones_removed: tuple[PlacedZone, ...]
    zones_changed: tuple[ZoneDiff, ...]
    checks_added: tuple[CheckSummary, ...]
    checks_removed: tuple[CheckSummary, ...]
    checks_changed: tuple[CheckDiff, ...]

    @property
    def empty(self) -> bool:
        return not any((self.models_added, self.models_removed, self.zones_added, self.zones_removed,
                        self.zones_changed, self.checks_added, self.checks_removed, self.checks_changed))


def diff_packs(old: PackSummary, new: PackSummary) -> PackDiff:
    """The difference from ``old`` to ``new`` (two versions of one brand's pack), in manifest order."""
    old_models, new_models = {m.id: m for m in old.models}, {m.id: m for m in new.models}
    old_zones, new_zones = _zones(old), _zones(new)
    zones_changed = []
    for key, zone in new_zones.items():
        before = old_zones.get(key)
        if before is None:
            continue
        fields = _zone_fields(before, zone)
        images = _image_changes(before.references + before.counterfeits, zone.references + zone.counterfeits)
        if fields or images:
            zones_changed.append(ZoneDiff(key[0], zone, fields, images))
    old_checks, new_checks = {c.id: c for c in old.checks}, {c.id: c for c in new.checks}
    checks_changed = [CheckDiff(cid, fields) for cid, check in new_checks.items()
                      if cid in old_checks and (fields := _check_fields(old_checks[cid], check))]
    return PackDiff(
        brand=new.brand, old=old.label, new=new.label,
        models_added=tuple(m for mid, m in new_models.items() if mid not in old_models),
        models_removed=tuple(m for mid, m in old_models.items() if mid not in new_models),
        zones_added=tuple(PlacedZone(k[0], z) for k, z in new_zones.items() if k not in old_zones),
        zones_removed=tuple(PlacedZone(k[0], z) for k, z in old_zones.items() if k not in new_zones),
        zones_changed=tuple(zones_changed),
        checks_added=tuple(c for cid, c in new_checks.items() if cid not in old_checks),
        checks_removed=tuple(c for cid, c in old_checks.items() if cid not in new_checks),
        checks_changed=tuple(checks_changed),
    )


def _zones(pack: PackSummary) -> dict[tuple[str, str], ZoneSummary]:
    return {(model.id, zone.id): zone for model in pack.models for zone in model.zones}


def _changes(pairs: Iterable[tuple[str, Any, Any]]) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(name, old, new) for name, old, new in pairs if old != new)


def _zone_fields(old: ZoneSummary, new: ZoneSummary) -> tuple[FieldChange, ...]:
    return _changes([("title", old.title, new.title), ("kind", old.kind, new.kind),
                     ("critical", old.critical, new.critical)]) + _tolerance_changes(old.tolerances, new.tolerances)


def _tolerance_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    names = list(old) + [name for name in new if name not in old]
    return _changes((f"tolerance {name}", old.get(name), new.get(name)) for name in names)


def _check_fields(old: CheckSummary, new: CheckSummary) -> tuple[FieldChange, ...]:
    return _changes([("text", old.text, new.text), ("critical", old.critical, new.critical),
                     ("zone", old.zone, new.zone)])


def _image_changes(old: tuple[ImageRef, ...], new: tuple[ImageRef, ...]) -> ImageChanges:
    """Same content in the same role is the same image wherever it lies; a path whose content
    changed is a replacement; everything else was added or removed."""
    kept = {(i.role, i.sha256) for i in old} & {(i.role, i.sha256) for i in new}
    gone = [i for i in old if (i.role, i.sha256) not in kept]
    came = [i for i in new if (i.role, i.sha256) not in kept]
    came_at = {(i.role, i.path): i for i in came}
    replaced = [(i, came_at[(i.role, i.path)]) for i in gone if (i.role, i.path) in came_at]
    swapped = {ref for pair in replaced for ref in pair}
    return ImageChanges(added=tuple(i for i in came if i not in swapped),
                        removed=tuple(i for i in gone if i not in swapped),
                        replaced=tuple(replaced))
