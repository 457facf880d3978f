"""The model registry: which classifier serves which zone kinds, with its version and hash.

A model is installed from its ``.onnx`` file and the machine-readable model
card beside it (same name, ``.json``). The file goes into the content store
under its sha256 and is never removed: a verdict names the hash of the model
it was judged with, and a supervisor replaying it years later loads exactly
that file. For each zone kind the installed model with the highest version
serves new inspections; installing a newer model changes no code.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version
from sqlalchemy import JSON, DateTime, Float, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from vision.classifier import ModelError, load_classifier

from .db import Base
from .store import ContentStore

#: Zone kinds whose analysers align the photo with a reference (vision.findings.Comparison).
SERVABLE_KINDS = ("logo", "hardware")
#: A model file larger than this is refused (the shipped one is well under a megabyte).
MAX_MODEL_BYTES = 64 * 1024**2
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class ClassifierModelRow(Base):
    """One installed model file (immutable once installed)."""

    __tablename__ = "classifier_models"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    kinds: Mapped[list[str]] = mapped_column(JSON)
    threshold: Mapped[float] = mapped_column(Float)
    card: Mapped[dict[str, Any]] = mapped_column(JSON)
    card_text: Mapped[str] = mapped_column(Text)        # the human model card, when one was beside the file
    installed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    installed_by: Mapped[str] = mapped_column(String(200))


class RegistryError(ValueError):
    """The model cannot be installed; the message says why, in one line."""


@dataclass(frozen=True)
class ModelSummary:
    name: str
    version: str
    sha256: str
    kinds: tuple[str, ...]
    threshold: float
    installed_at: datetime
    installed_by: str

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "sha256": self.sha256, "kinds": list(self.kinds),
                "threshold": self.threshold, "installed_at": self.installed_at.isoformat(),
                "installed_by": self.installed_by}


def _summary(row: ClassifierModelRow) -> ModelSummary:
    return ModelSummary(row.name, row.version, row.sha256, tuple(row.kinds), row.threshold,
                        row.installed_at, row.installed_by)


def read_card(onnx_path: Path) -> dict[str, Any]:
    """The model card beside the file, checked field by field."""
    card_path = onnx_path.with_suffix(".json")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegistryError(f"no model card {card_path.name} beside {onnx_path.name}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RegistryError(f"model card {card_path.name} is not readable JSON: {exc}") from None
    if not isinstance(card, dict):
        raise RegistryError(f"model card {card_path.name} must be a JSON object")
    problems = []
    if not isinstance(card.get("name"), str) or not _NAME_RE.match(card["name"]):
        problems.append("'name' must be lower-case letters, digits, '.', '_' or '-'")
    try:
        Version(str(card.get("version")))
    except InvalidVersion:
        problems.append(f"'version' {card.get('version')!r} is not a version number")
    if not isinstance(card.get("sha256"), str) or not re.fullmatch(r"[0-9a-f]{64}", card["sha256"]):
        problems.append("'sha256' must be the file's sha256 in lower-case hex")
    kinds = card.get("kinds")
    if not isinstance(kinds, list) or not kinds or any(k not in SERVABLE_KINDS for k in kinds):
        problems.append(f"'kinds' must list zone kinds among {', '.join(SERVABLE_KINDS)}")
    threshold = card.get("threshold")
    if not isinstance(threshold, (int, float)) or isinstance(threshold, bool) or not 0.0 < threshold < 1.0:
        problems.append("'threshold' must be a probability between 0 and 1")
    if problems:
        raise RegistryError(f"model card {card_path.name}: " + "; ".join(problems))
    return card


def install_model(session: Session, store: ContentStore, onnx_path: Path, installed_by: str) -> ModelSummary:
    """Check the file against its card and the model contract, store it, register it (in the caller's
    transaction). Installing the same file again is refused."""
    onnx_path = Path(onnx_path)
    if not onnx_path.is_file():
        raise RegistryError(f"{onnx_path} is not a file")
    if onnx_path.stat().st_size > MAX_MODEL_BYTES:
        raise RegistryError(f"{onnx_path.name} is over {MAX_MODEL_BYTES // 1024**2} MB: not a model of this kind")
    card = read_card(onnx_path)
    data = onnx_path.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != card["sha256"]:
        raise RegistryError(f"{onnx_path.name} does not match its model card: sha256 {actual[:12]}…, "
                            f"the card says {card['sha256'][:12]}…")
    if session.get(ClassifierModelRow, actual) is not None:
        raise RegistryError(f"model {card['name']} {card['version']} ({actual[:12]}…) is already installed")
    try:
        load_classifier(onnx_path, actual)   # checks the file against the hash again: no change meanwhile
    except ModelError as exc:
        raise RegistryError(str(exc)) from None
    store.put(data)
    md = onnx_path.with_suffix(".md")
    row = ClassifierModelRow(sha256=actual, name=card["name"], version=str(card["version"]),
                             kinds=list(card["kinds"]), threshold=float(card["threshold"]), card=card,
                             card_text=md.read_text(encoding="utf-8") if md.is_file() else "",
                             installed_at=datetime.now(timezone.utc), installed_by=installed_by)
    session.add(row)
    session.flush()
    return _summary(row)


def list_models(session: Session) -> tuple[ModelSummary, ...]:
    """Every installed model, newest version first."""
    rows = session.scalars(select(ClassifierModelRow)).all()
    return tuple(sorted((_summary(r) for r in rows), key=lambda m: (Version(m.version), m.installed_at),
                        reverse=True))


def serving_models(session: Session) -> dict[str, ModelSummary]:
    """Zone kind -> the model that judges it now."""
    return assign_kinds(list_models(session))


def assign_kinds(models: tuple[ModelSummary, ...]) -> dict[str, ModelSummary]:
    """Zone kind -> the highest version among ``models`` (newest first) that serves the kind."""
    serving: dict[str, ModelSummary] = {}
    for model in models:
        for kind in model.kinds:
            serving.setdefault(kind, model)
    return serving


def get_model(session: Session, sha256: str) -> ModelSummary | None:
    row = session.get(ClassifierModelRow, sha256)
    return None if row is None else _summary(row)
