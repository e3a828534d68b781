"""The app manifests ask Slack for exactly what the adapter uses: the events it listens to, the
slash command it answers, and a scope for every Web API method it calls."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.adapters.slack.scopes import REQUIRED_SCOPES
from bot.config import Settings

MANIFESTS = Path(__file__).parents[1] / "deploy" / "slack"
HANDLED_EVENTS = {
    "app_mention",
    "message.im",
    "message.channels",
    "message.groups",
    "message.mpim",  # group DMs the bot is part of (issue 14, point 6)
    "app_home_opened",
}
SCOPES_FOR_METHODS = {
    "chat.postMessage / chat.postEphemeral / chat.update": {"chat:write"},
    "posting in public channels the bot was not invited to": {"chat:write.public"},
    "conversations.open": {"im:write"},
    "conversations.history / replies (finding a delivery after a crash)": {
        "channels:history",
        "groups:history",
        "im:history",
        "mpim:history",
    },
    "message.mpim events": {"mpim:history"},
    "conversations.list (channel names)": {"channels:read", "groups:read"},
    "conversations.info (is the conversation private?)": {
        "channels:read",
        "groups:read",
        "im:read",
        "mpim:read",
    },
    "users.info": {"users:read"},
    "files.getUploadURLExternal / completeUploadExternal": {"files:write"},
    "app_mention events": {"app_mentions:read"},
    "slash command": {"commands"},
}


def load(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((MANIFESTS / name).read_text(encoding="utf-8"))
    return loaded


@pytest.mark.parametrize("name", ["manifest.yml", "manifest.socket-mode.yml"])
def test_manifest_matches_the_adapter(name: str) -> None:
    manifest = load(name)
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    needed = set().union(*SCOPES_FOR_METHODS.values())
    assert scopes == needed == set(REQUIRED_SCOPES)
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == HANDLED_EVENTS
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/" + Settings.model_fields["command_name"].default
    assert command["should_escape"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


def test_http_manifest_points_every_url_at_one_route() -> None:
    manifest = load("manifest.yml")
    urls = {
        manifest["features"]["slash_commands"][0]["url"],
        manifest["settings"]["event_subscriptions"]["request_url"],
        manifest["settings"]["interactivity"]["request_url"],
    }
    assert len(urls) == 1 and urls.pop().endswith("/slack/events")
    assert manifest["settings"]["socket_mode_enabled"] is False


def test_socket_mode_manifest_has_no_public_url() -> None:
    manifest = load("manifest.socket-mode.yml")
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "url" not in manifest["features"]["slash_commands"][0]
    assert "request_url" not in manifest["settings"]["event_subscriptions"]
    assert "request_url" not in manifest["settings"]["interactivity"]


@pytest.mark.parametrize("name", ["manifest.yml", "manifest.socket-mode.yml"])
def test_manifest_hears_group_direct_messages(name: str) -> None:
    """Issue 14, point 6: without both, a group DM the bot is part of never reaches it."""
    manifest = load(name)
    assert "message.mpim" in manifest["settings"]["event_subscriptions"]["bot_events"]
    assert "mpim:history" in manifest["oauth_config"]["scopes"]["bot"]


@pytest.mark.parametrize("name", ["manifest.yml", "manifest.socket-mode.yml"])
def test_every_subscribed_event_has_the_scope_slack_requires(name: str) -> None:
    """`x-scopes-required` per event in Slack's AsyncAPI description of the Events API."""
    spec_path = Path(__file__).parent / "fixtures" / "slack_events_api_async_v1.json"
    topics = json.loads(spec_path.read_text(encoding="utf-8"))["topics"]
    # Newer than the 2020 description; Slack's event reference lists no scope for it.
    topics["app.home.opened"] = {"subscribe": {"x-scopes-required": []}}
    manifest = load(name)
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    for event in manifest["settings"]["event_subscriptions"]["bot_events"]:
        required = topics[event.replace("_", ".")]["subscribe"]["x-scopes-required"]
        assert set(required) <= scopes, (event, required)
