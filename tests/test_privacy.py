"""Members own their data: export by DM, erasure with confirmation."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from store.models import AuditEntry, RoleGrant, User
from tests.chat import Chat, texts


def test_export_arrives_by_direct_message_as_json(chat: Chat) -> None:
    chat.command("bea", "fuseau America/Cayenne")
    sent = chat.command("bea", "mes-donnees")
    [dm] = [s for s in sent if s.action.kind == "direct_message"]
    assert dm.to_user == "bea"
    assert dm.message is not None
    [file] = dm.message.files
    data = json.loads(file.content)
    assert data["profile"]["platform_id"] == "bea"
    assert data["profile"]["timezone"] == "America/Cayenne"
    assert "message direct" in texts(sent)


def test_erasure_asks_first_and_cancel_changes_nothing(
    chat: Chat, sessions: sessionmaker[Session]
) -> None:
    [question] = chat.command("bea", "oubliez-moi")
    assert "C'est définitif" in question.text
    assert "rien n'a été effacé" in texts(
        chat.press("bea", question.button("Non, annuler"), on=question)
    )
    with sessions() as session:
        assert session.scalar(select(User).where(User.external_id == "bea")) is not None


def test_erasure_anonymises_the_account_and_keeps_the_audit_trail(
    chat: Chat, sessions: sessionmaker[Session]
) -> None:
    chat.command("bea", "moi")
    chat.command("ada", "role @bea coach")
    [question] = chat.command("bea", "oubliez-moi")
    assert "effacées" in texts(chat.press("bea", question.button("Oui, tout effacer"), on=question))
    with sessions() as session:
        assert session.scalar(select(User).where(User.external_id == "bea")) is None
        erased = session.scalars(select(User).where(User.external_id.startswith("erased:"))).one()
        assert (erased.username, erased.display_name, erased.timezone) == (None, None, None)
        assert session.scalars(select(RoleGrant).where(RoleGrant.user_id == erased.id)).all() == []
        actions = session.scalars(select(AuditEntry.action)).all()
        assert "role.grant" in actions and "privacy.erase" in actions
