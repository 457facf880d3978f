"""Reading a pack from a directory or a zip, refusing anything hostile.

Packs come from outside the organisation, so a pack is treated like any
untrusted archive: names that escape the root, links, special files, too many
files or too many bytes are refused before anything is read, and every read is
bounded whatever the archive's headers claim. Files are read lazily so a large
pack is never held in memory at once.
"""

from __future__ import annotations

import lzma
import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath

from .problems import PackError, Problem

MANIFEST_NAME = "pack.toml"


@dataclass(frozen=True)
class SourceLimits:
    """Ceilings that keep a pack from exhausting the bench (bench settings)."""

    max_files: int = 20_000
    max_file_bytes: int = 200 * 1024**2
    max_total_bytes: int = 4 * 1024**3
    max_image_pixels: int = 60_000_000


class PackSource:
    """The files of one pack, by POSIX path relative to the pack root."""

    def __init__(self, label: str, sizes: dict[str, int]):
        self.label = label
        self._sizes = dict(sorted(sizes.items()))

    def names(self) -> list[str]:
        return list(self._sizes)

    def size(self, name: str) -> int:
        return self._sizes[name]

    def __contains__(self, name: str) -> bool:
        return name in self._sizes

    def read(self, name: str) -> bytes:
        raise NotImplementedError

    def glob(self, pattern: str) -> list[str]:
        """Pack files matching a manifest glob, sorted (``*``, ``?``, ``[..]``, ``**``)."""
        return [n for n in self._sizes if match_glob(pattern, n)]

    def close(self) -> None:
        """Release the underlying file, if any."""

    def __enter__(self) -> PackSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_pack_source(path: str | os.PathLike[str], limits: SourceLimits = SourceLimits()) -> PackSource:
    """Open a pack directory or ``.zip``; raise :class:`PackError` if it is unsafe."""
    p = Path(path)
    if p.is_dir():
        return _DirectorySource.open(p, limits)
    if p.is_file():
        if not zipfile.is_zipfile(p):
            raise PackError([Problem(p.name, "not a pack directory or a .zip archive")], "cannot open pack")
        return _ZipSource.open(p, limits)
    raise PackError([Problem(str(p), "no such file or directory")], "cannot open pack")


def match_glob(pattern: str, name: str) -> bool:
    """Match a manifest glob against a pack path, segment by segment.

    Unlike :func:`fnmatch.fnmatch`, ``*`` never crosses a ``/``; ``**`` as a
    whole segment matches any number of directories.
    """
    return _match_parts(pattern.split("/"), name.split("/"))


