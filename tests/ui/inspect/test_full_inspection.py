"""An inspector takes demo item maison-aurel/a01 from intake to a signed report, by keyboard, in the workspace."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from inspector_app.services.cases import Intake
from inspector_app.ui.bench_context import BenchContext
from inspector_app.ui.inspect.shot_list import ShotState
from inspector_app.ui.inspect.workspace import InspectionWorkspace, Step
from reports.verdict import Verdict
from tests.ui.conftest import PASSWORD, demo_item

A01 = demo_item("maison-aurel/a01")
ANALYSIS_TIMEOUT = 300_000


@pytest.fixture
def ines(context_for: Callable[[str], BenchContext]) -> BenchContext:
    return context_for("ines")


@pytest.fixture
def workspace(qtbot: QtBot, ines: BenchContext) -> InspectionWorkspace:
    ws = InspectionWorkspace(ines)
    qtbot.addWidget(ws)
    ws.resize(1440, 900)
    ws.show()
    qtbot.waitUntil(lambda: ws.intake.brand.count() > 0 and not ws.busy, timeout=10_000)
    return ws


def import_every_zone(qtbot: QtBot, ws: InspectionWorkspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl+O once per zone, the file dialog answering the demo photo of the zone the list is on."""
    page = ws.capture
    for _ in page.shot_list.shots:
        zone = page.shot_list.current_shot().zone.id   # the list moves on by itself after each usable shot
        monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, z=zone, **k: ([str(A01[z])], ""))
        with qtbot.waitSignal(page.shotTaken, timeout=60_000):
            qtbot.keyClick(page.shot_list, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)


