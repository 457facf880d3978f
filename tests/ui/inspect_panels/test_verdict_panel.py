"""The verdict panel signing a real demo case: refusals change nothing, a signature opens the report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from inspector_app.services.cases import CaseView, SignedVerdict
from inspector_app.ui.bench_context import BenchContext
from inspector_app.ui.inspect.verdict_panel import VerdictPanel
from reports.verdict import Verdict
from tests.ui.conftest import PASSWORD, demo_items

from . import ready_to_sign, show_active

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def bench(context_for: Callable[[str], BenchContext]) -> tuple[BenchContext, CaseView]:
    context = context_for("ines")
    return context, ready_to_sign(context, "maison-aurel/a01")


@pytest.fixture
def panel(qtbot: QtBot, bench: tuple[BenchContext, CaseView]) -> VerdictPanel:
    context, view = bench
    panel = VerdictPanel(context)
    qtbot.addWidget(panel)
    show_active(qtbot, panel)
    panel.show_case(view)
    panel.setFocus()
    return panel


def sign(qtbot: QtBot, panel: VerdictPanel, password: str) -> None:
    panel.password.setFocus()
    qtbot.keyClicks(panel.password, password)
    qtbot.keyClick(panel.password, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: not panel.busy, timeout=30_000)


def test_wrong_password_says_so_and_records_nothing(qtbot: QtBot, panel: VerdictPanel,
                                                    bench: tuple[BenchContext, CaseView]) -> None:
    context, view = bench
    assert panel.suggestion.text() == "PASS"
    assert panel.why.text() == f"All {len(view.zones)} zones pass."
    qtbot.keyClick(panel, Qt.Key.Key_P, ALT)
    assert panel.decision is Verdict.PASS
    assert not panel.override.isEnabled()

    with qtbot.assertNotEmitted(panel.signed):
        sign(qtbot, panel, "not the password")
    assert panel.message.text() == "Wrong password: nothing was signed."
    assert panel.password.text() == "" and panel.password.hasFocus()
    assert panel.pages.currentIndex() == 0
    assert view.case_number in context.cases.open_cases(context.user)
    assert context.cases.resume(context.user, view.case_number).state == "open"


def test_deciding_against_the_suggestion_needs_an_override_reason(qtbot: QtBot, panel: VerdictPanel,
                                                                  bench: tuple[BenchContext, CaseView]) -> None:
    context, view = bench
    qtbot.keyClick(panel, Qt.Key.Key_F, ALT)
    assert panel.decision is Verdict.FAIL
    assert panel.override.isEnabled() and panel.override.hasFocus()
    assert "Required: the machine suggests PASS" in panel.override.placeholderText()
    qtbot.keyClicks(panel.reasons["condition"], "Strap torn at the left ring")

    with qtbot.assertNotEmitted(panel.signed):
        sign(qtbot, panel, PASSWORD)
    assert "deciding FAIL needs a written reason" in panel.message.text()
    assert view.case_number in context.cases.open_cases(context.user)

    qtbot.keyClick(panel, Qt.Key.Key_I, ALT)
    assert panel.override.isEnabled()
    qtbot.keyClick(panel, Qt.Key.Key_P, ALT)       # back to the suggestion: no override asked
    assert not panel.override.isEnabled()

    qtbot.keyClick(panel, Qt.Key.Key_F, ALT)
    qtbot.keyClicks(panel.override, "The strap damage makes it unsellable as listed")
    with qtbot.waitSignal(panel.signed, timeout=30_000) as signed:
        sign(qtbot, panel, PASSWORD)
    verdict = signed.args[0]
    assert isinstance(verdict, SignedVerdict) and verdict.decision is Verdict.FAIL
    assert context.cases.resume(context.user, view.case_number).state == "decided"


def test_signing_opens_the_report_and_export_writes_the_signed_bytes(
        qtbot: QtBot, panel: VerdictPanel, bench: tuple[BenchContext, CaseView], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    context, view = bench
    qtbot.keyClick(panel, Qt.Key.Key_P, ALT)
    with qtbot.waitSignal(panel.signed, timeout=30_000) as signed:
        sign(qtbot, panel, PASSWORD)
    verdict: SignedVerdict = signed.args[0]
    assert verdict.case_number == view.case_number and verdict.decision is Verdict.PASS
    assert view.case_number not in context.cases.open_cases(context.user)

    assert panel.pages.currentWidget().isAncestorOf(panel.viewer)
    qtbot.waitUntil(lambda: panel.viewer.document.pageCount() >= 1, timeout=10_000)
    assert verdict.tag_number and verdict.tag_number in panel.signed_line.text()
    stored = context.workstation.store.read(verdict.report_pdf_sha256)
    assert panel.viewer.pdf == stored

    target = tmp_path / "out" / "report.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    with qtbot.waitSignal(panel.viewer.exported, timeout=10_000):
        qtbot.keyClick(panel.viewer.view, Qt.Key.Key_S, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert target.read_bytes() == stored


def test_the_reasons_start_from_the_failed_checks(qtbot: QtBot, context_for: Callable[[str], BenchContext]) -> None:
    context = context_for("ines")
    item = next(i for i in demo_items("FAIL") if i["brand"] == "maison-aurel")
    view = ready_to_sign(context, item["id"])
    panel = VerdictPanel(context)
    qtbot.addWidget(panel)
    panel.show_case(view)
    assert panel.suggestion.text() == "FAIL"
    failing = [z["zone"] for z in view.zones if z["critical"] and z["status"] == "fail"]
    assert failing and all(zone in panel.why.text() for zone in failing)
    notes = [s.machine_note for s in view.checklist if s.machine == "fail"]
    assert panel.reasons["authenticity"].toPlainText().splitlines() == list(dict.fromkeys(notes))


def test_a_role_that_may_not_sign_is_not_offered_the_signature(
        qtbot: QtBot, context_for: Callable[[str], BenchContext], bench: tuple[BenchContext, CaseView]) -> None:
    _, view = bench
    panel = VerdictPanel(context_for("bruno"))
    qtbot.addWidget(panel)
    panel.show_case(view)
    assert not panel.sign_button.isEnabled()
    assert panel.sign_button.toolTip() == "Your role may not sign verdicts"
