"""Classifier models as the workstation manages them: list, install, and the bundled model.

The workstation ships a model in ``resources/models`` and registers it on
first start, so a fresh bench judges with it at once; an admin installs newer
models with ``inspector-app models install``. (Roles arrive with the users of
the reports issue; until then whoever runs the command installs.)
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from reference_library.model_registry import ModelSummary, get_model, install_model, list_models, read_card
from reference_library.store import ContentStore

from .ledger_records import local_operator, record_model_install

BUNDLED = "bundled with the workstation"


class ModelService:
    def __init__(self, session_factory: sessionmaker[Session], store: ContentStore):
        self._session_factory = session_factory
        self._store = store

    def models(self) -> tuple[ModelSummary, ...]:
        with self._session_factory() as session:
            return list_models(session)

    def install(self, onnx_path: Path, installed_by: str | None = None) -> ModelSummary:
        """Install a model file with its card and record it in the ledger (one transaction: a refused
        model changes nothing)."""
        actor = installed_by or local_operator()
        with self._session_factory.begin() as session:
            model = install_model(session, self._store, onnx_path, actor)
            record_model_install(session, actor, model)
            return model

    def register_bundled(self, models_dir: Path) -> list[ModelSummary]:
        """Install the shipped models that the registry does not hold yet (cheap when it does)."""
        installed = []
        for onnx_path in sorted(models_dir.glob("*.onnx")) if models_dir.is_dir() else []:
            sha = read_card(onnx_path)["sha256"]
            with self._session_factory() as session:
                if get_model(session, sha) is not None:
                    continue
            try:
                installed.append(self.install(onnx_path, BUNDLED))
            except IntegrityError:
                continue   # another bench registered it at the same moment
        return installed
