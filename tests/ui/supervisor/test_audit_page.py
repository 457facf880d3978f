"""The audit browser as sam uses it: the verdicts ines signed, filtered, sorted, opened, verified and reviewed."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from inspector_app.services.audit import verify_ledger
from inspector_app.ui.bench_context import BenchContext
from inspector_app.ui.status_style import status_colour
from inspector_app.ui.supervisor.audit_page import AuditPage
from inspector_app.ui.supervisor.verdict_table_model import COLUMN_OF, LISTING_ROLE
from inspector_app.workstation import Workstation
from reports.verdict import Verdict

from .conftest import SIGNED


def open_page(qtbot: QtBot, context: BenchContext) -> AuditPage:
    page = AuditPage(context)
    qtbot.addWidget(page)
    page.resize(1400, 900)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and not page.model.busy, timeout=10_000)
    # the first row is selected for the detail to show at once; wait for it, so later openings do not race it
    qtbot.waitUntil(lambda: page.detail.detail is not None and not page.detail.busy, timeout=30_000)
    assert page.detail.detail.listing.case_number == cases_shown(page)[0]
    return page


def wait_for_proof(qtbot: QtBot, page: AuditPage, case: str) -> None:
    """Until the detail shows this case with its signature and ledger lines settled."""
    detail = page.detail
    qtbot.waitUntil(lambda: detail.detail is not None and detail.detail.listing.case_number == case
                    and "checking" not in detail.signature.text() + detail.ledger.text(), timeout=30_000)


def cases_shown(page: AuditPage) -> list[str]:
    return [page.model.index(r, COLUMN_OF["case"]).data() for r in range(page.model.rowCount())]


def choose(qtbot: QtBot, page: AuditPage, combo: QComboBox, text: str) -> None:
    """Pick an entry and wait for the table to follow."""
    index = combo.findText(text, Qt.MatchFlag.MatchStartsWith)
    assert index >= 0, f"{combo.objectName()} offers no '{text}'"
    with qtbot.waitSignal(page.model.loaded, timeout=10_000):
        combo.setCurrentIndex(index)
    qtbot.waitUntil(lambda: not page.model.busy, timeout=10_000)


def test_table_lists_filters_and_sorts(qtbot: QtBot, sign_in: Callable[[str], BenchContext]) -> None:
    page = open_page(qtbot, sign_in("sam"))
    assert sorted(cases_shown(page)) == sorted(s.case for s in SIGNED)
    qtbot.waitUntil(lambda: "3 verdicts match" in page.summary.text(), timeout=10_000)
    fail_row = cases_shown(page).index("KE-FAIL-1")
    decision = page.model.index(fail_row, COLUMN_OF["decision"])
    assert decision.data() == "Fail" and decision.data(Qt.ItemDataRole.ForegroundRole) == status_colour("fail")
    assert page.model.index(fail_row, COLUMN_OF["reasons"]).data() == "authenticity"
    assert page.model.index(fail_row, COLUMN_OF["inspector"]).data() == "ines"
    assert page.model.index(fail_row, 0).data(LISTING_ROLE).decision is Verdict.FAIL

    # Ctrl+F goes to the filters; the brand list holds the brands found among the verdicts
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.filters.since.hasFocus()
    qtbot.waitUntil(lambda: page.filters.brand.count() == 3, timeout=10_000)
    choose(qtbot, page, page.filters.brand, "kestrel")
    assert cases_shown(page) == ["KE-FAIL-1"]
    assert page.model.query.brand == "kestrel-athletics"
    page.filters.reset()
    qtbot.waitUntil(lambda: len(cases_shown(page)) == 3 and not page.model.busy, timeout=10_000)

    choose(qtbot, page, page.filters.decision, "Inconclusive")
    assert cases_shown(page) == ["AU-INC-1"]
    choose(qtbot, page, page.filters.decision, "Any")
    choose(qtbot, page, page.filters.reason, "Authenticity")
    assert cases_shown(page) == ["KE-FAIL-1"]
    choose(qtbot, page, page.filters.reason, "Condition")
    assert cases_shown(page) == ["AU-INC-1"]
    page.filters.reset()
    qtbot.waitUntil(lambda: len(cases_shown(page)) == 3 and not page.model.busy, timeout=10_000)

    # a day range that ends before today holds nothing
    with qtbot.waitSignal(page.model.loaded, timeout=10_000):
        page.filters.until.setDate(page.filters.until.date().currentDate().addDays(-1))
    assert cases_shown(page) == [] and page.model.query.until is not None
    page.filters.reset()
    qtbot.waitUntil(lambda: len(cases_shown(page)) == 3 and not page.model.busy, timeout=10_000)

    # sorting goes through the service: by case number, then the other way
    with qtbot.waitSignal(page.model.loaded, timeout=10_000):
        page.table.sortByColumn(COLUMN_OF["case"], Qt.SortOrder.AscendingOrder)
    assert cases_shown(page) == sorted(s.case for s in SIGNED)
    assert (page.model.query.sort, page.model.query.descending) == ("case", False)
    with qtbot.waitSignal(page.model.loaded, timeout=10_000):
        page.table.sortByColumn(COLUMN_OF["case"], Qt.SortOrder.DescendingOrder)
    assert cases_shown(page) == sorted((s.case for s in SIGNED), reverse=True)


def test_detail_shows_evidence_and_proof_then_catches_tampering(
        qtbot: QtBot, sign_in: Callable[[str], BenchContext], signed_bench: Workstation) -> None:
    page = open_page(qtbot, sign_in("sam"))
    row = cases_shown(page).index("AU-PASS-1")
    page.table.setFocus()
    page.table.selectRow(row)
    detail = page.detail
    qtbot.keyClick(page.table, Qt.Key.Key_Return)   # Enter opens the detail at once
    wait_for_proof(qtbot, page, "AU-PASS-1")
    shown = detail.detail
    assert shown is not None and shown.listing.case_number == "AU-PASS-1"
    assert detail.title.text().startswith("Case AU-PASS-1")
    assert detail.decision.text().startswith("Pass — machine suggested")
    assert detail.signature.text() == "Signature: verified (signed by Ines Inspector (ines))"
    assert detail.ledger.text() == f"Ledger: entry #{shown.ledger_seq} verified"
    # every photo, decoded on workers; every zone with its findings; the checklist as answered
    assert detail.photos.count() == len(shown.photos) == 5
    qtbot.waitUntil(lambda: not detail.busy, timeout=20_000)
    assert all(detail.photos.item(i).icon().actualSize(detail.photos.iconSize()).width() > 0
               for i in range(detail.photos.count()))
    assert detail.findings.topLevelItemCount() == len(shown.report.zones) == 5
    assert sum(detail.findings.topLevelItem(i).childCount() for i in range(5)) > 0
    assert detail.checklist.topLevelItemCount() == len(shown.report.checklist) > 0
    assert all(detail.checklist.topLevelItem(i).text(2) == "Pass" for i in range(len(shown.report.checklist)))
    assert detail.reviews.text() == "No second opinion yet."

    # clicking a photo opens it larger
    detail.photos.setCurrentRow(0)
    detail.photos.itemActivated.emit(detail.photos.item(0))
    dialog = detail.photo_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.image.pixmap() is not None and not dialog.image.pixmap().isNull(), timeout=10_000)
    assert dialog.image.pixmap().width() > detail.photos.iconSize().width()
    dialog.close()

    # the signed report opens in the report viewer, exactly as stored
    qtbot.mouseClick(detail.open_report, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: detail.report_viewer is not None and detail.report_viewer.document.pageCount() > 0,
                    timeout=10_000)
    assert detail.report_viewer.pdf == signed_bench.store.read(shown.report_pdf_sha256)
    detail.report_viewer.window().close()

    # the stored PDF is altered on disk: the signature no longer holds, nor the ledger match
    pdf_path = signed_bench.store.path_for(shown.report_pdf_sha256)
    pdf = bytearray(pdf_path.read_bytes())
    pdf[len(pdf) // 3] ^= 0x01
    pdf_path.chmod(0o644)
    pdf_path.write_bytes(bytes(pdf))
    with qtbot.waitSignal(detail.checked, timeout=30_000):
        detail.show_case("AU-PASS-1")
    assert detail.signature.text().startswith("Signature: INVALID — ")
    assert detail.ledger.text().startswith(f"Ledger: entry #{shown.ledger_seq} does NOT match — ")
    assert "not the report the ledger recorded" in detail.ledger.text()
    with qtbot.waitSignal(detail.status, timeout=10_000) as refused:
        qtbot.mouseClick(detail.open_report, Qt.MouseButton.LeftButton)
    assert refused.args[0].startswith("The report cannot be opened") and "corrupt" in refused.args[0]


def test_edited_ledger_entry_is_shown_as_not_matching(
        qtbot: QtBot, sign_in: Callable[[str], BenchContext], signed_bench: Workstation) -> None:
    context = sign_in("sam")
    seq = context.audit.get_verdict(context.user, "KE-FAIL-1").ledger_seq
    db = sqlite3.connect(signed_bench.settings.home / "inspector.sqlite3")
    payload = json.loads(db.execute("select payload from ledger_entries where seq = ?", (seq,)).fetchone()[0])
    payload["decision"] = "PASS"
    db.execute("update ledger_entries set payload = ? where seq = ?", (json.dumps(payload), seq))
    db.commit()
    db.close()
    page = open_page(qtbot, context)
    with qtbot.waitSignal(page.detail.checked, timeout=30_000):
        page.detail.show_case("KE-FAIL-1")
    assert page.detail.signature.text().startswith("Signature: INVALID — ")
    assert page.detail.ledger.text() == (f"Ledger: entry #{seq} does NOT match — the ledger entry {seq} of case "
                                         "'KE-FAIL-1' was changed")


def test_second_opinion_is_recorded_and_shown(qtbot: QtBot, sign_in: Callable[[str], BenchContext],
                                             signed_bench: Workstation) -> None:
    page = open_page(qtbot, sign_in("sam"))
    detail = page.detail
    page.table.selectRow(cases_shown(page).index("KE-FAIL-1"))
    page.open_selected()
    wait_for_proof(qtbot, page, "KE-FAIL-1")
    assert detail.review_box.isVisible() and detail.can_review

    # Ctrl+R goes to the review; disagreeing without a note is refused in one line, nothing recorded
    qtbot.keyClick(page.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert detail.note.hasFocus()
    detail.disagree.setChecked(True)
    qtbot.mouseClick(detail.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: detail.review_error.text() != "", timeout=10_000)
    assert "needs a note" in detail.review_error.text() and "\n" not in detail.review_error.text()
    assert detail.detail is not None and detail.detail.reviews == ()

    qtbot.keyClicks(detail.note, "the serif is within the brand's tolerance")
    with qtbot.waitSignal(detail.reviewed, timeout=10_000), qtbot.waitSignal(detail.loaded, timeout=10_000):
        qtbot.mouseClick(detail.submit, Qt.MouseButton.LeftButton)
    reviews = detail.detail.reviews
    assert [(r.supervisor, r.agree, r.note) for r in reviews] == [
        ("sam", False, "the serif is within the brand's tolerance")]
    assert "sam disagrees" in detail.reviews.text() and "the serif is within" in detail.reviews.text()
    check = verify_ledger(signed_bench.session_factory)
    assert check.intact and check.entries >= reviews[0].ledger_seq


def test_appeal_package_is_exported(qtbot: QtBot, sign_in: Callable[[str], BenchContext], tmp_path: object) -> None:
    import zipfile
    from pathlib import Path

    page = open_page(qtbot, sign_in("sam"))
    with qtbot.waitSignal(page.detail.loaded, timeout=10_000):
        page.detail.show_case("AU-INC-1")
    target = Path(str(tmp_path)) / "appeal.zip"
    with qtbot.waitSignal(page.status, timeout=20_000, check_params_cb=lambda m: "saved" in m):
        page.detail.export_to(target)
    names = zipfile.ZipFile(target).namelist()
    assert "AU-INC-1/report.pdf" in names and "AU-INC-1/findings.json" in names


def test_who_gets_the_review_form(qtbot: QtBot, sign_in: Callable[[str], BenchContext]) -> None:
    """Only a supervisor is offered a second opinion; an inspector cannot even read the audit."""
    from inspector_app.ui.supervisor.verdict_detail import VerdictDetailView

    admin = open_page(qtbot, sign_in("admin"))   # an admin may audit, not review
    with qtbot.waitSignal(admin.detail.loaded, timeout=10_000):
        admin.detail.show_case("KE-FAIL-1")
    assert not admin.detail.review_box.isVisible() and not admin.detail.can_review

    ines = VerdictDetailView(sign_in("ines"))
    qtbot.addWidget(ines)
    ines.show()
    assert not ines.review_box.isVisible()
    ines.show_case("KE-FAIL-1")
    qtbot.waitUntil(lambda: ines.pages.currentWidget() is ines.error, timeout=10_000)
    assert "may not view the audit" in ines.error.text() and ines.detail is None
