"""Shared fixtures: real packs on disk, a real workstation, a real PostgreSQL database."""

from __future__ import annotations

import os
import shutil
import socket
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import make_url

from inspector_app.settings import Settings
from inspector_app.workstation import Workstation
from tools.scratch_postgres import scratch_postgres

SAMPLES = Path(__file__).parent / "data" / "opencv-samples"
PG_URL = os.environ.get("INSPECTOR_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

VALID_MANIFEST = """\
[pack]
format = 1
brand = "{brand}"
brand_name = "Test Maison"
version = "{version}"
publisher = "Test Maison brand protection"

[[model]]
id = "city-tote"
name = "City Tote"

[[zone]]
id = "front-logo"
model = "city-tote"
kind = "logo"
title = "Logo on the front panel"
critical = true
references = ["refs/front-logo/*.jpg"]
counterfeits = ["fakes/front-logo/*.png"]

[[zone]]
id = "handle-stitching"
model = "city-tote"
kind = "stitching"
title = "Stitching along the handle"
critical = true
references = ["refs/stitching/*.jpg"]

[zone.tolerances]
pitch_mm = [3.6, 4.4]
angle_deg = [20.0, 30.0]

[[zone]]
id = "serial-tag"
model = "city-tote"
kind = "code"
title = "Serial tag inside the pocket"
critical = true
references = ["refs/serial/*.png"]

[zone.tolerances]
pattern = "^TM-[0-9]{{6}}$"
public_key = "keys/serial-ed25519.pub"

[[check]]
id = "logo-lettering"
zone = "front-logo"
text = "Lettering matches the reference"
critical = true

[[check]]
id = "dust-bag"
text = "Dust bag present"
"""


def ed25519_public_pem() -> bytes:
    key = Ed25519PrivateKey.generate().public_key()
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


PackFactory = Callable[..., Path]


@pytest.fixture
def make_pack(tmp_path: Path) -> PackFactory:
    """Write a valid pack directory made of real photos; override the manifest or files as needed."""
    counter = iter(range(1000))

    def build(manifest: str | None = None, *, brand: str = "test-maison", version: str = "2026.11.0",
              name: str | None = None) -> Path:
        root = tmp_path / (name or f"pack{next(counter)}")
        for rel, src in {
            "refs/front-logo/linux.jpg": "LinuxLogo.jpg",
            "refs/front-logo/windows.jpg": "WindowsLogo.jpg",
            "fakes/front-logo/box.png": "box.png",
            "refs/stitching/a.jpg": "LinuxLogo.jpg",
            "refs/serial/tag.png": "box.png",
        }.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(SAMPLES / src, root / rel)
        (root / "keys").mkdir(exist_ok=True)
        (root / "keys/serial-ed25519.pub").write_bytes(ed25519_public_pem())
        text_ = manifest if manifest is not None else VALID_MANIFEST.format(brand=brand, version=version)
        (root / "pack.toml").write_text(textwrap.dedent(text_), encoding="utf-8")
        return root

    return build


@pytest.fixture
def workstation(tmp_path: Path) -> Iterator[Workstation]:
    """A workstation on a fresh data home with its own SQLite database."""
    home = tmp_path / "home"
    ws = Workstation.open(Settings(home=home, database_url=f"sqlite:///{home / 'inspector.sqlite3'}"))
    yield ws
    ws.close()


def _pg_reachable() -> bool:
    url = make_url(PG_URL)
    try:
        with socket.create_connection((url.host or "127.0.0.1", url.port or 5432), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def pg_url() -> Iterator[str]:
    """URL of a brand-new PostgreSQL database, dropped afterwards."""
    if not _pg_reachable():
        pytest.skip(f"no PostgreSQL server reachable at {make_url(PG_URL).render_as_string(hide_password=True)}")
    with scratch_postgres(PG_URL, "inspector_test") as url:
        yield url


@pytest.fixture
def pg_workstation(tmp_path: Path, pg_url: str) -> Iterator[Workstation]:
    ws = Workstation.open(Settings(home=tmp_path / "pg-home", database_url=pg_url))
    yield ws
    ws.close()
