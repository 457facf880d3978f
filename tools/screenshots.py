"""Screenshots of every screen of the real workstation, for the documentation.

Drives the application as its users would, on a throw-away data home (the demo
library seeded, the demo accounts made, three verdicts signed through the
services so the supervisor has something to audit), and saves one PNG per
screen to ``docs/screenshots/``. Each picture is taken only once the page's
workers are done and its thumbnails decoded, so nothing is half drawn.

Run it under a real X server (the offscreen platform draws no native widgets)::

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python tools/screenshots.py

It reuses the test suite's pack builders and signing helper (``tests.ui``),
so it needs the development install.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QDeadlineTimer, QEventLoop, QObject, QRect, QSettings, Qt, QThread, QThreadPool
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "xcb")   # before tests.ui.conftest picks offscreen

from inspector_app.services.cases import Intake  # noqa: E402
from inspector_app.services.demo_bench import DEMO_PASSWORD, ensure_demo_accounts  # noqa: E402
from inspector_app.services.library import DemoSeedRequest, LibraryService  # noqa: E402
from inspector_app.settings import Settings  # noqa: E402
from inspector_app.ui.bench_context import BenchContext  # noqa: E402
from inspector_app.ui.inspect.compare_panel import Mode  # noqa: E402
from inspector_app.ui.inspect.workspace import InspectionWorkspace, Step  # noqa: E402
from inspector_app.ui.main_window import MainWindow  # noqa: E402
from inspector_app.ui.preferences import BenchPreferences  # noqa: E402
from inspector_app.ui.sign_in import DEMO_HINT, SignInDialog  # noqa: E402
from inspector_app.ui.theme import apply_theme  # noqa: E402
from inspector_app.workstation import RESOURCES_DIR, Workstation, demo_pack_dirs  # noqa: E402
from reports.verdict import Verdict  # noqa: E402
from tests.ui.conftest import demo_item  # noqa: E402
from tests.ui.packs import break_pack, build_pack  # noqa: E402
from tests.ui.partner.test_pack_diff_view import next_version  # noqa: E402
from tests.ui.supervisor.conftest import SIGNED, sign_case  # noqa: E402

SHOTS = REPO / "docs" / "screenshots"
WINDOW_SIZE = (1440, 900)
ITEM = demo_item("maison-aurel/a02")   # not among the signed cases: its serial is not a repeat


# -- waiting ------------------------------------------------------------------------------------------

def wait_until(condition: Callable[[], bool], seconds: float = 120, what: str = "the window") -> None:
    """Run the event loop until ``condition`` holds; fail loudly rather than save a half-drawn window."""
    app = QApplication.instance()
    deadline = QDeadlineTimer(int(seconds * 1000))
    while not condition():
        if deadline.hasExpired():
            raise SystemExit(f"screenshots: timed out waiting for {what}")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        QThread.msleep(20)


def idle(root: QObject) -> bool:
    """No worker running, and nothing under ``root`` busy or still decoding thumbnails."""
    if QThreadPool.globalInstance().activeThreadCount():
        return False
    for obj in (root, *root.findChildren(QObject)):
        if getattr(type(obj), "busy", None) is not None and getattr(obj, "busy") is True:
            return False
        pending = getattr(obj, "pending", None)
        if callable(pending) and pending():
            return False
    return True


def settle(root: QObject, seconds: float = 120) -> None:
    """Wait for ``root`` to be idle, then let late signals and repaints through."""
    wait_until(lambda: idle(root), seconds, f"{root.objectName() or type(root).__name__} to settle")
    end = time.monotonic() + 0.3
    while time.monotonic() < end:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        QThread.msleep(20)
    wait_until(lambda: idle(root), seconds, f"{root.objectName() or type(root).__name__} to settle")


# -- saving ---------------------------------------------------------------------------------------------

class Shooter:
    """Saves grabs under the output folder and remembers what it wrote."""

    def __init__(self, out: Path):
        self.out = out
        self.written: list[Path] = []

    def save(self, name: str, picture: QPixmap) -> None:
        path = self.out / f"{name}.png"
        if not picture.save(str(path)):
            raise SystemExit(f"screenshots: could not write {path}")
        self.written.append(path)
        print(f"screenshots: {path.relative_to(REPO) if path.is_relative_to(REPO) else path}", flush=True)

    def window(self, name: str, window: QWidget) -> None:
        settle(window)
        self.save(name, window.grab())

    def dialog(self, name: str, window: QWidget, dialog: QWidget) -> None:
        settle(window)
        settle(dialog)
        self.save(name, with_dialog(window, dialog))


def with_dialog(window: QWidget, dialog: QWidget) -> QPixmap:
    """The window dimmed with the dialog framed on top: Xvfb has no window manager to draw either."""
    canvas = window.grab()
    painter = QPainter(canvas)
    painter.fillRect(canvas.rect(), QColor(0, 0, 0, 70))
    frame = QRect(dialog.geometry().topLeft() - window.geometry().topLeft(), dialog.size())
    painter.fillRect(frame.translated(4, 6), QColor(0, 0, 0, 60))   # a soft shadow
    painter.drawPixmap(frame.topLeft(), dialog.grab())
    painter.setPen(QPen(QColor(110, 110, 110), 1))
    painter.drawRect(frame.adjusted(0, 0, -1, -1))
    painter.end()
    return canvas


# -- the bench ------------------------------------------------------------------------------------------

def prepare_bench(home: Path) -> Workstation:
    """The demo library, the demo accounts, and three verdicts ines signed (PASS, FAIL, INCONCLUSIVE)."""
    ws = Workstation.open(Settings.embedded(home))
    LibraryService(ws.session_factory, ws.store).seed_demo(DemoSeedRequest(tuple(demo_pack_dirs())))
    ensure_demo_accounts(ws.users())
    for signed in SIGNED:
        sign_case(ws, signed)
    crashed = Workstation.open(replace(ws.settings, bench="bench-03"))   # left a case claimed when it stopped
    crashed.cases().open(ws.users().authenticate("ines", DEMO_PASSWORD),
                         Intake("A07-2026", "maison-aurel", "city-tote"))
    crashed.close()
    return ws


def open_window(ws: Workstation, preferences: BenchPreferences, username: str) -> MainWindow:
    user = ws.users().authenticate(username, DEMO_PASSWORD)
    window = MainWindow(BenchContext(ws, user, preferences))
    window.resize(*WINDOW_SIZE)
    window.move(0, 0)
    window.show()
    settle(window)
    return window


def close_window(window: MainWindow) -> None:
    settle(window)
    window.close()
    window.deleteLater()
    QApplication.processEvents()


# -- the screens, role by role ----------------------------------------------------------------------------

def sign_in_dialog(shots: Shooter, ws: Workstation, preferences: BenchPreferences) -> None:
    """The dialog as it opens on a demo bench, with the inspector's name typed; then a real sign-in."""
    dialog = SignInDialog(ws.users(), preferences, hint=DEMO_HINT)
    dialog.show()
    dialog.username.setText("ines")
    dialog.password.setText(DEMO_PASSWORD)
    dialog.password.setFocus()
    shots.window("sign-in", dialog)
    dialog.buttons.accepted.emit()
    wait_until(lambda: dialog.user is not None, what="the sign-in")
    dialog.close()


