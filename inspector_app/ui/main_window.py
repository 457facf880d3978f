"""The signed-in window: the screens a role may use, a navigation bar, menus and the status bar.

The window wires screens together and nothing more. Which screens a user
sees follows the role's permissions (the services refuse anything else
anyway). Screens are built on first visit, so the window is usable at once
and a screen's modules are only loaded by those who use them.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from PySide6.QtCore import QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow, QMessageBox, QStackedWidget,
    QWidget,
)

from reports.users import Action

from ..services.library import DemoSeedRequest
from ..services.wording import describe_data_location, plural
from .bench_context import BenchContext
from .help_overlay import HelpOverlay, Shortcut, shortcut_text
from .messages import describe_error
from .task_progress import TaskProgress
from .theme import apply_theme
from .workers import JobRunner

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Screen:
    """One entry of the navigation bar: who may see it and where its widget class lives."""

    key: str
    title: str
    needs: Action | None          # None: every signed-in role
    widget: str                   # "module:Class", imported on first visit
    tip: str


SCREENS: tuple[Screen, ...] = (
    Screen("inspect", "Inspect", Action.INSPECT, "inspector_app.ui.inspect.workspace:InspectionWorkspace",
           "Take an item in, photograph it, compare, walk the checklist and sign the verdict"),
    Screen("escalations", "Escalations", Action.REVIEW_VERDICT,
           "inspector_app.ui.supervisor.escalations_page:EscalationsPage",
           "Inconclusive verdicts waiting for a supervisor"),
    Screen("audit", "Audit", Action.VIEW_AUDIT, "inspector_app.ui.supervisor.audit_page:AuditPage",
           "Search past verdicts, check their signatures and review them"),
    Screen("dashboard", "Dashboard", Action.VIEW_AUDIT, "inspector_app.ui.supervisor.dashboard_page:DashboardPage",
           "Items per day, outcomes per brand, turnaround, overrides and agreement"),
    Screen("library", "Library", None, "inspector_app.ui.partner.library_page:LibraryPage",
           "The brands' reference packs: browse, import, compare versions, export"),
    Screen("users", "Users", Action.MANAGE_USERS, "inspector_app.ui.admin.users_page:UsersPage",
           "Accounts, roles and passwords"),
    Screen("organisation", "Organisation", Action.MANAGE_USERS,
           "inspector_app.ui.admin.organisation_page:OrganisationPage",
           "The organisation and the certificate that vouches for its reports"),
    Screen("models", "Models", Action.INSTALL_MODEL, "inspector_app.ui.admin.models_page:ModelsPage",
           "The classifier models giving second opinions"),
    Screen("settings", "Settings", Action.MANAGE_USERS, "inspector_app.ui.admin.settings_page:SettingsPage",
           "Data locations, camera, hot folder, scale card, theme"),
)

ROLE_NAMES = {"inspector": "inspector", "supervisor": "supervisor", "brand-partner": "brand partner",
              "admin": "administrator"}


def screens_for(context: BenchContext) -> list[Screen]:
    """The screens the signed-in role may use, in navigation order."""
    return [s for s in SCREENS if s.needs is None or context.may(s.needs)]


class MainWindow(QMainWindow):
    signedOut = Signal()
    libraryChanged = Signal()   # the demo library arrived, or a pack was imported

    def __init__(self, context: BenchContext, *, demo_dirs: Sequence[Path] = (), parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.setObjectName("mainWindow")
        self.setWindowTitle(f"Inspector Workstation — {context.user.display_name}")
        self.resize(1440, 900)
        self._runner = JobRunner(self)
        self._signing_out = False
        self.help: HelpOverlay | None = None

        self.screens = screens_for(context)
        self.pages: dict[str, QWidget] = {}
        self.nav = QListWidget(objectName="navigation")
        self.nav.setFixedWidth(168)
        self.nav.setStyleSheet("QListWidget#navigation::item { padding: 8px 10px; }")
        for screen in self.screens:
            item = QListWidgetItem(screen.title)
            item.setToolTip(screen.tip)
            self.nav.addItem(item)
        self.stack = QStackedWidget(objectName="screens")
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.progress = TaskProgress()
        self.progress.cancelRequested.connect(self._runner.cancel_all)
        self.who = QLabel(f"Signed in as {context.user.display_name} ({ROLE_NAMES[context.user.role.value]})",
                          objectName="signedInAs")
        self.location = QLabel(describe_data_location(context.workstation.settings))
        self.location.setToolTip(str(context.workstation.settings.home))
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.who)
        self.statusBar().addPermanentWidget(self.location)
        self._build_actions()
        self._build_menus()

        self.nav.currentRowChanged.connect(self._show_row)
        self._restore_layout()
        if demo_dirs:
            self._seed_demo(demo_dirs)
        QTimer.singleShot(0, self._offer_resume)

    # -- screens --
    def screen_keys(self) -> list[str]:
        return [s.key for s in self.screens]

    def show_screen(self, key: str) -> QWidget:
        """Bring a screen to the front (building it on first use) and return its widget."""
        row = self.screen_keys().index(key)
        self.nav.setCurrentRow(row)
        return self.pages[key]

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        screen = self.screens[row]
        page = self.pages.get(screen.key)
        if page is None:
            page = self._build(screen)
            self.pages[screen.key] = page
            self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        self.context.preferences.last_screen = screen.key

    def _build(self, screen: Screen) -> QWidget:
        module, _, name = screen.widget.partition(":")
        try:
            page: QWidget = getattr(importlib.import_module(module), name)(self.context)
        except Exception as exc:   # a screen that cannot be built must not take the window down
            log.exception("screen %s could not be built", screen.key)
            page = QLabel(f"The {screen.title} screen could not be opened: {describe_error(exc)}")
            page.setWordWrap(True)
            return page
        status = getattr(page, "status", None)
        if status is not None:
            status.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        changed = getattr(page, "libraryChanged", None)
        if changed is not None:
            changed.connect(self.libraryChanged)
        theme_changed = getattr(page, "themeChanged", None)
        if theme_changed is not None:
            theme_changed.connect(self.set_theme)
        refresh = getattr(page, "refresh", None)
        if callable(refresh):
            self.libraryChanged.connect(refresh)
        return page

    # -- actions and menus --
    def _build_actions(self) -> None:
        self.sign_out_action = QAction("Sign &out", self, shortcut=QKeySequence("Ctrl+Shift+L"),
                                       statusTip="Sign out and hand the bench to the next person")
        self.sign_out_action.triggered.connect(self.sign_out)
        self.quit_action = QAction("&Quit", self, shortcut=QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        self.theme_action = QAction("&Dark theme", self, checkable=True, shortcut=QKeySequence("Ctrl+Shift+T"))
        self.theme_action.setChecked(self.context.preferences.theme == "dark")
        self.theme_action.toggled.connect(lambda dark: self.set_theme("dark" if dark else "light"))
        self.help_action = QAction("&Keyboard shortcuts", self)
        self.help_action.setShortcuts([QKeySequence("F1"), QKeySequence("?")])
        self.help_action.triggered.connect(self.show_help)
        self.about_action = QAction("&About Inspector Workstation", self)
        self.about_action.triggered.connect(self.show_about)
        self.screen_actions = []
        for number, screen in enumerate(self.screens, start=1):
            action = QAction(screen.title, self, statusTip=screen.tip)
            if number <= 9:
                action.setShortcut(QKeySequence(f"Alt+{number}"))
            action.triggered.connect(lambda _=False, key=screen.key: self.show_screen(key))
            self.screen_actions.append(action)
            self.addAction(action)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        session_menu = bar.addMenu("&Session")
        session_menu.addAction(self.sign_out_action)
        session_menu.addSeparator()
        session_menu.addAction(self.quit_action)
        go_menu = bar.addMenu("&Go")
        for action in self.screen_actions:
            go_menu.addAction(action)
        view_menu = bar.addMenu("&View")
        view_menu.addAction(self.theme_action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.help_action)
        help_menu.addAction(self.about_action)

    def global_shortcuts(self) -> list[Shortcut]:
        keyed = [self.sign_out_action, self.quit_action, self.theme_action, self.help_action, *self.screen_actions]
        return [(shortcut_text(a.shortcut()), a.text().replace("&", "") if a not in self.screen_actions
                 else f"Go to {a.text()}") for a in keyed if not a.shortcut().isEmpty()]

    def show_help(self) -> None:
        sections: list[tuple[str, Sequence[Shortcut]]] = [("Window", self.global_shortcuts())]
        page = self.stack.currentWidget()
        shortcuts = getattr(page, "shortcuts", None)
        if callable(shortcuts):
            title = self.screens[self.nav.currentRow()].title if self.nav.currentRow() >= 0 else "Screen"
            sections.insert(0, (title, shortcuts()))
        self.help = HelpOverlay(sections, self)
        self.help.open()

    def set_theme(self, theme: str) -> None:
        self.context.preferences.theme = theme
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, self.context.preferences.theme)
        self.theme_action.blockSignals(True)
        self.theme_action.setChecked(theme == "dark")
        self.theme_action.blockSignals(False)

    def show_about(self) -> None:
        try:
            app_version = version("inspector-workstation")
        except PackageNotFoundError:
            app_version = "development"
        QMessageBox.about(self, "About Inspector Workstation",
                          f"<b>Inspector Workstation</b> {app_version}<p>Compare photos of luxury items "
                          "against brand reference libraries, walk the brand's checklist and sign the "
                          f"verdict.</p><p>{self.location.text()}</p>")

    # -- the demo library, seeded in the background on a new bench --
    def _seed_demo(self, demo_dirs: Sequence[Path]) -> None:
        request = DemoSeedRequest(tuple(demo_dirs))
        self.progress.start("the demo library")
        self._runner.start(lambda progress: self.context.library.seed_demo(request, progress),
                           on_finished=self._seeded, on_failed=self._seed_failed, on_progress=self.progress.report)

    def _seeded(self, results: list) -> None:  # type: ignore[type-arg]
        self.progress.finish()
        if results:
            self.statusBar().showMessage(f"Demo library imported: {plural(len(results), 'brand')}.", 15_000)
            self.libraryChanged.emit()

    def _seed_failed(self, exc: BaseException) -> None:
        self.progress.finish()
        self.statusBar().showMessage(f"The demo library was not imported: {describe_error(exc)}", 15_000)

    # -- resuming after a crash or a closed window --
    def _offer_resume(self) -> None:
        """Cases left open on this bench are offered the moment the inspector is back."""
        if not self.context.may(Action.INSPECT):
            return
        try:
            open_cases = self.context.cases.open_cases(self.context.user)
        except Exception as exc:
            self.statusBar().showMessage(f"Unfinished cases could not be read: {describe_error(exc)}", 15_000)
            return
        if not open_cases:
            return
        latest = open_cases[-1]
        box = QMessageBox(QMessageBox.Icon.Question, "Resume an unfinished case",
                          f"{plural(len(open_cases), 'case')} on this bench "
                          f"{'is' if len(open_cases) == 1 else 'are'} not finished. Resume case {latest}? "
                          "Every photo and checklist answer taken so far is kept.", parent=self)
        box.setObjectName("resumeOffer")
        resume = box.addButton("Resume", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(resume)
        box.buttonClicked.connect(lambda button: self.resume_case(latest) if button is resume else None)
        self.resume_offer = box
        box.open()

    def resume_case(self, case_number: str) -> None:
        workspace = self.show_screen("inspect")
        open_case = getattr(workspace, "open_case", None)
        if callable(open_case):
            open_case(case_number)

    # -- layout memory, signing out, closing --
    def _restore_layout(self) -> None:
        geometry = self.context.preferences.geometry("main_window")
        if geometry is not None:
            self.restoreGeometry(geometry)
        keys = self.screen_keys()
        remembered = self.context.preferences.last_screen
        self.nav.setCurrentRow(keys.index(remembered) if remembered in keys else 0)

    def sign_out(self) -> None:
        self._signing_out = True
        if self.close():
            self.signedOut.emit()
        else:
            self._signing_out = False

    def closeEvent(self, event: QCloseEvent) -> None:
        """Close without asking: every step is saved as it happens, imports roll back when cancelled, and a
        running analysis or signature is simply finished (or dropped before it records anything)."""
        self.statusBar().showMessage("Finishing the work in progress…")
        self._runner.cancel_all()
        for page in self.pages.values():
            cancel = getattr(page, "cancel_work", None)
            if callable(cancel):
                cancel()
        QThreadPool.globalInstance().waitForDone()
        self.context.preferences.set_geometry("main_window", self.saveGeometry())
        self.context.preferences.sync()
        event.accept()

