"""In-memory index over the current packs' logo references, for brand and model suggestion.

The index holds every reference's visual-word counts in one sparse matrix
(tf-idf weighted, rows L2-normalised) and its local features for the
geometric check. A query costs one sparse product over the whole library plus
a fixed number of geometric checks, so its time grows far slower than the
library. Before each query the set of current packs is read (one small query);
if another bench imported a pack since, the index loads the new packs'
signatures and drops the replaced ones, without reading the others again.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from vision.logo_signature import LocalFeatures, Vocabulary, colour_difference, geometric_match

from .db import Brand, CurrentPack, ItemModel, Pack, Zone, ZoneImage
from .signatures import Signature, load_signatures, method_name, save_signatures, sign_blobs
from .store import ContentStore

#: Candidates (by word similarity) that get the geometric check; a speed knob, not a fitted threshold.
SHORTLIST = 60


@dataclass(frozen=True)
class IndexedReference:
    """One logo reference of a current pack."""

    pack_id: int
    brand: str
    brand_name: str
    model: str
    model_name: str
    sha256: str


@dataclass(frozen=True)
class Suggestion:
    """A (brand, model) and the evidence for it: its best-matching reference."""

    brand: str
    brand_name: str
    model: str
    model_name: str
    score: float        # share of the photo's features that agree with the reference's layout, 0..1
    inliers: int        # matches agreeing on one homography
    similarity: float   # tf-idf cosine of visual words, 0..1
    colour_difference: float | None  # chromaticity difference at the matches (0 same colourway); None: no match
    reference_sha256: str


@dataclass(frozen=True)
class IndexStats:
    references: int
    packs: int
    build_seconds: float
    bytes: int


class SuggestionIndex:
    """Brand/model ranking for a logo photo over the library's current packs (thread-safe)."""

    def __init__(self, session_factory: sessionmaker[Session], store: ContentStore, vocabulary: Vocabulary):
        self._session_factory = session_factory
        self._store = store
        self._vocabulary = vocabulary
        self._method = method_name(vocabulary)
        self._lock = threading.Lock()
        self._packs: dict[int, list[tuple[IndexedReference, Signature]]] = {}
        self._refs: list[tuple[IndexedReference, Signature]] = []
        self._matrix = sparse.csr_matrix((0, self._vocabulary.size), dtype=np.float32)
        self._idf = np.zeros(self._vocabulary.size, np.float32)
        self.last_build_seconds = 0.0

    def refresh(self) -> bool:
        """Follow the library: load packs that became current, drop replaced ones. True if it changed."""
        with self._lock:
            with self._session_factory() as session:
                current = set(session.scalars(select(CurrentPack.pack_id)))
            if current == set(self._packs):
                return False
            started = time.perf_counter()
            for gone in set(self._packs) - current:
                del self._packs[gone]
            added = current - set(self._packs)
            if added:
                self._packs.update(self._load(added))
            self._rebuild()
            self.last_build_seconds = time.perf_counter() - started
            return True

    def stats(self) -> IndexStats:
        with self._lock:
            m = self._matrix
            size = m.data.nbytes + m.indices.nbytes + m.indptr.nbytes + sum(
                s.features.points.nbytes + s.features.descriptors.nbytes + s.features.colours.nbytes + s.words.nbytes
                for _, s in self._refs)
            return IndexStats(len(self._refs), len(self._packs), self.last_build_seconds, size)

    def search(self, features: LocalFeatures, *, top: int = 5) -> list[Suggestion]:
        """The ``top`` most likely (brand, model) pairs for a photo's features, best first."""
        self.refresh()
        with self._lock:
            if not self._refs or len(features) == 0:
                return []
            words = self._vocabulary.quantise(features.descriptors)
            similarity = (self._matrix @ self._query_vector(words)).toarray().ravel()
            shortlist = np.argsort(-similarity, kind="stable")[:SHORTLIST]
            best: dict[tuple[str, str], tuple[int, float, float, IndexedReference]] = {}
            for i in shortlist:
                ref, signature = self._refs[int(i)]
                match = geometric_match(features, words, signature.features, signature.words)
                key = (ref.brand, ref.model)
                if key not in best or match.inliers > best[key][0]:
                    best[key] = (match.inliers, float(similarity[i]),
                                 colour_difference(features, signature.features, match), ref)
        return [Suggestion(ref.brand, ref.brand_name, ref.model, ref.model_name,
                           round(inliers / len(features), 4), inliers, round(sim, 4),
                           None if np.isnan(colour) else round(colour, 4), ref.sha256)
                for inliers, sim, colour, ref in _ranked(list(best.values()))[:top]]

    def _load(self, pack_ids: set[int]) -> dict[int, list[tuple[IndexedReference, Signature]]]:
        """References of logo zones of ``pack_ids`` with their signatures; signs the missing ones."""
        with self._session_factory() as session:
            rows = session.execute(
                select(Pack.id, Brand.slug, Pack.brand_name, ItemModel.slug, ItemModel.name, ZoneImage.sha256)
                .join(Brand, Brand.id == Pack.brand_id).join(ItemModel, ItemModel.pack_id == Pack.id)
                .join(Zone, Zone.model_id == ItemModel.id).join(ZoneImage, ZoneImage.zone_id == Zone.id)
                .where(Pack.id.in_(sorted(pack_ids)), Zone.kind == "logo", ZoneImage.role == "reference")
                .order_by(Pack.id, ItemModel.position, Zone.position, ZoneImage.position)).all()
            refs = [IndexedReference(*row) for row in rows]
            signatures = load_signatures(session, {r.sha256 for r in refs}, self._method)
        missing = {r.sha256 for r in refs} - set(signatures)
        if missing:
            # Packs imported before signatures existed (or under another vocabulary): sign them once, now.
            fresh = sign_blobs(self._store, missing, self._vocabulary)
            with self._session_factory.begin() as session:
                save_signatures(session, fresh, self._method)
            signatures.update(fresh)
        out: dict[int, list[tuple[IndexedReference, Signature]]] = {p: [] for p in pack_ids}
        for ref in refs:
            out[ref.pack_id].append((ref, signatures[ref.sha256]))
        return out

    def _rebuild(self) -> None:
        self._refs = [entry for pack_id in sorted(self._packs) for entry in self._packs[pack_id]]
        tokens = [s.words for _, s in self._refs]
        lengths = [len(t) for t in tokens]
        counts = sparse.csr_matrix(
            (np.ones(sum(lengths), np.float32), np.concatenate(tokens) if tokens else np.zeros(0, np.int32),
             np.concatenate([[0], np.cumsum(lengths)])), shape=(len(self._refs), self._vocabulary.size))
        counts.sum_duplicates()
        document_frequency = np.bincount(counts.indices, minlength=self._vocabulary.size)
        self._idf = np.log((1 + len(self._refs)) / (1 + document_frequency)).astype(np.float32)
        weighted = counts.multiply(self._idf[None, :]).tocsr()
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        self._matrix = sparse.diags(1 / np.maximum(norms, 1e-12)).dot(weighted).tocsr().astype(np.float32)

    def _query_vector(self, words: np.ndarray) -> sparse.csr_matrix:
        """The query's tf-idf vector, L2-normalised, as a sparse column."""
        unique, counts = np.unique(words, return_counts=True)
        weights = counts.astype(np.float32) * self._idf[unique]
        weights /= max(float(np.linalg.norm(weights)), 1e-12)
        return sparse.csr_matrix((weights, (unique, np.zeros(len(unique), np.int64))),
                                 shape=(self._vocabulary.size, 1))


def _ranked(candidates: list[tuple[int, float, float, IndexedReference]]) -> list[tuple[int, float, float,
                                                                                        IndexedReference]]:
    """Brands by their best geometric agreement; within a brand, models by colour.

    A brand's models usually share the wordmark, so their geometric agreement
    is close and says little about which model it is; their colourways differ.
    Models of the brand with at least half its best agreement (the same logo,
    seen as well) are therefore ordered by colour difference, the rest after.
    """
    brand_best: dict[str, int] = {}
    for inliers, _, _, ref in candidates:
        brand_best[ref.brand] = max(brand_best.get(ref.brand, 0), inliers)

    def key(c: tuple[int, float, float, IndexedReference]) -> tuple[float, ...]:
        inliers, sim, colour, ref = c
        top = brand_best[ref.brand]
        same_logo = top > 0 and 2 * inliers >= top
        return (-top, -sim if top == 0 else 0.0, ref.brand, 0 if same_logo else 1,
                colour if same_logo and not np.isnan(colour) else np.inf, -inliers, -sim)

    return sorted(candidates, key=lambda c: (key(c), c[3].model))
