"""Import: all or nothing, versions, revisions, the export round trip, on SQLite and PostgreSQL."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from inspector_app.settings import Settings
from inspector_app.workstation import Workstation
from reference_library import importer
from reference_library.catalog import NotInLibrary, get_pack, list_library
from reference_library.db import Base
from reference_library.exporter import export_pack
from reference_library.importer import import_pack
from reference_library.problems import PackError
from tests.conftest import PackFactory
from tests.reference_library.test_source import zip_dir


def do_import(ws: Workstation, path: Path, **kw: object) -> importer.ImportResult:
    return import_pack(path, session_factory=ws.session_factory, store=ws.store, **kw)  # type: ignore[arg-type]


def snapshot(ws: Workstation) -> tuple[dict[str, int], set[Path]]:
    """Row counts of every table and every file in the store: 'nothing changed' made checkable."""
    with ws.session_factory() as s:
        counts = {t.name: s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}
    files = {p for p in ws.store.root.rglob("*") if p.is_file()}
    return counts, files  # type: ignore[return-value]


@pytest.fixture(params=["sqlite", "postgres"])
def ws(request: pytest.FixtureRequest) -> Workstation:
    name = "workstation" if request.param == "sqlite" else "pg_workstation"
    return request.getfixturevalue(name)


def test_import_directory_then_list(ws: Workstation, make_pack: PackFactory) -> None:
    progress: list[tuple[str, int, int]] = []
    result = do_import(ws, make_pack(), progress=lambda *a: progress.append(a))
    assert (result.brand, result.version, result.revision, result.became_current) == (
        "test-maison", "2026.11.0", 1, True)
    assert (result.models, result.zones, result.references, result.counterfeits, result.checks) == (1, 3, 4, 1, 2)
    assert progress[-1][0] == "storing" and progress[-1][1] == progress[-1][2]
    with ws.session_factory() as s:
        (brand,) = list_library(s)
    assert brand.slug == "test-maison" and brand.current is not None
    zones = brand.current.models[0].zones
    assert [z.id for z in zones] == ["front-logo", "handle-stitching", "serial-tag"]
    assert zones[1].tolerances == {"pitch_mm": [3.6, 4.4], "angle_deg": [20.0, 30.0]}
    for ref in zones[0].references + zones[0].counterfeits:
        assert ref.sha256 in ws.store


def test_import_zip(ws: Workstation, make_pack: PackFactory, tmp_path: Path) -> None:
    result = do_import(ws, zip_dir(make_pack(), tmp_path / "p.zip", prefix="pack/"))
    assert result.references == 4


def test_identical_images_stored_once(workstation: Workstation, make_pack: PackFactory) -> None:
    # linux.jpg is used by two zones (front-logo and stitching): one blob.
    before = {p for p in workstation.store.root.rglob("*") if p.is_file()}   # e.g. the bundled model
    result = do_import(workstation, make_pack())
    assert result.new_blobs == 4  # linux, windows, box, key
    assert len({p for p in workstation.store.root.rglob("*") if p.is_file()} - before) == 4


def test_invalid_pack_changes_nothing(ws: Workstation, make_pack: PackFactory) -> None:
    do_import(ws, make_pack())
    before = snapshot(ws)
    bad = make_pack(version="2026.12.0")
    (bad / "refs/front-logo/new.jpg").write_bytes(b"broken")
    with pytest.raises(PackError):
        do_import(ws, bad)
    assert snapshot(ws) == before


def test_failure_inside_the_transaction_changes_nothing(ws: Workstation, make_pack: PackFactory,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Fault injection after the rows are written: the rows roll back and the new blobs go."""
    do_import(ws, make_pack())
    before = snapshot(ws)
    real_record = importer._record

    def record_then_fail(*args: object, **kw: object) -> object:
        real_record(*args, **kw)  # type: ignore[arg-type]
        raise OSError("disk full")

    monkeypatch.setattr(importer, "_record", record_then_fail)
    newer = make_pack(version="2027.1.0")
    Image.new("RGB", (64, 48), "navy").save(newer / "refs/front-logo/extra.jpg")  # a blob the store lacks
    with pytest.raises(OSError, match="disk full"):
        do_import(ws, newer)
    assert snapshot(ws) == before


def test_same_version_refused_unless_forced(ws: Workstation, make_pack: PackFactory) -> None:
    do_import(ws, make_pack())
    with pytest.raises(PackError, match="already in the library"):
        do_import(ws, make_pack())
    again = do_import(ws, make_pack(), force=True)
    assert again.revision == 2 and again.became_current
    with ws.session_factory() as s:
        (brand,) = list_library(s)
    assert [(p.version, p.revision, p.current) for p in brand.packs] == [
        ("2026.11.0", 2, True), ("2026.11.0", 1, False)]


def test_newer_version_becomes_current_older_stays_readable(ws: Workstation, make_pack: PackFactory) -> None:
    do_import(ws, make_pack(version="2026.11.0"))
    newer = do_import(ws, make_pack(version="2026.12.0"))
    assert newer.became_current and newer.previous_current == "2026.11.0"
    older = do_import(ws, make_pack(version="2026.10.5"))
    assert not older.became_current and older.previous_current == "2026.12.0"
    with ws.session_factory() as s:
        assert get_pack(s, "test-maison").version == "2026.12.0"
        assert get_pack(s, "test-maison", "2026.11.0").models[0].zones[0].id == "front-logo"
        (brand,) = list_library(s)
    # Numeric, not string, ordering: 2026.12.0 > 2026.11.0 > 2026.10.5.
    assert [p.version for p in brand.packs] == ["2026.12.0", "2026.11.0", "2026.10.5"]


def test_lookup_errors_are_clear(workstation: Workstation, make_pack: PackFactory) -> None:
    do_import(workstation, make_pack())
    with workstation.session_factory() as s:
        with pytest.raises(NotInLibrary, match="brand 'nobody' is not in the library .brands: test-maison."):
            get_pack(s, "nobody")
        with pytest.raises(NotInLibrary, match="no pack version 1999.1"):
            get_pack(s, "test-maison", "1999.1")


def test_export_round_trip(ws: Workstation, make_pack: PackFactory, tmp_path: Path) -> None:
    source = make_pack()
    first = do_import(ws, source)
    with ws.session_factory() as s:
        out = export_pack(s, ws.store, "test-maison", tmp_path / "out" / "export.zip")
        original = get_pack(s, "test-maison")
    with zipfile.ZipFile(out) as zf:
        assert zf.read("pack.toml") == (source / "pack.toml").read_bytes()  # comments and order preserved
    other = Workstation.open(Settings(home=tmp_path / "other", database_url=f"sqlite:///{tmp_path}/other.db"))
    try:
        second = do_import(other, out)
        with other.session_factory() as s:
            reimported = get_pack(s, "test-maison")
    finally:
        other.close()
    assert second.digest == first.digest
    assert reimported.models == original.models and reimported.checks == original.checks
    assert not list((tmp_path / "out").glob("*.part"))
