"""Helpers for the idea-thread dialog tests: propose, open a campaign, read cards back."""

from __future__ import annotations

import re

from handlers.types import DirectMessageAction, Post, UpdatePost
from tests.chat import Chat
from tests.fakes.recording_port import RecordingPort, Sent

CHANNEL = "idees"
_CARD = re.compile(r"ideas:(\d+):card:(\d+)")


def propose(
    chat: Chat,
    user: str,
    title: str,
    proposal: str = "Un formulaire en ligne.",
    *,
    problem: str = "Trop de papier.",
    extra: str = "",
    channel: str = CHANNEL,
) -> list[Sent]:
    text = (
        f'idee "{title}" --probleme "{problem}" --proposition "{proposal}" '
        f'--gain "Du temps gagné" --perimetre "DRH" {extra}'
    )
    return chat.command(user, text.strip(), channel=channel)


def open_campaign(
    chat: Chat, title: str = "Simplifier nos démarches", until: str = "2027-01-31"
) -> None:
    chat.command("ada", f'campagne ouvrir "{title}" --jusqu-au {until}', channel=CHANNEL)


def grant(chat: Chat, user: str, role: str = "committee") -> None:
    chat.command(user, "moi")
    chat.command("ada", f"role @{user} {role}")


def card(port: RecordingPort, idea: int) -> Sent:
    """The idea's root message as it stands: the root post, or its latest update."""
    updates = [
        (int(match.group(2)), sent)
        for sent in port.sent
        if isinstance(sent.action, UpdatePost)
        and (match := _CARD.fullmatch(sent.key))
        and int(match.group(1)) == idea
    ]
    if updates:
        return max(updates, key=lambda pair: pair[0])[1]
    return next(s for s in port.sent if s.key == f"idea:{idea}:root")


def field(sent: Sent, name: str) -> str:
    assert sent.message is not None
    for section in sent.message.sections:
        for label, value in section.fields:
            if label == name:
                return value
    raise AssertionError(f"no field {name!r} in {sent.text}")


def direct_messages(sent: list[Sent]) -> dict[str, str]:
    return {s.action.user_id: s.text for s in sent if isinstance(s.action, DirectMessageAction)}


def posts(sent: list[Sent]) -> list[Sent]:
    return [s for s in sent if isinstance(s.action, Post)]


def number(root: Sent) -> int:
    """The idea's number, read from its root post's key (sequences differ per database)."""
    match = re.fullmatch(r"idea:(\d+):root", root.key)
    assert match, root.key
    return int(match.group(1))
