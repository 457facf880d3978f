"""Content-addressed file store: images kept once, by the sha256 of their bytes.

Reference images and captured photos live here, beside the database and never
inside it. A file's name is its hash, so identical images are stored once and a
verdict that names a hash names exactly the pixels it was judged on. Writes go
to a temporary file that is fsynced and then renamed, so a crash leaves either
the whole file or nothing. A temporary file left by a bench that died is
removed by the next store opened on the same root once it is a day old (the
store is shared, so a younger one may be another bench's write in progress).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import tempfile
import time
from pathlib import Path

_SHA_RE = re.compile(r"^[0-9a-f]{64}$")
#: A temporary file older than this was left by a process that died: no write takes a day.
STALE_TMP_SECONDS = 24 * 3600
_FULL = {errno.ENOSPC, errno.EDQUOT}


class StoreError(RuntimeError):
    """A blob is missing or does not match its name."""


class StoreFull(StoreError):
    """The store's file system (or the user's quota there) is full; nothing was stored."""


class ContentStore:
    """Blobs under ``root/ab/cd/<sha256>``; safe to share between processes."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)
        self._tmp = self.root / "tmp"
        self._tmp.mkdir(parents=True, exist_ok=True)
        self._remove_stale_tmp()

    def path_for(self, sha256: str) -> Path:
        if not _SHA_RE.match(sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def __contains__(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def put(self, data: bytes) -> tuple[str, bool]:
        """Store bytes; return (sha256, True if this call created the blob)."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.path_for(sha)
        if target.is_file():
            return sha, False
        try:
            self._write(data, sha, target)
        except OSError as exc:
            if exc.errno not in _FULL:
                raise
            raise StoreFull(f"the image store at {self.root} is full: free space there, nothing was recorded") from None
        return sha, True

    def _write(self, data: bytes, sha: str, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp, prefix=sha[:12] + ".")
        try:
            with os.fdopen(fd, "wb") as fh:
                os.fchmod(fh.fileno(), 0o644)  # mkstemp's 0600 would hide blobs from other bench users
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        _fsync_dir(target.parent)

    def read(self, sha256: str, *, verify: bool = True) -> bytes:
        """The blob's bytes; with ``verify``, refuse a blob whose content changed."""
        try:
            data = self.path_for(sha256).read_bytes()
        except FileNotFoundError:
            raise StoreError(f"blob {sha256[:12]}… is missing from the store at {self.root}") from None
        if verify and hashlib.sha256(data).hexdigest() != sha256:
            raise StoreError(f"blob {sha256[:12]}… in the store at {self.root} is corrupt (content changed)")
        return data

    def discard(self, sha256: str) -> None:
        """Remove a blob this process created and no record refers to (rollback)."""
        self.path_for(sha256).unlink(missing_ok=True)

    def _remove_stale_tmp(self) -> None:
        """Remove temporary files a killed writer left; no record names them (a blob is named once renamed)."""
        cutoff = time.time() - STALE_TMP_SECONDS
        for entry in os.scandir(self._tmp):
            with contextlib.suppress(OSError):   # another bench removed it first, or it just became a blob
                if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < cutoff:
                    os.unlink(entry.path)


def _fsync_dir(path: Path) -> None:
    """Make a rename durable: fsync the directory that holds the new entry."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return  # platforms without directory handles (Windows)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
