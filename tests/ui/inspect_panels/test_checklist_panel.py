"""The checklist panel answered by keys on a real analysed demo case; every answer saved as it is given."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from inspector_app.services.cases import CaseView
from inspector_app.ui.bench_context import BenchContext
from inspector_app.ui.inspect.checklist_panel import ChecklistPanel
from tests.ui.conftest import demo_items

from . import analysed_case, show_active


def make_panel(qtbot: QtBot, context: BenchContext, view: CaseView) -> ChecklistPanel:
    panel = ChecklistPanel(context)
    qtbot.addWidget(panel)
    show_active(qtbot, panel)
    panel.show_case(view)
    panel.setFocus()
    return panel


def press(qtbot: QtBot, panel: ChecklistPanel, key: Qt.Key) -> None:
    """A key on whatever has the focus in the panel, then wait until any answer it gave is saved."""
    qtbot.keyClick(panel.focusWidget() or panel, key)
    qtbot.waitUntil(lambda: not panel.busy, timeout=10_000)


def saved(context: BenchContext, case: str) -> dict[str, tuple[str | None, str]]:
    return {s.check.id: (s.answer, s.note) for s in context.cases.resume(context.user, case).checklist}


def test_checklist_answered_entirely_by_keys_and_saved(qtbot: QtBot,
                                                       context_for: Callable[[str], BenchContext]) -> None:
    context = context_for("ines")
    view = analysed_case(context, "maison-aurel/a01")
    panel = make_panel(qtbot, context, view)
    ids = [s.check.id for s in view.checklist]
    # the machine pre-filled the zone checks; the panel opens on the first check it left open
    assert panel.current is not None and panel.current.check.id == "dust-bag"
    assert panel.progress.text() == "5 of 9 answered (5 pre-filled by the machine), 1 critical left"
    assert "this check is for the inspector" in panel.machine.text()

    press(qtbot, panel, Qt.Key.Key_Left)
    assert panel.current.check.id == ids[ids.index("dust-bag") - 1]
    assert "Machine: " in panel.machine.text() and "Pass" in panel.machine.text()
    with qtbot.waitSignal(panel.changed):
        press(qtbot, panel, Qt.Key.Key_P)
    assert panel.current.check.id == "dust-bag"             # moved on to the next check

    press(qtbot, panel, Qt.Key.Key_N)
    assert panel.current.check.id == "no-glue"

    # a fail asks for a note: the focus goes to it; Enter without one is refused, nothing saved
    press(qtbot, panel, Qt.Key.Key_F)
    assert panel.note.hasFocus()
    assert panel.message.text() == "Write why it fails, then press Enter."
    press(qtbot, panel, Qt.Key.Key_Return)
    assert "fails: write a note saying why" in panel.message.text()
    assert panel.current.check.id == "no-glue"
    assert saved(context, view.case_number)["no-glue"] == (None, "")
    qtbot.keyClicks(panel.note, "glue residue under the handle tab")
    with qtbot.waitSignal(panel.changed):
        press(qtbot, panel, Qt.Key.Key_Return)
    assert panel.current.check.id == "edge-paint"
    assert panel.message.text() == ""

    press(qtbot, panel, Qt.Key.Key_Up)
    assert panel.current.check.id == "no-glue"
    assert "Fail" in panel.answer.text() and "glue residue under the handle tab" in panel.answer.text()
    press(qtbot, panel, Qt.Key.Key_Down)
    press(qtbot, panel, Qt.Key.Key_P)
    assert panel.current.check.id == "lining"

    # a critical check cannot be skipped: refused inline, nothing moves
    press(qtbot, panel, Qt.Key.Key_N)
    assert "critical: it cannot be marked not applicable" in panel.message.text()
    assert panel.current.check.id == "lining"

    with qtbot.waitSignal(panel.completed, timeout=10_000):
        press(qtbot, panel, Qt.Key.Key_P)
    assert panel.complete
    assert panel.progress.text().endswith("0 critical left")

    answers = saved(context, view.case_number)
    assert answers[ids[ids.index("dust-bag") - 1]] == ("pass", "")
    assert answers["dust-bag"] == ("na", "")
    assert answers["no-glue"] == ("fail", "glue residue under the handle tab")
    assert answers["edge-paint"] == ("pass", "")
    assert answers["lining"] == ("pass", "")

    # a restarted bench shows every answer (what resume hands the panel)
    again = make_panel(qtbot, context, context.cases.resume(context.user, view.case_number))
    again.go_to(ids.index("no-glue"))
    assert "glue residue under the handle tab" in again.answer.text()
    assert again.complete


def test_enter_accepts_the_machines_fail_with_its_note(qtbot: QtBot,
                                                      context_for: Callable[[str], BenchContext]) -> None:
    context = context_for("ines")
    item = next(i for i in demo_items("FAIL") if i["brand"] == "maison-aurel")
    view = analysed_case(context, item["id"])
    failed = next(i for i, s in enumerate(view.checklist) if s.machine == "fail")
    state = view.checklist[failed]
    assert state.machine_note
    panel = make_panel(qtbot, context, view)
    panel.go_to(failed)
    assert "Fail" in panel.machine.text() and state.machine_note in panel.machine.text()
    assert panel.note.text() == state.machine_note          # the machine's reason, ready to keep or edit

    with qtbot.waitSignal(panel.changed):
        press(qtbot, panel, Qt.Key.Key_Return)
    assert saved(context, view.case_number)[state.check.id] == ("fail", state.machine_note)


def test_enter_on_a_check_nobody_answered_asks_for_an_answer(qtbot: QtBot,
                                                            context_for: Callable[[str], BenchContext]) -> None:
    context = context_for("ines")
    view = analysed_case(context, "maison-aurel/a01")
    panel = make_panel(qtbot, context, view)
    assert panel.current is not None and panel.current.machine is None
    press(qtbot, panel, Qt.Key.Key_Return)
    assert panel.message.text() == "Nothing is pre-filled for this check: answer with P, F or N."
    assert saved(context, view.case_number)["dust-bag"] == (None, "")
