"""The library page: browse the brands one works with; import, export and compare their packs.

Everything is done as the signed-in user through the library service, which
checks the role (a brand partner publishes only its own brands); the page
only decides what to offer. An inspector browses; it is offered no import.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QLabel, QToolBar, QVBoxLayout, QWidget

from reference_library.importer import ImportResult
from reference_library.problems import PackError
from reports.users import Action, Role

from ...services.wording import plural
from ..page_parts import page_action, page_shortcuts
from ..bench_context import BenchContext
from ..import_controller import ImportController
from ..library_browser import LibraryBrowser
from ..messages import describe_error
from ..problems_dialog import ProblemsDialog
from ..page_parts import MessageLine
from ..task_progress import TaskProgressDialog
from ..workers import JobRunner
from .pack_diff_view import PackDiffDialog

log = logging.getLogger(__name__)

MANIFEST = "pack.toml"


def pack_path_from_choice(chosen: Path) -> Path:
    """A chosen ``pack.toml`` stands for its directory; a zip or directory for itself."""
    return chosen.parent if chosen.name == MANIFEST else chosen


class LibraryPage(QWidget):
    status = Signal(str)
    libraryChanged = Signal()   # a pack was imported: other screens showing the library read it again
    exported = Signal(object)   # the Path written

    def __init__(self, context: BenchContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("libraryPage")
        self._context = context
        self._last_dir = Path.home()
        self.can_import = context.may(Action.IMPORT_PACK)
        service = context.library

        self.browser = LibraryBrowser(service, context.user)
        self.browser.empty.set_can_import(self.can_import)
        self.imports = ImportController(service, context.user, self)
        self._exports = JobRunner(self)
        self.message = MessageLine()
        self.progress = TaskProgressDialog("Importing a pack", self)
        self.problems_dialog: ProblemsDialog | None = None
        self.compare_dialog: PackDiffDialog | None = None

        self._build_actions()
        self.toolbar = QToolBar("Library")
        self.toolbar.setObjectName("libraryToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.import_action, self.export_action, self.compare_action, self.reload_action):
            if action.isVisible():
                self.toolbar.addAction(action)
        self.scope = QLabel(self._scope_text())
        self.scope.setStyleSheet("color: palette(placeholder-text);")
        self.toolbar.addSeparator()
        self.toolbar.addWidget(self.scope)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.message)
        layout.addWidget(self.browser, 1)
        self.setAcceptDrops(self.can_import)

        self.browser.importRequested.connect(self.import_pack_dialog)
        self.browser.loadFailed.connect(self.message.say)
        self.browser.loaded.connect(self._update_actions)
        self.browser.tree.selectionModel().selectionChanged.connect(self._update_actions)
        self.progress.progress.cancelRequested.connect(self.imports.cancel)
        self.imports.started.connect(self._on_import_started)
        self.imports.progress.connect(self.progress.report)
        self.imports.succeeded.connect(self._on_imported)
        self.imports.refused.connect(self._on_refused)
        self.imports.cancelled.connect(self._on_cancelled)
        self.imports.failed.connect(
            lambda what, why: self.message.say(f"{what} was not imported: {why.rstrip('.')}. "
                                               "Nothing in the library changed."))
        self.imports.settled.connect(self._on_import_settled)
        self._update_actions()
        self.browser.refresh()

    def shortcuts(self) -> list[tuple[str, str]]:
        return page_shortcuts(self)

    def refresh(self) -> None:
        """Read the library again (another screen or bench may have changed it)."""
        self.browser.refresh()

    @property
    def busy(self) -> bool:
        """An import or export is running (the window asks before closing)."""
        return self.imports.busy or self._exports.busy

    def cancel_work(self) -> None:
        self.imports.cancel()

    # -- actions --
    def _build_actions(self) -> None:
        self.import_action = page_action(self, "&Import pack…", "Ctrl+I", "Import a reference pack: a folder with "
                                         "pack.toml, or a .zip", self.import_pack_dialog, offered=self.can_import)
        self.export_action = page_action(self, "&Export pack…", "Ctrl+E", "Write the selected pack version to a "
                                         ".zip", self.export_pack_dialog, offered=self.can_import)
        self.compare_action = page_action(self, "&Compare versions…", "Ctrl+D", "What changed between two "
                                          "versions of the selected brand's pack", self.compare_versions)
        self.filter_action = page_action(self, "&Filter library", "Ctrl+F", "Type to filter brands, models and "
                                         "zones", self.browser.focus_filter)
        self.reload_action = page_action(self, "&Reload", "F5", "Read the library again (another bench may have "
                                         "imported packs)", self.refresh)

    def _update_actions(self) -> None:
        node = self.browser.selected_node()
        idle = not self.busy
        self.import_action.setEnabled(idle)
        self.export_action.setEnabled(idle and node is not None)
        self.compare_action.setEnabled(node is not None and len(node.brand.packs) > 1)

    def _scope_text(self) -> str:
        user = self._context.user
        if user.role is Role.BRAND_PARTNER:
            return f"  Your brands: {', '.join(user.brands)}"
        return "  Every brand in the library" + ("" if self.can_import else " (read only)")

    # -- importing --
    def import_pack_dialog(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Import reference pack", str(self._last_dir), "Reference packs (pack.toml *.zip);;All files (*)")
        if chosen:
            self.import_pack(pack_path_from_choice(Path(chosen)))

    def import_pack(self, path: Path) -> None:
        self._last_dir = path.parent
        self.message.clear()
        if not self.imports.import_pack(path):
            self.status.emit("An import is already running; wait for it to finish.")

    def _on_import_started(self, what: str) -> None:
        self._update_actions()
        self.progress.start(what)

    def _on_import_settled(self) -> None:
        self.progress.finish()
        self._update_actions()

    def _on_imported(self, results: list[ImportResult]) -> None:
        for result in results:
            for warning in result.warnings:
                log.warning("%s %s: %s", result.brand, result.version, warning)
        self.status.emit("; ".join(describe_result(r) for r in results))
        self.browser.refresh(select=(results[0].brand,) if results else None)
        self.libraryChanged.emit()

    def _on_refused(self, what: str, error: PackError) -> None:
        self.problems_dialog = ProblemsDialog(what, error, self)
        self.problems_dialog.open()

    def _on_cancelled(self, what: str) -> None:
        self.message.say(f"Import of {what} cancelled; nothing changed.")
        self.status.emit(f"Import of {what} cancelled; nothing changed.")

    # -- drag and drop: a pack folder or zip dropped on the page is imported --
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if self.can_import and len(urls) == 1 and urls[0].isLocalFile() and not self.imports.busy:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        self.import_pack(pack_path_from_choice(Path(event.mimeData().urls()[0].toLocalFile())))
        event.acceptProposedAction()

    # -- exporting --
    def export_pack_dialog(self) -> None:
        """Export the selected version (a brand stands for its current version)."""
        node = self.browser.selected_node()
        if node is None:
            return
        pack = node.pack or node.brand.current or node.brand.packs[0]
        suggested = self._last_dir / f"{node.brand.slug}-{pack.version}.zip"
        chosen, _ = QFileDialog.getSaveFileName(self, "Export reference pack", str(suggested), "Zipped packs (*.zip)")
        if chosen:
            self.export_pack(node.brand.slug, pack.version, Path(chosen))

    def export_pack(self, brand: str, version: str, out: Path) -> None:
        """Write the pack to ``out`` on a worker; ``exported`` or a message says how it went."""
        self._last_dir = out.parent
        self.message.clear()
        user, service = self._context.user, self._context.library
        self._exports.start(lambda _progress: service.export(user, brand, version, out),
                            on_finished=self._on_exported,
                            on_failed=lambda exc: self._on_export_failed(brand, exc))
        self._update_actions()

    def _on_exported(self, path: Path) -> None:
        self._update_actions()
        self.status.emit(f"Exported to {path}")
        self.exported.emit(path)

    def _on_export_failed(self, brand: str, exc: BaseException) -> None:
        self._update_actions()
        self.message.say(f"{brand} was not exported: {describe_error(exc)}")

    # -- comparing versions --
    def compare_versions(self) -> None:
        node = self.browser.selected_node()
        if node is None or len(node.brand.packs) < 2:
            self.message.say("Select a brand with at least two pack versions to compare them.")
            return
        self.compare_dialog = PackDiffDialog(node.brand, self.browser.thumbnails, self)
        self.compare_dialog.open()


def describe_result(r: ImportResult) -> str:
    """One line for the status bar: what came in and whether it is now the version inspections use."""
    state = "now current" if r.became_current else f"kept; {r.previous_current} stays current"
    warnings = f", {plural(len(r.warnings), 'warning')} (see the log)" if r.warnings else ""
    return (f"Imported {r.brand} {r.version}: {plural(r.models, 'model')}, {plural(r.zones, 'zone')}, "
            f"{plural(r.references, 'reference')}; {state}{warnings}")
