"""Benchmark of the workstation window: launch time, event-loop stalls, memory with many large photos.

    .venv/bin/python tools/bench_ui.py

Runs offscreen on a throw-away data home (demo library and demo accounts, password "demo"),
with preferences in a temporary INI file. Printed:

1. launch: process start to the sign-in dialog exposed (in this process, and in a cold
   ``python -c`` subprocess), and sign-in accepted to the main window shown with its first
   screen (the inspection workspace) built and filled, for the inspector "ines";
2. stalls: a 5 ms QTimer in the GUI thread records the longest gap between two timeouts
   (minus the interval) per step of a full keyboard inspection of demo item maison-aurel/a01
   (the steps of tests/ui/inspect/test_full_inspection.py), and the top 5 stalls;
3. memory: 40 JPEGs of 24 megapixels (6000x4000, quality 90) imported through the capture
   page into one case (later shots are retakes of the last zone), every one gated and shown;
   peak RSS (ru_maxrss and VmHWM) and the longest stall while doing so.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

TEMP = Path(tempfile.mkdtemp(prefix="bench-ui-"))
os.environ["INSPECTOR_HOME"] = str(TEMP / "home")
os.environ.pop("INSPECTOR_DB_URL", None)
INI = TEMP / "preferences.ini"

import cv2  # noqa: E402
from PySide6.QtCore import QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget  # noqa: E402

from inspector_app.services.demo_bench import DEMO_PASSWORD, ensure_demo_accounts  # noqa: E402
from inspector_app.services.library import DemoSeedRequest, LibraryService  # noqa: E402
from inspector_app.ui.bench_context import BenchContext  # noqa: E402
from inspector_app.ui.inspect.workspace import InspectionWorkspace, Step  # noqa: E402
from inspector_app.ui.main_window import MainWindow  # noqa: E402
from inspector_app.ui.preferences import BenchPreferences  # noqa: E402
from inspector_app.ui.sign_in import SignInDialog  # noqa: E402
from inspector_app.workstation import RESOURCES_DIR, Workstation, demo_pack_dirs  # noqa: E402

PASSWORD = DEMO_PASSWORD
_TRUTH = json.loads((RESOURCES_DIR / "demo" / "samples" / "ground_truth.json").read_text())
A01 = {z["zone"]: RESOURCES_DIR / "demo" / z["photo"]   # zone -> photo, as tests.ui.conftest.demo_item
       for z in next(i for i in _TRUTH["items"] if i["id"] == "maison-aurel/a01")["zones"]}
COLD = f"""
import time; t0 = time.perf_counter()
import os; os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
import inspector_app.app  # the start-up machinery and everything it pulls in
from inspector_app.ui.preferences import BenchPreferences
from inspector_app.ui.sign_in import SignInDialog
from inspector_app.workstation import Workstation
app = QApplication([])
ws = Workstation.open()
dialog = SignInDialog(ws.users(), BenchPreferences(QSettings({str(TEMP / "cold.ini")!r}, QSettings.Format.IniFormat)))
dialog.show()
QTest.qWaitForWindowExposed(dialog)
print(time.perf_counter() - t0, time.time(), flush=True)
ws.close()
"""


class StallMeter:
    """A 5 ms timer in the GUI thread; a late timeout is a stall, charged to the step in progress."""

    def __init__(self, interval_ms: int = 5) -> None:
        self.interval = interval_ms / 1000
        self.step = "idle"
        self.worst: dict[str, float] = {}
        self.stalls: list[tuple[float, str]] = []
        self._last = time.perf_counter()
        self.timer = QTimer(interval=interval_ms, timerType=Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)

    def start(self, step: str) -> None:
        self.step, self._last = step, time.perf_counter()
        self.worst.setdefault(step, 0.0)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        stall = max(0.0, now - self._last - self.interval)
        self._last = now
        self.worst[self.step] = max(self.worst.get(self.step, 0.0), stall)
        if stall > 0.02:
            self.stalls.append((stall, self.step))


def wait_until(condition: Callable[[], bool], timeout_s: float = 300) -> None:
    end = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > end:
            raise TimeoutError("the window did not get there in time")
        QTest.qWait(5)


def answer_files(*paths: Path) -> None:
    """The file dialog answers these paths (the way the test monkeypatches it)."""
    QFileDialog.getOpenFileNames = staticmethod(lambda *a, **k: ([str(p) for p in paths], ""))  # type: ignore[method-assign]


def intake(ws: InspectionWorkspace, number: str) -> None:
    for combo, text in ((ws.intake.brand, "Maison Aurel"), (ws.intake.model, "City Tote")):
        combo.setFocus()
        combo.lineEdit().selectAll()
        QTest.keyClicks(combo.lineEdit(), text)
    ws.intake.focus_number()
    QTest.keyClicks(ws.intake.case_number, number)
    QTest.keyClick(ws.intake.case_number, Qt.Key.Key_Return)
    wait_until(lambda: ws.current_step is Step.CAPTURE)


def full_inspection(ws: InspectionWorkspace, meter: StallMeter) -> None:
    meter.start("intake")
    intake(ws, "A01-2026")
    page = ws.capture
    for _ in page.shot_list.shots:
        zone = page.shot_list.current_shot().zone.id
        meter.start(f"capture {zone}")
        taken: list[object] = []
        page.shotTaken.connect(taken.append)
        answer_files(A01[zone])
        QTest.keyClick(page.shot_list, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
        wait_until(lambda: bool(taken) and not page.busy, 60)
        page.shotTaken.disconnect(taken.append)
    meter.start("analysis")
    QTest.keyClick(page.shot_list, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_until(lambda: ws.current_step is Step.COMPARE)
    meter.start("checklist")
    checklist, verdict = ws.checklist, ws.verdict
    QTest.keyClick(ws.stack.currentWidget(), Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    for _ in checklist.states:
        QTest.keyClick(checklist, Qt.Key.Key_Up)
    for _ in checklist.states:
        QTest.keyClick(checklist, Qt.Key.Key_P)
    wait_until(lambda: ws.current_step is Step.VERDICT, 30)
    meter.start("signing")
    QTest.keyClick(verdict, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    verdict.password.setFocus()
    QTest.keyClicks(verdict.password, PASSWORD)
    signed: list[object] = []
    verdict.signed.connect(signed.append)
    QTest.keyClick(verdict.password, Qt.Key.Key_Return)
    wait_until(lambda: bool(signed), 120)
    meter.start("report shown")
    wait_until(lambda: verdict.pages.currentIndex() == 1 and not verdict.viewer.busy, 60)
    QTest.qWait(200)   # the first paint of the report
    QTest.keyClick(ws.stack.currentWidget(), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    wait_until(lambda: ws.current_step is Step.INTAKE and not ws.busy, 10)


def big_photos(count: int) -> list[Path]:
    """One demo photo upscaled to 6000x4000, and variants differing in a few pixels and the quality."""
    base = cv2.resize(cv2.imread(str(A01["front-logo"])), (6000, 4000), interpolation=cv2.INTER_CUBIC)
    paths = []
    for i in range(count):
        base[:4, :4 + i] = (i * 6) % 256
        path = TEMP / f"big-{i:02d}.jpg"
        cv2.imwrite(str(path), base, [cv2.IMWRITE_JPEG_QUALITY, 90 - i % 3])
        paths.append(path)
    return paths


def memory(ws: InspectionWorkspace, meter: StallMeter, paths: list[Path]) -> int:
    meter.start("40 x 24 MP")
    intake(ws, "MEM-2026")
    taken: list[object] = []
    ws.capture.shotTaken.connect(taken.append)
    answer_files(*paths)   # one Ctrl+O choosing all 40: the page queues them and gates one after the other
    QTest.keyClick(ws.capture.shot_list, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    wait_until(lambda: len(taken) == len(paths) and not ws.capture.busy, 1800)
    QTest.qWait(500)   # the last preview and thumbnails drawn
    return len(taken)


def peak_rss_mb() -> tuple[float, float]:
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, int(status["VmHWM"].split()[0]) / 1024


def main() -> None:
    started = time.time()
    rows: list[tuple[str, str]] = []
    app = QApplication.instance() or QApplication(sys.argv)
    prefs = BenchPreferences(QSettings(str(INI), QSettings.Format.IniFormat))
    ws = Workstation.open()
    ensure_demo_accounts(ws.users())
    dialog = SignInDialog(ws.users(), prefs)
    dialog.show()
    QTest.qWaitForWindowExposed(dialog)
    rows.append(("process start -> sign-in dialog exposed (in process, incl. demo accounts)",
                 f"{time.perf_counter() - T0:.2f} s"))
    LibraryService(ws.session_factory, ws.store).seed_demo(DemoSeedRequest(tuple(demo_pack_dirs())))
    inspection, library = ws.inspection(), LibraryService(ws.session_factory, ws.store)
    for brand in library.brands():
        if brand.current is not None:
            for model in brand.current.models:
                for zone in model.zones:
                    inspection.prepared_zone(brand.current, zone)

    spawned = time.time()
    out = subprocess.run([sys.executable, "-c", COLD], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout.split()
    rows.append(("cold subprocess: interpreter start -> sign-in dialog exposed", f"{float(out[0]):.2f} s"))
    rows.append(("cold subprocess: spawn -> sign-in dialog exposed", f"{float(out[1]) - spawned:.2f} s"))

    meter = StallMeter()
    meter.start("sign-in")
    dialog.username.setText("ines")
    dialog.password.setText(PASSWORD)
    clicked = time.perf_counter()
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    wait_until(lambda: dialog.user is not None, 60)
    accepted = time.perf_counter()
    meter.start("main window")
    window = MainWindow(BenchContext(ws, dialog.user, prefs))
    window.show()
    QTest.qWaitForWindowExposed(window)
    exposed = time.perf_counter()
    workspace = window.pages["inspect"]
    assert isinstance(workspace, InspectionWorkspace)
    wait_until(lambda: workspace.intake.brand.count() > 0 and not workspace.busy, 30)
    rows.append(("sign-in submitted -> accepted (password check)", f"{accepted - clicked:.2f} s"))
    rows.append(("sign-in accepted -> main window exposed", f"{exposed - accepted:.2f} s"))
    rows.append(("sign-in accepted -> workspace built and filled", f"{time.perf_counter() - accepted:.2f} s"))

    full_inspection(workspace, meter)
    meter.timer.stop()   # making the photos is set-up, not the window's work
    paths = big_photos(40)
    shown = memory(workspace, meter, paths)
    meter.timer.stop()
    ru, hwm = peak_rss_mb()
    rows.append((f"peak RSS after {shown} x 24 MP shots taken and shown (ru_maxrss)", f"{ru:.0f} MB"))
    rows.append(("peak RSS (VmHWM)", f"{hwm:.0f} MB"))
    for step, worst in meter.worst.items():
        rows.append((f"longest stall: {step}", f"{worst * 1000:.0f} ms"))
    inspection_steps = [w for s, w in meter.worst.items() if s not in ("sign-in", "main window", "40 x 24 MP")]
    rows.append(("longest stall: full inspection overall", f"{max(inspection_steps) * 1000:.0f} ms"))
    for rank, (stall, step) in enumerate(sorted(meter.stalls, reverse=True)[:5], start=1):
        rows.append((f"top stall {rank}: {step}", f"{stall * 1000:.0f} ms"))
    rows.append(("whole run", f"{time.time() - started:.0f} s"))
    width = max(len(name) for name, _ in rows)
    print(f"\n{'measure':<{width}}  value\n{'-' * width}  --------")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    window.close()
    QWidget.close(dialog)
    ws.close()
    app.quit()
    shutil.rmtree(TEMP, ignore_errors=True)   # the data home and the 40 big photos


if __name__ == "__main__":
    main()
