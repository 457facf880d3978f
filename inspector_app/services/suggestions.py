"""Brand and model suggestion from one photo of a logo: which library entries it most looks like.

The bench uses it before an inspection when the item's brand or model is not
known (or to double-check the listing). It only ranks; nothing is decided or
recorded. One service keeps one index, which follows imports made by any
bench on the same database.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from reference_library.signatures import default_vocabulary
from reference_library.store import ContentStore
from reference_library.suggestion_index import IndexStats, Suggestion, SuggestionIndex
from vision.image_io import ImageError, decode_for_analysis
from vision.logo_signature import WORK_LONG_SIDE, extract_features


class SuggestionError(ValueError):
    """The photo cannot be used for a suggestion; the message says why in one line."""


@dataclass(frozen=True)
class SuggestionResult:
    suggestions: tuple[Suggestion, ...]    # best first; empty when the library has no logo references
    photo_features: int
    seconds: float


class SuggestionService:
    def __init__(self, session_factory: sessionmaker[Session], store: ContentStore):
        self._index = SuggestionIndex(session_factory, store, default_vocabulary())

    def suggest(self, photo: bytes, *, top: int = 5) -> SuggestionResult:
        """Rank the library's (brand, model) pairs for a logo photo; raise :class:`SuggestionError` if unusable."""
        if top < 1:
            raise ValueError(f"top must be at least 1, not {top}")
        started = time.perf_counter()
        try:
            image = decode_for_analysis(photo, min_long_side=WORK_LONG_SIDE)
        except ImageError as e:
            raise SuggestionError(f"photo not usable: {e}") from None
        features = extract_features(image)
        if len(features) < 4:
            raise SuggestionError("photo not usable: no detail to match (blank, or far out of focus)")
        found = self._index.search(features, top=top)
        return SuggestionResult(tuple(found), len(features), time.perf_counter() - started)

    def refresh(self) -> bool:
        """Bring the index up to date now (it also does so before every suggestion)."""
        return self._index.refresh()

    def stats(self) -> IndexStats:
        return self._index.stats()
