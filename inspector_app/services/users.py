"""Users, roles and keys: setting up the organisation, adding and managing accounts.

The organisation's CA key is a 0600 file in the data home (``keys/ca-key.pem``),
never in the database: with a shared PostgreSQL database, accounts are made at
the bench that holds it. A signing user's PKCS#12 is protected by its
password; an admin who resets someone's password cannot open the old one, so
the user gets a new certificate (reports signed with the old one stay valid).

Every change is checked with :func:`reports.users.require` and recorded in the
ledger in the same transaction. A wrong password changes nothing.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from reference_library.importer import ImportResult, import_pack
from reference_library.manifest import parse_manifest
from reference_library.model_registry import ModelSummary
from reference_library.problems import PackError
from reference_library.source import MANIFEST_NAME, open_pack_source
from reference_library.store import ContentStore
from reference_library.validation import Progress
from reports.ledger import Kind, append
from reports.pki import Authority, create_authority, identity_certificate, issue_identity, reprotect_identity
from reports.users import (
    Action, Organisation, Role, User, UserRow, check_password, find_user, hash_password,
    require,
)

from .db_faults import retry_on_disconnect
from .ledger_records import ledger_import
from .models import ModelService

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class UserError(ValueError):
    """A refused account change (name taken, not set up, bad role); one line for the user."""


@dataclass(frozen=True)
class NewUser:
    username: str
    role: Role
    password: str
    display_name: str | None = None
    brands: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Identity:
    p12: bytes | None
    serial: str | None
    fingerprint: str | None


_NO_IDENTITY = _Identity(None, None, None)


class UserService:
    def __init__(self, session_factory: sessionmaker[Session], keys_dir: Path):
        self._session_factory = session_factory
        self._keys_dir = keys_dir

    @property
    def ca_key_path(self) -> Path:
        return self._keys_dir / "ca-key.pem"

    @retry_on_disconnect
    def organisation(self) -> str | None:
        """The organisation's name, or None before ``admin init``."""
        with self._session_factory() as session:
            return session.scalar(select(Organisation.name))

    def init_organisation(self, org: str, admin: NewUser) -> User:
        """Create the organisation, its CA (key to a 0600 file) and the first admin; refused if done already."""
        if admin.role is not Role.ADMIN:
            raise UserError("the first user must be an admin")
        if not org.strip():
            raise UserError("the organisation needs a name")
        existing = self.organisation()
        if existing is not None:
            raise UserError(f"this workstation is already set up for '{existing}'")
        _check_new(admin)
        authority = create_authority(org.strip())
        pending = _write_private(self._keys_dir, authority.key_pem)
        try:
            with self._session_factory.begin() as session:
                now = datetime.now(UTC)
                session.add(Organisation(id=1, name=authority.org, ca_cert_pem=authority.cert_pem.decode(),
                                         created_at=now))
                append(session, admin.username, Kind.ORG_INIT, authority.org, {"organisation": authority.org})
                user = _insert(session, admin.username, admin, _NO_IDENTITY, now)
            os.replace(pending, self.ca_key_path)
        except IntegrityError:
            raise UserError("another bench set up the organisation at the same moment") from None
        finally:
            pending.unlink(missing_ok=True)
        return user

    @retry_on_disconnect
    def authenticate(self, username: str, password: str) -> User:
        """The account if the password is right; :class:`AuthenticationFailed` otherwise (nothing written)."""
        with self._session_factory() as session:
            return User.of(check_password(session, username, password))

    def add_user(self, actor: User, new: NewUser) -> User:
        require(actor, Action.MANAGE_USERS)
        _check_new(new)
        with self._session_factory() as session:
            if find_user(session, new.username) is not None:
                raise UserError(f"user '{new.username}' exists already")
        identity = self._issue(new.username, new.display_name or new.username, new.password) \
            if new.role.signs else _NO_IDENTITY
        try:
            with self._session_factory.begin() as session:
                return _insert(session, actor.username, new, identity, datetime.now(UTC))
        except IntegrityError:
            raise UserError(f"user '{new.username}' exists already") from None

    @retry_on_disconnect
    def list_users(self, actor: User) -> tuple[User, ...]:
        require(actor, Action.MANAGE_USERS)
        with self._session_factory() as session:
            return tuple(User.of(r) for r in session.scalars(select(UserRow).order_by(UserRow.username)))

    def disable_user(self, actor: User, username: str) -> User:
        require(actor, Action.MANAGE_USERS)
        if username == actor.username:
            raise UserError("an admin cannot disable its own account")
        with self._session_factory.begin() as session:
            row = _existing(session, username)
            if not row.disabled:
                row.disabled = True
                append(session, actor.username, Kind.USER_DISABLE, username, {"username": username})
            return User.of(row)

    def change_password(self, actor: User, username: str, new_password: str,
                        current_password: str | None = None) -> User:
        """Users change their own password (giving the current one: the key is re-protected);
        an admin resets anyone's (a new certificate is issued, as the old key cannot be opened)."""
        own = username == actor.username and current_password is not None
        if not own:
            require(actor, Action.MANAGE_USERS)
        hashed = hash_password(new_password)
        with self._session_factory() as session:
            row = check_password(session, username, current_password) if own else _existing(session, username)
            role, display, p12 = Role(row.role), row.display_name, row.signing_p12
        if not role.signs:
            identity = _NO_IDENTITY
        elif own and p12 is not None and current_password is not None:
            identity = _identity(reprotect_identity(p12, current_password, new_password), new_password)
        else:
            identity = self._issue(username, display, new_password)
        with self._session_factory.begin() as session:
            row = _existing(session, username)
            row.password_hash = hashed
            row.signing_p12, row.cert_serial, row.cert_fingerprint = identity.p12, identity.serial, identity.fingerprint
            append(session, actor.username, Kind.USER_PASSWORD, username,
                   {"username": username, "cert_serial": identity.serial, "reset_by_admin": not own})
            return User.of(row)

    def set_role(self, actor: User, username: str, role: Role, brands: tuple[str, ...] = (),
                 new_password: str | None = None) -> User:
        """Change a user's role (and brands). A role that signs needs a certificate, and a certificate
        needs a password the admin sets (it cannot open a key protected by one it does not know);
        a role that does not sign gives its key up."""
        require(actor, Action.MANAGE_USERS)
        if username == actor.username:
            raise UserError("an admin cannot change its own role")
        _check_scope(role, brands)
        with self._session_factory() as session:
            row = _existing(session, username)
            display, has_key = row.display_name, row.signing_p12 is not None
        identity: _Identity | None = None   # None: keeps its certificate
        if not role.signs:
            identity = _NO_IDENTITY
        elif new_password:
            identity = self._issue(username, display, new_password)
        elif not has_key:
            raise UserError(f"a {role.value} signs with a certificate: give '{username}' a new password for it")
        with self._session_factory.begin() as session:
            row = _existing(session, username)
            row.role, row.brands = role.value, list(brands)
            if new_password:
                row.password_hash = hash_password(new_password)
            if identity is not None:
                row.signing_p12, row.cert_serial = identity.p12, identity.serial
                row.cert_fingerprint = identity.fingerprint
            append(session, actor.username, Kind.USER_ROLE, username,
                   {"username": username, "role": role.value, "brands": list(brands), "cert_serial": row.cert_serial})
            return User.of(row)

    @retry_on_disconnect
    def signing_identity(self, username: str) -> bytes:
        """The user's password-protected PKCS#12."""
        with self._session_factory() as session:
            row = _existing(session, username)
            if row.signing_p12 is None:
                raise UserError(f"user '{username}' has no signing certificate ({row.role}s do not sign)")
            return row.signing_p12

    @retry_on_disconnect
    def authority_cert_pem(self) -> bytes:
        with self._session_factory() as session:
            pem = session.scalar(select(Organisation.ca_cert_pem))
        if pem is None:
            raise UserError("the workstation is not set up: run 'inspector-app admin init --org NAME'")
        return pem.encode()

    def _authority(self) -> Authority:
        cert = self.authority_cert_pem()
        try:
            key = self.ca_key_path.read_bytes()
        except FileNotFoundError:
            raise UserError(f"the organisation's CA key is not on this bench ({self.ca_key_path}): "
                            "add signing users at the bench that was set up") from None
        return Authority(self.organisation() or "", cert, key)

    def _issue(self, username: str, display_name: str, password: str) -> _Identity:
        return _identity(issue_identity(self._authority(), username, display_name, password), password)


