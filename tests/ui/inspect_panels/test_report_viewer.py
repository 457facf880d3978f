"""The report viewer on a real signed report: pages, zoom, printing, and export of the exact signed bytes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from inspector_app.services.cases import Decision
from inspector_app.ui.bench_context import BenchContext
from inspector_app.ui.report_viewer import ReportViewer
from reports.verdict import Verdict
from tests.ui.conftest import PASSWORD

from . import ready_to_sign, show_active

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def signed_pdf(context_for: Callable[[str], BenchContext]) -> bytes:
    context = context_for("ines")
    view = ready_to_sign(context, "maison-aurel/a01")
    verdict = context.cases.decide_and_sign(context.user, Decision(view.case_number, Verdict.PASS, {}), PASSWORD)
    return context.workstation.store.read(verdict.report_pdf_sha256)


def test_pages_zoom_print_and_export(qtbot: QtBot, signed_pdf: bytes, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    viewer = ReportViewer()
    qtbot.addWidget(viewer)
    show_active(qtbot, viewer)
    viewer.load(signed_pdf, "Report C-1")
    viewer.view.setFocus()
    qtbot.waitUntil(lambda: viewer.document.pageCount() >= 1, timeout=10_000)
    pages = viewer.document.pageCount()
    assert viewer.page.text() == f"Page 1 of {pages}"
    assert viewer.title.text() == "Report C-1"

    if pages > 1:
        qtbot.keyClick(viewer.view, Qt.Key.Key_PageDown)
        qtbot.waitUntil(lambda: viewer.current_page() == 1)
        assert viewer.page.text() == f"Page 2 of {pages}"
        qtbot.keyClick(viewer.view, Qt.Key.Key_PageUp)
        qtbot.waitUntil(lambda: viewer.current_page() == 0)

    qtbot.keyClick(viewer.view, Qt.Key.Key_Plus, CTRL)
    assert viewer.view.zoomMode() == QPdfView.ZoomMode.Custom
    zoomed = viewer.view.zoomFactor()
    qtbot.keyClick(viewer.view, Qt.Key.Key_Minus, CTRL)
    assert viewer.view.zoomFactor() == pytest.approx(zoomed / 1.25)
    qtbot.keyClick(viewer.view, Qt.Key.Key_0, CTRL)
    assert viewer.view.zoomMode() == QPdfView.ZoomMode.FitToWidth

    printed = tmp_path / "printed.pdf"

    def accept(dialog: QPrintDialog) -> QPrintDialog.DialogCode:
        dialog.printer().setOutputFileName(str(printed))   # print to a file instead of a device
        return QPrintDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    with qtbot.waitSignal(viewer.printed, timeout=30_000):
        qtbot.keyClick(viewer.view, Qt.Key.Key_P, CTRL)
    copy = QPdfDocument()
    copy.load(str(printed))
    assert copy.pageCount() == pages
    copy.close()

    exported = tmp_path / "exported.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(exported), ""))
    with qtbot.waitSignal(viewer.exported, timeout=10_000):
        qtbot.keyClick(viewer.view, Qt.Key.Key_S, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert exported.read_bytes() == signed_pdf


def test_bytes_that_are_not_a_pdf_say_so_and_offer_nothing(qtbot: QtBot) -> None:
    viewer = ReportViewer()
    qtbot.addWidget(viewer)
    with qtbot.waitSignal(viewer.status) as said:
        viewer.load(b"this is not a PDF", "Broken")
    assert said.args[0].startswith("The report could not be shown")
    assert viewer.document.pageCount() == 0
    assert viewer.page.text() == "No report"
    assert not viewer.buttons["export"].isEnabled() and not viewer.buttons["print"].isEnabled()
