"""Pack imports from the window: one at a time, as the signed-in user, on a worker, with a clear outcome.

The controller turns the user's choice into a frozen request, runs the
library service on a worker and reports one of four outcomes as signals:
imported, refused (the pack's problems), cancelled, or failed (not allowed,
unreadable, or a bug; one line for the user). The library's import is all or
nothing, so only ``succeeded`` means anything changed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from reference_library.problems import PackError
from reports.users import User

from ..services.library import ImportRequest, LibraryService
from .messages import describe_error
from .workers import Cancelled, JobRunner, Work


class ImportController(QObject):
    started = Signal(str)             # what is being imported, for the progress display
    progress = Signal(str, int, int)  # stage, done, total
    succeeded = Signal(object)        # list[ImportResult]
    refused = Signal(str, object)     # what was refused, the PackError
    cancelled = Signal(str)
    failed = Signal(str, str)         # what failed, why in one line
    settled = Signal()                # after any outcome: the controller is idle again

    def __init__(self, service: LibraryService, actor: User, parent: QObject | None = None):
        super().__init__(parent)
        self._service = service
        self._actor = actor
        self._runner = JobRunner(self)

    @property
    def busy(self) -> bool:
        return self._runner.busy

    def import_pack(self, path: Path) -> bool:
        """Start importing a pack directory or zip; False if an import is already running."""
        request = ImportRequest(path=Path(path))
        return self._start(path.name, lambda progress: self._service.import_pack(self._actor, request, progress))

    def cancel(self) -> None:
        self._runner.cancel_all()

    def _start(self, label: str, work: Work) -> bool:
        if self.busy:
            return False
        self._runner.start(work, on_progress=lambda *report: self.progress.emit(*report),
                           on_finished=self._on_finished,
                           on_failed=lambda exc: self._on_failed(label, exc))
        self.started.emit(label)   # after the start, so ``busy`` is already true; outcomes arrive queued
        return True

    def _on_finished(self, results: list[object]) -> None:
        self.succeeded.emit(results)
        self.settled.emit()

    def _on_failed(self, label: str, exc: BaseException) -> None:
        if isinstance(exc, PackError):
            self.refused.emit(label, exc)
        elif isinstance(exc, Cancelled):
            self.cancelled.emit(label)
        else:
            self.failed.emit(label, describe_error(exc))   # logs the traceback of anything unexpected
        self.settled.emit()
