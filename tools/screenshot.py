"""Screenshots of the real workstation window for the documentation.

Runs the window on a throw-away data home with the demo library imported
(through the window's own demo seeding), then saves:

- ``docs/screenshots/library-browser.png``: a stitching zone selected, its
  tolerances and reference and counterfeit thumbnails visible;
- ``docs/screenshots/import-errors.png``: the dialog listing the problems of
  a deliberately broken copy of a demo pack.

Run it under a virtual X server::

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1440x900x24" .venv/bin/python tools/screenshot.py

When the bundled demo library is missing, a small pack built from the OpenCV
samples in ``tests/data`` stands in for it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import tomllib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDeadlineTimer, QEventLoop, QRect, QThread, QThreadPool
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

REPO = Path(__file__).resolve().parents[1]
SHOTS = REPO / "docs" / "screenshots"


def wait_until(app: QApplication, condition: Callable[[], bool], seconds: float = 60) -> None:
    """Run the event loop until ``condition`` holds; fail loudly rather than save a half-drawn window."""
    deadline = QDeadlineTimer(int(seconds * 1000))
    while not condition():
        if deadline.hasExpired():
            raise SystemExit("screenshot: timed out waiting for the window")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        QThread.msleep(20)


def demo_or_sample_packs(work: Path) -> list[Path]:
    from inspector_app.workstation import demo_pack_dirs

    dirs = demo_pack_dirs()
    if dirs:
        return dirs
    print("screenshot: resources/demo/packs is missing; using a pack built from the OpenCV samples")
    sys.path.insert(0, str(REPO))
    from tests.ui.packs import build_pack
    return [build_pack(work / "sample-pack")]


def broken_copy(pack: Path, work: Path) -> Path:
    """A copy of a pack with typical publishing mistakes, for the problems dialog."""
    target = work / f"{pack.name}-broken"
    shutil.copytree(pack, target)
    manifest = (target / "pack.toml").read_text(encoding="utf-8")
    manifest = manifest.replace('kind = "stitching"', 'kind = "stiching"', 1)
    manifest = manifest.replace('kind = "texture"', 'kind = "textures"', 1)
    manifest = re.sub(r"max_delta_e = [0-9.]+", "max_delta_e = -6.0", manifest, count=1)
    manifest = re.sub(r'(counterfeits = \["[^"]*)\*\.jpg"', r'\1*.jpeg"', manifest, count=1)
    (target / "pack.toml").write_text(manifest, encoding="utf-8")
    logo, serial = _zone_images(manifest, target, "logo"), _zone_images(manifest, target, "code")
    logo[0].write_bytes(logo[0].read_bytes()[:600])            # a truncated upload
    serial[-1].write_bytes(b"<html>404 Not Found</html>")     # an error page saved as an image
    return target


def _zone_images(manifest: str, root: Path, kind: str) -> list[Path]:
    """The reference images of the first zone of this kind in the manifest."""
    zone = next(z for z in tomllib.loads(manifest)["zone"] if z["kind"] == kind)
    return sorted(p for pattern in zone["references"] for p in root.glob(pattern))


def pick_zone(brands: list) -> tuple[str, ...]:  # type: ignore[type-arg]
    """The first stitching zone with tolerances and counterfeits, else the first zone."""
    for brand in brands:
        pack = brand.current
        for model in pack.models:
            for zone in model.zones:
                if zone.kind == "stitching" and zone.tolerances and zone.counterfeits:
                    return (brand.slug, f"{pack.version}#{pack.revision}", model.id, zone.id)
    pack = brands[0].current
    return (brands[0].slug, f"{pack.version}#{pack.revision}", pack.models[0].id, pack.models[0].zones[0].id)


def with_dialog(window: QWidget, dialog: QWidget) -> QPixmap:
    """The window dimmed with the dialog framed on top: Xvfb has no window manager to draw either."""
    canvas = window.grab()
    painter = QPainter(canvas)
    painter.fillRect(canvas.rect(), QColor(0, 0, 0, 70))
    frame = QRect(dialog.geometry().topLeft() - window.geometry().topLeft(), dialog.size())
    painter.fillRect(frame.translated(4, 6), QColor(0, 0, 0, 60))   # a soft shadow
    painter.drawPixmap(frame.topLeft(), dialog.grab())
    painter.setPen(QPen(QColor(110, 110, 110), 1))
    painter.drawRect(frame.adjusted(0, 0, -1, -1))
    painter.end()
    return canvas


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=SHOTS, help="directory for the PNGs")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

    with tempfile.TemporaryDirectory(prefix="inspector-shots-") as tmp:
        work = Path(tmp)
        os.environ["INSPECTOR_HOME"] = str(work / "home")
        os.environ.pop("INSPECTOR_DB_URL", None)
        from inspector_app.ui.main_window import MainWindow
        from inspector_app.workstation import Workstation

        app = QApplication(sys.argv)
        app.setApplicationName("Inspector Workstation")
        packs = demo_or_sample_packs(work)
        workstation = Workstation.open()
        window = MainWindow(workstation, seed_demo=True, demo_dirs=packs)
        window.resize(1360, 840)
        window.move(0, 0)
        window.show()
        wait_until(app, lambda: bool(window.browser.brands) and not window.imports.busy
                   and not window.browser.busy)

        args.out.mkdir(parents=True, exist_ok=True)
        window.browser.select_key(pick_zone(window.browser.brands))
        page = window.browser.detail.zone_page
        wait_until(app, lambda: page.references.pending() == 0 and page.counterfeits.pending() == 0)
        app.processEvents()
        window.grab().save(str(args.out / "library-browser.png"))

        window.import_pack(broken_copy(packs[0], work))
        wait_until(app, lambda: window.problems_dialog is not None and window.problems_dialog.isVisible())
        app.processEvents()
        dialog = window.problems_dialog
        assert dialog is not None
        with_dialog(window, dialog).save(str(args.out / "import-errors.png"))

        dialog.close()
        window.close()
        QThreadPool.globalInstance().waitForDone()
        workstation.close()
    print(f"screenshot: saved to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
