"""The classifier's second opinion on aligned zones, from the models the registry serves.

Sessions are made once per model file and reused (:func:`vision.classifier.load_classifier`);
an item's zones are judged in one batch per model. The file is loaded from the
content store by its hash, and the hash is checked before loading: a model
file that was altered is an error for the admin, never silently skipped.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from reference_library.model_registry import ModelSummary, serving_models
from reference_library.store import ContentStore
from vision.classifier import ModelError, comparison_input, load_classifier
from vision.findings import ZoneAnalysis
from vision.fusion import SecondOpinion, fuse


class ModelUnavailable(RuntimeError):
    """The serving model cannot be used; the message is one line for the user."""


@dataclass(frozen=True)
class Judged:
    analysis: ZoneAnalysis
    opinion: SecondOpinion | None
    model: ModelSummary | None


class SecondOpinions:
    def __init__(self, session_factory: sessionmaker[Session], store: ContentStore, *, threads: int = 1):
        self._session_factory = session_factory
        self._store = store
        self._threads = threads

    def serving(self) -> dict[str, ModelSummary]:
        with self._session_factory() as session:
            return serving_models(session)

    def judge(self, zones: list[tuple[str, ZoneAnalysis]], serving: dict[str, ModelSummary]) -> list[Judged]:
        """Each (kind, analysis) with the second opinion fused in where a model serves the kind."""
        out = [Judged(a, None, None) for _, a in zones]
        by_model: dict[ModelSummary, list[int]] = defaultdict(list)
        for i, (kind, analysis) in enumerate(zones):
            if kind in serving and analysis.comparison is not None:
                by_model[serving[kind]].append(i)
        for model, indices in by_model.items():
            try:
                classifier = load_classifier(self._store.path_for(model.sha256), model.sha256, threads=self._threads)
            except ModelError as exc:
                raise ModelUnavailable(f"the classifier {model.name} {model.version} cannot be used: {exc}") from None
            batch = np.stack([comparison_input(zones[i][1].comparison) for i in indices])  # type: ignore[arg-type]
            for i, p in zip(indices, classifier.probabilities(batch)):
                opinion = SecondOpinion(float(p), model.threshold, f"{model.name} {model.version}")
                out[i] = Judged(fuse(zones[i][1], opinion), opinion, model)
        return out
