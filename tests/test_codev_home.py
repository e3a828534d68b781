"""A member's home page lists their co-development groups and where each one stands."""

from __future__ import annotations

from handlers import codev
from handlers.home import HomeContext, home_sections
from handlers.registry import Registries
from store import identity
from tests.chat import Chat
from tests.codev_support import GROUP, MEMBERS, create_group


def home_of(chat: Chat, user: str) -> str:
    with chat.app.sessions() as session:
        workspace = identity.ensure_workspace(
            session, platform="test", external_id=chat.workspace, now=chat.app.runtime.clock.now()
        )
        caller = identity.find_user(session, workspace=workspace, external_id=user)
        assert caller is not None
        ctx = HomeContext(session, chat.app.runtime.clock, workspace, caller, frozenset(), "fr")
        sections = home_sections(ctx, Registries((codev.registry,)))
    return "\n".join(f"{s.title}\n{s.body}" for s in sections)


def test_home_shows_the_running_session_and_its_step(chat: Chat) -> None:
    group = create_group(chat)
    assert f"« {GROUP} » : pas de séance prévue" in home_of(chat, MEMBERS[0])
    group.launch(MEMBERS[0])
    shown = home_of(chat, MEMBERS[1])
    assert "Mes groupes de codéveloppement" in shown
    assert f"« {GROUP} » : séance en cours, Étape 0 — Ouverture" in shown
