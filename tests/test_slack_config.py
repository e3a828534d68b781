"""Slack credentials: missing or inconsistent variables are one line naming the variable, and
the CLI exits with code 2; the variables choose Socket Mode or HTTP."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.adapters.slack.credentials import SlackCredentials
from bot.adapters.slack.privacy import ConversationPrivacy
from bot.adapters.slack.runner import connect
from bot.config import ConfigError, load_settings
from handlers.clock import FakeClock
from tests.fakes.slack_server import manifest_scopes
from tests.slack_harness import SlackWorkspace, slack_app

SLACK_VARIABLES = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL")


@pytest.fixture(autouse=True)
def no_slack_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SLACK_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"RELAIS_{name}", raising=False)


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"SLACK_SIGNING_SECRET": "s3cr3t"}, "manquante : SLACK_BOT_TOKEN"),
        ({"SLACK_APP_TOKEN": "xapp-1"}, "manquante : SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xapp-1", "SLACK_APP_TOKEN": "xapp-1"}, "invalide : SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-1"}, "invalide : SLACK_APP_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "manquante : SLACK_SIGNING_SECRET"),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "ftp://x"},
            "invalide : SLACK_API_URL",
        ),
    ],
)
def test_inconsistent_credentials_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], named: str
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    assert named in str(caught.value)
    assert "\n" not in str(caught.value)
    assert all(value not in str(caught.value) for value in variables.values() if len(value) > 6)


def test_app_token_means_socket_mode_else_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s3cr3t")
    http = SlackCredentials.from_settings(load_settings(_env_file=None))
    assert (http.socket_mode, http.signing_secret, http.api_url) == (
        False,
        "s3cr3t",
        "https://slack.com/api/",
    )
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    monkeypatch.setenv("SLACK_API_URL", "https://slack-gov.com/api")
    socket = SlackCredentials.from_settings(load_settings(_env_file=None))
    assert (socket.socket_mode, socket.api_url) == (True, "https://slack-gov.com/api/")


def test_relais_run_stops_with_exit_code_2(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("RELAIS_", "SLACK_"))}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env={**clean, "SLACK_SIGNING_SECRET": "s3cr3t", "PYTHONPATH": str(Path.cwd())},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Configuration manquante : SLACK_BOT_TOKEN — attendu : le jeton du bot (xoxb-…)."
    ]


def test_a_token_slack_refuses_stops_the_start(
    engine: Engine, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    with SlackWorkspace(bot_token="xoxb-real") as fake:
        app = slack_app(engine, sessions, clock, fake, slack_bot_token="xoxb-revoked")
        with pytest.raises(ConfigError, match=r"refusée : SLACK_BOT_TOKEN .*invalid_auth"):
            connect(app)


def test_a_token_missing_scopes_is_named_at_start_up(
    engine: Engine,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A manifest installed before group DMs were added: the start-up log names what is
    missing and what it costs; the private-channel check then says "unknown", not "public"."""
    granted = manifest_scopes() - {"mpim:history", "mpim:read", "groups:read"}
    with SlackWorkspace(scopes=granted) as fake:
        fake.add_channel("C0SECRET", "secret", is_private=True)
        app = slack_app(engine, sessions, clock, fake)
        with caplog.at_level(logging.WARNING, logger="bot.adapters.slack.scopes"):
            adapter = connect(app)
        try:
            unknown = ConversationPrivacy(adapter.client).is_private("C0SECRET")
        finally:
            adapter.stop()
        [info] = fake.calls_to("conversations.info")
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.adapters.slack.scopes"]
    [lookup] = [r for r in caplog.records if r.name == "bot.adapters.slack.privacy"]
    assert lookup.__dict__["needed"] == "groups:read"
    assert lines == [
        "slack token lacks the groups:read scope: private channels are not recognised as private",
        "slack token lacks the mpim:history scope: group direct messages the bot is in are not "
        "received",
        "slack token lacks the mpim:read scope: group direct messages are not recognised as "
        "private",
    ]
    assert unknown is None and info.status == 200
