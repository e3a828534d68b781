"""Moderation: three distinct reports hide an idea and tell its author why; moderators
restore or confirm from their private channel; every step is in the audit log."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from handlers.clock import FakeClock
from handlers.types import OpenForm, UpdatePost
from store.models import AuditEntry, Idea, IdeaReport
from tests.chat import Chat, texts
from tests.conftest import app_on
from tests.fakes.recording_port import RecordingPort, Sent
from tests.ideas_world import card, direct_messages, grant, number, posts, propose

QUEUE = "moderation-idees"


def report(chat: Chat, user: str, root: Sent, reason: str) -> list[Sent]:
    """Without forms, Signaler answers with one button per reason."""
    chat.forms = False
    try:
        [choices] = chat.press(user, root.button("Signaler"), on=root)
        return chat.press(user, choices.button(reason), on=choices)
    finally:
        chat.forms = True


def audit_actions(chat: Chat) -> list[str]:
    with chat.app.sessions() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_three_reports_hide_then_a_moderator_restores(chat: Chat, port: RecordingPort) -> None:
    grant(chat, "mona", "staff")
    root = propose(chat, "bea", "Covoiturage entre agents")[0]
    n = number(root)
    first = report(chat, "dan", root, "spam")
    assert "transmis aux modérateurs" in texts(first)
    [queued] = [s for s in posts(first) if s.channel == QUEUE]
    assert f"Signalement de l'idée n°{n}" in queued.text and "1/3" in queued.text
    report(chat, "eve", root, "hors sujet")
    assert "masquée" not in card(port, n).text

    third = report(chat, "fred", root, "spam")
    shown = card(port, n)
    assert isinstance(shown.action, UpdatePost) and "est masquée" in shown.text
    assert shown.buttons == []
    told = direct_messages(third)["bea"]
    assert "masquée après plusieurs signalements (spam ×2, hors sujet)" in told
    [decision] = [s for s in posts(third) if s.channel == QUEUE and s.buttons]
    assert "masquée après 3 signalements" in decision.text

    assert "masquée le temps que les modérateurs" in texts(
        chat.press("gil", root.button("Soutenir"), on=root)
    )
    assert "masquée" in texts(chat.reply("gil", root.message_id or "", "Pourquoi ?"))
    assert "réservée au rôle" in texts(
        chat.press("dan", decision.button(f"Restaurer (n°{n})"), on=decision)
    )
    assert f"n°{n}" in texts(chat.command("mona", "idees moderation"))

    restored = chat.press("mona", decision.button(f"Restaurer (n°{n})"), on=decision)
    assert "de nouveau visible" in direct_messages(restored)["bea"]
    assert [b.label for b in card(port, n).buttons] == ["Soutenir", "Suivre", "Signaler"]
    [marked] = [s for s in restored if isinstance(s.action, UpdatePost) and s.channel == QUEUE]
    assert "restaurée par <@mona>" in marked.text
    assert "déjà été prise" in texts(
        chat.press("mona", decision.button(f"Restaurer (n°{n})"), on=decision)
    )
    assert "Aucune idée masquée" in texts(chat.command("mona", "idees moderation"))

    with chat.app.sessions() as session:
        idea = session.get_one(Idea, n)
        assert not idea.hidden and idea.moderation == "restored"
        resolutions = session.scalars(select(IdeaReport.resolution).where(IdeaReport.idea_id == n))
        assert set(resolutions) == {"dismissed"}
    assert audit_actions(chat)[-5:] == [
        "idea.report",
        "idea.report",
        "idea.report",
        "idea.hide",
        "idea.restore",
    ]


def test_a_moderator_confirms_the_hiding(
    chat: Chat, port: RecordingPort, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    app = app_on(chat.app.engine, sessions, clock, port, ideas_report_threshold=1)
    strict = Chat(app=app, port=port)
    grant(strict, "mona", "staff")
    root = propose(strict, "bea", "Covoiturage entre agents")[0]
    n = number(root)
    [form] = strict.press("dan", root.button("Signaler"), on=root)
    assert isinstance(form.action, OpenForm)
    sent = strict.submit(
        "dan",
        "idea.report",
        {"motif": "offensant", "precision": "Propos injurieux"},
        metadata=form.action.form.private_metadata,
    )
    assert "est masquée" in card(port, n).text
    [decision] = [s for s in posts(sent) if s.buttons]
    confirmed = strict.press("mona", decision.button(f"Confirmer le masquage (n°{n})"), on=decision)
    assert "confirment le masquage" in direct_messages(confirmed)["bea"]
    assert "propos offensants" in direct_messages(confirmed)["bea"]
    assert "est masquée" in card(port, n).text
    assert audit_actions(strict)[-1] == "idea.confirm_hidden"


def test_reports_that_change_nothing(chat: Chat) -> None:
    root = propose(chat, "bea", "Covoiturage entre agents")[0]
    assert "votre propre idée" in texts(chat.press("bea", root.button("Signaler"), on=root))
    report(chat, "dan", root, "spam")
    assert "déjà signalé" in texts(report(chat, "dan", root, "hors sujet"))
    with chat.app.sessions() as session:
        assert len(session.scalars(select(IdeaReport)).all()) == 1
