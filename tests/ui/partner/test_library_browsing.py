"""Browsing the library on the library page, on a real database fed by imports through the page's own worker."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from pytestqt.qtbot import QtBot

from inspector_app.ui.library_tree import COL_NAME, NodeKind
from inspector_app.ui.partner.library_page import LibraryPage

from ..helpers import import_through_ui, selected, visible_tree, zone_key
from ..packs import build_pack


def test_empty_library_shows_how_to_start(page: LibraryPage) -> None:
    browser = page.browser
    assert browser.pages.currentWidget() is browser.empty
    assert browser.brands == []
    assert browser.empty.import_button.isVisibleTo(page)
    assert "Ctrl+I" in browser.empty.text.text()
    assert "Ctrl+I" in page.import_action.shortcut().toString()
    assert ("Ctrl+I", "Import pack…") in page.shortcuts()


def test_imported_pack_appears_as_brand_version_model_zones(qtbot: QtBot, page: LibraryPage,
                                                            pack_dir: Path) -> None:
    progress: list[tuple[str, int, int]] = []
    status: list[str] = []
    page.imports.progress.connect(lambda *report: progress.append(report))
    page.status.connect(status.append)
    import_through_ui(qtbot, page, pack_dir)

    assert page.browser.pages.currentWidget() is page.browser.splitter
    assert visible_tree(page) == [
        "Maison Test | 1 version",
        "  2026.1.0 | current",
        "    City Tote | 3 zones",
        "      front-logo | Logo · critical",
        "      side-seam | Stitching",
        "      serial-tag | Serial code · critical",
    ]
    assert {stage for stage, _, _ in progress} == {"validating", "storing"}
    node = selected(page)
    assert node is not None and node.kind is NodeKind.BRAND and node.brand.slug == "maison-test"
    detail = page.browser.detail.pack_page
    assert page.browser.detail.currentWidget() is detail
    assert detail.publisher.text() == "Maison Test brand protection"
    assert detail.contents.text().startswith("1 model · 3 zones · 4 references · 1 known counterfeit")
    assert detail.checklist.topLevelItemCount() == 3
    first = detail.checklist.topLevelItem(0)
    assert (first.text(1), first.text(2)) == ("front-logo", "critical")
    assert "Imported maison-test 2026.1.0" in status[-1]
    assert not page.progress.isVisible() and page.import_action.isEnabled()


def test_current_version_first_older_greyed_but_browsable(qtbot: QtBot, tmp_path: Path, page: LibraryPage) -> None:
    import_through_ui(qtbot, page, build_pack(tmp_path / "new", version="2026.2.0"))
    import_through_ui(qtbot, page, build_pack(tmp_path / "old", version="2026.1.0"))

    proxy = page.browser.proxy
    brand = proxy.index(0, COL_NAME)
    current, older = proxy.index(0, COL_NAME, brand), proxy.index(1, COL_NAME, brand)
    assert (current.data(), older.data()) == ("2026.2.0", "2026.1.0")
    assert current.data(Qt.ItemDataRole.FontRole).bold()
    muted = page.palette().color(QPalette.ColorRole.PlaceholderText)
    assert older.data(Qt.ItemDataRole.ForegroundRole).color() == muted
    assert not isinstance(older.data(Qt.ItemDataRole.FontRole), QFont) or not older.data(
        Qt.ItemDataRole.FontRole).bold()

    assert page.browser.select_key(zone_key("side-seam", version="2026.1.0"))
    zone_page = page.browser.detail.zone_page
    assert page.browser.detail.currentWidget() is zone_page
    assert "superseded by 2026.2.0" in zone_page.subtitle.text()


def test_filter_narrows_tree_and_says_when_nothing_matches(qtbot: QtBot, page: LibraryPage,
                                                           pack_dir: Path) -> None:
    import_through_ui(qtbot, page, pack_dir)
    browser = page.browser

    qtbot.keyClicks(browser.filter, "seam")
    assert visible_tree(page) == [
        "Maison Test | 1 version",
        "  2026.1.0 | current",
        "    City Tote | 3 zones",
        "      side-seam | Stitching",
    ]
    browser.filter.setText("tote critical")   # every word must match: zones of the tote marked critical
    assert [line.strip() for line in visible_tree(page)][-2:] == [
        "front-logo | Logo · critical", "serial-tag | Serial code · critical"]

    browser.filter.setText("crocodile")
    assert visible_tree(page) == []
    assert browser.no_match.isVisibleTo(browser)

    qtbot.keyClick(browser.filter, Qt.Key.Key_Escape)
    assert browser.filter.text() == ""
    assert len(visible_tree(page)) == 6
    assert not browser.no_match.isVisibleTo(browser)


def test_ctrl_f_focuses_the_filter(qtbot: QtBot, page: LibraryPage) -> None:
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.browser.tree.setFocus()
    qtbot.keyClick(page.browser.tree, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(page.browser.filter.hasFocus)


def test_zone_shows_tolerances_in_words_and_thumbnails(qtbot: QtBot, page: LibraryPage, pack_dir: Path) -> None:
    import_through_ui(qtbot, page, pack_dir)
    browser = page.browser
    zone = browser.detail.zone_page

    assert browser.select_key(zone_key("side-seam"))
    assert zone.heading.text() == "Saddle stitching along the side seam"
    assert "Stitch pitch 3.6–4.4 mm" in zone.tolerances.text()
    assert "Stitch slant 20–30°" in zone.tolerances.text()
    assert "Stitches are even" in zone.checks.text()
    assert zone.no_counterfeits.isVisibleTo(zone) and not zone.counterfeits.isVisibleTo(zone)

    assert browser.select_key(zone_key("front-logo"))
    assert "Critical zone" in zone.critical.text()
    assert zone.tolerances.text().startswith("None set")
    qtbot.waitUntil(lambda: zone.references.pending() == 0 and zone.counterfeits.pending() == 0, timeout=10_000)
    assert zone.references_title.text() == "Authentic references (2)"
    assert [zone.references.item(i).text() for i in range(zone.references.count())] == [
        "refs/front-logo/linux.jpg", "refs/front-logo/windows.jpg"]
    assert zone.counterfeits.count() == 1 and zone.counterfeits.isVisibleTo(zone)
    for grid in (zone.references, zone.counterfeits):
        for i in range(grid.count()):
            image = grid.item(i).icon().pixmap(grid.iconSize()).toImage()
            assert not image.isNull()
            centre = image.pixelColor(image.width() // 2, image.height() // 2)
            assert centre.alpha() == 255   # a decoded picture, not the transparent canvas

    assert browser.select_key(zone_key("serial-tag"))
    assert "Serial number matches ^MT-[0-9]{6}$" in zone.tolerances.text()
    assert "keys/serial-ed25519.pub" in zone.tolerances.text()


def test_thumbnails_are_decoded_once_and_cached(qtbot: QtBot, page: LibraryPage, pack_dir: Path) -> None:
    import_through_ui(qtbot, page, pack_dir)
    browser = page.browser
    zone = browser.detail.zone_page
    browser.select_key(zone_key("front-logo"))
    # both grids: the side seam's reference is the front logo's counterfeit, cached only once decoded
    qtbot.waitUntil(lambda: zone.references.pending() == 0 and zone.counterfeits.pending() == 0
                    and not browser.thumbnails.busy, timeout=10_000)
    decoded: list[str] = []
    browser.thumbnails.ready.connect(decoded.append)

    browser.select_key(zone_key("side-seam"))   # box.png: the same bytes as the front logo's counterfeit
    assert zone.references.pending() == 0
    browser.select_key(zone_key("front-logo"))
    assert zone.references.pending() == 0 and not browser.thumbnails.busy
    assert decoded == []


def test_model_page_lists_its_zones(qtbot: QtBot, page: LibraryPage, pack_dir: Path) -> None:
    import_through_ui(qtbot, page, pack_dir)
    assert page.browser.select_key(("maison-test", "2026.1.0#1", "city-tote"))
    zones = page.browser.detail.model_page.zones
    assert zones.topLevelItemCount() == 3
    assert zones.topLevelItem(1).text(1) == "Stitching"


def test_selection_survives_a_reload(qtbot: QtBot, page: LibraryPage, pack_dir: Path) -> None:
    import_through_ui(qtbot, page, pack_dir)
    page.browser.select_key(zone_key("serial-tag"))
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)   # shortcuts reach only the active window
    with qtbot.waitSignal(page.browser.loaded):
        qtbot.keyClick(page.browser.tree, Qt.Key.Key_F5)
    node = selected(page)
    assert node is not None and node.key == zone_key("serial-tag")
