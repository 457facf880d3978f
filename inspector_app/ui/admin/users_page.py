"""The users page: every account with its role, brands and certificate; add, change role, reset, disable.

Each change goes through the user service, which checks that the signed-in
user is an admin, issues certificates and records the change in the ledger;
a refusal is shown as one line. Changes run on a worker (a new certificate
and a password hash take a noticeable moment).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from reports.users import Action, Role, User

from ...services.users import NewUser, UserService
from ..bench_context import BenchContext
from ..messages import describe_error
from ..page_parts import MessageLine
from ..workers import JobRunner
from ..page_parts import page_action, page_shortcuts

ROLE_WORDS = {Role.INSPECTOR: "Inspector", Role.SUPERVISOR: "Supervisor", Role.BRAND_PARTNER: "Brand partner",
              Role.ADMIN: "Admin"}
COLUMNS = ("User", "Display name", "Role", "Brands", "Account", "Certificate serial")


@dataclass(frozen=True)
class AccountForm:
    """What an account dialog collected; fields a dialog does not ask for stay empty."""

    username: str = ""
    display_name: str = ""
    role: Role | None = None
    brands: tuple[str, ...] = ()
    password: str = ""


class AccountDialog(QDialog):
    """One dialog for the three account forms: a new user, a new role, a new password.

    It checks only what the form itself can (both passwords typed alike, the
    required fields filled); the service checks the rest and says why.
    """

    def __init__(self, title: str, brands: list[str], *, ask_name: bool = False, ask_role: bool = False,
                 password_required: bool = True, user: User | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("accountDialog")
        self.setWindowTitle(title)
        self._ask_name, self._ask_role, self._password_required = ask_name, ask_role, password_required
        self._user = user
        form = QFormLayout()
        self.username, self.display_name = QLineEdit(objectName="username"), QLineEdit(objectName="displayName")
        self.role = QComboBox(objectName="role")
        for role, word in ROLE_WORDS.items():
            self.role.addItem(word, role.value)
        self.brands = QListWidget(objectName="brands")
        self.brands.setMaximumHeight(110)
        for slug in brands:
            item = QListWidgetItem(slug)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if user and slug in user.brands else Qt.CheckState.Unchecked)
            self.brands.addItem(item)
        self.password, self.repeat = QLineEdit(objectName="password"), QLineEdit(objectName="repeat")
        for field in (self.password, self.repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        if user is not None:
            self.role.setCurrentIndex(self.role.findData(user.role.value))
        if ask_name:
            form.addRow("&User name", self.username)
            form.addRow("&Display name", self.display_name)
        if ask_role:
            form.addRow("&Role", self.role)
            form.addRow("&Brands", self.brands)
        form.addRow("&Password" if password_required else "New &password", self.password)
        form.addRow("Re&peat password", self.repeat)
        self.hint = QLabel(objectName="formHint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(placeholder-text);")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        for signal in (self.username.textChanged, self.password.textChanged, self.repeat.textChanged,
                       self.role.currentIndexChanged, self.brands.itemChanged):
            signal.connect(self._check)
        self._check()

    @property
    def chosen_role(self) -> Role:
        return Role(self.role.currentData())

    def form(self) -> AccountForm:
        brands = tuple(self.brands.item(i).text() for i in range(self.brands.count())
                       if self.brands.item(i).checkState() == Qt.CheckState.Checked)
        return AccountForm(self.username.text().strip(), self.display_name.text().strip(),
                           self.chosen_role if self._ask_role else None,
                           brands if self._ask_role and self.chosen_role is Role.BRAND_PARTNER else (),
                           self.password.text())

    def _needs_certificate(self) -> bool:
        """Moving someone without a certificate into a signing role makes one, protected by a new password."""
        return self._ask_role and self._user is not None and self.chosen_role.signs and self._user.cert_serial is None

    def _check(self) -> None:
        partner = self.chosen_role is Role.BRAND_PARTNER
        self.brands.setEnabled(partner)
        problem = ""
        if self._ask_name and not self.username.text().strip():
            problem = "Type a user name."
        elif self._ask_role and partner and not self.form().brands:
            problem = "Tick the brands this partner publishes."
        elif self._needs_certificate() and not self.password.text():
            problem = (f"{ROLE_WORDS[self.chosen_role]}s sign reports: give them a new password for the signing "
                       "certificate.")
        elif self._password_required and not self.password.text():
            problem = "Type a password."
        elif self.password.text() != self.repeat.text():
            problem = "The two passwords differ."
        self.hint.setText(problem or ("Inspectors and supervisors get a signing certificate protected by this "
                                      "password." if self._ask_role else ""))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)


class UsersPage(QWidget):
    status = Signal(str)
    changed = Signal()   # an account change went through and the table shows it

    def __init__(self, context: BenchContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("usersPage")
        self._context = context
        self._runner = JobRunner(self)
        self._users: tuple[User, ...] = ()
        self._brands: list[str] = []
        self.dialog: AccountDialog | None = None
        self.confirm: QMessageBox | None = None
        admin = context.may(Action.MANAGE_USERS)

        self.add_action = page_action(self, "&Add user…", "Ctrl+N", "Add an account", self.add_user_dialog,
                                      offered=admin)
        self.role_action = page_action(self, "Change &role…", "Ctrl+R", "Give the selected user another role",
                                       self.change_role_dialog, offered=admin)
        self.password_action = page_action(self, "Reset &password…", "Ctrl+P",
                                           "Set a new password for the selected user", self.reset_password_dialog,
                                           offered=admin)
        self.disable_action = page_action(self, "&Disable", "Ctrl+Shift+D", "Disable the selected account: it "
                                          "can no longer sign in", self.disable_selected, offered=admin)
        self.reload_action = page_action(self, "Re&load", "F5", "Read the accounts again", self.refresh)
        toolbar = QToolBar("Users")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.add_action, self.role_action, self.password_action, self.disable_action,
                       self.reload_action):
            if action.isVisible():
                toolbar.addAction(action)

        self.message = MessageLine()
        self.table = QTableWidget(0, len(COLUMNS), objectName="usersTable")
        self.table.setAccessibleName("Users")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_actions)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(toolbar)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self._update_actions()
        self.refresh()

    def shortcuts(self) -> list[tuple[str, str]]:
        return page_shortcuts(self)

    @property
    def users(self) -> tuple[User, ...]:
        return self._users

    @property
    def busy(self) -> bool:
        return self._runner.busy

    # -- reading --
    def refresh(self) -> None:
        """Read the accounts (refused unless the signed-in user is an admin) and the brands partners may get."""
        actor, users, library = self._context.user, self._context.users, self._context.library
        self._runner.start(lambda _p: (users.list_users(actor), [b.slug for b in library.brands()]),
                           on_finished=self._on_loaded, on_failed=self._on_failed)

    def _on_loaded(self, loaded: tuple[tuple[User, ...], list[str]]) -> None:
        self._users, self._brands = loaded
        selected = self.selected_user()
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(self._users))
        for row, user in enumerate(self._users):
            cells = (user.username, user.display_name, ROLE_WORDS[user.role], ", ".join(user.brands),
                     "disabled" if user.disabled else "active", user.cert_serial or "—")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, user.username)
                self.table.setItem(row, column, item)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        if selected is not None:
            self.select(selected.username)
        self._update_actions()

    def _on_failed(self, exc: BaseException) -> None:
        self.message.say(describe_error(exc))
        self._update_actions()

    # -- selection --
    def selected_user(self) -> User | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        username = self.table.item(rows[0].row(), 0).text()
        return next((u for u in self._users if u.username == username), None)

    def select(self, username: str) -> bool:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).text() == username:
                self.table.selectRow(row)
                return True
        return False

    def _update_actions(self) -> None:
        user = self.selected_user()
        idle = not self._runner.busy
        self.add_action.setEnabled(idle)
        for action in (self.role_action, self.password_action):
            action.setEnabled(idle and user is not None)
        self.disable_action.setEnabled(idle and user is not None and not user.disabled)

    # -- changes --
    def add_user_dialog(self) -> None:
        self._open_dialog(AccountDialog("Add user", self._brands, ask_name=True, ask_role=True, parent=self),
                          self.add_user)

    def change_role_dialog(self) -> None:
        user = self.selected_user()
        if user is not None:
            self._open_dialog(AccountDialog(f"Change the role of {user.username}", self._brands, ask_role=True,
                                            password_required=False, user=user, parent=self),
                              lambda form: self.change_role(user.username, form))

    def reset_password_dialog(self) -> None:
        user = self.selected_user()
        if user is not None:
            self._open_dialog(AccountDialog(f"Reset the password of {user.username}", [], user=user, parent=self),
                              lambda form: self.reset_password(user.username, form.password))

    def _open_dialog(self, dialog: AccountDialog, then: Callable[[AccountForm], None]) -> None:
        self.dialog = dialog
        dialog.accepted.connect(lambda: then(dialog.form()))
        dialog.open()

    def add_user(self, form: AccountForm) -> None:
        new = NewUser(form.username, form.role or Role.INSPECTOR, form.password, form.display_name or None,
                      form.brands)
        self._change(f"Added {form.username}.", lambda users, actor: users.add_user(actor, new), form.username)

    def change_role(self, username: str, form: AccountForm) -> None:
        role = form.role or Role.INSPECTOR
        self._change(f"{username} is now {ROLE_WORDS[role].lower()}.",
                     lambda users, actor: users.set_role(actor, username, role, form.brands, form.password or None),
                     username)

    def reset_password(self, username: str, password: str) -> None:
        self._change(f"New password set for {username}.",
                     lambda users, actor: users.change_password(actor, username, password), username)

    def disable_selected(self) -> None:
        """Ask first: an account cannot be enabled again from here."""
        user = self.selected_user()
        if user is None:
            return
        self.confirm = QMessageBox(QMessageBox.Icon.Question, "Disable account",
                                   f"Disable {user.username}? They can no longer sign in. Reports they signed "
                                   "stay valid.", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                   self)
        self.confirm.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.confirm.finished.connect(
            lambda answer: self.disable(user.username) if answer == QMessageBox.StandardButton.Yes.value else None)
        self.confirm.open()

    def disable(self, username: str) -> None:
        self._change(f"{username} is disabled.", lambda users, actor: users.disable_user(actor, username), username)

    def _change(self, done: str, change: Callable[[UserService, User], User], username: str) -> None:
        self.message.clear()
        actor, users = self._context.user, self._context.users
        self._runner.start(lambda _p: change(users, actor), on_finished=lambda _user: self._on_changed(done, username),
                           on_failed=self._on_failed)
        self._update_actions()

    def _on_changed(self, done: str, username: str) -> None:
        self.status.emit(done)
        self.message.say(done)
        actor, users, brands = self._context.user, self._context.users, self._brands
        self._runner.start(lambda _p: (users.list_users(actor), brands),
                           on_finished=lambda loaded: self._after_change(loaded, username), on_failed=self._on_failed)

    def _after_change(self, loaded: tuple[tuple[User, ...], list[str]], username: str) -> None:
        self._on_loaded(loaded)
        self.select(username)
        self.changed.emit()
