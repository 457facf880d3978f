"""The signed-in shell: sign-in, the screens each role is offered, help, theme, layout memory, resume offer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from inspector_app.services.cases import Intake
from inspector_app.ui.bench_context import BenchContext
from inspector_app.ui.main_window import MainWindow
from inspector_app.ui.preferences import BenchPreferences
from inspector_app.ui.sign_in import SignInDialog
from inspector_app.workstation import Workstation
from tests.ui.conftest import PASSWORD, demo_item


def sign_in_by_keyboard(qtbot: QtBot, dialog: SignInDialog, username: str, password: str) -> None:
    dialog.username.clear()
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


def open_window(qtbot: QtBot, context: BenchContext) -> MainWindow:
    window = MainWindow(context)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):   # window shortcuts only fire in the active window
        window.show()
        window.activateWindow()
    return window


def test_wrong_password_is_refused_with_one_line_and_right_one_signs_in(
        qtbot: QtBot, demo_bench: Workstation, preferences: BenchPreferences) -> None:
    dialog = SignInDialog(demo_bench.users(), preferences)
    qtbot.addWidget(dialog)
    dialog.show()
    sign_in_by_keyboard(qtbot, dialog, "ines", "not the password")
    qtbot.waitUntil(lambda: "wrong password" in dialog.message.text(), timeout=10_000)
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.user is None

    dialog.password.clear()
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.keyClicks(dialog.password, PASSWORD)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.user is not None and dialog.user.username == "ines"
    assert preferences.last_user == "ines"


def test_a_new_bench_is_set_up_from_the_sign_in_dialog(qtbot: QtBot, tmp_path: Path,
                                                      preferences: BenchPreferences) -> None:
    from inspector_app.settings import Settings

    home = tmp_path / "fresh"
    ws = Workstation.open(Settings.embedded(home))
    try:
        dialog = SignInDialog(ws.users(), preferences)
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.pages.currentIndex() == 1
        qtbot.keyClicks(dialog.org_name, "Northgate Authentication")
        qtbot.keyClicks(dialog.admin_name, "ada")
        qtbot.keyClicks(dialog.admin_password, "s3cret")
        qtbot.keyClicks(dialog.admin_repeat, "different")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        assert "differ" in dialog.message.text()
        assert ws.users().organisation() is None

        dialog.admin_repeat.clear()
        qtbot.keyClicks(dialog.admin_repeat, "s3cret")
        with qtbot.waitSignal(dialog.accepted, timeout=20_000):
            dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        assert dialog.user is not None and dialog.user.role.value == "admin"
        assert ws.users().organisation() == "Northgate Authentication"
    finally:
        ws.close()


@pytest.mark.parametrize(("username", "screens"), [
    ("ines", ["inspect", "library"]),
    ("sam", ["inspect", "escalations", "audit", "dashboard", "library"]),
    ("bruno", ["library"]),
    ("admin", ["audit", "dashboard", "library", "users", "organisation", "models", "settings"]),
])
def test_each_role_is_offered_only_its_screens(qtbot: QtBot, context_for: Callable[[str], BenchContext],
                                               username: str, screens: list[str]) -> None:
    window = open_window(qtbot, context_for(username))
    assert window.screen_keys() == screens
    assert [window.nav.item(i).text().lower() for i in range(window.nav.count())] == screens
    assert username in window.who.text().lower() or window.context.user.display_name in window.who.text()


def test_help_lists_the_window_and_screen_shortcuts(qtbot: QtBot, context_for: Callable[[str], BenchContext]) -> None:
    window = open_window(qtbot, context_for("sam"))
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.help is not None and window.help.isVisible())
    assert window.help is not None
    rows = window.help.shortcuts()
    assert any(keys == "Ctrl+Shift+L" and "Sign out" in what for _, keys, what in rows)
    assert any(keys == "Alt+3" and what == "Go to Audit" for _, keys, what in rows)
    qtbot.keyClick(window.help, Qt.Key.Key_Escape)
    assert not window.help.isVisible()


def test_theme_switch_restyles_the_application_and_is_remembered(
        qtbot: QtBot, context_for: Callable[[str], BenchContext]) -> None:
    context = context_for("ines")
    window = open_window(qtbot, context)
    window.theme_action.trigger()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert app.palette().color(QPalette.ColorRole.Window).lightness() < 80
    assert context.preferences.theme == "dark"
    window.set_theme("light")
    assert app.palette().color(QPalette.ColorRole.Window).lightness() > 200
    assert not window.theme_action.isChecked()


def test_the_last_screen_and_window_size_come_back(qtbot: QtBot, context_for: Callable[[str], BenchContext]) -> None:
    context = context_for("sam")
    window = open_window(qtbot, context)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    assert window.screens[window.nav.currentRow()].key == "dashboard"
    assert window.close()

    again = open_window(qtbot, context)
    assert again.screens[again.nav.currentRow()].key == "dashboard"
    assert context.preferences.geometry("main_window") == window.saveGeometry()


def test_an_unfinished_case_is_offered_for_resuming(qtbot: QtBot, context_for: Callable[[str], BenchContext]) -> None:
    context = context_for("ines")
    context.cases.open(context.user, Intake("CASE-77", "maison-aurel", "city-tote"))
    photo = demo_item("maison-aurel/a01")["front-logo"]
    context.cases.add_photo(context.user, "CASE-77", "front-logo", photo.read_bytes())

    window = open_window(qtbot, context)
    qtbot.waitUntil(lambda: getattr(window, "resume_offer", None) is not None and window.resume_offer.isVisible())
    box: QMessageBox = window.resume_offer
    assert "CASE-77" in box.text()
    resume = next(b for b in box.buttons() if b.text() == "Resume")
    resume.click()
    assert window.screens[window.nav.currentRow()].key == "inspect"
