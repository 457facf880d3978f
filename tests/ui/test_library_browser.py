"""The library browser on a real database, fed by imports through the window's own worker."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from pytestqt.qtbot import QtBot

from inspector_app.ui.library_tree import COL_NAME, NodeKind
from inspector_app.ui.main_window import MainWindow
from inspector_app.workstation import Workstation

from .helpers import import_through_ui, selected, visible_tree, zone_key
from .packs import build_pack


def test_empty_library_shows_how_to_start(window: MainWindow) -> None:
    browser = window.browser
    assert browser.pages.currentWidget() is browser.empty
    assert browser.brands == []
    assert window.windowTitle() == "Inspector Workstation"
    assert "Ctrl+I" in window.import_action.shortcut().toString()


def test_status_bar_says_where_the_data_lives(window: MainWindow, workstation: Workstation) -> None:
    text = window.location.text()
    assert str(workstation.settings.home) in text
    assert "SQLite" in text


def test_imported_pack_appears_as_brand_version_model_zones(qtbot: QtBot, window: MainWindow,
                                                            pack_dir: Path) -> None:
    progress: list[tuple[str, int, int]] = []
    window.imports.progress.connect(lambda *report: progress.append(report))
    import_through_ui(qtbot, window, pack_dir)

    assert window.browser.pages.currentWidget() is window.browser.splitter
    assert visible_tree(window) == [
        "Maison Test | 1 version",
        "  2026.1.0 | current",
        "    City Tote | 3 zones",
        "      front-logo | Logo · critical",
        "      side-seam | Stitching",
        "      serial-tag | Serial code · critical",
    ]
    assert {stage for stage, _, _ in progress} == {"validating", "storing"}
    node = selected(window)
    assert node is not None and node.kind is NodeKind.BRAND and node.brand.slug == "maison-test"
    page = window.browser.detail.pack_page
    assert window.browser.detail.currentWidget() is page
    assert page.publisher.text() == "Maison Test brand protection"
    assert page.contents.text().startswith("1 model · 3 zones · 4 references · 1 known counterfeit")
    assert page.checklist.topLevelItemCount() == 3
    first = page.checklist.topLevelItem(0)
    assert (first.text(1), first.text(2)) == ("front-logo", "critical")
    assert "Imported maison-test 2026.1.0" in window.statusBar().currentMessage()


def test_current_version_first_older_greyed_but_browsable(qtbot: QtBot, tmp_path: Path,
                                                          window: MainWindow) -> None:
    import_through_ui(qtbot, window, build_pack(tmp_path / "new", version="2026.2.0"))
    import_through_ui(qtbot, window, build_pack(tmp_path / "old", version="2026.1.0"))

    proxy = window.browser.proxy
    brand = proxy.index(0, COL_NAME)
    current, older = proxy.index(0, COL_NAME, brand), proxy.index(1, COL_NAME, brand)
    assert (current.data(), older.data()) == ("2026.2.0", "2026.1.0")
    assert current.data(Qt.ItemDataRole.FontRole).bold()
    muted = window.palette().color(QPalette.ColorRole.PlaceholderText)
    assert older.data(Qt.ItemDataRole.ForegroundRole).color() == muted
    assert not isinstance(older.data(Qt.ItemDataRole.FontRole), QFont) or not older.data(
        Qt.ItemDataRole.FontRole).bold()

    assert window.browser.select_key(zone_key("side-seam", version="2026.1.0"))
    zone_page = window.browser.detail.zone_page
    assert window.browser.detail.currentWidget() is zone_page
    assert "superseded by 2026.2.0" in zone_page.subtitle.text()


def test_filter_narrows_tree_and_says_when_nothing_matches(qtbot: QtBot, window: MainWindow,
                                                           pack_dir: Path) -> None:
    import_through_ui(qtbot, window, pack_dir)
    browser = window.browser

    qtbot.keyClicks(browser.filter, "seam")
    assert visible_tree(window) == [
        "Maison Test | 1 version",
        "  2026.1.0 | current",
        "    City Tote | 3 zones",
        "      side-seam | Stitching",
    ]
    browser.filter.setText("tote critical")   # every word must match: zones of the tote marked critical
    assert [line.strip() for line in visible_tree(window)][-2:] == [
        "front-logo | Logo · critical", "serial-tag | Serial code · critical"]

    browser.filter.setText("crocodile")
    assert visible_tree(window) == []
    assert browser.no_match.isVisibleTo(browser)

    qtbot.keyClick(browser.filter, Qt.Key.Key_Escape)
    assert browser.filter.text() == ""
    assert len(visible_tree(window)) == 6
    assert not browser.no_match.isVisibleTo(browser)


def test_ctrl_f_focuses_the_filter(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.browser.tree.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.browser.filter.hasFocus)


def test_zone_shows_tolerances_in_words_and_thumbnails(qtbot: QtBot, window: MainWindow,
                                                       pack_dir: Path) -> None:
    import_through_ui(qtbot, window, pack_dir)
    browser = window.browser
    page = browser.detail.zone_page

    assert browser.select_key(zone_key("side-seam"))
    assert page.heading.text() == "Saddle stitching along the side seam"
    assert "Stitch pitch 3.6–4.4 mm" in page.tolerances.text()
    assert "Stitch slant 20–30°" in page.tolerances.text()
    assert "Stitches are even" in page.checks.text()
    assert page.no_counterfeits.isVisibleTo(page) and not page.counterfeits.isVisibleTo(page)

    assert browser.select_key(zone_key("front-logo"))
    assert "Critical zone" in page.critical.text()
    assert page.tolerances.text().startswith("None set")
    qtbot.waitUntil(lambda: page.references.pending() == 0 and page.counterfeits.pending() == 0, timeout=10_000)
    assert page.references_title.text() == "Authentic references (2)"
    assert [page.references.item(i).text() for i in range(page.references.count())] == [
        "refs/front-logo/linux.jpg", "refs/front-logo/windows.jpg"]
    assert page.counterfeits.count() == 1 and page.counterfeits.isVisibleTo(page)
    for grid in (page.references, page.counterfeits):
        for i in range(grid.count()):
            image = grid.item(i).icon().pixmap(grid.iconSize()).toImage()
            assert not image.isNull()
            centre = image.pixelColor(image.width() // 2, image.height() // 2)
            assert centre.alpha() == 255   # a decoded picture, not the transparent canvas

    assert browser.select_key(zone_key("serial-tag"))
    assert "Serial number matches ^MT-[0-9]{6}$" in page.tolerances.text()
    assert "keys/serial-ed25519.pub" in page.tolerances.text()


def test_thumbnails_are_decoded_once_and_cached(qtbot: QtBot, window: MainWindow,
                                                pack_dir: Path) -> None:
    import_through_ui(qtbot, window, pack_dir)
    browser = window.browser
    page = browser.detail.zone_page
    browser.select_key(zone_key("front-logo"))
    qtbot.waitUntil(lambda: page.references.pending() == 0, timeout=10_000)
    decoded: list[str] = []
    browser.thumbnails.ready.connect(decoded.append)

    browser.select_key(zone_key("side-seam"))   # box.png: the same bytes as the front logo's counterfeit
    assert page.references.pending() == 0
    browser.select_key(zone_key("front-logo"))
    assert page.references.pending() == 0 and not browser.thumbnails.busy
    assert decoded == []


def test_model_page_lists_its_zones(qtbot: QtBot, window: MainWindow, pack_dir: Path) -> None:
    import_through_ui(qtbot, window, pack_dir)
    assert window.browser.select_key(("maison-test", "2026.1.0#1", "city-tote"))
    zones = window.browser.detail.model_page.zones
    assert zones.topLevelItemCount() == 3
    assert zones.topLevelItem(1).text(1) == "Stitching"


def test_selection_survives_a_reload(qtbot: QtBot, window: MainWindow, pack_dir: Path) -> None:
    import_through_ui(qtbot, window, pack_dir)
    window.browser.select_key(zone_key("serial-tag"))
    with qtbot.waitSignal(window.browser.loaded):
        window.reload_action.trigger()
    node = selected(window)
    assert node is not None and node.key == zone_key("serial-tag")
