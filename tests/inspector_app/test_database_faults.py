"""The shared PostgreSQL database drops out in the middle of an inspection: a retry, or one clear line; no photo lost.

The bench talks to the server through a real TCP proxy (``db_proxy``) that the
test cuts (a network blip), takes down (the server unreachable) or brings back;
an administrator's ``pg_terminate_backend`` ends the bench's session inside a
step's transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.engine import make_url

from inspector_app.cli import main
from inspector_app.services.cases import Intake
from inspector_app.services.db_faults import DatabaseUnavailable
from inspector_app.services.users import NewUser
from inspector_app.settings import Settings
from inspector_app.workstation import RESOURCES_DIR, Workstation
from reference_library.importer import import_pack
from reports.cases import CasePhoto, CaseRow
from reports.users import Role, User

from tests.conftest import PackFactory
from .db_proxy import DbProxy, proxy_to

pytestmark = pytest.mark.postgres

PASSWORD = "bench-pw"
SAMPLES = RESOURCES_DIR / "demo" / "samples" / "maison-aurel"   # the bytes are stored, not judged
UNREACHABLE = r"^the database at 127\.0\.0\.1:{port} cannot be reached \({cause}\): nothing was lost; try again$"


def photo(name: str) -> bytes:
    return next(SAMPLES.rglob(f"*{name}*.jpg")).read_bytes()


class Bench:
    """An inspector's bench on the shared database, reached through the proxy."""

    def __init__(self, ws: Workstation, proxy: DbProxy, ann: User):
        self.ws, self.proxy, self.ann = ws, proxy, ann
        self.cases = ws.cases()

    def rows(self, case: str, zone: str) -> list[str]:
        with self.ws.session_factory() as session:
            return list(session.scalars(select(CasePhoto.sha256).join(CaseRow, CaseRow.id == CasePhoto.case_id)
                                        .where(CaseRow.case_number == case, CasePhoto.zone == zone)))


@pytest.fixture
def bench(pg_url: str, tmp_path: Path, make_pack: PackFactory) -> Iterator[Bench]:
    server = make_url(pg_url)
    with proxy_to(server.host or "127.0.0.1", server.port or 5432) as proxy:
        url = server.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        ws = Workstation.open(Settings(home=tmp_path / "home", database_url=url, bench="bench-db"))
        try:
            users = ws.users()
            admin = users.init_organisation("DB Faults", NewUser("root", Role.ADMIN, PASSWORD))
            ann = users.add_user(admin, NewUser("ann", Role.INSPECTOR, PASSWORD, "Ann Example"))
            import_pack(make_pack(), session_factory=ws.session_factory, store=ws.store)
            ws.cases().open(ann, Intake("DB-1", "test-maison", "city-tote"))
            yield Bench(ws, proxy, ann)
        finally:
            ws.close()


def test_a_connection_cut_between_steps_is_replaced_unnoticed(bench: Bench) -> None:
    bench.cases.add_photo(bench.ann, "DB-1", "front-logo", photo("front-logo"))
    bench.proxy.cut()
    sha = bench.cases.add_photo(bench.ann, "DB-1", "serial-tag", photo("serial-tag"))
    assert bench.cases.resume(bench.ann, "DB-1").photos["serial-tag"] == sha


def test_an_unreachable_database_is_one_clear_line_and_the_photo_waits_in_the_store(bench: Bench) -> None:
    data = photo("serial-tag")
    bench.proxy.down()
    with pytest.raises(DatabaseUnavailable) as raised:
        bench.cases.add_photo(bench.ann, "DB-1", "serial-tag", data)
    assert raised.match(UNREACHABLE.format(port=bench.proxy.port, cause="connection refused"))
    assert hashlib.sha256(data).hexdigest() in bench.ws.store   # the bytes are kept
    bench.proxy.up()
    assert bench.rows("DB-1", "serial-tag") == []                      # and no row was written
    sha = bench.cases.add_photo(bench.ann, "DB-1", "serial-tag", data)   # again, once it is back
    assert bench.rows("DB-1", "serial-tag") == [sha]


