"""Kill the workstation (SIGKILL) during capture and during the checklist; the next start resumes everything.

The bench runs in a child process driving the real window; once it has
taken its shots or given its answers it says so and is killed without
warning. The next window, in this process, must offer the case and bring
back every photo and answer.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from inspector_app.services.cases import Intake
from inspector_app.ui.bench_context import BenchContext
from inspector_app.ui.inspect.workspace import InspectionWorkspace, Step
from inspector_app.ui.main_window import MainWindow
from inspector_app.workstation import Workstation
from tests.ui.conftest import PASSWORD, demo_item

REPO = Path(__file__).resolve().parents[3]
A01 = demo_item("maison-aurel/a01")

#: The bench in the child: the real window for ines, resuming CASE and then doing PHASE's work.
CHILD = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
    from inspector_app.settings import Settings
    from inspector_app.ui.bench_context import BenchContext
    from inspector_app.ui.inspect.workspace import Step
    from inspector_app.ui.main_window import MainWindow
    from inspector_app.ui.preferences import BenchPreferences
    from inspector_app.workstation import Workstation

    home, prefs, case, phase, *photos = sys.argv[1:]
    app = QApplication([])
    ws = Workstation.open(Settings.embedded(Path(home)))
    user = ws.users().authenticate("ines", PASSWORD)
    window = MainWindow(BenchContext(ws, user, BenchPreferences(QSettings(prefs, QSettings.Format.IniFormat))))
    window.show()
    workspace = window.show_screen("inspect")

    def wait(condition, seconds=120):
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                sys.exit("child: timed out")
            app.processEvents()
            time.sleep(0.01)

    workspace.open_case(case)
    if phase == "capture":
        wait(lambda: workspace.current_step is Step.CAPTURE and not workspace.busy)
        for zone_photo in photos:
            zone, photo = zone_photo.split("=", 1)
            done = len(ws.cases().resume(user, case).photos)
            workspace.capture.take(Path(photo))
            wait(lambda: len(ws.cases().resume(user, case).photos) > done and not workspace.capture.busy)
    else:
        wait(lambda: workspace.reachable(Step.CHECKLIST) and not workspace.busy)
        workspace.go_to(Step.CHECKLIST)
        panel = workspace.checklist
        wait(lambda: panel.current is not None)
        for _ in range(3):   # what P does (the keys themselves are tested with the panel)
            panel.give("pass")
            wait(lambda: not panel.busy)
    print("ready", flush=True)
    time.sleep(600)   # killed long before
""").replace("PASSWORD", repr(PASSWORD))


def run_until_ready_then_kill(home: Path, prefs: Path, case: str, phase: str, photos: list[str]) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(home), str(prefs), case, phase, *photos],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "ready", f"the child bench failed: {line}{child.stderr.read() if child.stderr else ''}"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    assert child.returncode == -signal.SIGKILL


def resumed_workspace(qtbot: QtBot, context: BenchContext, case: str) -> InspectionWorkspace:
    """A new window after the crash: it offers the case, and Resume opens it."""
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: getattr(window, "resume_offer", None) is not None, timeout=10_000)
    assert case in window.resume_offer.text()
    next(b for b in window.resume_offer.buttons() if b.text() == "Resume").click()
    workspace = window.pages["inspect"]
    assert isinstance(workspace, InspectionWorkspace)
    qtbot.waitUntil(lambda: workspace.case_number == case and not workspace.busy, timeout=60_000)
    return workspace


def test_killed_during_capture_keeps_every_photo(qtbot: QtBot, demo_bench: Workstation, tmp_path: Path,
                                                 context_for: Callable[[str], BenchContext]) -> None:
    ines = context_for("ines")
    ines.cases.open(ines.user, Intake("KILL-CAPTURE", "maison-aurel", "city-tote"))
    shots = [f"{zone}={A01[zone]}" for zone in ("front-logo", "handle-stitching")]
    run_until_ready_then_kill(demo_bench.settings.home, tmp_path / "child.ini", "KILL-CAPTURE", "capture", shots)

    view = ines.cases.resume(ines.user, "KILL-CAPTURE")
    assert set(view.photos) == {"front-logo", "handle-stitching"}
    for zone, sha in view.photos.items():
        assert demo_bench.store.read(sha) == A01[zone].read_bytes()   # the very bytes, complete

    workspace = resumed_workspace(qtbot, ines, "KILL-CAPTURE")
    assert workspace.current_step is Step.CAPTURE
    taken = {s.zone.id for s in workspace.capture.shot_list.shots if s.taken}
    assert taken == {"front-logo", "handle-stitching"}


def test_killed_during_the_checklist_keeps_every_answer(qtbot: QtBot, demo_bench: Workstation, tmp_path: Path,
                                                        context_for: Callable[[str], BenchContext]) -> None:
    ines = context_for("ines")
    ines.cases.open(ines.user, Intake("KILL-CHECKS", "maison-aurel", "city-tote"))
    for zone, photo in A01.items():
        ines.cases.take_photo(ines.user, "KILL-CHECKS", zone, photo.read_bytes())
    ines.cases.analyse(ines.user, "KILL-CHECKS")
    run_until_ready_then_kill(demo_bench.settings.home, tmp_path / "child.ini", "KILL-CHECKS", "checklist", [])

    answered = [s for s in ines.cases.resume(ines.user, "KILL-CHECKS").checklist if s.answer is not None]
    assert len(answered) >= 3 and all(s.answer == "pass" for s in answered[:3])

    workspace = resumed_workspace(qtbot, ines, "KILL-CHECKS")
    assert workspace.current_step is Step.CHECKLIST
    assert sum(1 for s in workspace.checklist.states if s.answer is not None) == len(answered)
