"""Pointing a bench at shared storage: environment settings, and benches upgrading one schema at once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from inspector_app.database import open_database, pending_migrations
from inspector_app.settings import Settings


def test_a_bench_is_pointed_at_a_shared_database_and_store(tmp_path: Path) -> None:
    settings = Settings.from_environment({
        "INSPECTOR_HOME": str(tmp_path / "local"), "INSPECTOR_DB_URL": "postgresql+psycopg://inspector@db/inspector",
        "INSPECTOR_STORE": str(tmp_path / "shared" / "store"), "INSPECTOR_BENCH": " bench-12 "})
    assert (settings.home, settings.store_dir) == (tmp_path / "local", tmp_path / "shared" / "store")
    assert (settings.database_url, settings.bench) == ("postgresql+psycopg://inspector@db/inspector", "bench-12")
    alone = Settings.from_environment({"INSPECTOR_HOME": str(tmp_path / "local")})
    assert alone.store_dir == tmp_path / "local" / "store" and alone.uses_sqlite and alone.bench


@pytest.mark.postgres
def test_benches_starting_together_upgrade_the_shared_schema_once(pg_url: str) -> None:
    failures: list[BaseException] = []
    start = threading.Barrier(4)

    def bench_starts() -> None:
        start.wait()
        try:
            open_database(pg_url)[0].dispose()
        except BaseException as exc:   # collected: the test fails below with the error
            failures.append(exc)

    threads = [threading.Thread(target=bench_starts) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    engine = create_engine(pg_url)
    try:
        assert not pending_migrations(engine)
    finally:
        engine.dispose()
