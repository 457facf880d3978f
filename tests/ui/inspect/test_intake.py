"""Intake by keyboard as a barcode scanner does it, and resuming unfinished cases."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from inspector_app.services.cases import Intake
from inspector_app.ui.bench_context import BenchContext
from inspector_app.ui.inspect.intake_page import IntakePage
from inspector_app.workstation import RESOURCES_DIR, Workstation


@pytest.fixture
def ines(context_for: Callable[[str], BenchContext]) -> BenchContext:
    return context_for("ines")


def shown_page(qtbot: QtBot, context: BenchContext) -> IntakePage:
    page = IntakePage(context)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.brand.count() > 0 and not page.busy, timeout=10_000)
    return page


def choose(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    """Type into a searchable combo as after tabbing into it (its text selected, so typing replaces it)."""
    combo.setFocus()
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), text)


def test_a_scanned_number_and_enter_open_the_case(qtbot: QtBot, ines: BenchContext) -> None:
    page = shown_page(qtbot, ines)
    assert page.case_number.hasFocus()   # a scanner types wherever the focus is
    choose(qtbot, page.brand, "aurel")   # part of the name is enough
    qtbot.keyClick(page.brand.lineEdit(), Qt.Key.Key_Return)
    assert page.model.hasFocus()
    choose(qtbot, page.model, "tote")
    qtbot.keyClicks(page.order_ref, "ORD-77")
    qtbot.keyClicks(page.declared_value, "1 250 EUR")
    page.focus_number()
    qtbot.keyClicks(page.case_number, "T-1001")
    with qtbot.waitSignal(page.caseOpened, timeout=10_000) as blocker:
        qtbot.keyClick(page.case_number, Qt.Key.Key_Return)
    assert blocker.args == ["T-1001"]
    view = ines.cases.resume(ines.user, "T-1001")
    assert (view.brand, view.model, view.order_ref, view.declared_value, view.state) == (
        "maison-aurel", "city-tote", "ORD-77", "1 250 EUR", "open")
    assert page.case_number.text() == "" and page.order_ref.text() == ""
    assert page.brand.currentText() == "Maison Aurel"   # kept for the next item of the batch

    qtbot.keyClicks(page.case_number, "T-1002")   # the next item of the batch: scan and Enter only
    with qtbot.waitSignal(page.caseOpened, timeout=10_000):
        qtbot.keyClick(page.case_number, Qt.Key.Key_Return)
    assert ines.cases.resume(ines.user, "T-1002").model == "city-tote"


def test_without_brand_and_model_enter_asks_for_them(qtbot: QtBot, ines: BenchContext) -> None:
    page = shown_page(qtbot, ines)
    page.brand.setCurrentIndex(-1)
    qtbot.keyClicks(page.case_number, "T-1003")
    qtbot.keyClick(page.case_number, Qt.Key.Key_Return)
    assert page.notice.text() == "Choose the brand (type part of its name)."
    assert page.brand.hasFocus()
    assert ines.cases.open_cases(ines.user) == []


def test_an_unfinished_case_is_listed_and_resumed(qtbot: QtBot, ines: BenchContext) -> None:
    ines.cases.open(ines.user, Intake("T-0900", "maison-aurel", "city-tote"))
    page = shown_page(qtbot, ines)
    qtbot.waitUntil(lambda: page.open_cases.count() == 1, timeout=10_000)
    assert page.open_cases.item(0).text().startswith("T-0900 · Maison Aurel City Tote · 0 photos")

    qtbot.keyClicks(page.case_number, "T-0900")   # scanning an unfinished case offers to resume it
    qtbot.keyClick(page.case_number, Qt.Key.Key_Return)
    assert page.notice.text() == "Case T-0900 is unfinished: press Enter again to resume it."
    assert page.resume_offer.isVisibleTo(page)
    with qtbot.waitSignal(page.caseOpened, timeout=5_000) as blocker:
        qtbot.keyClick(page.case_number, Qt.Key.Key_Return)
    assert blocker.args == ["T-0900"]

    page.open_cases.setFocus()   # or from the list: Enter on the row
    with qtbot.waitSignal(page.caseOpened, timeout=5_000) as blocker:
        qtbot.keyClick(page.open_cases, Qt.Key.Key_Return)
    assert blocker.args == ["T-0900"]
    assert ines.cases.open_cases(ines.user) == ["T-0900"]   # resuming never makes a second case


def test_a_known_number_typed_before_the_list_arrives_is_offered_not_refused(qtbot: QtBot,
                                                                             ines: BenchContext) -> None:
    page = shown_page(qtbot, ines)
    ines.cases.open(ines.user, Intake("T-0901", "maison-aurel", "city-tote"))   # by another bench, just now
    page.brand.setCurrentIndex(page.brand.findData("maison-aurel"))
    qtbot.keyClicks(page.case_number, "T-0901")
    qtbot.keyClick(page.case_number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "unfinished" in page.notice.text(), timeout=10_000)
    assert ines.cases.open_cases(ines.user) == ["T-0901"]


def test_a_case_another_bench_holds_is_refused_with_its_holder(qtbot: QtBot, ines: BenchContext) -> None:
    other = Workstation.open(replace(ines.workstation.settings, bench="bench-9"))
    try:
        other.cases().open(ines.user, Intake("T-0902", "maison-aurel", "city-tote"))
    finally:
        other.close()
    page = shown_page(qtbot, ines)
    assert "T-0902" not in page.notice.text()   # not offered for resuming here
    page.brand.setCurrentIndex(page.brand.findData("maison-aurel"))
    qtbot.keyClicks(page.case_number, "T-0902")
    qtbot.keyClick(page.case_number, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "bench-9" in page.notice.text(), timeout=10_000)
    assert page.notice.text().startswith("Case 'T-0902' is being worked by ines at bench 'bench-9' since ")
    assert ines.cases.open_cases(ines.user) == []


def test_a_logo_photo_suggests_brand_and_model(qtbot: QtBot, ines: BenchContext, tmp_path: Path) -> None:
    page = shown_page(qtbot, ines)
    photo = RESOURCES_DIR / "demo" / "samples" / "kestrel-athletics" / "a01" / "tongue-logo.jpg"
    with qtbot.waitSignal(page.suggestion.suggested, timeout=30_000):
        page.suggestion.suggest_from(photo)
    assert (page.brand.currentData(), page.model.currentData()) == ("kestrel-athletics", "stride-runner")
    assert page.suggestion.summary.text().startswith("Most like Kestrel Athletics")
    assert page.suggestion.choices.count() >= 1
    (tmp_path / "cut.jpg").write_bytes(photo.read_bytes()[:1500])
    page.suggestion.suggest_from(tmp_path / "cut.jpg")
    qtbot.waitUntil(lambda: not page.suggestion.busy, timeout=10_000)
    assert page.suggestion.summary.text().startswith("Photo not usable: ")
    assert page.brand.currentData() == "kestrel-athletics"   # a failed suggestion changes nothing
