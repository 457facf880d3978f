"""Start-up of the workstation window: logging, error dialog, data, application, window.

One function does it in a fixed order (the Vorta habit), so a failure at any
step is reported the same way: in the log and in a dialog, never as a window
that silently does not appear.
"""

from __future__ import annotations

import importlib
import logging
import logging.handlers
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from .services.demo_bench import ensure_demo_accounts
from .settings import Settings
from .ui.bench_context import BenchContext
from .ui.error_dialog import ErrorReporter
from .ui.main_window import MainWindow
from .ui.preferences import BenchPreferences
from .ui.sign_in import DEMO_HINT, SignInDialog
from .ui.theme import apply_theme
from .workstation import Workstation, demo_pack_dirs

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


def warm_up_engine() -> None:
    """Load the analysis engine (OpenCV, SciPy, the services) while the user signs in.

    The sign-in dialog appears without waiting for it; by the time the
    password is typed, the first screen opens at once.
    """
    threading.Thread(target=importlib.import_module, args=("inspector_app.services.cases",), daemon=True,
                     name="engine-warm-up").start()


def run_gui(seed_demo: bool = False) -> int:
    """Open the workstation and run until it is closed; return the exit code.

    With ``seed_demo``, a bench that is not set up gets the demo organisation
    and one account per role, and an empty library receives the bundled demo
    packs (imported on a worker, with progress in the status bar).
    """
    settings = Settings.from_environment()
    log_file = configure_logging(settings.home / "logs")
    ErrorReporter(log_file).install()
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(ORGANISATION)
    preferences = BenchPreferences()
    apply_theme(app, preferences.theme)
    try:
        workstation = Workstation.open(settings)
        if seed_demo:
            ensure_demo_accounts(workstation.users())
    except Exception as exc:  # a bad database URL or a failed migration: say so, do not crash
        log.exception("the workstation could not open its data at %s", settings.home)
        QMessageBox.critical(None, APP_NAME, f"The workstation could not open its data in {settings.home}.\n\n"
                                             f"{type(exc).__name__}: {exc}\n\nDetails are in {log_file}.")
        return 1
    log.info("started; data home %s", settings.home)
    demo_dirs = demo_pack_dirs() if seed_demo else []
    warm_up_engine()
    try:
        while True:
            sign_in = SignInDialog(workstation.users(), preferences, hint=DEMO_HINT if seed_demo else "")
            if sign_in.exec() != QDialog.DialogCode.Accepted or sign_in.user is None:
                return 0
            log.info("%s signed in as %s", sign_in.user.username, sign_in.user.role.value)
            window = MainWindow(BenchContext(workstation, sign_in.user, preferences), demo_dirs=demo_dirs)
            signed_out: list[bool] = []
            window.signedOut.connect(lambda: signed_out.append(True))
            window.show()
            code = app.exec()
            window.deleteLater()
            if not signed_out:
                return code
            log.info("%s signed out", sign_in.user.username)
    finally:
        QThreadPool.globalInstance().waitForDone()
        workstation.close()
