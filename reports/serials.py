"""Serials seen at the bench: a serial seen before on another item is a clone alert.

A counterfeiter cannot forge a brand's signature, but can copy a genuine tag.
Every serial read during an inspection is recorded with the case it came from;
the same serial on a different case is reported as a possible clone.
Re-inspecting the same case never alerts on itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import DateTime, String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from reference_library.db import Base


class SerialSighting(Base):
    __tablename__ = "serial_sightings"
    __table_args__ = (UniqueConstraint("brand", "serial", "case_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brand: Mapped[str] = mapped_column(String(64))
    serial: Mapped[str] = mapped_column(String(200), index=True)
    case_ref: Mapped[str] = mapped_column(String(200))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Sighting:
    case_ref: str
    seen_at: datetime


def sightings_elsewhere(session: Session, brand: str, serial: str, case_ref: str | None) -> list[Sighting]:
    """Earlier sightings of this brand's serial on other cases, oldest first."""
    query = select(SerialSighting).where(SerialSighting.brand == brand, SerialSighting.serial == serial)
    if case_ref is not None:
        query = query.where(SerialSighting.case_ref != case_ref)
    return [Sighting(s.case_ref, s.seen_at) for s in session.scalars(query.order_by(SerialSighting.seen_at))]


def record_sighting(session: Session, brand: str, serial: str, case_ref: str) -> None:
    """Remember that ``case_ref`` carries ``serial`` (idempotent per case)."""
    exists = session.scalar(select(SerialSighting.id).where(
        SerialSighting.brand == brand, SerialSighting.serial == serial, SerialSighting.case_ref == case_ref))
    if exists is not None:
        return
    try:
        with session.begin_nested():
            session.add(SerialSighting(brand=brand, serial=serial, case_ref=case_ref, seen_at=datetime.now(UTC)))
    except IntegrityError:
        pass  # another bench recorded the same sighting a moment ago