@contextmanager
def sessions_ended(target: Engine | type[Engine], server_url: str, times: int) -> Iterator[list[int]]:
    """End the bench's session (as an administrator would) right after its next ``times`` photo inserts."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    ended: list[int] = []

    def insert_done(conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.startswith("INSERT INTO case_photos") and len(ended) < times:
            pid = conn.connection.dbapi_connection.info.backend_pid
            with admin.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            ended.append(pid)

    event.listen(target, "after_cursor_execute", insert_done)
    try:
        yield ended
    finally:
        event.remove(target, "after_cursor_execute", insert_done)
        admin.dispose()


def test_a_session_ended_inside_a_step_is_retried_once(bench: Bench, pg_url: str) -> None:
    data = photo("front-logo")
    with sessions_ended(bench.ws.engine, pg_url, times=1) as ended:
        sha = bench.cases.add_photo(bench.ann, "DB-1", "front-logo", data)
    assert len(ended) == 1                                     # it did happen, inside the transaction
    assert bench.rows("DB-1", "front-logo") == [sha]            # and the retry wrote the row once


def test_a_session_ended_again_on_the_retry_is_one_clear_line(bench: Bench, pg_url: str) -> None:
    data = photo("front-logo")
    with sessions_ended(bench.ws.engine, pg_url, times=2) as ended, pytest.raises(DatabaseUnavailable) as raised:
        bench.cases.add_photo(bench.ann, "DB-1", "front-logo", data)
    assert len(ended) == 2 and "\n" not in str(raised.value)
    assert raised.match(UNREACHABLE.format(port=bench.proxy.port, cause=".+"))
    assert bench.rows("DB-1", "front-logo") == [] and hashlib.sha256(data).hexdigest() in bench.ws.store
    sha = bench.cases.add_photo(bench.ann, "DB-1", "front-logo", data)
    assert bench.rows("DB-1", "front-logo") == [sha]


def test_the_command_line_says_it_in_one_line(bench: Bench, pg_url: str, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("INSPECTOR_HOME", str(bench.ws.settings.home))
    monkeypatch.setenv("INSPECTOR_DB_URL", bench.ws.settings.database_url)
    monkeypatch.setenv("INSPECTOR_BENCH", "bench-db")
    monkeypatch.setenv("INSPECTOR_PASSWORD", PASSWORD)
    front = tmp_path / "front.jpg"
    front.write_bytes(photo("front-logo"))
    with sessions_ended(Engine, pg_url, times=2):   # the command's own engine
        code = main(["inspect", "--brand", "test-maison", "--model", "city-tote", "--photo", f"front-logo={front}",
                     "--case", "DB-1", "--report", str(tmp_path / "out.pdf"), "--inspector", "ann"])
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert err.startswith("inspector-app: the database at 127.0.0.1:") and len(err.splitlines()) == 1, err
    assert err.endswith("nothing was lost; try again") and not (tmp_path / "out.pdf").exists()


def test_a_bench_started_while_the_database_is_down_says_so_in_one_line(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str],
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSPECTOR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("INSPECTOR_DB_URL", "postgresql+psycopg://postgres@127.0.0.1:1/inspector")   # nothing listens
    assert main(["library", "list"]) == 2
    assert capsys.readouterr().err.strip() == ("inspector-app: the database at 127.0.0.1:1 cannot be reached "
                                               "(connection refused): nothing was lost; try again")


def test_reads_elsewhere_at_the_bench_say_the_same_clear_line(bench: Bench) -> None:
    users, audit = bench.ws.users(), bench.ws.audit()
    root = users.authenticate("root", PASSWORD)
    bench.proxy.cut()    # a dead pooled connection is replaced unnoticed, for reads as for steps
    assert users.list_users(root)
    bench.proxy.down()
    for read in (lambda: users.authenticate("ann", PASSWORD), lambda: audit.filter_choices(root)):
        with pytest.raises(DatabaseUnavailable) as raised:
            read()
        assert raised.match(UNREACHABLE.format(port=bench.proxy.port, cause="connection refused"))
