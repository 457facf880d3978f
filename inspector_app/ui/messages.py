"""One line for the user from any exception a service raises; never a traceback in the window.

The services raise exceptions whose text is written for people (CaseError,
PermissionDenied, WrongPassword, PackError …): those are shown as they are.
Anything else is a bug: it is logged with its traceback and the user is told
where the details are.
"""

from __future__ import annotations

import functools
import logging

from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger(__name__)


@functools.cache
def expected_errors() -> tuple[type[BaseException], ...]:
    """Exceptions whose message is already written for the person at the bench.

    Imported on first use: the services behind them load the whole engine,
    which the sign-in dialog must not wait for.
    """
    from reference_library.model_registry import RegistryError
    from reference_library.problems import PackError
    from reference_library.store import StoreError
    from reports.checklist import RuleViolation
    from reports.pki import WrongPassword
    from reports.users import AuthenticationFailed, PermissionDenied
    from vision.classifier import ModelError

    from ..services.cases import CaseError
    from ..services.claims import CaseClaimed
    from ..services.db_faults import DatabaseUnavailable
    from ..services.inspection import InspectionError
    from ..services.suggestions import SuggestionError
    from ..services.users import UserError
    from .image_loading import UnreadableImage

    return (CaseError, CaseClaimed, InspectionError, UserError, PermissionDenied, AuthenticationFailed, RuleViolation,
            RegistryError, ModelError, PackError, StoreError, WrongPassword, UnreadableImage, DatabaseUnavailable,
            SuggestionError, OSError)


def is_recording_fault(exc: BaseException) -> bool:
    """The bench could not record (database unreachable, image store full), not a fault of what was recorded:
    the same step can simply be tried again."""
    from reference_library.store import StoreFull

    from ..services.db_faults import DatabaseUnavailable

    return isinstance(exc, (DatabaseUnavailable, StoreFull))


def describe_error(exc: BaseException) -> str:
    """The exception as one sentence for the window; unexpected ones are logged in full."""
    from reports.pki import WrongPassword

    if isinstance(exc, WrongPassword):
        return "Wrong password: nothing was signed."
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror}{where}."
    if isinstance(exc, expected_errors()):
        text = str(exc).strip() or type(exc).__name__
        return text[0].upper() + text[1:]
    log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    return f"Something went wrong ({type(exc).__name__}: {exc}). The details are in the log."


def show_error(parent: QWidget | None, title: str, exc: BaseException) -> None:
    """A warning box with the one-line description."""
    QMessageBox.warning(parent, title, describe_error(exc))
