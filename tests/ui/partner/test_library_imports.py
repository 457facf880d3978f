"""Importing and exporting on the library page, as the signed-in user: refusals list every problem and
change nothing, a brand partner publishes only its own brands, an inspector is offered no import."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from inspector_app.services.library import ImportRequest, LibraryService
from inspector_app.settings import Settings
from inspector_app.ui.bench_context import BenchContext
from inspector_app.ui.partner.library_page import LibraryPage, pack_path_from_choice
from inspector_app.workstation import Workstation

from ..helpers import BENCH_ADMIN, import_through_ui
from ..packs import break_pack, build_pack
from .conftest import open_page


def library_state(ws: Workstation) -> tuple[object, list[Path]]:
    """Everything an import could change: the catalog and the store's files."""
    service = LibraryService(ws.session_factory, ws.store)
    blobs = sorted(p for p in ws.store.root.rglob("*") if p.is_file() and "tmp" not in p.parts)
    return service.brands(), blobs


def problems_listed(qtbot: QtBot, page: LibraryPage) -> list[str]:
    dialog = page.problems_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.addWidget(dialog)
    return [dialog.problems.item(i).text() for i in range(dialog.problems.count())]


def test_refused_pack_lists_every_problem_and_changes_nothing(qtbot: QtBot, tmp_path: Path, page: LibraryPage,
                                                              workstation: Workstation) -> None:
    import_through_ui(qtbot, page, build_pack(tmp_path / "good"))
    before = library_state(workstation)
    broken = break_pack(build_pack(tmp_path / "broken", version="2026.2.0"))

    import_through_ui(qtbot, page, broken)

    listed = problems_listed(qtbot, page)
    assert page.problems_dialog is not None
    assert len(listed) == len(page.problems_dialog.error.problems) >= 3
    assert any("stiching" in text for text in listed)
    assert any("matches no file" in text for text in listed)
    assert any("windows.jpg" in text for text in listed)
    page.problems_dialog.copy_to_clipboard()
    assert "stiching" in QApplication.clipboard().text()
    assert library_state(workstation) == before
    assert page.import_action.isEnabled() and not page.progress.isVisible()
    assert [p.version for p in page.browser.brands[0].packs] == ["2026.1.0"]


def test_progress_dialog_cancel_changes_nothing(qtbot: QtBot, page: LibraryPage, pack_dir: Path,
                                                workstation: Workstation) -> None:
    before = library_state(workstation)
    cancelled: list[str] = []
    page.imports.cancelled.connect(cancelled.append)
    with qtbot.waitSignal(page.imports.settled, timeout=30_000):
        page.import_pack(pack_dir)
        assert page.progress.isVisible() and "maison-test" in page.progress.progress.label.text()
        qtbot.keyClick(page.progress, Qt.Key.Key_Escape)   # Escape is Cancel
    assert cancelled == ["maison-test"]
    assert library_state(workstation) == before
    assert "cancelled" in page.message.text() and page.message.isVisible()
    assert not page.progress.isVisible()


def test_a_second_import_waits_for_the_first(qtbot: QtBot, tmp_path: Path, page: LibraryPage,
                                             pack_dir: Path) -> None:
    status: list[str] = []
    page.status.connect(status.append)
    with qtbot.waitSignal(page.imports.settled, timeout=30_000):
        page.import_pack(pack_dir)
        assert not page.import_action.isEnabled()
        page.import_pack(build_pack(tmp_path / "other", brand="other-house", brand_name="Other House"))
        assert "already running" in status[-1]
    qtbot.waitUntil(lambda: not page.browser.busy)
    assert [b.slug for b in page.browser.brands] == ["maison-test"]


