"""Payloads recorded by Slack, its SDK and Mattermost's documentation, read by the adapters:
what the platforms really send, not what the adapters' authors imagined (issue 14)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.adapters.mattermost.inline import command_answer
from bot.adapters.slack.events import (
    BotIdentity,
    from_block_actions,
    from_event_callback,
    from_slash_command,
    from_view_submission,
)
from handlers.types import ButtonPress, ChannelMessage, DirectMessage, FormSubmission
from tests.fakes.mattermost_server import FakeMattermost

FIXTURES = Path(__file__).parent / "fixtures"
BOT = BotIdentity(user_id="U0RELAISBOT", bot_id="B0RELAIS")


def recorded(platform: str, name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (FIXTURES / platform / "recorded" / f"{name}.json").read_text(encoding="utf-8")
    )
    return loaded


def test_every_recorded_file_has_its_origin_written_down() -> None:
    for platform in ("slack", "mattermost"):
        folder = FIXTURES / platform / "recorded"
        readme = (folder / "README.md").read_text(encoding="utf-8")
        for path in folder.glob("*.json"):
            assert f"`{path.name}`" in readme, path


def test_group_dm_and_private_channel_messages_are_private_whatever_their_id() -> None:
    mpim = from_event_callback(recorded("slack", "message_mpim"), BOT)
    group = from_event_callback(recorded("slack", "message_groups"), BOT)
    im = from_event_callback(recorded("slack", "message_im"), BOT)

    assert isinstance(mpim, ChannelMessage) and mpim.channel_is_private is True
    assert isinstance(group, ChannelMessage) and group.channel_is_private is True
    assert isinstance(im, DirectMessage) and im.channel_is_private is True
    assert mpim.text == "Let's make a pact."


def test_bolt_payloads_leave_privacy_to_conversations_info() -> None:
    command = from_slash_command(recorded("slack", "slash_command"))
    press = from_block_actions(recorded("slack", "block_actions_ephemeral"))

    assert (command.channel_id, command.channel_is_private) == ("C111", None)
    assert isinstance(press, ButtonPress)
    assert (press.channel_id, press.channel_is_private, press.value) == (
        "C111",
        None,
        "click_me_123",
    )


def test_bolt_view_submission_reads_its_values_by_action_id() -> None:
    submission = from_view_submission(recorded("slack", "view_submission"))

    assert isinstance(submission, FormSubmission)
    assert submission.values == {"maBWU": "test"}
    assert (submission.form_id, submission.user_id) == ("view-id", "W111")


def test_mattermost_applies_the_documented_answer_to_a_button() -> None:
    with FakeMattermost() as fake:
        alice = fake.add_user("alice")
        town = fake.add_channel("ville", members=["alice"])
        fake.answer_action(
            alice["id"], town["id"], 200, recorded("mattermost", "integration_response")
        )
        fake.answer_command(
            alice["id"],
            town["id"],
            200,
            command_answer(
                [
                    {
                        "text": "Aide",
                        "attachments": recorded("mattermost", "integration_buttons")["attachments"],
                    }
                ]
            ),
        )
        shown = fake.ephemeral_posts

    assert [p["message"] for p in shown] == ["You updated the post!", "Aide"]
    actions = shown[1]["props"]["attachments"][0]["actions"]
    assert [a["integration"]["context"]["action"] for a in actions] == [
        "do_something_ephemeral",
        "do_something_update",
    ]


def test_request_fixtures_carry_exactly_the_fields_mattermost_sends() -> None:
    """`PostActionIntegrationRequest` and `SubmitDialogRequest`
    (server/public/model/integration_action.go)."""
    action_fields = {
        "user_id",
        "user_name",
        "channel_id",
        "channel_name",
        "team_id",
        "team_domain",
        "post_id",
        "trigger_id",
        "type",
        "data_source",
        "context",
    }
    dialog_fields = {
        "type",
        "callback_id",
        "state",
        "user_id",
        "channel_id",
        "team_id",
        "submission",
        "cancelled",
    }
    folder = FIXTURES / "mattermost"
    for name in ("action_button_press", "action_select_option"):
        assert set(json.loads((folder / f"{name}.json").read_text())) == action_fields
    assert set(json.loads((folder / "dialog_submission.json").read_text())) == dialog_fields
