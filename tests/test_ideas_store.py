"""The hand-written migration matches the models, and the database itself refuses a second
support by the same member."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from store import identity
from store.ideas import campaigns, records
from store.models import Base, IdeaSupport

IDEA_TABLES = {
    "idea_campaigns",
    "ideas",
    "idea_supports",
    "idea_followers",
    "idea_comments",
    "idea_status_changes",
    "idea_notes",
    "idea_reports",
}
NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def _ours(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table in IDEA_TABLES


def test_the_migration_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": _ours}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_one_support_per_member_is_a_database_rule(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        workspace = identity.ensure_workspace(session, platform="test", external_id="W", now=NOW)
        bea = identity.ensure_user(session, workspace=workspace, external_id="bea", now=NOW)
        dan = identity.ensure_user(session, workspace=workspace, external_id="dan", now=NOW)
        box = campaigns.create(session, workspace=workspace, title="Boîte", channel_id="c", now=NOW)
        idea = records.create(
            session,
            campaign=box,
            author=bea,
            title="T",
            problem="p",
            proposal="q",
            gain="g",
            scope="s",
            now=NOW,
        )
        session.add(IdeaSupport(idea_id=idea.id, user_id=dan.id, created_at=NOW))
        session.flush()
        with pytest.raises(IntegrityError), session.begin_nested():
            session.add(IdeaSupport(idea_id=idea.id, user_id=dan.id, created_at=NOW))
            session.flush()