def _identity(p12: bytes, password: str) -> _Identity:
    cert = identity_certificate(p12, password)
    return _Identity(p12, format(cert.serial_number, "x"), cert.fingerprint(hashes.SHA256()).hex())


def _check_new(new: NewUser) -> None:
    if not _USERNAME.match(new.username):
        raise UserError(f"user name '{new.username}' must be lower-case letters, digits, '.', '_' or '-'")
    if not new.password:
        raise UserError("the password may not be empty")
    _check_scope(new.role, new.brands)


def _check_scope(role: Role, brands: tuple[str, ...]) -> None:
    if role is Role.BRAND_PARTNER and not brands:
        raise UserError("a brand partner needs at least one brand (--brand SLUG)")
    if role is not Role.BRAND_PARTNER and brands:
        raise UserError(f"only brand partners are scoped to brands, not {role.value}s")


def _insert(session: Session, actor: str, new: NewUser, identity: _Identity, now: datetime) -> User:
    row = UserRow(username=new.username, display_name=new.display_name or new.username, role=new.role.value,
                  brands=list(new.brands), password_hash=hash_password(new.password), disabled=False,
                  signing_p12=identity.p12, cert_serial=identity.serial, cert_fingerprint=identity.fingerprint,
                  created_at=now)
    session.add(row)
    session.flush()
    append(session, actor, Kind.USER_ADD, new.username,
           {"username": new.username, "role": new.role.value, "brands": list(new.brands),
            "cert_serial": identity.serial, "cert_fingerprint": identity.fingerprint})
    return User.of(row)