def _match_parts(pat: list[str], parts: list[str]) -> bool:
    if not pat:
        return not parts
    if pat[0] == "**":
        return any(_match_parts(pat[1:], parts[i:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatchcase(parts[0], pat[0]) and _match_parts(pat[1:], parts[1:])


def unsafe_path_reason(name: str) -> str | None:
    """Why a pack-relative path must be refused, or None when it is safe."""
    if not name:
        return "empty path"
    if "\\" in name:
        return "backslash in path"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "absolute path"
    if any(part == ".." for part in PurePosixPath(name).parts):
        return "path escapes the pack root (..)"
    if "\x00" in name:
        return "NUL byte in path"
    return None


class _Budget:
    """Counts files and bytes against the limits, collecting problems."""

    def __init__(self, label: str, limits: SourceLimits):
        self.label, self.limits = label, limits
        self.problems: list[Problem] = []
        self.files = 0
        self.total = 0

    def add(self, name: str, size: int) -> None:
        self.files += 1
        self.total += size
        if size > self.limits.max_file_bytes:
            self.problems.append(Problem(f"{self.label}: {name}",
                                         f"file is {size:,} bytes, over the limit of {self.limits.max_file_bytes:,}"))

    def check_totals(self) -> None:
        if self.files > self.limits.max_files:
            self.problems.append(Problem(self.label, f"{self.files:,} files, over the limit of {self.limits.max_files:,} files"))
        if self.total > self.limits.max_total_bytes:
            self.problems.append(Problem(self.label, f"{self.total:,} bytes uncompressed, over the limit of "
                                                     f"{self.limits.max_total_bytes:,}"))

    def raise_if_any(self) -> None:
        if self.problems:
            raise PackError(self.problems, "pack refused as unsafe")


class _DirectorySource(PackSource):
    def __init__(self, root: Path, sizes: dict[str, int], limits: SourceLimits):
        super().__init__(root.name or str(root), sizes)
        self._root = root
        self._limits = limits

    @classmethod
    def open(cls, root: Path, limits: SourceLimits) -> _DirectorySource:
        label = root.name or str(root)
        budget = _Budget(label, limits)
        sizes: dict[str, int] = {}
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            for entry in sorted(dirnames + filenames):
                full = Path(dirpath, entry)
                rel = full.relative_to(root).as_posix()
                st = full.lstat()
                if stat.S_ISLNK(st.st_mode):
                    budget.problems.append(Problem(f"{label}: {rel}", "symbolic link (links are not allowed in a pack)"))
                elif stat.S_ISREG(st.st_mode):
                    budget.add(rel, st.st_size)
                    sizes[rel] = st.st_size
                elif not stat.S_ISDIR(st.st_mode):
                    budget.problems.append(Problem(f"{label}: {rel}", "special file (not a regular file)"))
            if budget.files > limits.max_files:
                break  # stop walking a tree that is already over the limit
        budget.check_totals()
        budget.raise_if_any()
        return cls(root, sizes, limits)

    def read(self, name: str) -> bytes:
        expected = self.size(name)
        with open(self._root / name, "rb") as fh:
            data = fh.read(self._limits.max_file_bytes + 1)
        if len(data) != expected:
            raise PackError([Problem(f"{self.label}: {name}", "file changed while the pack was being read")])
        return data


class _ZipSource(PackSource):
    def __init__(self, zf: zipfile.ZipFile, label: str, members: dict[str, zipfile.ZipInfo],
                 limits: SourceLimits):
        super().__init__(label, {n: i.file_size for n, i in members.items()})
        self._zf = zf
        self._members = members
        self._limits = limits

    @classmethod
    def open(cls, path: Path, limits: SourceLimits) -> _ZipSource:
        label = path.name
        try:
            zf = zipfile.ZipFile(path)
        except UnicodeDecodeError:
            raise PackError([Problem(label, "damaged zip archive (a member name marked UTF-8 is not UTF-8)")],
                            "cannot open pack") from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise PackError([Problem(label, f"damaged zip archive ({exc})")], "cannot open pack") from None
        try:
            members = cls._check_members(zf, label, limits)
        except BaseException:
            zf.close()
            raise
        return cls(zf, label, members, limits)

    @staticmethod
    def _check_members(zf: zipfile.ZipFile, label: str, limits: SourceLimits) -> dict[str, zipfile.ZipInfo]:
        budget = _Budget(label, limits)
        infos = zf.infolist()
        if len(infos) > limits.max_files:
            budget.files = len(infos)
            budget.check_totals()
            budget.raise_if_any()
        seen: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename
            where = f"{label}: {name}"
            reason = unsafe_path_reason(name)
            mode = info.external_attr >> 16
            if reason:
                budget.problems.append(Problem(where, f"unsafe member: {reason}"))
            elif stat.S_ISLNK(mode):
                budget.problems.append(Problem(where, "symbolic link (links are not allowed in a pack)"))
            elif info.flag_bits & 0x1:
                budget.problems.append(Problem(where, "encrypted member"))
            elif info.is_dir():
                continue
            elif name in seen:
                budget.problems.append(Problem(where, "duplicate member name"))
            else:
                seen[name] = info
                budget.add(name, info.file_size)
        budget.check_totals()
        budget.raise_if_any()
        # A zip of a pack directory holds one top folder around pack.toml: strip it.
        if MANIFEST_NAME not in seen:
            tops = {n.split("/", 1)[0] for n in seen}
            if len(tops) == 1 and f"{next(iter(tops))}/{MANIFEST_NAME}" in seen:
                prefix = next(iter(tops)) + "/"
                seen = {n[len(prefix):]: i for n, i in seen.items()}
        return seen

    def read(self, name: str) -> bytes:
        info = self._members[name]
        where = f"{self.label}: {name}"
        try:
            with self._zf.open(info) as fh:
                # Bounded whatever the header claims: a lying size cannot balloon.
                data = fh.read(min(info.file_size, self._limits.max_file_bytes) + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error, lzma.LZMAError) as exc:
            raise PackError([Problem(where, f"damaged member ({exc})")]) from None
        except NotImplementedError:  # zipfile's word for a compression method it cannot read
            raise PackError([Problem(where, f"unsupported compression method {info.compress_type}")]) from None
        if len(data) != info.file_size:
            raise PackError([Problem(where, "member size does not match the archive's header")])
        return data

    def close(self) -> None:
        self._zf.close()
