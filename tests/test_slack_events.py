"""Slack payloads (fixtures named by scenario, shaped like Slack's documentation) → events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.slack.events import (
    BotIdentity,
    from_block_actions,
    from_event_callback,
    from_slash_command,
    from_view_submission,
)
from handlers.types import (
    ButtonPress,
    DirectMessage,
    FormSubmission,
    Mention,
    SlashCommand,
    ThreadReply,
)

FIXTURES = Path(__file__).parent / "fixtures" / "slack"
BOT = BotIdentity(user_id="U0RELAISBOT", bot_id="B0RELAIS")


def fixture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def test_slash_command() -> None:
    event = from_slash_command(fixture("slash_command_aide"))
    assert isinstance(event, SlashCommand)
    assert (event.workspace_id, event.channel_id, event.user_id) == (
        "T0RELAIS",
        "C0GENERAL",
        "U0BEA",
    )
    assert (event.text, event.user_name) == ("aide", "bea")
    assert event.channel_is_private is None  # only conversations.info can tell (see privacy)
    assert event.trigger_id == "13345224609.738474920.8088930838d88f008e0"
    assert event.event_id == f"command:{event.trigger_id}"


@pytest.mark.parametrize("channel_id", ["C0SECRET", "G0LEGACY", "C0PUBLIC"])
def test_channel_ids_do_not_say_whether_a_channel_is_private(channel_id: str) -> None:
    body = fixture("slash_command_aide") | {"channel_id": channel_id, "channel_name": "x"}
    assert from_slash_command(body).channel_is_private is None


def test_slash_command_in_a_direct_conversation_is_private() -> None:
    body = fixture("slash_command_aide") | {"channel_id": "D0ABC", "channel_name": "directmessage"}
    assert from_slash_command(body).channel_is_private


def test_top_level_mention() -> None:
    event = from_event_callback(fixture("app_mention_top_level"), BOT)
    assert isinstance(event, Mention)
    assert (event.text, event.message_id, event.thread_id) == (
        "<@U0RELAISBOT> aide",
        "1765094400.000100",
        None,
    )
    assert event.event_id == "Ev0MENTION1"


def test_mention_in_a_thread_is_a_thread_reply() -> None:
    event = from_event_callback(fixture("app_mention_in_thread"), BOT)
    assert isinstance(event, ThreadReply)
    assert (event.thread_id, event.message_id) == ("1765094400.000100", "1765094460.000200")


def test_direct_message() -> None:
    event = from_event_callback(fixture("message_im"), BOT)
    assert isinstance(event, DirectMessage)
    assert (event.channel_id, event.text, event.channel_is_private) == ("D0BEA", "langue en", True)


def test_reply_in_a_thread_keeps_the_text_as_written() -> None:
    event = from_event_callback(fixture("message_thread_reply"), BOT)
    assert isinstance(event, ThreadReply)
    assert event.thread_id == "1765094400.000100"
    assert event.text.endswith("& ça marche <!here>")


@pytest.mark.parametrize(
    "name",
    [
        "message_changed_edit",
        "message_channel_join",
        "message_from_bot",
        "message_channel_mentioning_bot",
    ],
)
def test_messages_that_are_not_events_for_relais(name: str) -> None:
    assert from_event_callback(fixture(name), BOT) is None


def test_messages_of_the_bot_user_are_ignored_even_without_bot_id() -> None:
    body = fixture("message_im")
    body["event"]["user"] = "U0RELAISBOT"
    assert from_event_callback(body, BOT) is None


def test_button_press_strips_the_duplicate_mark() -> None:
    event = from_block_actions(fixture("block_actions_language"))
    assert isinstance(event, ButtonPress)
    assert (event.action_id, event.value) == ("core.language", "en")
    assert (event.channel_id, event.message_id, event.thread_id) == (
        "C0GENERAL",
        "1765094800.000800",
        None,
    )
    assert event.event_id == f"action:{event.trigger_id}"


def test_press_in_a_thread() -> None:
    event = from_block_actions(fixture("block_actions_support_idea"))
    assert event is not None
    assert (event.action_id, event.value, event.user_id) == ("idea.support", "12", "U0CARL")
    assert (event.channel_id, event.thread_id) == ("C0IDEES", "1765094400.000100")


def test_press_in_the_app_home_answers_the_member_directly() -> None:
    event = from_block_actions(fixture("block_actions_home_help"))
    assert event is not None
    assert (event.action_id, event.channel_id, event.message_id) == ("home.help", "U0BEA", None)
    assert event.channel_is_private


def test_select_on_an_ephemeral_message() -> None:
    event = from_block_actions(fixture("block_actions_ephemeral_select"))
    assert event is not None
    assert (event.action_id, event.value, event.message_id) == (
        "idea.report.reason",
        "12:off_topic",
        "1765095100.001000",
    )


def test_block_actions_without_actions_is_nothing() -> None:
    body = fixture("block_actions_language") | {"actions": []}
    assert from_block_actions(body) is None


def test_view_submission_flattens_values_and_restores_the_origin() -> None:
    event = from_view_submission(fixture("view_submission_report_form"))
    assert isinstance(event, FormSubmission)
    assert event.form_id == "idea.report"
    assert event.values == {
        "motif": "off_topic",
        "details": "Ça ne concerne pas la communauté <!channel>",
        "quand": "2026-12-08",
        "nombre": "",
    }
    assert (event.channel_id, event.private_metadata) == ("C0IDEES", "12")
    assert event.event_id == "view:12466734323.1395872398.viewviewviewviewviewviewviewview"


def test_view_submission_of_a_foreign_modal_keeps_its_metadata() -> None:
    body = fixture("view_submission_report_form")
    body["view"]["private_metadata"] = "not json"
    event = from_view_submission(body)
    assert (event.channel_id, event.private_metadata) == ("U0BEA", "not json")
