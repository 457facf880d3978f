"""What every screen of a signed-in window works with: the workstation, the user, the services.

Screens take one :class:`BenchContext` and call services through it; the
services enforce the roles, the screens only choose what to offer. Services
are made on first use and kept, so screens share one prepared-reference cache.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from reports.users import PERMISSIONS, Action, User

from ..services.models import ModelService
from ..workstation import Workstation
from .preferences import BenchPreferences

if TYPE_CHECKING:   # loaded on first use: the inspection services bring the whole engine
    from ..services.audit import AuditService
    from ..services.cases import CaseService
    from ..services.claims import ClaimService
    from ..services.library import LibraryService
    from ..services.suggestions import SuggestionService
    from ..services.users import UserService
    from ..services.verification import ReportVerifier


@dataclass(eq=False)
class BenchContext:
    workstation: Workstation
    user: User
    preferences: BenchPreferences = field(default_factory=BenchPreferences)

    def may(self, action: Action) -> bool:
        """Whether the signed-in role may do this at all (a brand partner's brand scope is checked by the service)."""
        return self.user.role in PERMISSIONS[action]

    @cached_property
    def cases(self) -> CaseService:
        return self.workstation.cases()

    @cached_property
    def claims(self) -> ClaimService:
        return self.workstation.claims()

    @cached_property
    def audit(self) -> AuditService:
        return self.workstation.audit()

    @cached_property
    def users(self) -> UserService:
        return self.workstation.users()

    @cached_property
    def library(self) -> LibraryService:
        from ..services.library import LibraryService

        return LibraryService(self.workstation.session_factory, self.workstation.store)

    @cached_property
    def suggestions(self) -> SuggestionService:
        """One index per window: it follows every bench's imports before each suggestion."""
        from ..services.suggestions import SuggestionService

        return SuggestionService(self.workstation.session_factory, self.workstation.store)

    @cached_property
    def models(self) -> ModelService:
        return ModelService(self.workstation.session_factory, self.workstation.store)

    @cached_property
    def verifier(self) -> ReportVerifier:
        return self.workstation.verifier()
