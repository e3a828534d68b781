"""Mattermost payloads (stored fixtures) → Relais events: which posts matter, and how."""

from __future__ import annotations

import pytest

from bot.adapters.mattermost.events import (
    Author,
    Bot,
    IncomingPost,
    action_event_id,
    kind_of,
    mentions_name,
    parse_posted,
    post_event,
    press_event,
    slash_event,
    submission_event,
)
from handlers.types import (
    ButtonPress,
    DirectMessage,
    FormSubmission,
    Mention,
    SlashCommand,
    ThreadReply,
)
from tests.mattermost_world import fixture

BOT = Bot(id="k3rb8x9f1tgw5qy7d2hnmz6c4a", username="relais")
BEA = "9wq1m3zk7ur5yx8e2cjfpd4tbo"
BOT_THREAD_ROOT = "z5c2kq8dwm1xr7tyb4fhn9pe3o"


def root_author(post_id: str) -> str | None:
    return BOT.id if post_id == BOT_THREAD_ROOT else BEA


def incoming(name: str) -> IncomingPost:
    parsed = parse_posted(fixture(name))
    assert parsed is not None
    return parsed


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("posted_mention_in_channel", "mention"),
        ("posted_direct_message", "direct"),
        ("posted_reply_to_reply_in_bot_thread", "thread"),
        ("posted_mention_in_someone_elses_thread", "mention"),
        ("posted_by_the_bot", None),
        ("posted_system_join", None),
        ("posted_in_channel_without_mention", None),
        ("posted_channel_wide_mention", None),
    ],
)
def test_which_posts_the_bot_answers(name: str, kind: str | None) -> None:
    assert kind_of(incoming(name), bot=BOT, root_author=root_author) == kind


def test_mention_becomes_a_mention_event_in_its_own_thread() -> None:
    post = incoming("posted_mention_in_channel")
    event = post_event(
        post,
        "mention",
        workspace_id="equipe",
        text="<@bot> aide",
        author=Author("bea", "Europe/Paris"),
    )
    assert isinstance(event, Mention)
    assert (event.platform, event.workspace_id, event.user_id) == ("mattermost", "equipe", BEA)
    assert (event.text, event.message_id, event.event_id) == ("<@bot> aide", post.id, post.id)
    assert event.thread_id is None
    assert (event.user_name, event.timezone, event.channel_is_private) == (
        "bea",
        "Europe/Paris",
        False,
    )


def test_reply_to_a_reply_names_the_thread_root() -> None:
    post = incoming("posted_reply_to_reply_in_bot_thread")
    event = post_event(
        post, "thread", workspace_id="equipe", text=post.post["message"], author=Author()
    )
    assert isinstance(event, ThreadReply)
    assert event.thread_id == BOT_THREAD_ROOT
    assert event.message_id == post.id


def test_direct_message_is_private() -> None:
    post = incoming("posted_direct_message")
    event = post_event(
        post, "direct", workspace_id="equipe", text="langue en", author=Author("bea")
    )
    assert isinstance(event, DirectMessage)
    assert event.channel_is_private is True
    assert event.channel_id == post.post["channel_id"]


def test_only_posted_events_with_a_post_are_parsed() -> None:
    assert parse_posted(fixture("hello")) is None
    broken = fixture("posted_mention_in_channel")
    broken["data"]["post"] = "{not json"
    assert parse_posted(broken) is None
    mention = incoming("posted_mention_in_channel")
    assert mention.channel_type == "O"
    assert mention.post["message"] == "@relais aide"


@pytest.mark.parametrize(
    ("message", "found"),
    [
        ("@relais aide", True),
        ("merci @Relais.", True),
        ("(@relais)", True),
        ("@relais-bot aide", False),
        ("écrivez à relais@exemple.fr", False),
        ("@relaisbis", False),
    ],
)
def test_mention_by_name(message: str, found: bool) -> None:
    assert mentions_name(message, "relais") is found


def test_slash_command_fields() -> None:
    form = fixture("slash_command_role")
    event = slash_event(
        form,
        workspace_id="equipe",
        text="role <@c> coach",
        author=Author(timezone="Europe/Paris"),
        channel_type="P",
    )
    assert isinstance(event, SlashCommand)
    assert (event.user_id, event.user_name, event.channel_id) == (BEA, "bea", form["channel_id"])
    assert event.text == "role <@c> coach"
    assert event.trigger_id == form["trigger_id"]
    assert event.channel_is_private is True
    assert event.event_id is None


def test_button_press_fields_and_replay_id() -> None:
    body = fixture("action_button_press")
    event = press_event(
        body,
        workspace_id="equipe",
        action_id="core.language",
        value="en",
        thread_id="root1",
        event_id=action_event_id("nonce1", body["user_id"]),
        author=Author(),
    )
    assert isinstance(event, ButtonPress)
    assert (event.action_id, event.value, event.thread_id) == ("core.language", "en", "root1")
    assert (event.message_id, event.user_name) == (body["post_id"], "bea")
    assert event.event_id == action_event_id("nonce1", body["user_id"])
    assert event.event_id != action_event_id("nonce1", "someone-else")
    assert event.event_id != action_event_id("nonce2", body["user_id"])
    assert len(event.event_id or "") < 60


def test_dialog_submission_values_become_text() -> None:
    body = fixture("dialog_submission")
    event = submission_event(
        body,
        workspace_id="equipe",
        form_id="cmd:fuseau",
        private_metadata="m",
        nonce="n1",
        channel_id="opened-here",
        author=Author("bea"),
    )
    assert isinstance(event, FormSubmission)
    assert event.channel_id == "opened-here"
    assert event.values == {"zone": "America/Cayenne", "rappel": "true", "nombre": "3", "vide": ""}
    assert (event.form_id, event.private_metadata, event.event_id) == (
        "cmd:fuseau",
        "m",
        "dialog:n1",
    )
