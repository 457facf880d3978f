"""``inspector-app verify``: a report's signature, its chain to the organisation, its ledger entry.

Anyone may verify: no user signs in. A report is valid only when all three
agree; the first disagreement is the reason given.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from reports.report_data import ReportData
from reports.signing import verify_pdf
from reports.verification import ledger_mismatch

from .users import UserError, UserService


@dataclass(frozen=True)
class ReportVerdict:
    valid: bool
    reason: str                    # one line
    report: ReportData | None = None


class ReportVerifier:
    def __init__(self, session_factory: sessionmaker[Session], users: UserService):
        self._session_factory = session_factory
        self._users = users

    def verify(self, pdf: bytes) -> ReportVerdict:
        try:
            authority = self._users.authority_cert_pem()
        except UserError as exc:
            return ReportVerdict(False, f"not valid: cannot check the certificate chain: {exc}")
        check = verify_pdf(pdf, authority)
        if not check.valid or check.attachment is None:
            return ReportVerdict(False, check.reason)
        try:
            report = ReportData.from_json_bytes(check.attachment)
        except ValueError as exc:
            return ReportVerdict(False, f"not valid: the embedded data is not a report ({exc})")
        with self._session_factory() as session:
            problem = ledger_mismatch(session, report.case_number, check.attachment, pdf)
        if problem:
            return ReportVerdict(False, f"not valid: {problem}", report)
        return ReportVerdict(True, f"{check.reason}; case {report.case_number}, {report.decision}, "
                                   f"matches its ledger entry", report)
