"""Demo accounts for a bench opened with ``--demo``: one per role, so every screen can be tried.

Only made when the bench has no organisation yet; a real bench is set up by
``admin init`` (or the first-start dialog) and never gets these accounts.
The password is printed in the README and the sign-in dialog: these
accounts are for trying the software, never for signing real verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.users import Role

from .users import NewUser, UserService

DEMO_ORGANISATION = "Demo Authentication Centre"
DEMO_PASSWORD = "demo"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: Role
    brands: tuple[str, ...] = ()


DEMO_ACCOUNTS = (
    DemoAccount("admin", "Ada Admin", Role.ADMIN),
    DemoAccount("ines", "Ines Inspector", Role.INSPECTOR),
    DemoAccount("sam", "Sam Supervisor", Role.SUPERVISOR),
    DemoAccount("bruno", "Bruno Partner", Role.BRAND_PARTNER, ("maison-aurel", "kestrel-athletics")),
)


def ensure_demo_accounts(users: UserService) -> bool:
    """Set the bench up with the demo organisation and accounts unless it is set up already; True if made now."""
    if users.organisation() is not None:
        return False
    admin, *others = DEMO_ACCOUNTS
    actor = users.init_organisation(DEMO_ORGANISATION, NewUser(admin.username, admin.role, DEMO_PASSWORD,
                                                               admin.display_name))
    for account in others:
        users.add_user(actor, NewUser(account.username, account.role, DEMO_PASSWORD, account.display_name,
                                      account.brands))
    return True
