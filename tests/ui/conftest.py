"""Qt test set-up: offscreen platform, a fresh data home per test, no threads left behind."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

import json  # noqa: E402
from contextlib import contextmanager  # noqa: E402
import shutil  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QSettings, QThreadPool  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from inspector_app.settings import Settings  # noqa: E402
from inspector_app.services.demo_bench import DEMO_PASSWORD, ensure_demo_accounts  # noqa: E402
from inspector_app.services.library import DemoSeedRequest, LibraryService  # noqa: E402
from inspector_app.ui.bench_context import BenchContext  # noqa: E402
from inspector_app.ui.preferences import BenchPreferences  # noqa: E402
from inspector_app.workstation import RESOURCES_DIR, Workstation, demo_pack_dirs  # noqa: E402

from .packs import build_pack  # noqa: E402


@pytest.fixture(autouse=True)
def no_leftover_work(qapp: QApplication) -> Iterator[None]:
    """Every test ends with the thread pool idle and late signals delivered, or fails."""
    yield
    assert QThreadPool.globalInstance().waitForDone(30_000), "a worker was still running 30 s after the test"
    qapp.processEvents()


@pytest.fixture
def workstation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workstation]:
    """A workstation on its own data home with a real SQLite database, migrated to head."""
    monkeypatch.setenv("INSPECTOR_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("INSPECTOR_DB_URL", raising=False)
    ws = Workstation.open()
    yield ws
    QThreadPool.globalInstance().waitForDone()
    ws.close()


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    return build_pack(tmp_path / "packs" / "maison-test")


# -- a bench with the demo library and one account per role --------------------------------------

#: The demo accounts (inspector_app.services.demo_bench): admin, ines (inspector), sam (supervisor),
#: bruno (brand partner for both demo brands); all with this password.
PASSWORD = DEMO_PASSWORD
GROUND_TRUTH = RESOURCES_DIR / "demo" / "samples" / "ground_truth.json"


@pytest.fixture(scope="session")
def demo_bench_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data home made once per run: demo library imported, demo accounts made, references prepared."""
    home = tmp_path_factory.mktemp("demo-bench") / "home"
    ws = Workstation.open(Settings.embedded(home))
    try:
        ws_library = LibraryService(ws.session_factory, ws.store)
        ws_library.seed_demo(DemoSeedRequest(tuple(demo_pack_dirs())))
        ensure_demo_accounts(ws.users())
        inspection = ws.inspection()
        for brand in ws_library.brands():
            pack = brand.current
            assert pack is not None
            for model in pack.models:
                for zone in model.zones:
                    inspection.prepared_zone(pack, zone)
    finally:
        ws.close()
    return home


@contextmanager
def bench_copy(template: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workstation]:
    """A private copy of a prepared data home, opened as the workstation the window would open."""
    shutil.copytree(template, home)
    monkeypatch.setenv("INSPECTOR_HOME", str(home))
    monkeypatch.delenv("INSPECTOR_DB_URL", raising=False)
    ws = Workstation.open(Settings.embedded(home))
    try:
        yield ws
    finally:
        QThreadPool.globalInstance().waitForDone()
        ws.close()


@pytest.fixture
def demo_bench(demo_bench_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workstation]:
    """A private copy of the demo bench for one test (its own database, store and keys)."""
    with bench_copy(demo_bench_template, tmp_path / "home", monkeypatch) as ws:
        yield ws


@pytest.fixture
def preferences(tmp_path: Path) -> BenchPreferences:
    """Remembered choices in a private INI file, never the developer's own settings."""
    return BenchPreferences(QSettings(str(tmp_path / "preferences.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def context_for(demo_bench: Workstation, preferences: BenchPreferences) -> Callable[[str], BenchContext]:
    """Sign a demo account in: ``context_for("ines")`` is the inspector's bench."""
    def sign_in(username: str) -> BenchContext:
        user = demo_bench.users().authenticate(username, PASSWORD)
        return BenchContext(demo_bench, user, preferences)
    return sign_in


def demo_item(item_id: str) -> dict[str, Path]:
    """Zone -> photo file of a ground-truth sample item, e.g. ``demo_item("maison-aurel/a01")``."""
    truth = json.loads(GROUND_TRUTH.read_text())
    item = next(i for i in truth["items"] if i["id"] == item_id)
    return {z["zone"]: RESOURCES_DIR / "demo" / z["photo"] for z in item["zones"]}


def demo_items(expected_verdict: str | None = None) -> list[dict]:  # type: ignore[type-arg]
    """The ground-truth sample items (brand, model, truth, expected_verdict, zones)."""
    items = json.loads(GROUND_TRUTH.read_text())["items"]
    return [i for i in items if expected_verdict is None or i["expected_verdict"] == expected_verdict]
