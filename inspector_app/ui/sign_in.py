"""Signing in, and setting a new bench up: the only screen shown before anyone is known.

The password check (Argon2, deliberately slow) runs on a worker so the
dialog stays responsive. A failed sign-in says only that the name or the
password is wrong, never which. A bench with no organisation yet offers to
create it with its first admin (the same service as ``admin init``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QStackedWidget, QVBoxLayout, QWidget,
)

from reports.users import AuthenticationFailed, Role, User

from ..services.demo_bench import DEMO_PASSWORD
from ..services.users import NewUser, UserService
from .messages import describe_error
from .preferences import BenchPreferences
from .status_style import status_colour
from .workers import JobRunner


#: What the sign-in dialog says on a demo bench.
DEMO_HINT = (f"Demo bench: sign in as <b>ines</b> (inspector), <b>sam</b> (supervisor), <b>bruno</b> (brand "
             f"partner) or <b>admin</b>; the password is <b>{DEMO_PASSWORD}</b>.")


class SignInDialog(QDialog):
    """Asks for a user name and password; ``user`` holds who signed in once accepted."""

    def __init__(self, users: UserService, preferences: BenchPreferences, *, hint: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Sign in · Inspector Workstation")
        self.setObjectName("signInDialog")
        self.user: User | None = None
        self._users = users
        self._preferences = preferences
        self._runner = JobRunner(self)
        self.organisation = users.organisation()

        self.pages = QStackedWidget()
        self.pages.addWidget(self._sign_in_form(hint))
        self.pages.addWidget(self._set_up_form())
        self.message = QLabel()
        self.message.setObjectName("signInMessage")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._show_form(set_up=self.organisation is None)

    # -- forms --
    def _sign_in_form(self, hint: str) -> QWidget:
        form = QWidget()
        layout = QFormLayout(form)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        layout.addRow(self.heading)
        self.username = QLineEdit(self._preferences.last_user, objectName="username")
        self.password = QLineEdit(objectName="password", echoMode=QLineEdit.EchoMode.Password)
        layout.addRow("&User name", self.username)
        layout.addRow("&Password", self.password)
        if hint:
            note = QLabel(hint, objectName="signInHint")
            note.setWordWrap(True)
            layout.addRow(note)
        return form

    def _set_up_form(self) -> QWidget:
        form = QWidget()
        layout = QFormLayout(form)
        intro = QLabel("This bench is not set up yet. Name your organisation and create its first "
                       "administrator; the administrator then adds inspectors and supervisors.")
        intro.setWordWrap(True)
        layout.addRow(intro)
        self.org_name = QLineEdit(objectName="organisation", placeholderText="e.g. Northgate Authentication Centre")
        self.admin_name = QLineEdit(objectName="adminUsername", placeholderText="lower-case, e.g. ada")
        self.admin_display = QLineEdit(objectName="adminDisplayName", placeholderText="e.g. Ada Lovelace")
        self.admin_password = QLineEdit(objectName="adminPassword", echoMode=QLineEdit.EchoMode.Password)
        self.admin_repeat = QLineEdit(objectName="adminPasswordRepeat", echoMode=QLineEdit.EchoMode.Password)
        layout.addRow("&Organisation", self.org_name)
        layout.addRow("Administrator's &user name", self.admin_name)
        layout.addRow("Administrator's &full name", self.admin_display)
        layout.addRow("&Password", self.admin_password)
        layout.addRow("&Repeat password", self.admin_repeat)
        return form

    def _show_form(self, *, set_up: bool) -> None:
        self.pages.setCurrentIndex(1 if set_up else 0)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Set up bench" if set_up else "Sign in")
        if set_up:
            self.org_name.setFocus()
        else:
            self.heading.setText(f"<b>{self.organisation}</b><br>Sign in to the bench.")
            (self.password if self.username.text() else self.username).setFocus()

    # -- submitting --
    def _submit(self) -> None:
        if self._runner.busy:
            return
        if self.pages.currentIndex() == 1:
            self._set_up()
            return
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            self._say("Give your user name and password.")
            return
        self._busy(True)
        self._runner.start(lambda _progress: self._users.authenticate(username, password),
                           on_finished=self._signed_in, on_failed=self._refused)

    def _set_up(self) -> None:
        if self.admin_password.text() != self.admin_repeat.text():
            self._say("The two passwords differ.")
            return
        admin = NewUser(self.admin_name.text().strip(), Role.ADMIN, self.admin_password.text(),
                        self.admin_display.text().strip() or None)
        org = self.org_name.text()
        self._busy(True)
        self._runner.start(lambda _progress: self._users.init_organisation(org, admin),
                           on_finished=self._signed_in, on_failed=self._refused)

    def _signed_in(self, user: User) -> None:
        self._busy(False)
        self.user = user
        self._preferences.last_user = user.username
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self._busy(False)
        if isinstance(exc, AuthenticationFailed):
            self._say("Unknown user name or wrong password (or the account is disabled).")
            self.password.selectAll()
            self.password.setFocus()
        else:
            self._say(describe_error(exc))

    def _busy(self, busy: bool) -> None:
        self.buttons.setEnabled(not busy)
        if busy:
            self._say("Checking…", error=False)

    def _say(self, text: str, *, error: bool = True) -> None:
        self.message.setText(text)
        self.message.setProperty("error", error)
        self.message.setStyleSheet(f"color: {status_colour('fail').name()};" if error else "")
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft)
