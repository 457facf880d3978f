"""Start-up of the workstation window: logging, error dialog, data, application, window.

One function does it in a fixed order (the Vorta habit), so a failure at any
step is reported the same way: in the log and in a dialog, never as a window
that silently does not appear.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QMessageBox

from .settings import Settings
from .ui.error_dialog import ErrorReporter
from .ui.main_window import MainWindow
from .workstation import Workstation

log = logging.getLogger(__name__)

APP_NAME = "Inspector Workstation"
ORGANISATION = "Inspector Workstation"
_HANDLER_MARK = "_inspector_workstation"


def configure_logging(log_dir: Path) -> Path:
    """Rotating log file in the data home plus warnings on stderr; calling it again replaces, never doubles."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = log_dir / "workstation.log"
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(handler)
        handler.close()
    to_file = logging.handlers.RotatingFileHandler(log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    to_stderr = logging.StreamHandler()
    to_stderr.setLevel(logging.WARNING)
    to_stderr.setFormatter(logging.Formatter("inspector-app: %(levelname)s %(message)s"))
    for handler in (to_file, to_stderr):
        setattr(handler, _HANDLER_MARK, True)
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    return log_file


def run_gui(seed_demo: bool = False) -> int:
    """Open the workstation window and run until it closes; return the exit code.

    With ``seed_demo``, an empty library first receives the bundled demo packs
    (imported on a worker, with progress in the status bar).
    """
    settings = Settings.from_environment()
    log_file = configure_logging(settings.home / "logs")
    ErrorReporter(log_file).install()
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(ORGANISATION)
    try:
        workstation = Workstation.open(settings)
    except Exception as exc:  # a bad database URL or a failed migration: say so, do not crash
        log.exception("the workstation could not open its data at %s", settings.home)
        QMessageBox.critical(None, APP_NAME, f"The workstation could not open its data in {settings.home}.\n\n"
                                             f"{type(exc).__name__}: {exc}\n\nDetails are in {log_file}.")
        return 1
    log.info("started; data home %s", settings.home)
    window = MainWindow(workstation, seed_demo=seed_demo)
    window.show()
    try:
        return app.exec()
    finally:
        window.imports.cancel()
        QThreadPool.globalInstance().waitForDone()
        workstation.close()
