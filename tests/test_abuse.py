"""Hostile input through the router, as a forged payload would bring it: every button and form
Relais registers, pressed with values no button of ours carries, answers politely without a
crash or a raw key (issue 20: the oversized integer and the lone surrogate were raising)."""

from __future__ import annotations

import re

import pytest

from bot.app import App
from handlers.types import Button
from tests.chat import Chat, texts
from tests.fakes.recording_port import Sent

CRASH = "s'est mal passé"
RAW_KEY = re.compile(r"(?m)^\s*[a-z_]+(\.[a-z_]+){2,}\s*$")
HOSTILE = ("9" * 30, "²", "\ud800", "-1", "1e3", "", "0x10", "<@c>hannel")


def impolite(sent: list[Sent]) -> bool:
    shown = texts(sent)
    return CRASH in shown or RAW_KEY.search(shown) is not None


def test_lone_surrogate_in_profil_projet(chat: Chat) -> None:
    for text in ("profil projet \ud800", "profil projet a\udfffb --retirer", "\ud83d"):
        replies = chat.command("bea", text)
        assert replies and not impolite(replies), text
    assert "\ufffd" in texts(chat.command("bea", "profil projet \ud800"))


@pytest.mark.parametrize("value", HOSTILE)
def test_every_button_refuses_forged_values(app: App, chat: Chat, value: str) -> None:
    chat.command("bea", "moi")
    buttons = sorted({a for part in app.runtime.router.commands.parts for a in part.buttons})
    assert len(buttons) > 30
    failed = [
        action_id
        for action_id in buttons
        if impolite(chat.press("bea", Button(action_id=action_id, label="x", value=value)))
    ]
    assert failed == []


@pytest.mark.parametrize("metadata", HOSTILE)
def test_every_form_refuses_forged_metadata(app: App, chat: Chat, metadata: str) -> None:
    forms = sorted({f for part in app.runtime.router.commands.parts for f in part.forms})
    assert len(forms) >= 5
    failed = [
        form_id
        for form_id in forms
        if impolite(chat.submit("bea", form_id, {"x": metadata}, metadata=metadata))
    ]
    assert failed == []
