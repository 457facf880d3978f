"""Where the workstation keeps its data, from the environment or the platform.

``INSPECTOR_HOME`` names the data directory (database, content store, keys);
without it the platform's user data directory is used. ``INSPECTOR_DB_URL``
points at a shared PostgreSQL database when several benches work together;
without it the embedded SQLite database in the data directory is used.
``INSPECTOR_STORE`` puts the content store (photos, references, reports) on
a shared path, apart from the data directory; ``INSPECTOR_BENCH`` names this
bench in case claims (default: the host name), for machines that run more
than one bench. docs/deployment.md shows a shared set-up.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field, replace
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "inspector-workstation"


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    bench: str = field(default_factory=socket.gethostname)   # who holds a claimed case (services/claims.py)
    store: Path | None = None   # the content store, when not in the data home

    @property
    def store_dir(self) -> Path:
        return self.store or self.home / "store"

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def embedded(cls, home: Path) -> Settings:
        """A data home with its own SQLite database: the default when no shared database is named."""
        return cls(home=home, database_url=f"sqlite:///{(home / 'inspector.sqlite3').as_posix()}")

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        home = Path(env.get("INSPECTOR_HOME") or user_data_dir(APP_NAME, appauthor=False)).expanduser()
        url = env.get("INSPECTOR_DB_URL")
        settings = cls(home=home, database_url=url) if url else cls.embedded(home)
        bench, store = env.get("INSPECTOR_BENCH", "").strip(), env.get("INSPECTOR_STORE")
        return replace(settings, bench=bench or settings.bench, store=Path(store).expanduser() if store else None)