def import_files(workspace: InspectionWorkspace, *paths: Path) -> None:
    """The capture page's Import photos… with the file dialog answering ``paths``."""
    capture = workspace.capture
    chooser = QFileDialog.getOpenFileNames
    QFileDialog.getOpenFileNames = staticmethod(lambda *a, **k: ([str(p) for p in paths], ""))  # type: ignore[method-assign]
    try:
        capture.choose_files()
    finally:
        QFileDialog.getOpenFileNames = chooser  # type: ignore[method-assign]
    settle(workspace)


def blurred(photo: Path, work: Path) -> Path:
    import cv2

    out = work / f"blurred-{photo.name}"
    cv2.imwrite(str(out), cv2.GaussianBlur(cv2.imread(str(photo)), (41, 41), 14))
    return out


def inspector(shots: Shooter, ws: Workstation, preferences: BenchPreferences, work: Path) -> None:
    window = open_window(ws, preferences, "ines")
    workspace = window.show_screen("inspect")
    assert isinstance(workspace, InspectionWorkspace)
    intake = workspace.intake
    wait_until(lambda: intake.brand.count() > 0 and not workspace.busy, what="the intake")
    intake.suggestion.suggest_from(RESOURCES_DIR / "demo" / "samples" / "maison-aurel" / "a02" / "front-logo.jpg")   # which brand is it?
    wait_until(lambda: not intake.suggestion.busy and intake.model.currentIndex() >= 0, what="the suggestion")
    intake.focus_number()
    QTest.keyClicks(intake.case_number, "A02-2026")
    shots.window("inspect-intake", window)

    QTest.keyClick(intake.case_number, Qt.Key.Key_Return)
    wait_until(lambda: workspace.current_step is Step.CAPTURE, what="the capture step")
    capture = workspace.capture
    zones = [s.zone.id for s in capture.shot_list.shots]
    capture.shot_list.setCurrentRow(1)
    for zone in zones[1:]:
        import_files(workspace, ITEM[zone])
    capture.shot_list.setCurrentRow(0)
    import_files(workspace, blurred(ITEM[zones[0]], work))   # a blurred shot: the retake banner shows
    wait_until(lambda: all(capture.shot_list.shows_thumbnail(z) for z in zones[1:])
               and not capture.example.pixmap().isNull() and capture.preview.has_image, what="the thumbnails")
    shots.window("inspect-capture", window)

    import_files(workspace, ITEM[zones[0]])   # the retake
    workspace.analyse()
    wait_until(lambda: workspace.current_step is Step.COMPARE, 600, "the analysis")
    compare = workspace.compare
    logo = next((z["zone"] for z in workspace.view.zones if z["kind"] == "logo"), zones[0])
    compare.select_zone(logo)
    compare.toggle_mode(Mode.OVERLAY)
    shots.window("inspect-compare", window)

    workspace.go_to(Step.CHECKLIST)
    checklist = workspace.checklist
    settle(window)
    shots.window("inspect-checklist", window)
    checklist.go_to(0)
    for _ in checklist.states:   # Pass (P) on every check, from the top
        checklist.give("pass")
        settle(window)
    wait_until(lambda: workspace.current_step is Step.VERDICT, what="the verdict step")
    verdict = workspace.verdict
    verdict.decision_buttons[Verdict.PASS].click()
    verdict.password.setText(DEMO_PASSWORD)
    shots.window("inspect-verdict", window)

    verdict.sign()
    wait_until(lambda: verdict.pages.currentIndex() == 1, 300, "the signature")
    shots.window("report-viewer", window)

    window.show_help()
    assert window.help is not None
    shots.dialog("help", window, window.help)
    window.help.close()
    close_window(window)


