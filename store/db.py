"""Engine and session factory for SQLite (embedded default) and PostgreSQL.

SQLite runs in WAL mode with foreign keys on and a busy timeout; every transaction starts with
`BEGIN IMMEDIATE`, so two writers queue instead of failing half-way, and savepoints work (the
driver's own transaction handling is switched off, as SQLAlchemy's documentation recommends).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 15_000
# Connections a PostgreSQL pool keeps open: SQLAlchemy's default (5, overflow 10) closed the
# overflow at each return, so 20 concurrent Slack acks each opened a new server connection.
POOL_SIZE = 20
POOL_OVERFLOW = 20


def make_engine(url: str, **kwargs: Any) -> Engine:
    """SQL parameters are hidden from error messages: they may carry what members wrote."""
    kwargs.setdefault("hide_parameters", True)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)
        kwargs.setdefault("pool_size", POOL_SIZE)
        kwargs.setdefault("max_overflow", POOL_OVERFLOW)
        return create_engine(parsed, **kwargs)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args={"check_same_thread": False}, **kwargs)
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def dialect_insert(session: Session) -> Any:
    """The insert construct of the session's database, which has `on_conflict_do_*` (both
    PostgreSQL and SQLite speak `INSERT … ON CONFLICT`)."""
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def single_statement(session: Session) -> None:
    """Declares the session's transaction to be one statement: on PostgreSQL it then runs in
    autocommit, which spares the BEGIN and COMMIT round trips every acknowledgement waited for
    (1.3 -> 1.0 ms per recorded event). SQLite keeps its `BEGIN IMMEDIATE`, and a session
    bound to a connection already in a transaction stays in it."""
    bind = session.get_bind()
    if isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)
