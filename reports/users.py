"""Bench users, their roles, and the one permission table every service checks.

The service layer calls :func:`require` before every use case, so a role's
limits hold whichever front end (window, command line, a script) asks. A
brand partner's rights are scoped to the brands named on its account.

Passwords are kept only as Argon2id hashes. Inspectors and supervisors also
carry their signing identity (a PKCS#12 file opened by the same password):
it is useless without the password, so it may live in the shared database,
unlike the organisation's CA key, which stays in a 0600 file on the bench.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import JSON, Boolean, CheckConstraint, LargeBinary, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from reference_library.db import Base

from .ledger import aware

_HASHER = PasswordHasher()  # Argon2id with the library's (RFC 9106 low-memory) parameters


@cache
def _dummy_hash() -> str:
    """Verified against an unknown user name, so "no such user" costs as long as "wrong password";
    made on first use, not at import, where it would add an Argon2 computation to every start."""
    return _HASHER.hash("not a password of anyone")


class Role(str, Enum):
    INSPECTOR = "inspector"
    SUPERVISOR = "supervisor"
    BRAND_PARTNER = "brand-partner"
    ADMIN = "admin"

    @property
    def signs(self) -> bool:
        """Roles that sign reports or reviews get a certificate from the organisation's CA."""
        return self in (Role.INSPECTOR, Role.SUPERVISOR)


class Action(str, Enum):
    INSPECT = "inspect"
    SIGN_VERDICT = "sign_verdict"
    REVIEW_VERDICT = "review_verdict"
    VIEW_AUDIT = "view_audit"
    IMPORT_PACK = "import_pack"
    INSTALL_MODEL = "install_model"
    MANAGE_USERS = "manage_users"
    RELEASE_CLAIM = "release_claim"


#: Who may do what. IMPORT_PACK is further limited to a brand partner's own brands.
PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.INSPECT: frozenset({Role.INSPECTOR, Role.SUPERVISOR}),
    Action.SIGN_VERDICT: frozenset({Role.INSPECTOR, Role.SUPERVISOR}),
    Action.REVIEW_VERDICT: frozenset({Role.SUPERVISOR}),
    Action.VIEW_AUDIT: frozenset({Role.SUPERVISOR, Role.ADMIN}),
    Action.IMPORT_PACK: frozenset({Role.BRAND_PARTNER, Role.ADMIN}),
    Action.INSTALL_MODEL: frozenset({Role.ADMIN}),
    Action.MANAGE_USERS: frozenset({Role.ADMIN}),
    Action.RELEASE_CLAIM: frozenset({Role.SUPERVISOR, Role.ADMIN}),
}

#: How a refusal names the action: "inspector ann may not import packs".
_PHRASES = {
    Action.INSPECT: "inspect items", Action.SIGN_VERDICT: "sign verdicts", Action.REVIEW_VERDICT: "review verdicts",
    Action.VIEW_AUDIT: "view the audit", Action.IMPORT_PACK: "import packs", Action.INSTALL_MODEL: "install models",
    Action.MANAGE_USERS: "manage users", Action.RELEASE_CLAIM: "release claimed cases",
}


class PermissionDenied(Exception):
    """The acting user's role does not allow the action; the message is one line."""


class AuthenticationFailed(Exception):
    """Unknown user, wrong password or disabled account; nothing was changed."""


class UserRow(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('inspector', 'supervisor', 'brand-partner', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    brands: Mapped[list[str]] = mapped_column(JSON)   # brand slugs a brand partner may publish
    password_hash: Mapped[str] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    signing_p12: Mapped[bytes | None] = mapped_column(LargeBinary)   # password-protected PKCS#12
    cert_serial: Mapped[str | None] = mapped_column(String(64))
    cert_fingerprint: Mapped[str | None] = mapped_column(String(64))  # sha256 of the DER certificate
    created_at: Mapped[datetime]


class Organisation(Base):
    """The one organisation a bench (or a shared database) belongs to, with its CA certificate."""

    __tablename__ = "organisation"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    ca_cert_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


@dataclass(frozen=True)
class User:
    """An account as the services see it: who acts, in which role, for which brands."""

    username: str
    display_name: str
    role: Role
    brands: tuple[str, ...]
    disabled: bool
    cert_serial: str | None
    created_at: datetime

    @classmethod
    def of(cls, row: UserRow) -> User:
        return cls(row.username, row.display_name, Role(row.role), tuple(row.brands), row.disabled,
                   row.cert_serial, aware(row.created_at))

    @property
    def label(self) -> str:
        return f"{self.role.value.replace('-', ' ')} {self.username}"


def require(user: User, action: Action, brand: str | None = None) -> None:
    """Raise :class:`PermissionDenied` unless ``user`` may do ``action`` (for ``brand``, if scoped)."""
    if user.disabled:
        raise PermissionDenied(f"{user.label} is disabled")
    if user.role not in PERMISSIONS[action]:
        raise PermissionDenied(f"{user.label} may not {_PHRASES[action]}")
    if user.role is Role.BRAND_PARTNER and (brand is None or brand not in user.brands):
        raise PermissionDenied(f"{user.label} may not {_PHRASES[action]} for brand '{brand}' "
                               f"(its brands: {', '.join(user.brands) or 'none'})")


def hash_password(password: str) -> str:
    if not password:
        raise ValueError("a password may not be empty")
    return _HASHER.hash(password)


def find_user(session: Session, username: str) -> UserRow | None:
    return session.scalar(select(UserRow).where(UserRow.username == username))


def check_password(session: Session, username: str, password: str) -> UserRow:
    """The user's row if the password is right and the account enabled; reads only, never writes."""
    row = find_user(session, username)
    try:
        _HASHER.verify(row.password_hash if row else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        row = None
    if row is None:
        raise AuthenticationFailed("wrong user name or password")
    if row.disabled:
        raise AuthenticationFailed(f"user '{username}' is disabled")
    return row
