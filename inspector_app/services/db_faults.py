"""When the database drops out under a step: one quiet retry, then one clear line.

On a shared PostgreSQL database the server can restart, a network switch can
blink or an administrator can end a session. A connection that died between
steps is replaced before use (``pool_pre_ping``); one that dies inside a step
rolls that step's transaction back, so nothing of it was written. Every
:class:`~inspector_app.services.cases.CaseService` step re-reads and re-claims
its case, so running it again is safe: it is retried once on a fresh
connection; so are the reads of the other services (audit, users, library).
Their writes (a review, a new user) are not retried, because a commit whose
answer was lost would be made twice. If the database still cannot be reached the step raises
:class:`DatabaseUnavailable`, whose text tells the inspector that nothing was
lost (photos are in the content store before any row names them) and to try
again.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, OperationalError

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached, or dropped the connection twice in one step; one line, safe to retry."""


def is_disconnect(exc: BaseException) -> bool:
    """True when the connection died (server gone, network cut, session ended) or could not be made.

    A connection failure has no statement; a connection lost in use is marked invalidated by SQLAlchemy.
    Anything else (a constraint, a serialization conflict) is a different fault and passes through.
    """
    return isinstance(exc, DBAPIError) and (
        exc.connection_invalidated or (isinstance(exc, OperationalError) and exc.statement is None))


def unavailable(url: URL, exc: DBAPIError) -> DatabaseUnavailable:
    """The one line the inspector reads, naming where the database is and what the driver said."""
    where = url.database if url.get_backend_name() == "sqlite" else f"{url.host or 'localhost'}:{url.port or 5432}"
    said = str(exc.orig).strip().splitlines()[0].rsplit(": ", 1)[-1].strip().rstrip(".") if exc.orig else ""
    cause = f" ({said[:1].lower()}{said[1:]})" if said else ""
    return DatabaseUnavailable(f"the database at {where} cannot be reached{cause}: nothing was lost; try again")


def retry_on_disconnect(step: Callable[P, R]) -> Callable[P, R]:
    """Run a repeatable service step again once if the connection died; then raise :class:`DatabaseUnavailable`.

    The step's object keeps its session factory as ``_session_factory`` (the services do), which names the database.
    """
    @functools.wraps(step)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return step(*args, **kwargs)
        except DBAPIError as exc:
            if not is_disconnect(exc):
                raise
            log.warning("database connection lost in %s; trying once more: %s", step.__qualname__, exc.orig)
        try:
            return step(*args, **kwargs)
        except DBAPIError as exc:
            if not is_disconnect(exc):
                raise
            raise unavailable(_database_of(args[0]), exc) from exc
    return run


def _database_of(service: object) -> URL:
    """The URL of the engine behind a service's ``_session_factory``."""
    return service._session_factory.kw["bind"].url   # type: ignore[attr-defined]
