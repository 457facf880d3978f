"""The workstation's main window: menus, status bar and the library browser.

The window wires things together and nothing more: it turns menu actions into
calls on the import controller and the browser, and outcomes into messages.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from PySide6.QtCore import QThreadPool
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMessageBox, QWidget

from reference_library.importer import ImportResult
from reference_library.problems import PackError

from ..services.library import LibraryService
from ..services.wording import describe_data_location, plural
from ..workstation import Workstation, demo_pack_dirs
from .import_controller import ImportController
from .library_browser import LibraryBrowser
from .problems_dialog import ProblemsDialog
from .task_progress import TaskProgress

log = logging.getLogger(__name__)

MANIFEST = "pack.toml"


def pack_path_from_choice(chosen: Path) -> Path:
    """A chosen ``pack.toml`` stands for its directory; a zip or directory for itself."""
    return chosen.parent if chosen.name == MANIFEST else chosen


class MainWindow(QMainWindow):
    def __init__(self, workstation: Workstation, *, seed_demo: bool = False,
                 demo_dirs: Sequence[Path] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Inspector Workstation")
        self.setAcceptDrops(True)
        self.resize(1280, 800)
        service = LibraryService(workstation.session_factory, workstation.store)
        self._last_dir = Path.home()

        self.browser = LibraryBrowser(service)
        self.setCentralWidget(self.browser)
        self.imports = ImportController(service, self)
        self.problems_dialog: ProblemsDialog | None = None

        self._build_actions()
        self._build_menus()
        self.progress = TaskProgress()
        self.progress.cancelRequested.connect(self.imports.cancel)
        self.location = QLabel(describe_data_location(workstation.settings))
        self.location.setToolTip(str(workstation.settings.home))
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.location)

        self.browser.importRequested.connect(self.import_pack_dialog)
        self.browser.loadFailed.connect(lambda message: self.statusBar().showMessage(message))
        self.imports.started.connect(self._on_import_started)
        self.imports.progress.connect(self.progress.report)
        self.imports.succeeded.connect(self._on_imported)
        self.imports.refused.connect(self._on_refused)
        self.imports.cancelled.connect(
            lambda what: self.statusBar().showMessage(f"Import of {what} cancelled; nothing changed.", 10_000))
        self.imports.failed.connect(self._on_failed)
        self.imports.settled.connect(self._on_import_settled)

        dirs = demo_pack_dirs() if demo_dirs is None else list(demo_dirs)
        if seed_demo and dirs:
            self.imports.seed_demo(dirs)   # refreshes the browser when done, even if nothing was needed
        else:
            if seed_demo:
                self.statusBar().showMessage("The demo library is not installed (resources/demo/packs).", 10_000)
            self.browser.refresh()

    # -- actions and menus --
    def _build_actions(self) -> None:
        self.import_action = QAction("&Import pack…", self, shortcut=QKeySequence("Ctrl+I"),
                                     statusTip="Import a brand's reference pack: a folder with pack.toml, or a .zip")
        self.import_action.triggered.connect(self.import_pack_dialog)
        self.quit_action = QAction("&Quit", self, shortcut=QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        self.filter_action = QAction("&Filter library", self, shortcut=QKeySequence("Ctrl+F"),
                                     statusTip="Type to filter brands, models and zones")
        self.filter_action.triggered.connect(self.browser.focus_filter)
        self.reload_action = QAction("&Reload library", self, shortcut=QKeySequence("F5"),
                                     statusTip="Read the library again (another bench may have imported packs)")
        self.reload_action.triggered.connect(lambda: self.browser.refresh())
        self.about_action = QAction("&About Inspector Workstation", self)
        self.about_action.triggered.connect(self.show_about)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        view_menu = bar.addMenu("&View")
        view_menu.addAction(self.filter_action)
        view_menu.addAction(self.reload_action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)

    # -- importing --
    def import_pack_dialog(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Import reference pack", str(self._last_dir),
            "Reference packs (pack.toml *.zip);;All files (*)")
        if chosen:
            self.import_pack(pack_path_from_choice(Path(chosen)))

    def import_pack(self, path: Path) -> None:
        self._last_dir = path.parent
        if not self.imports.import_pack(path):
            self.statusBar().showMessage("An import is already running; wait for it to finish.", 10_000)

    def _on_import_started(self, what: str) -> None:
        self.import_action.setEnabled(False)
        self.progress.start(what)

    def _on_import_settled(self) -> None:
        self.import_action.setEnabled(True)
        self.progress.finish()
        if not self.browser.has_loaded and not self.browser.busy:
            self.browser.refresh()   # a failed demo seeding must still end on the library, not on "Reading…"

    def _on_imported(self, results: list[ImportResult]) -> None:
        for result in results:
            for warning in result.warnings:
                log.warning("%s %s: %s", result.brand, result.version, warning)
        if results:
            self.statusBar().showMessage(_describe_results(results), 15_000)
            self.browser.refresh(select=(results[0].brand,))
        else:
            self.browser.refresh()

    def _on_refused(self, what: str, error: PackError) -> None:
        self.problems_dialog = ProblemsDialog(what, error, self)
        self.problems_dialog.open()

    def _on_failed(self, what: str, message: str) -> None:
        QMessageBox.warning(self, "Import failed", f"{what} was not imported: {message}\n\nNothing in the "
                            "library changed. The details are in the log.")

    # -- drag and drop: a pack folder or zip dropped on the window is imported --
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if len(urls) == 1 and urls[0].isLocalFile() and not self.imports.busy:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        self.import_pack(pack_path_from_choice(Path(event.mimeData().urls()[0].toLocalFile())))
        event.acceptProposedAction()

    # -- about and closing --
    def show_about(self) -> None:
        try:
            app_version = version("inspector-workstation")
        except PackageNotFoundError:
            app_version = "development"
        QMessageBox.about(self, "About Inspector Workstation",
                          f"<b>Inspector Workstation</b> {app_version}<p>Compare photos of luxury items "
                          "against brand reference libraries, walk the brand's checklist and sign the "
                          f"verdict.</p><p>{self.location.text()}</p>")

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.imports.busy:
            answer = QMessageBox.question(self, "Import running",
                                          "A pack is still being imported. Stop the import and quit? "
                                          "Nothing of it will be kept.")
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.imports.cancel()
        QThreadPool.globalInstance().waitForDone()
        event.accept()


def _describe_results(results: list[ImportResult]) -> str:
    """One line for the status bar: the details of a single import, the names of several."""
    if len(results) > 1:
        return f"Imported {len(results)} packs: " + ", ".join(f"{r.brand} {r.version}" for r in results)
    return _describe_result(results[0])


def _describe_result(r: ImportResult) -> str:
    state = ("now current" if r.became_current else f"kept; {r.previous_current} stays current")
    warnings = f", {plural(len(r.warnings), 'warning')} (see the log)" if r.warnings else ""
    return (f"Imported {r.brand} {r.version}: {plural(r.models, 'model')}, {plural(r.zones, 'zone')}, "
            f"{plural(r.references, 'reference')}; {state}{warnings}")
