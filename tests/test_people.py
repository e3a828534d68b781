"""An event's caller, resolved once per event: a known member comes back with their workspace,
their roles and the platform's latest facts about them (name, timezone)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.app import App
from bot.ports import Person
from store.models import RoleGrant


def test_a_known_member_comes_back_with_roles_and_new_name(
    app: App, sessions: sessionmaker[Session]
) -> None:
    with sessions() as session, session.begin():
        first = app.runtime.member(
            session, platform="test", workspace_id="T1", who=Person(user_id="ada", name="ada")
        )
        assert first.roles == {"admin"}, "a configured admin"
    renamed = Person(user_id="ada", name="ada.l", timezone="America/Cayenne")
    with sessions() as session, session.begin():
        again = app.runtime.member(session, platform="test", workspace_id="T1", who=renamed)
        assert (again.caller.id, again.roles) == (first.caller.id, first.roles)
        assert (again.caller.username, again.caller.timezone) == ("ada.l", "America/Cayenne")
        assert again.workspace.external_id == "T1"
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(RoleGrant)) == 1
