"""Comparing two versions of a demo pack on the library page: zones and images added, removed, changed."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import cv2
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from inspector_app.ui.partner.library_page import LibraryPage
from inspector_app.ui.partner.pack_diff_view import PackDiffDialog
from inspector_app.ui.thumbnails import ThumbnailGrid
from inspector_app.workstation import DEMO_PACKS_DIR

from ..helpers import import_through_ui

REFS = Path("refs/city-tote")


def next_version(tmp_path: Path) -> Path:
    """maison-aurel 2026.12.0: a front-logo reference dropped, a clasp reference added, the clasp's colour
    tolerance tightened."""
    pack = shutil.copytree(DEMO_PACKS_DIR / "maison-aurel", tmp_path / "maison-aurel")
    manifest = (pack / "pack.toml").read_text(encoding="utf-8")
    manifest = manifest.replace('version = "2026.11.0"', 'version = "2026.12.0"')
    manifest = manifest.replace("max_delta_e = 6.0", "max_delta_e = 5.0")
    (pack / "pack.toml").write_text(manifest, encoding="utf-8")
    (pack / REFS / "front-logo" / "ref-04.jpg").unlink()
    mirrored = cv2.flip(cv2.imread(str(pack / REFS / "clasp" / "ref-01.jpg")), 1)
    assert cv2.imwrite(str(pack / REFS / "clasp" / "ref-05.jpg"), mirrored)
    return pack


def tiles(grid: ThumbnailGrid) -> list[str]:
    return [grid.item(i).text() for i in range(grid.count())]


def find_line(dialog: PackDiffDialog, text: str) -> QTreeWidgetItem:
    [item] = dialog.view.tree.findItems(text, Qt.MatchFlag.MatchContains | Qt.MatchFlag.MatchRecursive)
    return item


def test_compare_two_versions_of_a_demo_pack(qtbot: QtBot, tmp_path: Path,
                                            page_for: Callable[[str], LibraryPage]) -> None:
    page = page_for("bruno")
    import_through_ui(qtbot, page, next_version(tmp_path))
    assert page.browser.select_key(("maison-aurel",))
    assert page.compare_action.isEnabled()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    qtbot.keyClick(page.browser.tree, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    dialog = page.compare_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.addWidget(dialog)

    assert (dialog.old_version.currentText(), dialog.new_version.currentText()) == (
        "2026.11.0", "2026.12.0  (current)")
    assert dialog.view.summary.text() == "From 2026.11.0 to 2026.12.0: 2 zones changed."
    diff = dialog.diff
    assert [z.zone.id for z in diff.zones_changed] == ["front-logo", "clasp"]
    assert not (diff.zones_added or diff.zones_removed or diff.models_added or diff.checks_changed)

    logo = find_line(dialog, "city-tote / front-logo")
    assert [logo.child(i).text(0) for i in range(logo.childCount())] == ["1 image removed"]
    dialog.view.tree.setCurrentItem(logo)
    assert tiles(dialog.view.old_images) == ["refs/city-tote/front-logo/ref-04.jpg"]
    assert tiles(dialog.view.new_images) == []

    clasp = find_line(dialog, "city-tote / clasp")
    assert [clasp.child(i).text(0) for i in range(clasp.childCount())] == [
        "Colour within ΔE 6 (CIEDE2000) of the references → Colour within ΔE 5 (CIEDE2000) of the references",
        "1 image added"]
    dialog.view.tree.setCurrentItem(clasp)
    assert tiles(dialog.view.new_images) == ["refs/city-tote/clasp/ref-05.jpg"]
    grid = dialog.view.new_images
    qtbot.waitUntil(lambda: grid.pending() == 0, timeout=10_000)
    assert not grid.item(0).icon().pixmap(grid.iconSize()).toImage().isNull()

    dialog.view.tree.setCurrentItem(find_line(dialog, "Zones changed"))   # a section shows all its images
    assert tiles(dialog.view.old_images) == ["refs/city-tote/front-logo/ref-04.jpg"]
    assert tiles(dialog.view.new_images) == ["refs/city-tote/clasp/ref-05.jpg"]

    dialog.swap()   # backwards: what was removed is now added
    assert dialog.old_version.currentText().startswith("2026.12.0")
    assert "2 zones changed" in dialog.view.summary.text()
    logo = find_line(dialog, "city-tote / front-logo")
    assert [logo.child(i).text(0) for i in range(logo.childCount())] == ["1 image added"]

    dialog.new_version.setCurrentIndex(0)   # one version against itself
    assert dialog.view.summary.text() == "No differences between 2026.12.0 and 2026.12.0."
    assert dialog.view.tree.topLevelItemCount() == 0


def test_compare_needs_two_versions(qtbot: QtBot, page_for: Callable[[str], LibraryPage]) -> None:
    page = page_for("ines")
    assert page.browser.select_key(("maison-aurel",))
    assert not page.compare_action.isEnabled()
    page.compare_versions()
    assert page.compare_dialog is None and "two pack versions" in page.message.text()
