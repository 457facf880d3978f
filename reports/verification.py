"""Do signed reports and verdict rows match what the ledger recorded when they were signed?

The signature proves who signed which bytes; the ledger proves that this
report is the one recorded for its case. A report re-signed by another
inspector of the organisation, or one whose ledger entry was edited, has a
valid signature but fails here; so does a verdict row changed by hand in
the database, which the ORM alone cannot prevent.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from .cases import CaseRow, VerdictRow
from .ledger import Kind, LedgerEntry, entry_hash

_BATCH = 2000
#: Verdict columns the ledger entry repeats, by payload key.
_RECORDED = {"decision": "decision", "tag_number": "tag_number", "report_pdf_sha256": "report_pdf_sha256",
             "report_json_sha256": "report_json_sha256", "override_reason": "override_reason"}


def ledger_mismatch(session: Session, case_number: str, report_json: bytes, report_pdf: bytes) -> str | None:
    """Why the report does not match its case's ledger entry, or None when it does."""
    row = session.execute(select(VerdictRow.ledger_seq).join(CaseRow, CaseRow.id == VerdictRow.case_id)
                          .where(CaseRow.case_number == case_number)).first()
    if row is None:
        return f"no signed verdict is recorded for case '{case_number}' on this workstation's ledger"
    entry = session.get(LedgerEntry, row.ledger_seq)
    if entry is None:
        return f"the ledger entry {row.ledger_seq} of case '{case_number}' was removed"
    if entry_hash(entry.prev_hash, entry.seq, entry.at, entry.actor, entry.kind, entry.subject,
                  entry.payload) != entry.hash:
        return f"the ledger entry {entry.seq} of case '{case_number}' was changed"
    payload = json.loads(entry.payload)
    if payload.get("report_json_sha256") != hashlib.sha256(report_json).hexdigest():
        return f"the report's embedded data is not the data the ledger recorded for case '{case_number}'"
    if payload.get("report_pdf_sha256") != hashlib.sha256(report_pdf).hexdigest():
        return f"this file is not the report the ledger recorded for case '{case_number}' (entry {entry.seq})"
    return None


def verdict_row_mismatch(session: Session) -> tuple[int, str] | None:
    """The first verdict row that differs from its ledger entry, as (entry number, why); None if all match.

    Streams in batches (constant memory), as the chain walk does.
    """
    rows = session.execute(
        select(CaseRow.case_number, VerdictRow.ledger_seq, LedgerEntry.payload,
               *(getattr(VerdictRow, column) for column in _RECORDED.values()))
        .join(CaseRow, CaseRow.id == VerdictRow.case_id)
        .outerjoin(LedgerEntry, LedgerEntry.seq == VerdictRow.ledger_seq)
        .order_by(VerdictRow.ledger_seq).execution_options(yield_per=_BATCH))
    for case_number, seq, payload, *values in rows:
        if payload is None:
            rows.close()
            return seq, f"the verdict of case '{case_number}' names ledger entry {seq}, which does not exist"
        recorded = json.loads(payload)
        for key, value in zip(_RECORDED, values):
            if recorded.get(key) != value:
                rows.close()
                return seq, (f"the verdict row of case '{case_number}' was changed: its {key.replace('_', ' ')} "
                             f"is not what ledger entry {seq} recorded")
    return _recorded_verdict_missing(session)


def _recorded_verdict_missing(session: Session) -> tuple[int, str] | None:
    """The first verdict the ledger recorded whose row is gone (deleted by hand), as (entry number, why)."""
    missing = session.execute(
        select(LedgerEntry.seq, LedgerEntry.subject)
        .where(LedgerEntry.kind == Kind.VERDICT.value,
               ~select(VerdictRow.id).where(VerdictRow.ledger_seq == LedgerEntry.seq).exists())
        .order_by(LedgerEntry.seq).limit(1)).first()
    if missing is None:
        return None
    return missing.seq, (f"ledger entry {missing.seq} records the verdict of case '{missing.subject}', "
                         "whose verdict row was removed")
