"""Everything a signed report shows, as frozen data with one canonical JSON form.

The same JSON is embedded in the PDF (attachment ``inspection.json``) and
hashed into the PASS report's QR code, so it must be byte-for-byte
reproducible: sorted keys, no spaces, UTF-8, ISO 8601 times. No Qt here: the
rendering lives in ``inspector_app.report_pdf``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

ATTACHMENT_NAME = "inspection.json"
FORMAT = "inspector-report/1"
QR_PREFIX = "IWV1"
REASON_CATEGORIES = ("authenticity", "condition", "listing")
VERDICTS = ("PASS", "FAIL", "INCONCLUSIVE")


@dataclass(frozen=True)
class ReportFinding:
    """One measurement of a zone, said in words (``message``) for the reader."""

    metric: str
    value: float | str | None
    expected: str
    passed: bool
    message: str


@dataclass(frozen=True)
class ReportEvidence:
    """An image the analysis produced (aligned crop, difference heat map...), in the content store."""

    name: str
    caption: str
    sha256: str


@dataclass(frozen=True)
class ReportZone:
    """A zone's photo, its reference, the machine's status (pass|fail|inconclusive) and why."""

    zone_id: str
    title: str
    kind: str
    critical: bool
    status: str
    findings: tuple[ReportFinding, ...] = ()
    photo_sha256: str | None = None
    reference_sha256: str | None = None
    evidence: tuple[ReportEvidence, ...] = ()
    retake: str | None = None


@dataclass(frozen=True)
class ReportCheck:
    """A checklist item: the machine's pre-filled answer (pass|fail|None) and the inspector's (pass|fail|na)."""

    check_id: str
    text: str
    critical: bool
    zone_id: str | None
    machine: str | None
    answer: str
    note: str = ""


@dataclass(frozen=True)
class ReportData:
    """A whole report, normalised on creation so equal reports give equal JSON.

    ``judged_against`` and ``reasons`` become plain JSON types; naive times are taken as UTC.
    """

    case_number: str
    order_ref: str | None
    declared_value: str | None
    brand: str
    brand_name: str
    model: str
    model_name: str
    pack_version: str
    pack_revision: int
    pack_digest: str
    zones: tuple[ReportZone, ...]
    checklist: tuple[ReportCheck, ...]
    suggested: str
    decision: str
    override_reason: str | None
    reasons: Mapping[str, tuple[str, ...]]
    inspector_username: str
    inspector_name: str
    intake_at: dt.datetime
    decided_at: dt.datetime
    tag_number: str | None
    judged_against: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("suggested", "decision"):
            if getattr(self, name) not in VERDICTS:
                raise ValueError(f"{name} must be one of {', '.join(VERDICTS)}")
        for name in ("intake_at", "decided_at"):
            if getattr(self, name).tzinfo is None:  # SQLite drops the zone of the UTC times the workstation stores
                object.__setattr__(self, name, getattr(self, name).replace(tzinfo=dt.timezone.utc))
        unknown = set(self.reasons) - set(REASON_CATEGORIES)
        if unknown:
            raise ValueError(f"unknown reason categories: {', '.join(sorted(unknown))}")
        # Equal data must give equal JSON and compare equal after a round trip: tuples become lists etc.
        object.__setattr__(self, "reasons", {k: tuple(v) for k, v in self.reasons.items()})
        object.__setattr__(self, "judged_against", json.loads(json.dumps(dict(self.judged_against))))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types, with the format marker."""
        out = asdict(self)
        out["reasons"] = {k: list(v) for k, v in self.reasons.items()}
        out["intake_at"] = self.intake_at.isoformat()
        out["decided_at"] = self.decided_at.isoformat()
        out["format"] = FORMAT
        return out

    def to_json_bytes(self) -> bytes:
        """The canonical JSON: what is embedded in the PDF and hashed into the QR code."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                          allow_nan=False).encode("utf-8")

    @classmethod
    def from_json_bytes(cls, data: bytes) -> ReportData:
        """Parse an embedded attachment; ValueError if it is not a report of this format."""
        try:
            raw = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"not report JSON: {exc}") from exc
        if not isinstance(raw, dict) or raw.pop("format", None) != FORMAT:
            raise ValueError(f"not a report of format {FORMAT}")
        try:
            raw["zones"] = tuple(_zone(z) for z in raw["zones"])
            raw["checklist"] = tuple(ReportCheck(**c) for c in raw["checklist"])
            raw["reasons"] = {k: tuple(v) for k, v in raw["reasons"].items()}
            raw["intake_at"] = dt.datetime.fromisoformat(raw["intake_at"])
            raw["decided_at"] = dt.datetime.fromisoformat(raw["decided_at"])
            return cls(**{f.name: raw[f.name] for f in fields(cls)})
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"report JSON is incomplete or malformed: {exc!r}") from exc

    def sha256(self) -> str:
        """Hex digest of :meth:`to_json_bytes`."""
        return hashlib.sha256(self.to_json_bytes()).hexdigest()


def _zone(raw: dict[str, Any]) -> ReportZone:
    raw = dict(raw)
    raw["findings"] = tuple(ReportFinding(**f) for f in raw["findings"])
    raw["evidence"] = tuple(ReportEvidence(**e) for e in raw["evidence"])
    return ReportZone(**raw)


def verification_payload(data: ReportData) -> str:
    """What a PASS report's QR code holds: ``IWV1:<tag>:<case>:<sha256 of the JSON>``.

    Enough for a phone or ``verify`` to find the ledger entry (tag, case) and
    check that the printed report says what was signed (the digest).
    """
    if not data.tag_number or ":" in data.tag_number:
        raise ValueError("a verification code needs a tag number without ':'")
    return f"{QR_PREFIX}:{data.tag_number}:{data.case_number}:{data.sha256()}"


def parse_verification_payload(text: str) -> tuple[str, str, str]:
    """(tag number, case number, JSON sha256) from a QR code's text; ValueError if it is not one of ours."""
    prefix, _, rest = text.strip().partition(":")
    tag, _, rest = rest.partition(":")
    case, _, digest = rest.rpartition(":")
    if prefix != QR_PREFIX or not tag or not case or len(digest) != 64 or not all(
            c in "0123456789abcdef" for c in digest):
        raise ValueError("not an Inspector Workstation verification code")
    return tag, case, digest
