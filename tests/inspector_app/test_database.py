"""Schema: made only by migrations, agreeing with the models, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from inspector_app.database import alembic_config, make_engine, open_database, pending_migrations
from inspector_app.schema import metadata
from inspector_app.settings import Settings


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db.sqlite3'}"
    return request.getfixturevalue("pg_url")


# SQLite cannot reflect the PostgreSQL-only expression index of migration 0008; the comparison skips it, rightly
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_migrations_match_the_models(db_url: str) -> None:
    engine, _ = open_database(db_url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, metadata)
        assert diff == [], f"models and migrations disagree; write a migration: {diff}"
        assert not pending_migrations(engine)
    finally:
        engine.dispose()


def test_downgrade_and_upgrade_again(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        cfg = alembic_config(engine)
        command.upgrade(cfg, "head")
        command.downgrade(cfg, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        command.upgrade(cfg, "head")
        assert {"brands", "packs", "zones", "zone_images", "checks"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_sqlite_file_backed_up_before_migrating(tmp_path: Path) -> None:
    db = tmp_path / "inspector.sqlite3"
    engine = make_engine(f"sqlite:///{db}")
    command.upgrade(alembic_config(engine), "base")  # an existing file at an older revision
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE bench_notes (x INTEGER)")
    engine.dispose()
    engine, _ = open_database(f"sqlite:///{db}")
    engine.dispose()
    backups = list(tmp_path.glob("inspector.sqlite3.*.bak"))
    assert len(backups) == 1 and backups[0].stat().st_size > 0


def test_settings_from_environment(tmp_path: Path) -> None:
    s = Settings.from_environment({"INSPECTOR_HOME": str(tmp_path)})
    assert s.home == tmp_path and s.database_url == f"sqlite:///{tmp_path}/inspector.sqlite3" and s.uses_sqlite
    s = Settings.from_environment({"INSPECTOR_HOME": str(tmp_path), "INSPECTOR_DB_URL": "postgresql+psycopg://h/db"})
    assert s.database_url == "postgresql+psycopg://h/db" and not s.uses_sqlite
    default = Settings.from_environment({})
    assert "inspector-workstation" in str(default.home)


def test_new_database_is_not_backed_up(tmp_path: Path) -> None:
    engine, _ = open_database(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    engine.dispose()
    assert not list(tmp_path.glob("*.bak"))