def supervisor(shots: Shooter, ws: Workstation, preferences: BenchPreferences) -> None:
    window = open_window(ws, preferences, "sam")
    audit = window.show_screen("audit")
    settle(window)
    table = getattr(audit, "table")
    table.selectRow(0)
    shots.window("audit", window)
    window.set_theme("dark")
    shots.window("dark-theme", window)
    window.set_theme("light")
    escalations = window.show_screen("escalations")
    settle(window)
    for view in escalations.findChildren(QWidget):   # open the one waiting verdict
        select_row = getattr(view, "selectRow", None)
        if callable(select_row) and view.isVisible():
            select_row(0)
            break
    shots.window("escalations", window)
    window.show_screen("dashboard")
    shots.window("dashboard", window)
    close_window(window)


def pick_zone(brands: list) -> tuple[str, ...]:  # type: ignore[type-arg]
    """The first stitching zone with counterfeits: tolerances and both thumbnail grids show."""
    for brand in brands:
        pack = brand.current
        for model in pack.models:
            for zone in model.zones:
                if zone.kind == "stitching" and zone.counterfeits:
                    return (brand.slug, f"{pack.version}#{pack.revision}", model.id, zone.id)
    pack = brands[0].current
    return (brands[0].slug, f"{pack.version}#{pack.revision}", pack.models[0].id, pack.models[0].zones[0].id)


