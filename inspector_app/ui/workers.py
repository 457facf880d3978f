"""Running use cases off the GUI thread, reporting back through signals.

A :class:`Job` wraps one call (a service method bound to its frozen request)
and runs it on a thread pool. Progress, the result and any failure come back
as queued signals, so slots always run on the GUI thread. Cancelling makes the
next progress report raise :class:`Cancelled` inside the work, where the
library's own all-or-nothing rollback cleans up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from shiboken6 import isValid


#: The work: called with a progress(stage, done, total) function, returns the result.
Work = Callable[[Callable[[str, int, int], None]], Any]


class Cancelled(Exception):
    """The user stopped the job before it finished; nothing was changed."""


class JobSignals(QObject):
    progress = Signal(str, int, int)
    finished = Signal(object)   # the work's result
    failed = Signal(object)     # the exception it raised


class Job(QRunnable):
    """One piece of work for a thread pool.

    Auto-deletion is off: the owner keeps the job referenced until it has
    handled ``finished`` or ``failed``, so the signals object outlives every
    queued emission.
    """

    def __init__(self, work: Work):
        super().__init__()
        self.setAutoDelete(False)
        self.signals = JobSignals()
        self._work = work
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            if self._cancel.is_set():
                raise Cancelled()
            result = self._work(self._report)
        except BaseException as exc:  # every failure goes to the GUI thread, none is lost in the pool
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)

    def _report(self, stage: str, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise Cancelled()
        self.signals.progress.emit(stage, done, total)


class JobRunner(QObject):
    """Starts jobs and keeps each one alive until its outcome has been delivered."""

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None):
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._running: set[Job] = set()

    def start(self, work: Work, *, on_finished: Callable[[Any], None], on_failed: Callable[[BaseException], None],
              on_progress: Callable[[str, int, int], None] | None = None) -> Job:
        job = Job(work)
        if on_progress is not None:
            job.signals.progress.connect(on_progress)
        job.signals.finished.connect(lambda result: self._settle(job, on_finished, result))
        job.signals.failed.connect(lambda exc: self._settle(job, on_failed, exc))
        self._running.add(job)
        self._pool.start(job)
        return job

    def _settle(self, job: Job, handler: Callable[[Any], None], value: Any) -> None:
        self._running.discard(job)
        if isValid(self):  # the window that asked may be gone by the time a late outcome arrives
            handler(value)

    def cancel_all(self) -> None:
        """Ask every running job to stop at its next progress report."""
        for job in self._running:
            job.cancel()

    @property
    def busy(self) -> bool:
        return bool(self._running)
