"""Validation of a whole pack: manifest, globs, images, keys, all problems at once.

The result, :class:`ValidatedPack`, pins every file by sha256 so that what is
imported is exactly what was validated, and gives the pack a digest: the same
manifest and files always give the same digest, wherever they came from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from vision.image_io import ImageError, decode_image, probe_image

from .manifest import Manifest, parse_manifest
from .problems import PackError, Problem, Severity, errors_in
from .source import MANIFEST_NAME, PackSource, SourceLimits, unsafe_path_reason

#: Called as progress(stage, done, total) while a pack is read.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class PackFile:
    """One file of the pack, pinned by content."""

    path: str
    sha256: str
    size: int
    width: int | None = None   # images only
    height: int | None = None


@dataclass(frozen=True)
class ZoneImages:
    references: tuple[str, ...]     # pack paths of authentic references, in manifest order
    counterfeits: tuple[str, ...]   # pack paths of known fakes


@dataclass(frozen=True)
class ValidatedPack:
    manifest: Manifest
    manifest_text: str
    files: dict[str, PackFile]                   # by pack path: images and keys
    zone_images: dict[tuple[str, str], ZoneImages]  # by (model id, zone id)
    warnings: tuple[Problem, ...]
    digest: str

    @property
    def brand(self) -> str:
        return self.manifest.pack.brand

    @property
    def version(self) -> str:
        return self.manifest.pack.version


def validate_pack(source: PackSource, *, limits: SourceLimits = SourceLimits(),
                  progress: Progress | None = None) -> ValidatedPack:
    """Check everything about a pack; raise :class:`PackError` listing every problem."""
    where = f"{source.label}/{MANIFEST_NAME}"
    if MANIFEST_NAME not in source:
        raise PackError([Problem(source.label, f"no {MANIFEST_NAME} at the pack root")])
    raw = source.read(MANIFEST_NAME)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PackError([Problem(where, "not UTF-8 text")]) from None
    manifest, problems = parse_manifest(text, where)
    if manifest is None:
        raise PackError(problems)

    zone_images, globbed = _expand_globs(source, manifest, where, problems)
    key_paths = _key_paths(source, manifest, where, problems)
    files: dict[str, PackFile] = {}
    todo = sorted(set(globbed) | set(key_paths))
    for done, path in enumerate(todo, start=1):
        data = source.read(path)
        sha = hashlib.sha256(data).hexdigest()
        if path in key_paths:
            _check_public_key(data, f"{source.label}/{path}", key_paths[path], problems)
            files[path] = PackFile(path, sha, len(data))
        else:
            try:
                info = probe_image(data, max_pixels=limits.max_image_pixels)
                # A cheap reduced decode catches truncated and corrupt bodies now,
                # not at the first inspection that needs this reference.
                decode_image(data, max_pixels=limits.max_image_pixels, reduce=8)
            except ImageError as exc:
                problems.append(Problem(f"{source.label}/{path}", f"{exc} (used by {globbed[path]})"))
                continue
            files[path] = PackFile(path, sha, len(data), info.width, info.height)
        if progress:
            progress("validating", done, len(todo))
    _check_roles(zone_images, files, source.label, problems)
    if errors_in(problems):
        raise PackError(problems)
    return ValidatedPack(
        manifest=manifest, manifest_text=text, files=files, zone_images=zone_images,
        warnings=tuple(p for p in problems if p.severity is Severity.WARNING),
        digest=pack_digest(raw, files.values()),
    )


def pack_digest(manifest_bytes: bytes, files: Iterable[PackFile]) -> str:
    """sha256 over the manifest and the sorted (path, sha256) of the pack's files."""
    h = hashlib.sha256()
    h.update(hashlib.sha256(manifest_bytes).hexdigest().encode())
    for f in sorted(files, key=lambda f: f.path):
        h.update(f"\n{f.path}\0{f.sha256}".encode())
    return h.hexdigest()


def _expand_globs(source: PackSource, manifest: Manifest, where: str,
                  problems: list[Problem]) -> tuple[dict[tuple[str, str], ZoneImages], dict[str, str]]:
    """Resolve each zone's globs; return images per zone and, per path, who uses it."""
    zone_images: dict[tuple[str, str], ZoneImages] = {}
    used_by: dict[str, str] = {}
    for index, zone in enumerate(manifest.zones):
        place = f'{where}: zone[{index}] "{zone.id}"'
        resolved: dict[str, tuple[str, ...]] = {}
        for role in ("references", "counterfeits"):
            paths: list[str] = []
            for pattern in getattr(zone, role):
                reason = unsafe_path_reason(pattern)
                if reason:
                    problems.append(Problem(f"{place}.{role}", f"'{pattern}': {reason}"))
                    continue
                matches = source.glob(pattern)
                if not matches:
                    problems.append(Problem(f"{place}.{role}", f"'{pattern}' matches no file in the pack"))
                for path in matches:
                    if path not in paths:
                        paths.append(path)
                        used_by.setdefault(path, f'zone "{zone.id}" {role}')
            resolved[role] = tuple(paths)
        zone_images[(zone.model, zone.id)] = ZoneImages(resolved["references"], resolved["counterfeits"])
    return zone_images, used_by


def _key_paths(source: PackSource, manifest: Manifest, where: str, problems: list[Problem]) -> dict[str, str]:
    """Public-key files named by code zones, with the zone that names each."""
    keys: dict[str, str] = {}
    for index, zone in enumerate(manifest.zones):
        path = zone.tolerances.public_key
        if path is None:
            continue
        place = f'{where}: zone[{index}] "{zone.id}".tolerances.public_key'
        reason = unsafe_path_reason(path)
        if reason:
            problems.append(Problem(place, f"'{path}': {reason}"))
        elif path not in source:
            problems.append(Problem(place, f"'{path}' is not in the pack"))
        else:
            keys.setdefault(path, zone.id)
    return keys


def _check_public_key(data: bytes, where: str, zone: str, problems: list[Problem]) -> None:
    try:
        key = load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        problems.append(Problem(where, f"unreadable public key for zone '{zone}' ({exc}); "
                                       "expected a PEM SubjectPublicKeyInfo"))
        return
    if not isinstance(key, Ed25519PublicKey):
        problems.append(Problem(where, f"public key for zone '{zone}' is {type(key).__name__.lstrip('_')}, "
                                       "expected Ed25519"))


def _check_roles(zone_images: dict[tuple[str, str], ZoneImages], files: dict[str, PackFile],
                 label: str, problems: list[Problem]) -> None:
    """The same picture must not be both an authentic reference and a known fake."""
    for (model, zone), images in zone_images.items():
        refs = {files[p].sha256: p for p in images.references if p in files}
        for path in images.counterfeits:
            if path in files and files[path].sha256 in refs:
                problems.append(Problem(f"{label}/{path}", f"the same image as reference "
                                                           f"'{refs[files[path].sha256]}' of zone '{zone}' "
                                                           f"(model '{model}') is listed as a counterfeit"))
