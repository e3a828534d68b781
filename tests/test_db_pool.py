"""A pooled PostgreSQL connection that died while it sat idle (a server restart, an idle
timeout) is replaced before a transaction uses it, without a check on every checkout."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from store import db


def test_a_connection_killed_while_idle_is_replaced(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 0.0)
    engine = db.make_engine(postgres_url, pool_size=1, max_overflow=0)
    other = db.make_engine(postgres_url)
    try:
        with engine.connect() as connection:
            victim = connection.scalar(text("SELECT pg_backend_pid()"))
        with other.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": victim})
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT pg_backend_pid()")) != victim
    finally:
        engine.dispose()
        other.dispose()
