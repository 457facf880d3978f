"""Opening the database: engine, migrations to head, session factory.

Alembic is the only thing that creates or changes the schema. On start the
database is upgraded to the newest revision; an SQLite file with pending
migrations is copied aside first, so a failed upgrade never costs a bench
its history. On a shared PostgreSQL database the benches that start at the
same moment after an update queue on an advisory lock: the first upgrades,
the others find the schema current.
"""

from __future__ import annotations

import logging
import shutil
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, func, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: The PostgreSQL advisory lock benches hold while they upgrade the shared schema (any fixed number would do).
UPGRADE_LOCK = 0x1A5C_7E11


def alembic_config(engine: Engine | None = None) -> Config:
    """Alembic configuration for our single migration history (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def make_engine(url: str) -> Engine:
    """An engine with the per-backend settings the application relies on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")   # SQLite ignores foreign keys unless asked
            cur.execute("PRAGMA journal_mode=WAL")  # readers (the GUI) do not block the writer
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def pending_migrations(engine: Engine) -> bool:
    script = ScriptDirectory.from_config(alembic_config())
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_heads()
    return set(current) != set(script.get_heads())


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision, backing up an SQLite file first."""
    if engine.url.get_backend_name() == "postgresql":
        with engine.connect() as lock:   # held, on its own connection, until this bench's upgrade is done
            lock.execute(select(func.pg_advisory_lock(UPGRADE_LOCK)))
            try:
                _upgrade(engine)
            finally:
                lock.execute(select(func.pg_advisory_unlock(UPGRADE_LOCK)))
                lock.commit()
        return
    _upgrade(engine)


def _upgrade(engine: Engine) -> None:
    if not pending_migrations(engine):
        return
    db_path = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if db_path and db_path != ":memory:" and inspect(engine).get_table_names():
        backup = Path(f"{db_path}.{datetime.now(UTC):%Y%m%dT%H%M%SZ}.bak")
        shutil.copy2(db_path, backup)
        log.info("database backed up to %s before migrating", backup)
    command.upgrade(alembic_config(engine), "head")


def open_database(url: str) -> tuple[Engine, sessionmaker[Session]]:
    """Engine and session factory for ``url``, schema upgraded to head."""
    engine = make_engine(url)
    upgrade(engine)
    return engine, sessionmaker(engine, expire_on_commit=False)
