"""Cases at the bench and the verdicts that close them.

A case is saved row by row as the inspector works (intake, each photo, each
analysis, each answer), so a crash or a closed window loses nothing and the
case is resumed from the database. Photos and analyses are only ever added:
a retake adds a photo row and the latest one counts, so the evidence of
every step stays. A signed verdict is written once and never changed: the
ORM refuses to update or delete it, and a supervisor's opinion is a separate
review row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, event, select, text
from sqlalchemy.orm import Mapped, Mapper, Session, mapped_column

from reference_library.db import Base


class VerdictImmutable(Exception):
    """Something tried to change or delete a signed verdict."""


class CaseRow(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(64), unique=True)
    brand: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(64))
    pack_version: Mapped[str] = mapped_column(String(64))   # the checklist's pack, fixed at intake
    pack_revision: Mapped[int] = mapped_column(Integer)
    order_ref: Mapped[str | None] = mapped_column(String(200))
    declared_value: Mapped[str | None] = mapped_column(String(64))   # as written at intake, with its currency
    intake_at: Mapped[datetime]
    opened_by: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="open", index=True)   # open | decided
    # the bench working the case, and who at it: one at a time (see inspector_app/services/claims.py)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_bench: Mapped[str | None] = mapped_column(String(128))
    claimed_at: Mapped[datetime | None]


class CasePhoto(Base):
    """A photo of one zone, in the content store; a retake adds a row and the latest counts."""

    __tablename__ = "case_photos"
    __table_args__ = (Index("ix_case_photos_case_zone", "case_id", "zone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    zone: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    taken_at: Mapped[datetime]
    taken_by: Mapped[str] = mapped_column(String(64))


class CaseAnalysis(Base):
    """One run of the machine over the case's photos: its suggestion and what it judged against."""

    __tablename__ = "case_analyses"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    suggested: Mapped[str] = mapped_column(String(16))
    judged_against: Mapped[dict[str, Any]]
    at: Mapped[datetime]


class ZoneResult(Base):
    """A zone's result within an analysis, as ``InspectionResult`` zone JSON."""

    __tablename__ = "zone_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("case_analyses.id"), index=True)
    zone: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    analysis: Mapped[dict[str, Any]]


class ChecklistAnswer(Base):
    """The inspector's latest answer to one check of a case."""

    __tablename__ = "checklist_answers"
    __table_args__ = (Index("uq_checklist_answers_case_check", "case_id", "check_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    check_id: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str] = mapped_column(String(8))   # pass | fail | na
    note: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


class VerdictRow(Base):
    """The signed verdict of a case (one per case, never updated).

    Brand and model are repeated from the case so the audit search filters and
    sorts on one table's indexes.
    """

    __tablename__ = "verdicts"
    __table_args__ = (
        Index("ix_verdicts_decided_at", "decided_at"),
        Index("ix_verdicts_inspector_decided_at", "inspector", "decided_at"),
        Index("ix_verdicts_brand_decided_at", "brand", "decided_at"),
        Index("ix_verdicts_model_decided_at", "model", "decided_at"),
        Index("ix_verdicts_decision_decided_at", "decision", "decided_at"),
        # the audit browser sorts by every column, ties broken by decision time
        Index("ix_verdicts_brand_model_decided_at", "brand", "model", "decided_at"),
        Index("ix_verdicts_suggested_decided_at", "suggested", "decided_at"),
        Index("ix_verdicts_intake_at", "intake_at"),
        # with the id too: the tag's many NULLs (every FAIL) otherwise make a sort of 300,000 rows per page
        Index("ix_verdicts_tag_number_decided_at_id", "tag_number", "decided_at", "id"),
        Index("ix_verdicts_reason_kinds_decided_at", "reason_kinds", "decided_at"),
        # statistics over a period read this index alone (an index-only scan), never the wide rows
        Index("ix_verdicts_statistics", "decided_at", "intake_at", "brand", "decision", "suggested", "id"),
        # sorting by "overridden", on PostgreSQL (written as PostgreSQL spells it back, for the schema check)
        Index("ix_verdicts_overridden_decided_at_id", text("(decision::text <> suggested::text)"), "decided_at",
              "id").ddl_if(dialect="postgresql"),
        # the escalation queue: the INCONCLUSIVE verdicts, oldest first
        Index("ix_verdicts_inconclusive", "decided_at", "id", postgresql_where=text("decision = 'INCONCLUSIVE'"),
              sqlite_where=text("decision = 'INCONCLUSIVE'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    brand: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(16))
    suggested: Mapped[str] = mapped_column(String(16))
    override_reason: Mapped[str | None] = mapped_column(Text)
    reasons: Mapped[dict[str, Any]]          # {"authenticity": [...], "condition": [...], "listing": [...]}
    reason_kinds: Mapped[str] = mapped_column(String(64))   # the kinds with a reason, e.g. "authenticity,listing"
    judged_against: Mapped[dict[str, Any]]
    inspector: Mapped[str] = mapped_column(String(64))
    intake_at: Mapped[datetime]
    decided_at: Mapped[datetime]
    tag_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    report_pdf_sha256: Mapped[str] = mapped_column(String(64))
    report_json_sha256: Mapped[str] = mapped_column(String(64))
    ledger_seq: Mapped[int] = mapped_column(Integer)


class ReviewRow(Base):
    """A supervisor's second opinion on a verdict; the verdict itself stays as signed."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    verdict_id: Mapped[int] = mapped_column(ForeignKey("verdicts.id"), index=True)
    supervisor: Mapped[str] = mapped_column(String(64))
    agree: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]
    ledger_seq: Mapped[int] = mapped_column(Integer)


@event.listens_for(VerdictRow, "before_update")
@event.listens_for(VerdictRow, "before_delete")
def _refuse_change(_mapper: Mapper[VerdictRow], _conn: Any, target: VerdictRow) -> None:
    raise VerdictImmutable(f"verdict {target.id} is signed: it cannot be changed or deleted, only reviewed")


def latest_photos(session: Session, case_id: int) -> dict[str, CasePhoto]:
    """Zone -> the photo that counts (the latest taken)."""
    rows = session.scalars(select(CasePhoto).where(CasePhoto.case_id == case_id).order_by(CasePhoto.id))
    return {p.zone: p for p in rows}


def latest_analysis(session: Session, case_id: int) -> tuple[CaseAnalysis, list[ZoneResult]] | None:
    analysis = session.scalar(select(CaseAnalysis).where(CaseAnalysis.case_id == case_id)
                              .order_by(CaseAnalysis.id.desc()).limit(1))
    if analysis is None:
        return None
    zones = list(session.scalars(select(ZoneResult).where(ZoneResult.analysis_id == analysis.id)
                                 .order_by(ZoneResult.id)))
    return analysis, zones

