"""Does a signed report match what the ledger recorded when it was signed?

The signature proves who signed which bytes; the ledger proves that this
report is the one recorded for its case. A report re-signed by another
inspector of the organisation, or one whose ledger entry was edited, has a
valid signature but fails here.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from .cases import CaseRow, VerdictRow
from .ledger import LedgerEntry, entry_hash


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
