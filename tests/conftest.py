"""Shared fixtures: every store and handler test runs on SQLite and on PostgreSQL.

PostgreSQL comes from RELAIS_TEST_DATABASE_URL (CI sets it); without it, or when the server does
not answer, PostgreSQL tests skip with the reason, unless RELAIS_REQUIRE_POSTGRES=1 (CI), where
they fail instead of hiding.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.app import App, build
from bot.config import Settings
from bot.outbox import OutboxPolicy
from handlers.clock import FakeClock
from store import migrate
from store.db import make_engine
from store.models import Base
from tests.chat import Chat
from tests.fakes.recording_port import RecordingPort
from tests.synapse_server import Synapse, start_synapse, synapse_missing

if TYPE_CHECKING:
    from tests.matrix_world import BotProcess, Person

PG_URL = os.environ.get("RELAIS_TEST_DATABASE_URL", "")
PG_REQUIRED = os.environ.get("RELAIS_REQUIRE_POSTGRES") == "1"
START = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def _postgres_engine() -> Engine:
    if not PG_URL:
        reason = "PostgreSQL tests need RELAIS_TEST_DATABASE_URL (CI sets it)"
        if PG_REQUIRED:
            pytest.fail(reason)
        pytest.skip(reason)
    engine = make_engine(PG_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        engine.dispose()
        reason = f"PostgreSQL at {PG_URL} does not answer: {str(error.orig).splitlines()[0]}"
        if PG_REQUIRED:
            pytest.fail(reason)
        pytest.skip(reason)
    return engine


def reset_schema(engine: Engine) -> None:
    """An empty database, then every migration: the schema tests see is the one users get."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """For tests that only make sense on PostgreSQL (several processes, advisory locks)."""
    _postgres_engine().dispose()
    return PG_URL


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "relais.db"
        created = make_engine(f"sqlite:///{path}")
    else:
        created = _postgres_engine()
    reset_schema(created)
    yield created
    created.dispose()


@pytest.fixture
def sessions(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions inside one outer transaction that is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    factory = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    yield factory
    outer.rollback()
    connection.close()


@pytest.fixture
def committed(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Real commits, for tests with several connections or processes; tables emptied after.

    Do not combine with `sessions` or `app` in one test: on SQLite the rolled-back outer
    transaction holds the write lock."""
    yield sessionmaker(bind=engine, expire_on_commit=False)
    tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            _empty_sqlite(connection, tables)


def _empty_sqlite(connection: Connection, tables: list[str]) -> None:
    """Deletes every row; full-text tables are emptied through FTS5 itself, never through
    their shadow tables (that corrupts the index)."""
    virtual = list(
        connection.scalars(
            text("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")
        )
    )
    shadows = {t for t in tables for v in virtual if t.startswith(f"{v}_")}
    children_first = [t.name for t in reversed(Base.metadata.sorted_tables)]
    ordered = [t for t in children_first if t in tables] + [
        t for t in tables if t not in children_first
    ]
    for table in ordered:
        if table in shadows:
            continue
        if table in virtual:
            try:
                connection.execute(text(f'INSERT INTO "{table}"("{table}") VALUES(\'delete-all\')'))
            except OperationalError:
                connection.execute(text(f'DELETE FROM "{table}"'))
        else:
            connection.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def sample_projects(sessions: sessionmaker[Session], clock: FakeClock) -> None:
    """The sample catalogue in the test's store, for the tests of answers about it."""
    from handlers.projects.importer import import_file
    from handlers.projects.sample import SAMPLE

    with sessions() as session, session.begin():
        import_file(session, SAMPLE, now=clock.now())


@pytest.fixture
def port() -> RecordingPort:
    return RecordingPort()


def make_settings(engine: Engine, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": str(engine.url.render_as_string(hide_password=False)),
        "sample_data": False,
        "_env_file": None,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def app_on(
    engine: Engine,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    port: RecordingPort,
    **settings: object,
) -> App:
    """The app as the `app` fixture builds it; a second one on the same engine is a restart."""
    return build(
        make_settings(engine, **{"admins": ["test:ada"], **settings}),
        clock=clock,
        engine=engine,
        sessions=sessions,
        ports={"test": port},
        policy=OutboxPolicy(base_delay=0.0, max_delay=0.0, channel_interval={}),
        upgrade=False,
    )


@pytest.fixture
def app(
    engine: Engine, sessions: sessionmaker[Session], clock: FakeClock, port: RecordingPort
) -> Iterator[App]:
    yield app_on(engine, sessions, clock, port)


@pytest.fixture
def chat(app: App, port: RecordingPort) -> Chat:
    """`ada` is an admin (RELAIS_ADMINS=test:ada); everyone else starts as a member."""
    return Chat(app=app, port=port)


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synapse]:
    """One real homeserver for the whole session (Matrix tests), data in a temporary dir."""
    missing = synapse_missing()
    if missing:
        pytest.skip(missing)
    yield from start_synapse(tmp_path_factory.mktemp("synapse"))


@pytest.fixture
def people(synapse: Synapse) -> Iterator[Callable[[str], Person]]:
    """`people("alice")` registers a new account (alice1, alice2, …) and logs a client in."""
    from tests.matrix_world import Person, fresh_name

    made: list[Person] = []

    def make(prefix: str) -> Person:
        person = Person(synapse, synapse.register(fresh_name(prefix)))
        made.append(person)
        return person

    yield make
    for person in made:
        person.close()


@pytest.fixture
def relais_bot(synapse: Synapse, tmp_path: Path) -> Iterator[BotProcess]:
    """A new bot account (rate limit lifted, as operators do) and Relais, not yet started."""
    from tests.matrix_world import BotProcess, fresh_name

    account = synapse.register(fresh_name("relais"))
    synapse.unlimit(account.user_id)
    process = BotProcess(synapse=synapse, account=account, database=tmp_path / "relais.db")
    yield process
    process.stop()
