"""The opened workstation: settings, database and content store, made once at start-up.

The CLI and the GUI both start here, so both see the same data home, the same
upgraded schema and the same store.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from reference_library.store import ContentStore

from .database import open_database
from .services.db_faults import is_disconnect, unavailable
from .services.models import ModelService
from .settings import Settings

if TYPE_CHECKING:   # the services load the engine (OpenCV, SciPy): imported when first asked for
    from .services.audit import AuditService
    from .services.cases import CaseService
    from .services.claims import ClaimService
    from .services.inspection import InspectionService
    from .services.users import UserService
    from .services.verification import ReportVerifier

#: The bundled demo library (fictional brands), beside the packages in the source tree.
RESOURCES_DIR = Path(__file__).resolve().parents[1] / "resources"
DEMO_PACKS_DIR = RESOURCES_DIR / "demo" / "packs"
#: The shipped classifier model(s) with their model cards.
MODELS_DIR = RESOURCES_DIR / "models"


@dataclass(frozen=True)
class Workstation:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    store: ContentStore

    @classmethod
    def open(cls, settings: Settings | None = None) -> Workstation:
        settings = settings or Settings.from_environment()
        settings.home.mkdir(parents=True, exist_ok=True)
        try:
            engine, factory = open_database(settings.database_url)
        except DBAPIError as exc:   # the shared database is down or unreachable: one line, not a traceback
            if not is_disconnect(exc):
                raise
            raise unavailable(make_url(settings.database_url), exc) from exc
        store = ContentStore(settings.store_dir)
        ModelService(factory, store).register_bundled(MODELS_DIR)
        return cls(settings, engine, factory, store)

    def inspection(self) -> InspectionService:
        """The inspection use case, with references prepared once and cached in the data home."""
        from reference_library.prepared import PreparedZones

        from .services.inspection import InspectionService
        from .services.second_opinion import SecondOpinions

        prepared = PreparedZones(self.store, self.settings.home / "cache" / "prepared")
        return InspectionService(self.session_factory, self.store, prepared,
                                 SecondOpinions(self.session_factory, self.store))

    def users(self) -> UserService:
        from .services.users import UserService

        return UserService(self.session_factory, self.settings.home / "keys")

    def cases(self) -> CaseService:
        """Cases from intake to the signed report (the report is drawn with Qt, imported only here)."""
        from .report_pdf import render_report_pdf
        from .services.cases import CaseService

        return CaseService(self.session_factory, self.store, self.users(), self.inspection(), render_report_pdf,
                           bench=self.settings.bench)

    def claims(self) -> ClaimService:
        from .services.claims import ClaimService

        return ClaimService(self.session_factory, self.settings.bench)

    def audit(self) -> AuditService:
        from .services.audit import AuditService

        return AuditService(self.session_factory, self.store)

    def verifier(self) -> ReportVerifier:
        from .services.verification import ReportVerifier

        return ReportVerifier(self.session_factory, self.users())

    def close(self) -> None:
        self.engine.dispose()


def demo_pack_dirs() -> list[Path]:
    """The bundled demo packs, one directory per fictional brand."""
    if not DEMO_PACKS_DIR.is_dir():
        return []
    return sorted(p for p in DEMO_PACKS_DIR.iterdir() if (p / "pack.toml").is_file())
