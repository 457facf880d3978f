"""Brand and model suggestion from a logo photo, on real packs, real photos and a real database.

The demo library gives photos the index never saw (bench samples, not
references); new brands are drawn with demogen from a seed of their own, so
nothing here was tuned on them.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import delete, func, select

from inspector_app.services.suggestions import SuggestionError, SuggestionService
from inspector_app.settings import Settings
from inspector_app.workstation import DEMO_PACKS_DIR, RESOURCES_DIR, Workstation
from reference_library.importer import import_pack
from reference_library.signatures import ReferenceSignature
from tools import suggest_data as sd
from tools.bench_suggest import pack_toml

DEMO = RESOURCES_DIR / "demo"


def _usable_logo_photos() -> list[tuple[str, str, Path]]:
    truth = json.loads((DEMO / "samples" / "ground_truth.json").read_text(encoding="utf-8"))
    return [(item["brand"], item["model"], DEMO / z["photo"])
            for item in truth["items"] for z in item["zones"] if z["kind"] == "logo" and z["defect"] is None]


def _import_demo(ws: Workstation) -> None:
    for brand in ("maison-aurel", "kestrel-athletics"):
        import_pack(DEMO_PACKS_DIR / brand, session_factory=ws.session_factory, store=ws.store)


def _signature_count(ws: Workstation) -> int:
    with ws.session_factory() as s:
        return s.scalar(select(func.count()).select_from(ReferenceSignature)) or 0


@pytest.fixture
def demo_ws(workstation: Workstation) -> Workstation:
    _import_demo(workstation)
    return workstation


@pytest.fixture(scope="module")
def new_brand(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, sd.ModelDesign, Path]:
    """A generated brand never seen by anything: its pack and a bench photo of its second model."""
    root = tmp_path_factory.mktemp("new-brand")
    models = sd.brands(424242, 1)[0]
    for m in models:
        sd.shoot_references(sd.reference_job(root, 424242, m))
    pack_dir = root / "packs" / models[0].brand
    (pack_dir / "pack.toml").write_text(pack_toml(models), encoding="utf-8")
    query = sd.query_job(root, 99, models[1], 0, "test")
    sd.shoot_query(query)
    return pack_dir, models[1], query.path


def test_demo_logo_photos_rank_their_brand_and_model_first(demo_ws: Workstation) -> None:
    service = SuggestionService(demo_ws.session_factory, demo_ws.store)
    photos = _usable_logo_photos()
    assert len(photos) >= 10
    for brand, model, path in photos:
        best = service.suggest(path.read_bytes(), top=5).suggestions
        assert (best[0].brand, best[0].model) == (brand, model), path
        assert best[0].inliers > best[1].inliers


def test_import_signs_the_logo_references_and_nothing_else(demo_ws: Workstation) -> None:
    logo_refs = {p for brand in ("maison-aurel", "kestrel-athletics")
                 for p in (DEMO_PACKS_DIR / brand / "refs").glob("*/*logo*/*.jpg")}
    assert _signature_count(demo_ws) == len(logo_refs) == 8


def test_a_newly_imported_brand_is_found_by_a_running_service(
        demo_ws: Workstation, new_brand: tuple[Path, sd.ModelDesign, Path]) -> None:
    pack_dir, truth, photo = new_brand
    service = SuggestionService(demo_ws.session_factory, demo_ws.store)
    before = service.suggest(photo.read_bytes()).suggestions
    assert truth.brand not in {s.brand for s in before}
    import_pack(pack_dir, session_factory=demo_ws.session_factory, store=demo_ws.store)
    best = service.suggest(photo.read_bytes()).suggestions[0]
    assert (best.brand, best.model, best.brand_name) == (truth.brand, truth.model, truth.brand_name)


def _other_bench_sees_the_import(a: Workstation, b: Workstation, pack_dir: Path, truth: sd.ModelDesign,
                                 photo: Path) -> None:
    watching = SuggestionService(b.session_factory, b.store)
    assert watching.suggest(photo.read_bytes()).suggestions == ()
    import_pack(pack_dir, session_factory=a.session_factory, store=a.store)
    best = watching.suggest(photo.read_bytes()).suggestions[0]
    assert (best.brand, best.model) == (truth.brand, truth.model)


@pytest.fixture
def shared_sqlite_benches(tmp_path: Path) -> Iterator[tuple[Workstation, Workstation]]:
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    store_home = tmp_path / "home"
    a = Workstation.open(Settings(home=store_home, database_url=url))
    b = Workstation.open(Settings(home=store_home, database_url=url))
    yield a, b
    b.close()
    a.close()


def test_another_bench_sees_an_import_sqlite(shared_sqlite_benches: tuple[Workstation, Workstation],
                                             new_brand: tuple[Path, sd.ModelDesign, Path]) -> None:
    _other_bench_sees_the_import(*shared_sqlite_benches, *new_brand)


@pytest.mark.postgres
def test_another_bench_sees_an_import_postgres(pg_workstation: Workstation, pg_url: str, tmp_path: Path,
                                               new_brand: tuple[Path, sd.ModelDesign, Path]) -> None:
    other = Workstation.open(Settings(home=tmp_path / "pg-home", database_url=pg_url))
    try:
        _other_bench_sees_the_import(pg_workstation, other, *new_brand)
    finally:
        other.close()


def test_a_newer_pack_version_replaces_the_old_references(demo_ws: Workstation, tmp_path: Path) -> None:
    """Maison Aurel rebrands to Kestrel's logo: its old references must no longer be suggested."""
    service = SuggestionService(demo_ws.session_factory, demo_ws.store)
    aurel_photo = next(p for b, _, p in _usable_logo_photos() if b == "maison-aurel")
    kestrel_photo = next(p for b, _, p in _usable_logo_photos() if b == "kestrel-athletics")
    old = service.suggest(aurel_photo.read_bytes()).suggestions[0]
    assert old.brand == "maison-aurel"

    rebrand = tmp_path / "maison-aurel"
    shutil.copytree(DEMO_PACKS_DIR / "maison-aurel", rebrand)
    logo_dir = rebrand / "refs" / "city-tote" / "front-logo"
    shutil.rmtree(logo_dir)
    shutil.copytree(DEMO_PACKS_DIR / "kestrel-athletics" / "refs" / "stride-runner" / "tongue-logo", logo_dir)
    manifest = rebrand / "pack.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('version = "', 'version = "9', 1),
                        encoding="utf-8")
    import_pack(rebrand, session_factory=demo_ws.session_factory, store=demo_ws.store)

    for photo in (aurel_photo, kestrel_photo):
        found = service.suggest(photo.read_bytes(), top=5).suggestions
        assert old.reference_sha256 not in {s.reference_sha256 for s in found}
    top_two = service.suggest(kestrel_photo.read_bytes(), top=2).suggestions
    assert {s.brand for s in top_two} == {"maison-aurel", "kestrel-athletics"}
    assert top_two[0].inliers == top_two[1].inliers  # same images now: the same evidence for both


