"""The models page: the bundled model listed and serving; installing shows the card first; only admins install."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from inspector_app.ui.admin.models_page import ModelsPage
from inspector_app.workstation import MODELS_DIR
from tests.onnx_models import model_with_card  # skips where onnx is absent

OpenPage = Callable[[type, str], QWidget]
BUNDLED = MODELS_DIR / "pair-classifier-v1.onnx"


def loaded(qtbot: QtBot, page: ModelsPage) -> ModelsPage:
    qtbot.waitUntil(lambda: not page.busy and page.table.rowCount() > 0, timeout=10_000)
    return page


def row(page: ModelsPage, r: int) -> list[str]:
    return [page.table.item(r, c).text() for c in range(page.table.columnCount())]


def test_the_bundled_model_is_listed_and_serving(qtbot: QtBot, open_page: OpenPage) -> None:
    page = loaded(qtbot, open_page(ModelsPage, "admin"))
    [bundled] = page.models
    name, version, kinds, threshold, serving, installed_by, _, sha = row(page, 0)
    assert (name, version, kinds, serving) == ("pair-classifier", "1", "logo, hardware", "logo, hardware")
    assert installed_by == "bundled with the workstation"
    assert threshold == f"{bundled.threshold:g}" and sha.startswith(bundled.sha256[:16])
    assert bundled.sha256 in page.detail.toPlainText()
    assert page.install_action.isVisible()


def test_install_shows_the_card_then_installs_as_the_admin(qtbot: QtBot, tmp_path: Path,
                                                           open_page: OpenPage) -> None:
    page = loaded(qtbot, open_page(ModelsPage, "admin"))
    path = model_with_card(tmp_path, name="pair-classifier", version="2", kinds=("logo",), threshold=0.2)
    (path.with_suffix(".md")).write_text("# Pair classifier v2\n\nRetrained on more logos.", encoding="utf-8")
    page.preview(path)
    qtbot.waitUntil(lambda: page.card_dialog is not None and page.card_dialog.isVisible(), timeout=10_000)
    dialog = page.card_dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    shown = dialog.text.toPlainText()
    assert "pair-classifier version 2" in shown and "Retrained on more logos" in shown and "0.2" in shown
    assert len(page.models) == 1   # nothing installed before Install

    with qtbot.waitSignal(page.installed, timeout=30_000):
        dialog.install_button.click()
    qtbot.waitUntil(lambda: not page.busy and page.table.rowCount() == 2, timeout=10_000)
    assert [(r[1], r[4], r[5]) for r in (row(page, 0), row(page, 1))] == [
        ("2", "logo", "admin"), ("1", "hardware", "bundled with the workstation")]
    assert "Installed model pair-classifier 2" in page.message.text()


def test_refusals_are_one_line(qtbot: QtBot, open_page: OpenPage) -> None:
    page = loaded(qtbot, open_page(ModelsPage, "admin"))
    page.install(BUNDLED)
    qtbot.waitUntil(lambda: page.message.isVisible(), timeout=30_000)
    assert page.message.text().startswith("Not installed: Model pair-classifier 1")
    assert "already installed" in page.message.text()

    page.preview(MODELS_DIR / "no-such-model.onnx")
    qtbot.waitUntil(lambda: "Not installed: No model card no-such-model.json" in page.message.text(), timeout=10_000)


def test_only_admins_install(qtbot: QtBot, open_page: OpenPage, tmp_path: Path) -> None:
    page = loaded(qtbot, open_page(ModelsPage, "bruno"))
    assert not page.install_action.isVisible() and page.install_action not in page.actions()
    page.install(model_with_card(tmp_path))
    qtbot.waitUntil(lambda: page.message.isVisible(), timeout=30_000)
    assert "may not install models" in page.message.text()
    assert len(page.models) == 1
