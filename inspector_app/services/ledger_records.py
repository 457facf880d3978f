"""Ledger entries for library and model changes, written in the change's own transaction.

A change made from the command line without ``--as`` is recorded as the
local operator: the account that runs the workstation on this machine.
"""

from __future__ import annotations

import getpass
import socket

from sqlalchemy.orm import Session

from reference_library.importer import Recorded, RecordHook
from reference_library.model_registry import ModelSummary
from reports.ledger import Kind, append


def local_operator() -> str:
    return f"local:{getpass.getuser()}@{socket.gethostname()}"


def ledger_import(actor: str) -> RecordHook:
    """An import hook that appends the pack import to the ledger."""
    def record(session: Session, r: Recorded) -> None:
        append(session, actor, Kind.PACK_IMPORT, r.brand, {
            "brand": r.brand, "version": r.version, "revision": r.revision, "digest": r.digest,
            "became_current": r.became_current})
    return record


def record_model_install(session: Session, actor: str, model: ModelSummary) -> None:
    append(session, actor, Kind.MODEL_INSTALL, model.sha256, {
        "name": model.name, "version": model.version, "sha256": model.sha256, "kinds": list(model.kinds),
        "threshold": model.threshold})
