"""A full disk under the image store: one clear line, nothing recorded, and it works again once space is freed.

The store lives on a real, small tmpfs filled to the last block; the database
is elsewhere, so only the store's file system is full.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector_app.cli import main
from inspector_app.services.cases import Intake
from inspector_app.services.users import NewUser
from inspector_app.settings import Settings
from inspector_app.workstation import DEMO_PACKS_DIR, RESOURCES_DIR, Workstation
from reference_library.importer import import_pack
from reference_library.store import ContentStore, StoreFull
from reports.cases import CasePhoto
from reports.users import Role
from tests.small_disk import fill, small_tmpfs

PASSWORD = "bench-pw"
PHOTO = RESOURCES_DIR / "demo" / "samples" / "maison-aurel" / "a01" / "front-logo.jpg"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    with small_tmpfs(tmp_path / "small-disk") as disk:
        yield disk


def tmp_files(store: Path) -> list[Path]:
    return list((store / "tmp").iterdir())


def test_a_full_store_says_so_and_leaves_no_temporary_file(small_disk: Path) -> None:
    store = ContentStore(small_disk / "store")
    filler = fill(small_disk)
    with pytest.raises(StoreFull) as raised:
        store.put(PHOTO.read_bytes())
    assert str(raised.value) == f"the image store at {store.root} is full: free space there, nothing was recorded"
    assert tmp_files(store.root) == []
    filler.unlink()
    sha, created = store.put(PHOTO.read_bytes())
    assert created and store.read(sha) == PHOTO.read_bytes()


def test_a_photo_on_a_full_store_is_refused_and_not_recorded(small_disk: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    home, store_dir = tmp_path / "home", small_disk / "store"
    settings = Settings(home=home, database_url=Settings.embedded(home).database_url, bench="bench-full",
                        store=store_dir)
    ws = Workstation.open(settings)
    try:
        users = ws.users()
        admin = users.init_organisation("Disk Full", NewUser("root", Role.ADMIN, PASSWORD))
        ann = users.add_user(admin, NewUser("ann", Role.INSPECTOR, PASSWORD, "Ann Example"))
        import_pack(DEMO_PACKS_DIR / "maison-aurel", session_factory=ws.session_factory, store=ws.store)
        cases = ws.cases()
        cases.open(ann, Intake("FULL-1", "maison-aurel", "city-tote"))
        filler = fill(small_disk)
        message = f"the image store at {store_dir} is full: free space there, nothing was recorded"

        with pytest.raises(StoreFull) as raised:
            cases.add_photo(ann, "FULL-1", "front-logo", PHOTO.read_bytes())
        assert str(raised.value) == message

        for name, value in {"INSPECTOR_HOME": home, "INSPECTOR_STORE": store_dir, "INSPECTOR_BENCH": "bench-full",
                            "INSPECTOR_PASSWORD": PASSWORD}.items():
            monkeypatch.setenv(name, str(value))
        monkeypatch.delenv("INSPECTOR_DB_URL", raising=False)
        report = tmp_path / "report.pdf"
        assert main(["inspect", "--brand", "maison-aurel", "--model", "city-tote", "--photo",
                     f"front-logo={PHOTO}", "--case", "FULL-1", "--report", str(report), "--inspector", "ann"]) == 2
        assert capsys.readouterr().err == f"inspector-app: {message}\n" and not report.exists()

        with ws.session_factory() as session:
            assert session.scalars(select(CasePhoto)).all() == []
        assert tmp_files(store_dir) == []

        os.unlink(filler)
        sha = cases.add_photo(ann, "FULL-1", "front-logo", PHOTO.read_bytes())
        assert cases.resume(ann, "FULL-1").photos == {"front-logo": sha}
    finally:
        ws.close()
