"""A member's own view of idea threads: their ideas on the home page, their data exported
with `mes-donnees`, and erased by `oubliez-moi` without changing any count."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.app import FEATURES
from handlers.home import HomeContext, home_sections
from handlers.registry import Registries
from store.models import IdeaComment, IdeaFollower, IdeaSupport, User, Workspace
from tests.chat import Chat, texts
from tests.ideas_world import number, propose


def test_the_home_page_lists_the_members_ideas(chat: Chat) -> None:
    n = number(propose(chat, "bea", "Covoiturage entre agents")[0])
    propose(chat, "dan", "Un parrain pour chaque nouvel arrivant")
    with chat.app.sessions() as session:
        workspace = session.scalars(select(Workspace)).one()
        bea = session.scalars(select(User).where(User.external_id == "bea")).one()
        ctx = HomeContext(session, chat.app.runtime.clock, workspace, bea, frozenset(), "fr")
        found = home_sections(ctx, Registries(FEATURES))
    [mine] = [s for s in found if s.title == "💡 Mes idées"]
    assert f"n°{n} · Covoiturage entre agents — publiée, 0 soutien" in mine.body
    assert "parrain" not in mine.body


def test_export_and_erasure_of_idea_data(chat: Chat) -> None:
    root = propose(chat, "bea", "Covoiturage entre agents")[0]
    n = number(root)
    chat.press("dan", root.button("Soutenir"), on=root)
    chat.press("dan", root.button("Suivre"), on=root)
    chat.reply("dan", root.message_id or "", "Je connais un service qui le fait.")
    [dm] = [s for s in chat.command("dan", "mes-donnees") if s.action.kind == "direct_message"]
    assert dm.message is not None
    data = json.loads(dm.message.files[0].content)["ideas"]
    assert data["supports"] == [n] and data["follows"] == [n]
    assert data["comments"][0]["text"] == "Je connais un service qui le fait."

    [question] = chat.command("dan", "oubliez-moi")
    assert "effacées" in texts(chat.press("dan", question.button("Oui, tout effacer"), on=question))
    with chat.app.sessions() as session:
        assert [c.text for c in session.scalars(select(IdeaComment))] == [""]
        assert len(session.scalars(select(IdeaSupport)).all()) == 1
        assert session.scalars(select(IdeaFollower)).all() == []
    assert "Soutiens: 1" in texts(chat.command("bea", "idees stats"))
