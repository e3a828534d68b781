"""Migrations from an empty database to the newest revision of every feature, and back."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from store import migrate
from store.models import Base
from tests.conftest import reset_schema


def test_empty_to_head_creates_every_model_table(engine: Engine) -> None:
    migrate.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    reset_schema(engine)


def test_every_feature_branch_starts_from_core() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config(None))  # type: ignore[arg-type]
    bases = script.get_bases()
    assert bases == ["0001_core"]
    for head in script.get_heads():
        assert "0001_core" in {rev.revision for rev in script.walk_revisions("base", head)}