def import_pack(window: MainWindow, page: QWidget, pack: Path) -> None:
    settled: list[bool] = []
    page.imports.settled.connect(lambda *_: settled.append(True))
    page.import_pack(pack)
    wait_until(lambda: bool(settled), 300, f"the import of {pack.name}")
    settle(window)


def brand_partner(shots: Shooter, ws: Workstation, preferences: BenchPreferences, work: Path) -> None:
    window = open_window(ws, preferences, "bruno")
    page = window.show_screen("library")
    wait_until(lambda: bool(page.browser.brands), what="the library")
    page.browser.select_key(pick_zone(page.browser.brands))
    shots.window("library", window)

    import_pack(window, page, next_version(work))
    page.browser.select_key(("maison-aurel",))
    page.compare_versions()
    dialog = page.compare_dialog
    if dialog is not None:
        tree = dialog.view.tree
        found = tree.findItems("clasp", Qt.MatchFlag.MatchContains | Qt.MatchFlag.MatchRecursive)
        if found:
            tree.setCurrentItem(found[0])
        shots.dialog("pack-diff", window, dialog)
        dialog.close()

    bad = break_pack(build_pack(work / "bad", brand="maison-aurel", brand_name="Maison Aurel", version="2027.1.0"))
    import_pack(window, page, bad)
    wait_until(lambda: page.problems_dialog is not None and page.problems_dialog.isVisible(), what="the problems")
    shots.dialog("import-problems", window, page.problems_dialog)
    page.problems_dialog.close()
    close_window(window)


def admin(shots: Shooter, ws: Workstation, preferences: BenchPreferences) -> None:
    window = open_window(ws, preferences, "admin")
    for key in ("users", "organisation", "settings", "models"):
        window.show_screen(key)
        shots.window(key, window)
    close_window(window)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=SHOTS, help="directory for the PNGs")
    args = parser.parse_args()
    started = time.monotonic()

    with tempfile.TemporaryDirectory(prefix="inspector-shots-") as tmp:
        work = Path(tmp)
        home = work / "home"
        os.environ["INSPECTOR_HOME"] = str(home)
        os.environ.pop("INSPECTOR_DB_URL", None)
        app = QApplication(sys.argv)
        app.setApplicationName("Inspector Workstation")
        preferences = BenchPreferences(QSettings(str(work / "preferences.ini"), QSettings.Format.IniFormat))
        preferences.theme = "light"
        apply_theme(app, preferences.theme)
        print("screenshots: preparing the bench (demo library, accounts, three signed verdicts)…", flush=True)
        ws = prepare_bench(home)
        try:
            args.out.mkdir(parents=True, exist_ok=True)
            shots = Shooter(args.out)
            sign_in_dialog(shots, ws, preferences)
            inspector(shots, ws, preferences, work)
            supervisor(shots, ws, preferences)
            brand_partner(shots, ws, preferences, work)
            admin(shots, ws, preferences)
        finally:
            QThreadPool.globalInstance().waitForDone()
            ws.close()
    shutil.rmtree(work, ignore_errors=True)
    print(f"screenshots: {len(shots.written)} pictures in {args.out} "
          f"({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
