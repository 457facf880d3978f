"""The hot folder takes a tethered camera's photo once, and only once it is completely written."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from inspector_app.ui.inspect.hot_folder import HotFolder
from tests.ui.conftest import demo_item


def _watch(qtbot: QtBot, folder: Path) -> tuple[HotFolder, list[Path]]:
    hot = HotFolder()
    arrived: list[Path] = []
    hot.arrived.connect(arrived.append)
    assert hot.start(folder)
    assert hot.active and hot.folder == folder
    return hot, arrived


def test_a_file_written_in_two_halves_arrives_once_complete(qtbot: QtBot, tmp_path: Path) -> None:
    data = demo_item("maison-aurel/a01")["front-logo"].read_bytes()
    hot, arrived = _watch(qtbot, tmp_path)
    sizes_on_arrival: list[int] = []
    hot.arrived.connect(lambda path: sizes_on_arrival.append(path.stat().st_size))
    target = tmp_path / "IMG_0001.JPG"   # upper-case extension, as cameras write them
    half = len(data) // 2
    with target.open("wb") as out:
        out.write(data[:half])
        out.flush()
        qtbot.wait(120)   # less than two polls: the camera is still writing
        assert arrived == []
        out.write(data[half:])
    qtbot.waitUntil(lambda: arrived == [target], timeout=5_000)
    assert sizes_on_arrival == [len(data)]
    qtbot.wait(800)   # more polls: the same file does not arrive twice
    assert arrived == [target]
    hot.stop()
    assert not hot.active


def test_old_files_and_files_that_are_not_images_are_ignored(qtbot: QtBot, tmp_path: Path) -> None:
    photo = demo_item("maison-aurel/a01")["clasp"].read_bytes()
    (tmp_path / "before.jpg").write_bytes(photo)
    hot, arrived = _watch(qtbot, tmp_path)
    (tmp_path / "shot.xmp").write_text("<x:xmpmeta/>")
    (tmp_path / "notes.txt").write_text("not a photo")
    (tmp_path / "before.jpg").write_bytes(photo + b"\0")   # an old file rewritten is still an old file
    new = tmp_path / "IMG_0002.tif"
    new.write_bytes(photo)
    qtbot.waitUntil(lambda: arrived == [new], timeout=5_000)
    qtbot.wait(800)
    assert arrived == [new]


def test_a_missing_folder_is_reported_not_watched(qtbot: QtBot, tmp_path: Path) -> None:
    hot = HotFolder()
    with qtbot.waitSignal(hot.error) as blocker:
        assert not hot.start(tmp_path / "gone")
    assert "gone" in blocker.args[0] and "cannot be watched" in blocker.args[0]
    assert not hot.active
