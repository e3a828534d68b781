"""Hostile input through the router, as a forged payload would bring it: every button and form
Relais registers, pressed with values no button of ours carries, answers politely without a
crash or a raw key (issue 20: the oversized integer and the lone surrogate were raising); and
fuzzed commands whose answers, rendered for Slack and Mattermost, never ping a whole channel."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.mattermost.render import render_message as mattermost_message
from bot.adapters.slack.render import render_message as slack_message
from bot.app import App
from handlers.types import Button
from tests.chat import Chat, texts
from tests.fakes.recording_port import Sent
from tests.test_render_safety import PING, SIGNING, strings

CRASH = "s'est mal passé"
RAW_KEY = re.compile(r"(?m)^\s*[a-z_]+(\.[a-z_]+){2,}\s*$")
HOSTILE = ("9" * 30, "²", "\ud800", "-1", "1e3", "", "0x10", "<@c>hannel")


def impolite(sent: list[Sent]) -> bool:
    shown = texts(sent)
    return CRASH in shown or RAW_KEY.search(shown) is not None


def test_lone_surrogate_or_nul_in_profil_projet(chat: Chat) -> None:
    for text in (
        "profil projet \ud800",
        "profil projet a\udfffb --retirer",
        "\ud83d",
        "profil projet lean\x00",
        "idee \x00",
    ):
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


FUZZ = st.lists(
    st.one_of(
        st.sampled_from(
            ["idee", "projets", "profil projet", "cohorte", "lean", "<@c>hannel", "<@a>ll",
             "@here", "<!channel>", "[x](javascript:alert(1))", "=HYPERLINK(1)", "\ud800",
             "9" * 30, '"', "--titre", "aide", "@ALL.", "<@h>ere", "@room", "\x00"]
        ),
        st.text(max_size=10),
    ),
    max_size=6,
).map(" ".join)  # fmt: skip


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=FUZZ)
def test_fuzzed_commands_never_crash_leak_keys_or_ping_everyone(chat: Chat, text: str) -> None:
    """What the bot answers to anything, rendered for Slack and Mattermost: no traceback, no
    raw key, no platform-wide mention."""
    replies = chat.command("bea", text)
    assert replies and not impolite(replies), text
    for reply in replies:
        if reply.message is None:
            continue
        slack = slack_message(reply.message, more_note="suite")
        mattermost = mattermost_message(reply.message, username=lambda _: None, signing=SIGNING)
        shown = [slack.text, *strings(list(slack.chunks)), *mattermost.chunks]
        shown += list(strings(mattermost.attachments))
        assert not [piece for piece in shown if PING.search(piece)], text