def _existing(session: Session, username: str) -> UserRow:
    row = find_user(session, username)
    if row is None:
        raise UserError(f"no user '{username}'")
    return row


def _write_private(keys_dir: Path, data: bytes) -> Path:
    """Write ``data`` to a new 0600 file beside its final place; the caller renames it."""
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, name = tempfile.mkstemp(dir=keys_dir, prefix=".ca-key.")   # mkstemp creates it 0600
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return Path(name)



def import_pack_as(actor: User, path: Path, *, session_factory: sessionmaker[Session], store: ContentStore,
                   force: bool = False, progress: Progress | None = None) -> ImportResult:
    """Import a pack on behalf of ``actor`` (a brand partner only for its own brands), recorded in the ledger
    in the import's own transaction."""
    require(actor, Action.IMPORT_PACK, _pack_brand(path) if actor.role is Role.BRAND_PARTNER else None)
    return import_pack(path, session_factory=session_factory, store=store, force=force, progress=progress,
                       imported_by=actor.username, record=ledger_import(actor.username))


def install_model_as(actor: User, onnx_path: Path, *, session_factory: sessionmaker[Session],
                     store: ContentStore) -> ModelSummary:
    """Install a classifier model on behalf of an admin (recorded in the ledger with the install)."""
    require(actor, Action.INSTALL_MODEL)
    return ModelService(session_factory, store).install(onnx_path, actor.username)


def _pack_brand(path: Path) -> str:
    """The brand a pack's manifest names; :class:`PackError` if the manifest is unusable."""
    with open_pack_source(path) as source:
        text = source.read(MANIFEST_NAME).decode("utf-8", "replace") if MANIFEST_NAME in source else ""
    manifest, problems = parse_manifest(text)
    if manifest is None:
        raise PackError(problems, "import refused")
    return manifest.pack.brand
