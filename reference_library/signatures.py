"""Stored visual signatures of logo references, keyed by blob sha256 so pack versions share them.

A signature is computed once, when a pack is imported (before its transaction,
written inside it, so the import stays all or nothing), and reused by every
bench that shares the database. ``method`` names the feature algorithm and the
vocabulary: changing either writes new rows instead of mixing incompatible
features. References imported before signatures existed are signed lazily,
the first time the suggestion index sees them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import LargeBinary, Row, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from vision.image_io import decode_for_analysis
from vision.logo_signature import ALGORITHM_VERSION, WORK_LONG_SIDE, LocalFeatures, Vocabulary, extract_features

from .db import Base
from .store import ContentStore
from .validation import ValidatedPack

#: The generic vocabulary shipped with the application (tools/train_logo_vocabulary.py makes it).
VOCABULARY_PATH = Path(__file__).resolve().parents[1] / "resources" / "vision" / "logo-vocabulary.npz"


class ReferenceSignature(Base):
    __tablename__ = "reference_signatures"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    method: Mapped[str] = mapped_column(String(32), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


@cache
def default_vocabulary() -> Vocabulary:
    return Vocabulary.from_bytes(VOCABULARY_PATH.read_bytes())


def method_name(vocabulary: Vocabulary) -> str:
    return f"{ALGORITHM_VERSION}-{vocabulary.digest}"


@dataclass(frozen=True)
class Signature:
    """A reference's local features and the visual word of each."""

    features: LocalFeatures
    words: np.ndarray       # (N,) int32, index into the vocabulary

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez(buffer, points=self.features.points.astype(np.float16),
                 descriptors=self.features.descriptors, colours=self.features.colours,
                 words=self.words.astype(np.uint16))
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        with np.load(io.BytesIO(data)) as z:
            return cls(LocalFeatures(z["points"].astype(np.float32), z["descriptors"], z["colours"]),
                       z["words"].astype(np.int32))


def sign_image(data: bytes, vocabulary: Vocabulary) -> Signature:
    """Signature of encoded image bytes; raises ``vision.image_io.ImageError`` on an unreadable image."""
    features = extract_features(decode_for_analysis(data, min_long_side=WORK_LONG_SIDE))
    return Signature(features, vocabulary.quantise(features.descriptors))


def logo_reference_shas(pack: ValidatedPack) -> set[str]:
    """Blobs of the pack's authentic references of logo zones: what suggestion indexes."""
    return {pack.files[path].sha256
            for zone in pack.manifest.zones if zone.kind == "logo"
            for path in pack.zone_images[(zone.model, zone.id)].references}


def unsigned(session: Session, shas: Iterable[str], method: str) -> set[str]:
    """Which of ``shas`` have no signature of ``method`` yet."""
    wanted = set(shas)
    return wanted - {sha for sha, in _stored(session, wanted, method, ReferenceSignature.sha256)}


def sign_blobs(store: ContentStore, shas: Iterable[str], vocabulary: Vocabulary) -> dict[str, Signature]:
    """Signatures of blobs in the store (the slow part: run it outside any transaction)."""
    return {sha: sign_image(store.read(sha), vocabulary) for sha in sorted(shas)}


def save_signatures(session: Session, signatures: dict[str, Signature], method: str) -> None:
    """Add the signatures not stored yet (another import may have added the same blob's meanwhile)."""
    for sha in sorted(unsigned(session, signatures, method)):
        session.add(ReferenceSignature(sha256=sha, method=method, data=signatures[sha].to_bytes()))


def load_signatures(session: Session, shas: Iterable[str], method: str) -> dict[str, Signature]:
    return {sha: Signature.from_bytes(data)
            for sha, data in _stored(session, shas, method, ReferenceSignature.sha256, ReferenceSignature.data)}


def _stored(session: Session, shas: Iterable[str], method: str, *columns: Any) -> Iterator[Row[Any]]:
    """``columns`` of the stored signatures of ``shas``, queried in batches (IN lists stay bounded)."""
    ordered = sorted(set(shas))
    for i in range(0, len(ordered), 500):
        yield from session.execute(select(*columns).where(
            ReferenceSignature.method == method, ReferenceSignature.sha256.in_(ordered[i:i + 500])))