def analyse_by_keyboard(qtbot: QtBot, ws: InspectionWorkspace) -> None:
    qtbot.keyClick(ws.capture.shot_list, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert ws.busy_bar.isVisible() and not ws.reachable(Step.INTAKE)   # the window shows it is busy
    qtbot.waitUntil(lambda: ws.current_step is Step.COMPARE, timeout=ANALYSIS_TIMEOUT)
    assert not ws.busy_bar.isVisible()


def test_a_complete_inspection_by_keyboard(qtbot: QtBot, workspace: InspectionWorkspace, ines: BenchContext,
                                           context_for: Callable[[str], BenchContext],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    ws = workspace
    cases_seen: list[str] = []
    ws.caseChanged.connect(cases_seen.append)
    assert ws.current_step is Step.INTAKE and not ws.reachable(Step.CAPTURE)

    # intake: brand and model typed, then the case number "scanned" with Enter
    intake = ws.intake
    for combo, text in ((intake.brand, "Maison Aurel"), (intake.model, "City Tote")):
        combo.setFocus()
        combo.lineEdit().selectAll()
        qtbot.keyClicks(combo.lineEdit(), text)
    intake.focus_number()
    qtbot.keyClicks(intake.case_number, "A01-2026")
    qtbot.keyClick(intake.case_number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ws.current_step is Step.CAPTURE, timeout=10_000)
    assert cases_seen == ["A01-2026"] and ws.case_number == "A01-2026"
    assert ws.case_label.text() == "Case A01-2026 · Maison Aurel City Tote"
    assert not ws.reachable(Step.COMPARE)

    # capture: one file import per zone, then analyse
    import_every_zone(qtbot, ws, monkeypatch)
    assert all(s.state is ShotState.USABLE for s in ws.capture.shot_list.shots)
    analyse_by_keyboard(qtbot, ws)
    assert ws.view is not None and ws.view.suggested is Verdict.PASS
    assert {z["zone"] for z in ws.view.zones} == set(A01)

    checklist, verdict = ws.checklist, ws.verdict
    # checklist: every check passed with P; completing it opens the verdict step
    qtbot.keyClick(ws.stack.currentWidget(), Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert ws.current_step is Step.CHECKLIST
    for _ in checklist.states:   # from the top (the panel opens at the first check with nothing pre-filled)
        qtbot.keyClick(checklist, Qt.Key.Key_Up)
    assert checklist.current == checklist.states[0]
    for _ in checklist.states:
        qtbot.keyClick(checklist, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: ws.current_step is Step.VERDICT, timeout=30_000)
    assert all(s.answer == "pass" for s in ines.cases.resume(ines.user, "A01-2026").checklist)

    # verdict: PASS, signed with the password; the report appears
    qtbot.keyClick(verdict, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    assert verdict.decision is Verdict.PASS
    verdict.password.setFocus()
    qtbot.keyClicks(verdict.password, PASSWORD)
    with qtbot.waitSignal(verdict.signed, timeout=120_000) as blocker:
        qtbot.keyClick(verdict.password, Qt.Key.Key_Return)
    signed = blocker.args[0]
    assert signed.decision is Verdict.PASS and signed.case_number == "A01-2026"
    assert verdict.pages.currentIndex() == 1 and verdict.signed_line.text().startswith("Signed PASS")
    assert ws.next_item_button.isVisible() and not ws.reachable(Step.CAPTURE)

    assert ines.cases.resume(ines.user, "A01-2026").state == "decided"
    sam = context_for("sam")
    detail = sam.audit.get_verdict(sam.user, "A01-2026")
    assert (detail.listing.decision, detail.listing.inspector, detail.listing.suggested) == (
        Verdict.PASS, "ines", Verdict.PASS)
    assert {p.zone for p in detail.photos} == set(A01)

    # next item: back to intake, no case in hand
    qtbot.keyClick(ws.stack.currentWidget(), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert ws.current_step is Step.INTAKE and ws.case_number is None
    assert cases_seen == ["A01-2026", ""]
    qtbot.waitUntil(lambda: intake.case_number.hasFocus(), timeout=5_000)


def test_the_help_lists_every_key_of_the_flow(workspace: InspectionWorkspace) -> None:
    keys = {keys for keys, _ in workspace.shortcuts()}
    assert {"Ctrl+1", "Ctrl+5", "Ctrl+N", "Ctrl+PgDown", "Enter", "Space", "Ctrl+O", "R", "Ctrl+Return",
            "Up / Down"} <= keys
    for panel in workspace.panels.values():   # the embedded steps' own keys are in the list too
        assert set(dict(panel.shortcuts())) <= keys


def test_an_unfinished_case_resumes_at_its_step_with_its_photos(qtbot: QtBot, workspace: InspectionWorkspace,
                                                                ines: BenchContext) -> None:
    ines.cases.open(ines.user, Intake("A01-RESUME", "maison-aurel", "city-tote"))
    for zone in ("front-logo", "clasp"):
        ines.cases.take_photo(ines.user, "A01-RESUME", zone, A01[zone].read_bytes())
    ws = workspace
    ws.intake.refresh()   # as when the page shows again
    qtbot.waitUntil(lambda: ws.intake.open_cases.count() == 1, timeout=10_000)
    ws.intake.open_cases.setFocus()
    qtbot.keyClick(ws.intake.open_cases, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ws.current_step is Step.CAPTURE, timeout=10_000)
    shots = {s.zone.id: s for s in ws.capture.shot_list.shots}
    assert {z for z, s in shots.items() if s.taken} == {"front-logo", "clasp"}
    assert shots["clasp"].state is ShotState.TAKEN
    assert ws.capture.shot_list.current_shot().zone.id == "handle-stitching"   # the first zone still to take
    assert not ws.capture.analyse_button.isEnabled()

    # the step bar by keyboard: only reachable steps open, and the window says why not
    messages: list[str] = []
    ws.status.connect(messages.append)
    qtbot.keyClick(ws.capture.shot_list, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert ws.current_step is Step.CAPTURE
    assert messages[-1] == "Analyse the case first (Ctrl+Return on the capture step)."
    qtbot.keyClick(ws.capture.shot_list, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert ws.current_step is Step.INTAKE
    qtbot.keyClick(ws.intake.case_number, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert ws.current_step is Step.CAPTURE

    ines.cases.take_photo(ines.user, "A01-RESUME", "handle-stitching", A01["handle-stitching"].read_bytes())
    ines.cases.take_photo(ines.user, "A01-RESUME", "serial-tag", A01["serial-tag"].read_bytes())
    ines.cases.analyse(ines.user, "A01-RESUME")
    ws.next_item()
    ws.open_case("A01-RESUME")   # analysed, nothing answered: it continues at Compare
    qtbot.waitUntil(lambda: ws.current_step is Step.COMPARE, timeout=30_000)
    shots = {s.zone.id: s for s in ws.capture.shot_list.shots}
    assert shots["clasp"].state is ShotState.USABLE   # the analysis tells whether a kept photo was usable
    assert shots["body-leather"].state is ShotState.MISSING
    assert ws.capture.analyse_button.isEnabled()

    ws.go_to(Step.CAPTURE)   # a retake after the analysis: the later steps wait for a new one
    with qtbot.waitSignal(ws.capture.shotTaken, timeout=60_000):
        ws.capture.take(A01[ws.capture.shot_list.current_shot().zone.id])
    assert not ws.reachable(Step.COMPARE) and not ws.next_button.isEnabled()
    qtbot.keyClick(ws.capture.shot_list, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: ws.current_step is Step.COMPARE, timeout=ANALYSIS_TIMEOUT)
    assert ws.view is not None and {z["zone"] for z in ws.view.zones} == set(A01)