def test_a_pack_dropped_on_the_page_is_imported(qtbot: QtBot, page: LibraryPage, pack_dir: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(pack_dir / "pack.toml"))])
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(page, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(page.imports.settled, timeout=30_000):
        QApplication.sendEvent(page, drop)
    qtbot.waitUntil(lambda: [b.slug for b in page.browser.brands] == ["maison-test"], timeout=10_000)


def test_choosing_pack_toml_means_its_folder(tmp_path: Path) -> None:
    assert pack_path_from_choice(tmp_path / "pack" / "pack.toml") == tmp_path / "pack"
    assert pack_path_from_choice(tmp_path / "pack.zip") == tmp_path / "pack.zip"


# -- roles, on the demo bench -----------------------------------------------------------------------

def test_brand_partner_sees_every_problem_of_a_bad_pack_and_nothing_changes(
        qtbot: QtBot, tmp_path: Path, page_for: Callable[[str], LibraryPage], demo_bench: Workstation) -> None:
    page = page_for("bruno")
    before = library_state(demo_bench)
    bad = break_pack(build_pack(tmp_path / "bad", brand="maison-aurel", brand_name="Maison Aurel",
                                version="2026.12.0"))
    import_through_ui(qtbot, page, bad)

    listed = problems_listed(qtbot, page)
    assert len(listed) >= 3 and any("stiching" in text for text in listed)
    assert library_state(demo_bench) == before
    assert [p.version for p in next(b for b in page.browser.brands if b.slug == "maison-aurel").packs] == [
        "2026.11.0"]


def test_brand_partner_cannot_import_another_brand(qtbot: QtBot, tmp_path: Path,
                                                   page_for: Callable[[str], LibraryPage],
                                                   demo_bench: Workstation) -> None:
    page = page_for("bruno")
    assert page.import_action.isVisible() and "maison-aurel" in page.scope.text()
    before = library_state(demo_bench)
    import_through_ui(qtbot, page, build_pack(tmp_path / "theirs"))   # a valid pack of maison-test

    assert page.message.isVisible()
    assert "theirs was not imported" in page.message.text()
    assert "may not import packs for brand 'maison-test'" in page.message.text()
    assert "Nothing in the library changed" in page.message.text()
    assert "Traceback" not in page.message.text()
    assert page.problems_dialog is None
    assert library_state(demo_bench) == before


def test_brand_partner_sees_only_its_brands(qtbot: QtBot, tmp_path: Path, page_for: Callable[[str], LibraryPage],
                                            demo_bench: Workstation) -> None:
    service = LibraryService(demo_bench.session_factory, demo_bench.store)
    admin = demo_bench.users().authenticate("admin", "demo")
    service.import_pack(admin, ImportRequest(build_pack(tmp_path / "other")))

    assert [b.slug for b in page_for("bruno").browser.brands] == ["kestrel-athletics", "maison-aurel"]
    assert [b.slug for b in page_for("admin").browser.brands] == ["kestrel-athletics", "maison-aurel", "maison-test"]


def test_inspector_is_offered_no_import(qtbot: QtBot, tmp_path: Path, page_for: Callable[[str], LibraryPage],
                                        demo_bench: Workstation) -> None:
    page = page_for("ines")
    assert not page.can_import and not page.acceptDrops()
    assert page.import_action not in page.actions() and not page.import_action.isVisible()
    assert page.export_action not in page.actions()
    assert page.import_action not in page.toolbar.actions()
    assert "Import pack…" not in [what for _, what in page.shortcuts()]
    assert "read only" in page.scope.text()
    assert len(page.browser.brands) == 2   # browsing is for everyone

    before = library_state(demo_bench)
    import_through_ui(qtbot, page, build_pack(tmp_path / "p", brand="maison-aurel", version="2026.12.0"))
    assert "may not import packs" in page.message.text()   # the service refuses whatever the page offers
    assert library_state(demo_bench) == before


def test_export_then_reimport_gives_the_same_digest(qtbot: QtBot, tmp_path: Path,
                                                    page_for: Callable[[str], LibraryPage],
                                                    context_for: Callable[[str], BenchContext]) -> None:
    page = page_for("bruno")
    assert page.browser.select_key(("maison-aurel",))
    assert page.export_action.isEnabled()
    original = next(b for b in page.browser.brands if b.slug == "maison-aurel").current
    assert original is not None
    out = tmp_path / "exports" / "maison-aurel.zip"
    with qtbot.waitSignal(page.exported, timeout=30_000) as exported:
        page.export_pack("maison-aurel", original.version, out)
    assert exported.args == [out] and zipfile.is_zipfile(out)

    other_home = tmp_path / "other-bench"
    other = Workstation.open(Settings.embedded(other_home))
    try:
        fresh = open_page(qtbot, BenchContext(other, BENCH_ADMIN, context_for("bruno").preferences))
        import_through_ui(qtbot, fresh, out)
        [brand] = fresh.browser.brands
        assert brand.current is not None and brand.current.digest == original.digest
    finally:
        other.close()


def test_brand_partner_cannot_export_another_brand(qtbot: QtBot, tmp_path: Path,
                                                   page_for: Callable[[str], LibraryPage]) -> None:
    page = page_for("bruno")
    out = tmp_path / "x.zip"
    page.export_pack("maison-test", "2026.1.0", out)
    qtbot.waitUntil(lambda: page.message.isVisible(), timeout=10_000)
    assert "may not import packs for brand 'maison-test'" in page.message.text()
    assert not out.exists()
