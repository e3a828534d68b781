"""Supports: one per member, retractable, never the author's own, closed with the idea, and
exact under 50 simultaneous clicks (each in its own thread, session and transaction)."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.app import build
from bot.outbox import OutboxPolicy
from handlers.clock import FakeClock
from handlers.types import UpdatePost
from store.models import IdeaSupport
from tests.chat import Chat, texts
from tests.conftest import make_settings
from tests.fakes.recording_port import RecordingPort
from tests.ideas_world import card, field, grant, number, propose


def test_support_once_then_retract(chat: Chat, port: RecordingPort) -> None:
    root = propose(chat, "bea", "Covoiturage entre agents")[0]
    n = number(root)
    assert "enregistré (1 soutien)" in texts(chat.press("dan", root.button("Soutenir"), on=root))
    [twice] = chat.press("dan", root.button("Soutenir"), on=root)
    assert "Vous soutenez déjà l'idée" in twice.text
    assert field(card(port, n), "Soutiens") == "1"
    assert "est retiré" in texts(chat.press("dan", twice.button("Retirer mon soutien"), on=twice))
    assert field(card(port, n), "Soutiens") == "0"
    assert "Vous ne soutenez pas" in texts(
        chat.press("dan", twice.button("Retirer mon soutien"), on=twice)
    )


def test_the_author_is_not_a_supporter(chat: Chat, port: RecordingPort) -> None:
    root = propose(chat, "bea", "Covoiturage entre agents")[0]
    assert "vous en êtes l'auteur, pas un soutien" in texts(
        chat.press("bea", root.button("Soutenir"), on=root)
    )
    assert field(card(port, number(root)), "Soutiens") == "0"


def test_supports_close_when_the_idea_is_not_retained(chat: Chat, port: RecordingPort) -> None:
    grant(chat, "carl")
    root = propose(chat, "bea", "Covoiturage entre agents")[0]
    n = number(root)
    chat.press("dan", root.button("Soutenir"), on=root)
    chat.command("carl", f'idee {n} statut instruction "On regarde."')
    chat.command("carl", f'idee {n} statut "non retenue" "Pas de budget cette année."')
    assert field(card(port, n), "Statut") == "non retenue"
    assert "les soutiens sont clos" in texts(chat.press("eve", root.button("Soutenir"), on=root))
    assert "les soutiens sont clos" in texts(chat.command("dan", f"idee {n} soutenir"))
    assert field(card(port, n), "Soutiens") == "1"


def test_follow_and_unfollow(chat: Chat) -> None:
    root = propose(chat, "bea", "Covoiturage entre agents")[0]
    chat.press("dan", root.button("Suivre"), on=root)
    [again] = chat.press("dan", root.button("Suivre"), on=root)
    assert "Vous suivez déjà" in again.text
    assert "ne suivez plus" in texts(chat.press("dan", again.button("Ne plus suivre"), on=again))
    assert "ne suiviez pas" in texts(chat.press("dan", again.button("Ne plus suivre"), on=again))


def test_unknown_idea_number_and_unknown_verb(chat: Chat) -> None:
    assert "Je ne trouve pas d'idée n°99999" in texts(chat.command("dan", "idee 99999 soutenir"))
    n = number(propose(chat, "bea", "Covoiturage entre agents")[0])
    assert "Je ne sais pas faire « applaudir »" in texts(chat.command("dan", f"idee {n} applaudir"))


def test_fifty_concurrent_supports_give_an_exact_count(
    engine: Engine, committed: sessionmaker[Session], clock: FakeClock
) -> None:
    port = RecordingPort()
    app = build(
        make_settings(engine),
        clock=clock,
        engine=engine,
        sessions=committed,
        ports={"test": port},
        policy=OutboxPolicy(base_delay=0.0, max_delay=0.0, channel_interval={}),
        upgrade=False,
    )
    chat = Chat(app=app, port=port)
    root = propose(chat, "bea", "Covoiturage entre agents")[0]
    n = number(root)
    button = root.button("Soutenir")
    members = [f"m{i:02d}" for i in range(50)]

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda member: chat.press(member, button, on=root), members))
    app.outbox.deliver()

    with committed() as session:
        rows = session.execute(select(IdeaSupport.user_id).where(IdeaSupport.idea_id == n)).all()
        assert len(rows) == 50 and len({row[0] for row in rows}) == 50
        assert session.scalar(select(func.count()).where(IdeaSupport.idea_id == n)) == 50
    thanks = [s for s in port.sent if "votre soutien" in s.text]
    assert len(thanks) == 50
    versions = [
        int(re.fullmatch(rf"ideas:{n}:card:(\d+)", s.key).group(1))  # type: ignore[union-attr]
        for s in port.sent
        if isinstance(s.action, UpdatePost)
    ]
    assert versions == sorted(versions), "an older card update landed after a newer one"
    assert versions[-1] == 50
    assert field(card(port, n), "Soutiens") == "50"
