"""A watched folder for tethered cameras: each photo the camera finishes writing arrives once.

Tethering software writes a shot over a second or more, so a file is taken
only once its size has stayed the same over two polls; a half-written JPEG
is never handed to the quality gate. Files present when watching starts are
old shots, not this item's, and are ignored.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

#: What a camera writes; anything else in the folder (sidecars, temp files) is ignored.
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp"})
#: Time between two looks at a file still being written.
POLL_MS = 250
#: Unchanged looks in a row before a file counts as complete.
STABLE_POLLS = 2


def is_image_file(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_SUFFIXES and not path.name.startswith(".")


class HotFolder(QObject):
    arrived = Signal(Path)   # a new, completely written image
    error = Signal(str)      # the folder cannot be watched (gone, not readable)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._folder: Path | None = None
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._scan)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._known: set[str] = set()                     # names seen already (old, taken or not images)
        self._growing: dict[str, tuple[int, int, int]] = {}   # name -> (size, mtime_ns, unchanged polls)

    @property
    def folder(self) -> Path | None:
        return self._folder

    @property
    def active(self) -> bool:
        return self._folder is not None

    def start(self, folder: Path) -> bool:
        """Watch ``folder`` from now on; False (and ``error``) if it cannot be read."""
        self.stop()
        try:
            self._known = {entry.name for entry in os.scandir(folder)}
        except OSError as exc:
            self.error.emit(f"The hot folder {folder} cannot be watched: {exc.strerror or exc}.")
            return False
        self._folder = folder
        self._watcher.addPath(str(folder))
        self._timer.start()   # also catches what a watcher misses (network shares, some file systems)
        return True

    def stop(self) -> None:
        if self._watcher.directories():
            self._watcher.removePaths(self._watcher.directories())
        self._timer.stop()
        self._folder = None
        self._growing.clear()
        self._known.clear()

    def _scan(self) -> None:
        """Note new image files; they are taken by :meth:`_poll` once complete."""
        if self._folder is None:
            return
        try:
            names = [entry.name for entry in os.scandir(self._folder)]
        except OSError as exc:
            folder = self._folder
            self.stop()
            self.error.emit(f"The hot folder {folder} is no longer readable: {exc.strerror or exc}.")
            return
        for name in names:
            if name in self._known or name in self._growing:
                continue
            if is_image_file(Path(name)):
                self._growing[name] = (-1, -1, 0)
            else:
                self._known.add(name)

    def _poll(self) -> None:
        self._scan()
        if self._folder is None:
            return
        for name, (size, mtime, unchanged) in list(self._growing.items()):
            path = self._folder / name
            try:
                stat = path.stat()
            except OSError:   # renamed or deleted while being written
                del self._growing[name]
                continue
            same = stat.st_size == size and stat.st_mtime_ns == mtime and stat.st_size > 0
            unchanged = unchanged + 1 if same else 0
            if unchanged >= STABLE_POLLS:
                del self._growing[name]
                self._known.add(name)
                self.arrived.emit(path)
            else:
                self._growing[name] = (stat.st_size, stat.st_mtime_ns, unchanged)
