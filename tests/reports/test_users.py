"""Users, roles and keys: set-up, certificates, passwords, and every role's refusals."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import func, select

from inspector_app.services.users import NewUser, UserError, UserService, import_pack_as, install_model_as
from inspector_app.settings import Settings
from inspector_app.workstation import DEMO_PACKS_DIR, Workstation
from reference_library.catalog import list_library
from reports.ledger import LedgerEntry
from reports.pki import WrongPassword, chains_to, identity_certificate
from reports.users import (
    PERMISSIONS, Action, AuthenticationFailed, PermissionDenied, Role, User, UserRow, require,
)


@dataclass(frozen=True)
class Org:
    ws: Workstation
    users: UserService
    admin: User


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    home = tmp_path / "home"
    ws = Workstation.open(Settings(home=home, database_url=f"sqlite:///{home / 'inspector.sqlite3'}"))
    users = UserService(ws.session_factory, home / "keys")
    admin = users.init_organisation("Acme Authentication", NewUser("root", Role.ADMIN, "root-pw", "Root"))
    yield Org(ws, users, admin)
    ws.close()


def ledger_size(org: Org) -> int:
    with org.ws.session_factory() as session:
        return session.scalar(select(func.count()).select_from(LedgerEntry)) or 0


def row(org: Org, username: str) -> UserRow:
    with org.ws.session_factory() as session:
        found = session.scalar(select(UserRow).where(UserRow.username == username))
        assert found is not None
        return found


def test_set_up_creates_the_authority_key_file_and_admin(org: Org) -> None:
    key = org.users.ca_key_path
    assert key.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert not list(key.parent.glob(".ca-key.*"))
    assert org.users.organisation() == "Acme Authentication"
    assert org.admin.role is Role.ADMIN and org.admin.cert_serial is None
    assert org.users.authenticate("root", "root-pw") == org.admin
    assert ledger_size(org) == 3   # the bundled model's install at first start, org_init, user_add
    with pytest.raises(UserError, match="already set up"):
        org.users.init_organisation("Other", NewUser("root2", Role.ADMIN, "pw"))


def test_inspector_gets_a_certificate_from_the_organisation(org: Org) -> None:
    ann = org.users.add_user(org.admin, NewUser("ann", Role.INSPECTOR, "ann-pw", "Ann Example"))
    p12 = org.users.signing_identity("ann")
    cert = identity_certificate(p12, "ann-pw")
    assert format(cert.serial_number, "x") == ann.cert_serial == row(org, "ann").cert_serial
    assert chains_to(cert.public_bytes(Encoding.PEM), org.users.authority_cert_pem())
    with pytest.raises(WrongPassword):
        identity_certificate(p12, "not-ann-pw")
    bob = org.users.add_user(org.admin, NewUser("bob", Role.BRAND_PARTNER, "bob-pw", brands=("maison-aurel",)))
    assert bob.cert_serial is None and bob.brands == ("maison-aurel",)
    assert row(org, "ann").password_hash.startswith("$argon2id$")


def test_wrong_password_is_refused_without_side_effects(org: Org) -> None:
    org.users.add_user(org.admin, NewUser("ann", Role.INSPECTOR, "ann-pw"))
    before, entries = row(org, "ann"), ledger_size(org)
    with pytest.raises(AuthenticationFailed, match="wrong user name or password"):
        org.users.authenticate("ann", "guess")
    with pytest.raises(AuthenticationFailed, match="wrong user name or password"):
        org.users.authenticate("nobody", "guess")
    with pytest.raises(AuthenticationFailed):
        org.users.change_password(User.of(before), "ann", "new-pw", current_password="guess")
    after = row(org, "ann")
    assert (after.password_hash, after.signing_p12) == (before.password_hash, before.signing_p12)
    assert ledger_size(org) == entries


def test_own_password_change_reprotects_the_same_key(org: Org) -> None:
    ann = org.users.add_user(org.admin, NewUser("ann", Role.INSPECTOR, "ann-pw"))
    changed = org.users.change_password(ann, "ann", "ann-new", current_password="ann-pw")
    assert changed.cert_serial == ann.cert_serial
    assert identity_certificate(org.users.signing_identity("ann"), "ann-new").serial_number == int(ann.cert_serial, 16)
    with pytest.raises(AuthenticationFailed):
        org.users.authenticate("ann", "ann-pw")
    assert org.users.authenticate("ann", "ann-new").username == "ann"


def test_admin_reset_issues_a_new_certificate(org: Org) -> None:
    ann = org.users.add_user(org.admin, NewUser("ann", Role.INSPECTOR, "ann-pw"))
    reset = org.users.change_password(org.admin, "ann", "from-admin")
    assert reset.cert_serial and reset.cert_serial != ann.cert_serial
    identity_certificate(org.users.signing_identity("ann"), "from-admin")
    with pytest.raises(PermissionDenied, match="inspector ann may not manage users"):
        org.users.change_password(ann, "root", "taken-over")


def test_disabled_user_cannot_authenticate(org: Org) -> None:
    org.users.add_user(org.admin, NewUser("ann", Role.INSPECTOR, "ann-pw"))
    assert org.users.disable_user(org.admin, "ann").disabled
    with pytest.raises(AuthenticationFailed, match="disabled"):
        org.users.authenticate("ann", "ann-pw")
    with pytest.raises(UserError, match="own account"):
        org.users.disable_user(org.admin, "root")


def test_refusals_name_the_user_and_the_action(org: Org) -> None:
    ann = org.users.add_user(org.admin, NewUser("ann", Role.INSPECTOR, "ann-pw"))
    entries = ledger_size(org)
    with pytest.raises(PermissionDenied, match="^inspector ann may not manage users$"):
        org.users.add_user(ann, NewUser("eve", Role.ADMIN, "eve-pw"))
    with pytest.raises(PermissionDenied):
        org.users.list_users(ann)
    with pytest.raises(PermissionDenied):
        org.users.disable_user(ann, "root")
    assert ledger_size(org) == entries and [u.username for u in org.users.list_users(org.admin)] == ["ann", "root"]


@pytest.mark.parametrize(("role", "allowed"), [
    (Role.INSPECTOR, {Action.INSPECT, Action.SIGN_VERDICT}),
    (Role.SUPERVISOR, {Action.INSPECT, Action.SIGN_VERDICT, Action.REVIEW_VERDICT, Action.VIEW_AUDIT,
                       Action.RELEASE_CLAIM}),
    (Role.BRAND_PARTNER, {Action.IMPORT_PACK}),
    (Role.ADMIN, {Action.VIEW_AUDIT, Action.IMPORT_PACK, Action.INSTALL_MODEL, Action.MANAGE_USERS,
                  Action.RELEASE_CLAIM}),
])
def test_each_role_may_do_only_its_actions(role: Role, allowed: set[Action]) -> None:
    user = User("u", "U", role, ("maison-aurel",), False, None, datetime.now(UTC))
    assert {a for a in Action if role in PERMISSIONS[a]} == allowed
    for action in Action:
        if action in allowed:
            require(user, action, "maison-aurel")
        else:
            with pytest.raises(PermissionDenied, match=f"^{role.value.replace('-', ' ')} u may not "):
                require(user, action, "maison-aurel")


def test_brand_partner_imports_only_its_own_brands(org: Org) -> None:
    bob = org.users.add_user(org.admin, NewUser("bob", Role.BRAND_PARTNER, "bob-pw", brands=("maison-aurel",)))
    kwargs = {"session_factory": org.ws.session_factory, "store": org.ws.store}
    entries = ledger_size(org)
    with pytest.raises(PermissionDenied, match="brand partner bob may not import packs for brand 'kestrel-athletics'"):
        import_pack_as(bob, DEMO_PACKS_DIR / "kestrel-athletics", **kwargs)
    with org.ws.session_factory() as session:
        assert list_library(session) == []
    assert ledger_size(org) == entries
    result = import_pack_as(bob, DEMO_PACKS_DIR / "maison-aurel", **kwargs)
    assert result.brand == "maison-aurel" and ledger_size(org) == entries + 1


def test_only_admins_install_models(org: Org, tmp_path: Path) -> None:
    from tests.onnx_models import model_with_card  # skips this test alone where onnx is absent
    ann = org.users.add_user(org.admin, NewUser("ann", Role.INSPECTOR, "ann-pw"))
    onnx = model_with_card(tmp_path / "models")
    with pytest.raises(PermissionDenied, match="inspector ann may not install models"):
        install_model_as(ann, onnx, session_factory=org.ws.session_factory, store=org.ws.store)
    installed = install_model_as(org.admin, onnx, session_factory=org.ws.session_factory, store=org.ws.store)
    with org.ws.session_factory() as session:
        last = session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq.desc())).first()
    assert last is not None and last.kind == "model_install" and last.subject == installed.sha256


def test_role_change_issues_or_drops_the_signing_key(org: Org) -> None:
    bob = org.users.add_user(org.admin, NewUser("bob", Role.BRAND_PARTNER, "bob-pw", brands=("maison-aurel",)))
    with pytest.raises(UserError, match="give .bob. a new password"):
        org.users.set_role(org.admin, "bob", Role.INSPECTOR)
    with pytest.raises(PermissionDenied, match="brand partner bob may not manage users"):
        org.users.set_role(bob, "bob", Role.ADMIN)
    inspector = org.users.set_role(org.admin, "bob", Role.INSPECTOR, new_password="bob-signs")
    assert inspector.role is Role.INSPECTOR and inspector.brands == () and inspector.cert_serial
    identity_certificate(org.users.signing_identity("bob"), "bob-signs")
    supervisor = org.users.set_role(org.admin, "bob", Role.SUPERVISOR)
    assert supervisor.cert_serial == inspector.cert_serial   # keeps its certificate
    partner = org.users.set_role(org.admin, "bob", Role.BRAND_PARTNER, ("kestrel-athletics",))
    assert partner.cert_serial is None and row(org, "bob").signing_p12 is None
    with org.ws.session_factory() as session:
        kinds = session.scalars(select(LedgerEntry.kind).order_by(LedgerEntry.seq)).all()
    assert kinds[-3:] == ["user_role"] * 3