def test_references_imported_without_signatures_are_signed_on_first_use(demo_ws: Workstation) -> None:
    with demo_ws.session_factory.begin() as s:
        s.execute(delete(ReferenceSignature))
    photo = _usable_logo_photos()[0]
    best = SuggestionService(demo_ws.session_factory, demo_ws.store).suggest(photo[2].read_bytes()).suggestions[0]
    assert (best.brand, best.model) == photo[:2]
    assert _signature_count(demo_ws) == 8


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty file"),
    (b"these are not the pixels you are looking for", "not a readable image"),
    ((DEMO / "samples" / "maison-aurel" / "a01" / "front-logo.jpg").read_bytes()[:5000], "corrupt or truncated"),
])
def test_an_unreadable_photo_is_one_clear_error_and_changes_nothing(demo_ws: Workstation, data: bytes,
                                                                    reason: str) -> None:
    service = SuggestionService(demo_ws.session_factory, demo_ws.store)
    before = _signature_count(demo_ws)
    with pytest.raises(SuggestionError, match=reason) as err:
        service.suggest(data)
    assert "\n" not in str(err.value) and str(err.value).startswith("photo not usable")
    assert _signature_count(demo_ws) == before


def test_a_blank_photo_is_refused_with_the_reason(demo_ws: Workstation) -> None:
    _, png = cv2.imencode(".png", np.full((480, 640, 3), 90, np.uint8))
    with pytest.raises(SuggestionError, match="no detail to match"):
        SuggestionService(demo_ws.session_factory, demo_ws.store).suggest(png.tobytes())
