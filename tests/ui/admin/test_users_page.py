"""The users page on the demo bench: an admin adds, re-roles, resets and disables accounts; nobody else can."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from inspector_app.ui.admin.users_page import AccountDialog, UsersPage
from inspector_app.ui.bench_context import BenchContext
from reports.users import Role

OpenPage = Callable[[type, str], QWidget]


def loaded(qtbot: QtBot, page: UsersPage) -> UsersPage:
    qtbot.waitUntil(lambda: not page.busy and (page.table.rowCount() > 0 or page.message.isVisible()),
                    timeout=10_000)
    return page


def rows(page: UsersPage) -> dict[str, list[str]]:
    return {page.table.item(r, 0).text(): [page.table.item(r, c).text() for c in range(page.table.columnCount())]
            for r in range(page.table.rowCount())}


def fill_and_accept(qtbot: QtBot, page: UsersPage, dialog: AccountDialog, **fields: str) -> None:
    for name, text in fields.items():
        qtbot.keyClicks(getattr(dialog, name), text)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled(), dialog.hint.text()
    with qtbot.waitSignal(page.changed, timeout=30_000):
        ok.click()


def test_admin_sees_every_account(qtbot: QtBot, open_page: OpenPage) -> None:
    page = loaded(qtbot, open_page(UsersPage, "admin"))
    table = rows(page)
    assert set(table) == {"admin", "ines", "sam", "bruno"}
    assert table["bruno"][2:4] == ["Brand partner", "maison-aurel, kestrel-athletics"]
    assert table["ines"][5] != "—" and table["bruno"][5] == "—"   # inspectors sign: they have a certificate
    assert ("Ctrl+N", "Add user…") in page.shortcuts()


def test_admin_adds_a_brand_partner(qtbot: QtBot, open_page: OpenPage,
                                    context_for: Callable[[str], BenchContext]) -> None:
    page = loaded(qtbot, open_page(UsersPage, "admin"))
    page.table.setFocus()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.role.setCurrentIndex(dialog.role.findData(Role.BRAND_PARTNER.value))
    assert dialog.brands.isEnabled() and dialog.brands.count() == 2
    qtbot.keyClicks(dialog.password, "secret-1")
    qtbot.keyClicks(dialog.repeat, "secret-2")
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    dialog.repeat.clear()
    dialog.brands.item(0).setCheckState(Qt.CheckState.Checked)
    fill_and_accept(qtbot, page, dialog, username="pia", display_name="Pia Partner", repeat="secret-1")

    added = rows(page)["pia"]
    assert added[1:4] == ["Pia Partner", "Brand partner", dialog.brands.item(0).text()]
    assert page.selected_user() is not None and page.selected_user().username == "pia"
    assert "Added pia" in page.message.text()
    assert context_for("admin").users.authenticate("pia", "secret-1").role is Role.BRAND_PARTNER


def test_admin_changes_a_role_and_disables_an_account(qtbot: QtBot, open_page: OpenPage) -> None:
    page = loaded(qtbot, open_page(UsersPage, "admin"))
    assert page.select("ines")
    page.change_role_dialog()
    dialog = page.dialog
    assert dialog is not None and dialog.chosen_role is Role.INSPECTOR
    dialog.role.setCurrentIndex(dialog.role.findData(Role.SUPERVISOR.value))
    fill_and_accept(qtbot, page, dialog)
    assert rows(page)["ines"][2] == "Supervisor"

    assert page.select("bruno")   # a brand partner has no certificate: signing needs one, and a password for it
    page.change_role_dialog()
    dialog = page.dialog
    assert dialog is not None and dialog.brands.isEnabled()
    dialog.role.setCurrentIndex(dialog.role.findData(Role.INSPECTOR.value))
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    assert "new password for the signing certificate" in dialog.hint.text()
    fill_and_accept(qtbot, page, dialog, password="bruno-signs", repeat="bruno-signs")
    assert rows(page)["bruno"][2:4] == ["Inspector", ""] and rows(page)["bruno"][5] != "—"

    assert page.select("sam")
    page.disable_selected()
    assert page.confirm is not None and page.confirm.isVisible()
    with qtbot.waitSignal(page.changed, timeout=30_000):
        page.confirm.button(QMessageBox.StandardButton.Yes).click()
    assert rows(page)["sam"][4] == "disabled"
    assert not page.disable_action.isEnabled()   # already disabled


def test_admin_resets_a_password(qtbot: QtBot, open_page: OpenPage,
                                 context_for: Callable[[str], BenchContext]) -> None:
    page = loaded(qtbot, open_page(UsersPage, "admin"))
    serial = rows(page)["ines"][5]
    assert page.select("ines")
    page.reset_password_dialog()
    assert page.dialog is not None
    fill_and_accept(qtbot, page, page.dialog, password="new-secret", repeat="new-secret")
    assert rows(page)["ines"][5] != serial   # a new certificate: the old key cannot be opened by the admin
    assert context_for("admin").users.authenticate("ines", "new-secret").username == "ines"


def test_refusals_are_one_line(qtbot: QtBot, open_page: OpenPage) -> None:
    page = loaded(qtbot, open_page(UsersPage, "admin"))
    assert page.select("admin")
    page.disable("admin")
    qtbot.waitUntil(lambda: not page.busy and page.message.isVisible())
    assert page.message.text() == "An admin cannot disable its own account"
    assert rows(page)["admin"][4] == "active"


def test_non_admins_cannot_use_the_users_page(qtbot: QtBot, open_page: OpenPage) -> None:
    for username in ("ines", "bruno"):
        page = loaded(qtbot, open_page(UsersPage, username))
        assert page.table.rowCount() == 0
        assert "may not manage users" in page.message.text()
        assert not page.add_action.isVisible() and page.add_action not in page.actions()
        page.disable("sam")   # the service refuses whatever the page is asked
        qtbot.waitUntil(lambda: not page.busy)
        assert "may not manage users" in page.message.text()
    admin = loaded(qtbot, open_page(UsersPage, "admin"))
    assert rows(admin)["sam"][4] == "active"
