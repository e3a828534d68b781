"""Alembic environment: runs on the engine the caller passes in `config.attributes`.

On PostgreSQL the migration holds a transaction-level advisory lock, so replicas starting
together migrate once: the others wait, then find the schema already at head.
"""

from __future__ import annotations

import zlib

from alembic import context
from sqlalchemy import Engine, text

from store.models import Base

MIGRATION_LOCK = zlib.crc32(b"relais-migrations")

engine: Engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=engine.dialect.name == "sqlite",
        compare_type=True,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK})
        context.run_migrations()
    connection.commit()
