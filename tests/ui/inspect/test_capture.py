"""Guided capture on a real demo bench: file import, drops, the hot folder and the camera path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from inspector_app.services.cases import Intake, TakenPhoto
from inspector_app.ui.bench_context import BenchContext
from inspector_app.ui.inspect.capture_page import CapturePage
from inspector_app.ui.inspect.frame_sources import VideoFileSource, cameras
from inspector_app.ui.inspect.shot_list import ShotState
from inspector_app.ui.inspect.workspace import case_model
from tests.ui.conftest import demo_item

from .test_frame_sources import make_video

GATE_TIMEOUT = 60_000
A01 = demo_item("maison-aurel/a01")


@pytest.fixture
def ines(context_for: Callable[[str], BenchContext]) -> BenchContext:
    return context_for("ines")


@pytest.fixture
def page(qtbot: QtBot, ines: BenchContext) -> CapturePage:
    """The capture page on a freshly opened case of the demo City Tote."""
    view = ines.cases.open(ines.user, Intake("T-2001", "maison-aurel", "city-tote"))
    page = CapturePage(ines)
    qtbot.addWidget(page)
    page.resize(1400, 900)
    page.show()
    page.show_case(view, case_model(ines, view).zones)
    return page


def blurred(tmp_path: Path, photo: Path) -> Path:
    out = tmp_path / f"blurred-{photo.name}"
    cv2.imwrite(str(out), cv2.GaussianBlur(cv2.imread(str(photo)), (41, 41), 14))
    return out


def import_by_keyboard(qtbot: QtBot, page: CapturePage, monkeypatch: pytest.MonkeyPatch,
                       *paths: Path) -> list[TakenPhoto]:
    """Ctrl+O with the file dialog answering ``paths``; the shots once gated."""
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(p) for p in paths], ""))
    taken: list[TakenPhoto] = []
    page.shotTaken.connect(taken.append)
    page.shot_list.setFocus()
    qtbot.keyClick(page.shot_list, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(taken) == len(paths) and not page.busy, timeout=GATE_TIMEOUT)
    page.shotTaken.disconnect(taken.append)
    return taken


def current_zone(page: CapturePage) -> str:
    shot = page.shot_list.current_shot()
    assert shot is not None
    return shot.zone.id


def test_the_shot_list_shows_the_models_zones_with_guidance_and_example(qtbot: QtBot, page: CapturePage) -> None:
    zones = [s.zone.id for s in page.shot_list.shots]
    assert set(zones) == set(A01)
    assert all(s.state is ShotState.MISSING for s in page.shot_list.shots)
    assert page.shot_list.item(0).text().endswith("Not taken")
    assert current_zone(page) == zones[0]
    first = page.shot_list.shots[0].zone
    assert page.zone_title.text() == first.title
    assert page.critical.text() == ("critical" if first.critical else "not critical")
    qtbot.waitUntil(lambda: not page.example.pixmap().isNull(), timeout=10_000)
    page.shot_list.setCurrentRow(zones.index("handle-stitching"))
    assert "scale card (20 mm square)" in page.guidance.text()
    qtbot.keyClick(page.shot_list, Qt.Key.Key_PageUp)
    assert current_zone(page) == zones[zones.index("handle-stitching") - 1]
    assert not page.analyse_button.isEnabled()


def test_an_imported_photo_is_usable_and_the_list_moves_on(qtbot: QtBot, page: CapturePage,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           ines: BenchContext) -> None:
    zone = current_zone(page)
    [taken] = import_by_keyboard(qtbot, page, monkeypatch, A01[zone])
    assert taken.zone == zone and taken.usable
    shot = page.shot_list.shot(zone)
    assert shot.state is ShotState.USABLE and shot.sha256 == taken.sha256
    assert page.shot_list.item(page.shot_list.row_of(zone)).text().endswith("Usable")
    assert page.preview.has_image and page.preview.usable and page.preview.banner is None
    assert page.preview_caption.text().endswith("Usable")
    assert current_zone(page) != zone   # on to the next zone not taken yet
    assert ines.cases.resume(ines.user, "T-2001").photos == {zone: taken.sha256}
    assert not page.shot_list.shows_thumbnail(current_zone(page))
    qtbot.waitUntil(lambda: page.shot_list.shows_thumbnail(zone), timeout=10_000)   # decoded on a worker


def test_a_blurred_photo_asks_for_a_retake_on_the_photo_and_a_retake_replaces_it(
        qtbot: QtBot, page: CapturePage, monkeypatch: pytest.MonkeyPatch, ines: BenchContext,
        tmp_path: Path) -> None:
    zone = current_zone(page)
    [bad] = import_by_keyboard(qtbot, page, monkeypatch, blurred(tmp_path, A01[zone]))
    assert not bad.usable and bad.retake
    assert page.preview.banner == bad.retake and not page.preview.usable
    shot = page.shot_list.shot(zone)
    assert shot.state is ShotState.RETAKE
    assert page.shot_list.item(page.shot_list.row_of(zone)).text().endswith(f"Retake: {bad.retake}")
    assert current_zone(page) == zone   # a retake keeps the zone selected

    [good] = import_by_keyboard(qtbot, page, monkeypatch, A01[zone])
    assert good.usable and page.shot_list.shot(zone).state is ShotState.USABLE
    assert page.preview.banner is None and page.preview.usable
    assert ines.cases.resume(ines.user, "T-2001").photos[zone] == good.sha256

    qtbot.keyClick(page.shot_list, Qt.Key.Key_R)   # R: back to the zone just shot, to shoot it again
    assert current_zone(page) == zone


def test_a_dropped_file_is_taken_for_the_selected_zone(qtbot: QtBot, page: CapturePage) -> None:
    zone = "clasp"
    page.shot_list.setCurrentRow(page.shot_list.row_of(zone))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(A01[zone]))])
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(QPoint(50, 50), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(page, enter)
    assert enter.isAccepted()
    with qtbot.waitSignal(page.shotTaken, timeout=GATE_TIMEOUT) as blocker:
        drop = QDropEvent(QPoint(50, 50).toPointF(), actions, mime, Qt.MouseButton.LeftButton,
                          Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(page, drop)
    assert blocker.args[0].zone == zone and blocker.args[0].usable
    assert page.shot_list.shot(zone).state is ShotState.USABLE


def test_a_file_that_is_not_a_photo_is_refused_in_words(qtbot: QtBot, page: CapturePage, tmp_path: Path,
                                                        ines: BenchContext) -> None:
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"not a jpeg at all")
    zone = current_zone(page)
    page.take(junk)
    qtbot.waitUntil(lambda: page.message.text() != "" and not page.busy, timeout=GATE_TIMEOUT)
    assert page.message.text().startswith("junk.jpg was not kept: ")
    assert "Traceback" not in page.message.text()
    assert page.shot_list.shot(zone).state is ShotState.MISSING
    assert ines.cases.resume(ines.user, "T-2001").photos == {}


def test_every_zone_in_a_burst_then_analyse_with_ctrl_return(qtbot: QtBot, page: CapturePage) -> None:
    order = [s.zone.id for s in page.shot_list.shots]
    taken: list[TakenPhoto] = []
    page.shotTaken.connect(taken.append)
    for zone in order:   # a burst: each shot goes to the zone selected when its turn comes
        page.take(A01[zone])
    qtbot.waitUntil(lambda: len(taken) == len(order) and not page.busy, timeout=GATE_TIMEOUT * 2)
    assert [t.zone for t in taken] == order and all(t.usable for t in taken)
    assert all(s.state is ShotState.USABLE for s in page.shot_list.shots)
    assert page.analyse_button.isEnabled()
    with qtbot.waitSignal(page.analyseRequested, timeout=5_000):
        qtbot.keyClick(page.shot_list, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_the_hot_folder_takes_new_photos_as_the_zones_shot(qtbot: QtBot, page: CapturePage, tmp_path: Path,
                                                            ines: BenchContext) -> None:
    folder = tmp_path / "tether"
    folder.mkdir()
    (folder / "yesterday.jpg").write_bytes(A01["clasp"].read_bytes())
    page.set_hot_folder(folder)
    assert page.hot_toggle.isChecked() and page.hot_folder.active
    assert ines.preferences.hot_folder == str(folder)
    zone = current_zone(page)
    with qtbot.waitSignal(page.shotTaken, timeout=GATE_TIMEOUT) as blocker:
        (folder / "DSC_0001.JPG").write_bytes(A01[zone].read_bytes())
    assert blocker.args[0].zone == zone and blocker.args[0].usable
    assert set(ines.cases.resume(ines.user, "T-2001").photos) == {zone}   # yesterday's file was not taken

    qtbot.keyClick(page.shot_list, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert not page.hot_folder.active and not page.hot_toggle.isChecked()
    qtbot.keyClick(page.shot_list, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert page.hot_folder.active and page.hot_path.text() == f"Watching {folder}"

    page.hide()   # another step is on screen: a late tethered shot must not slip in behind the analysis
    with qtbot.waitSignal(page.status, timeout=10_000,
                          check_params_cb=lambda text: "outside capture" in text) as blocker:
        (folder / "DSC_0002.JPG").write_bytes(A01["clasp"].read_bytes())
    assert blocker.args[0].startswith("DSC_0002.JPG arrived in the hot folder outside capture")
    assert set(ines.cases.resume(ines.user, "T-2001").photos) == {zone}


def test_without_a_camera_the_page_says_so_and_offers_a_video_file(page: CapturePage) -> None:
    if cameras():
        pytest.skip("this computer has a camera")
    assert page.camera_state.text().startswith("No camera found")
    assert not page.camera_button.isEnabled()
    assert page.video_button.isEnabled()
    assert "Use a video file as camera" in page.video_button.text()


def test_space_captures_the_video_cameras_latest_frame(qtbot: QtBot, page: CapturePage, tmp_path: Path,
                                                       ines: BenchContext, monkeypatch: pytest.MonkeyPatch) -> None:
    zone = current_zone(page)
    video = make_video(tmp_path / "bench.avi", A01[zone], size=(1280, 960))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(video), ""))
    qtbot.keyClick(page.shot_list, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert isinstance(page.source, VideoFileSource)
    qtbot.waitUntil(lambda: page.live.has_image, timeout=15_000)
    assert page.camera_state.text().startswith("Video file: bench.avi")
    with qtbot.waitSignal(page.shotTaken, timeout=GATE_TIMEOUT) as blocker:
        qtbot.keyClick(page.shot_list, Qt.Key.Key_Space)
    taken: TakenPhoto = blocker.args[0]
    assert taken.zone == zone
    assert page.shot_list.shot(zone).state in (ShotState.USABLE, ShotState.RETAKE)
    kept = ines.workstation.store.read(ines.cases.resume(ines.user, "T-2001").photos[zone])
    assert kept[:2] == b"\xff\xd8" and cv2.imdecode(np.frombuffer(kept, np.uint8), 1).shape == (
        960, 1280, 3)
    qtbot.keyClick(page.shot_list, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert page.source is None and not page.live.has_image
    assert page.camera_state.text() == ("Camera off." if cameras() else
                                        "No camera found. Connect one, use the hot folder, or use a video file as "
                                        "camera.")
