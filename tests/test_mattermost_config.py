"""Mattermost configuration: one clear line naming the variable, exit code 2."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.adapters.mattermost.runner import connect
from bot.app import build
from bot.cli import main
from bot.config import ConfigError, Settings, load_settings
from handlers.clock import FakeClock
from tests.fakes.charset_proxy import CharsetProxy
from tests.fakes.mattermost_server import FakeMattermost

COMPLETE = {
    "MATTERMOST_URL": "https://chat.exemple.gouv.fr",
    "MATTERMOST_TOKEN": "bot-token",
    "MATTERMOST_TEAM": "managers-publics",
    "MATTERMOST_SLASH_TOKEN": "slash-token",
    "RELAIS_ACTION_SECRET": "a" * 32,
    "RELAIS_PUBLIC_URL": "https://relais.exemple.gouv.fr",
}


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name in list(os.environ):
        if name.startswith(("MATTERMOST_", "SLACK_", "RELAIS_")):
            monkeypatch.delenv(name)
    yield monkeypatch


def test_complete_configuration_selects_mattermost(environment: pytest.MonkeyPatch) -> None:
    for name, value in COMPLETE.items():
        environment.setenv(name, value)
    settings = load_settings(_env_file=None)
    assert settings.platforms == ["mattermost"]
    assert settings.public_url == "https://relais.exemple.gouv.fr"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("MATTERMOST_TOKEN", None, "Configuration manquante : MATTERMOST_TOKEN"),
        ("MATTERMOST_TEAM", None, "Configuration manquante : MATTERMOST_TEAM"),
        ("MATTERMOST_SLASH_TOKEN", None, "Configuration manquante : MATTERMOST_SLASH_TOKEN"),
        ("RELAIS_ACTION_SECRET", None, "Configuration manquante : RELAIS_ACTION_SECRET"),
        ("RELAIS_PUBLIC_URL", None, "Configuration manquante : RELAIS_PUBLIC_URL"),
        ("MATTERMOST_URL", "chat.exemple.gouv.fr", "Configuration invalide : MATTERMOST_URL"),
        ("MATTERMOST_TEAM", "Managers Publics", "Configuration invalide : MATTERMOST_TEAM"),
        ("RELAIS_ACTION_SECRET", "court", "Configuration invalide : RELAIS_ACTION_SECRET"),
        ("RELAIS_PUBLIC_URL", "relais.local", "Configuration invalide : RELAIS_PUBLIC_URL"),
    ],
)
def test_missing_or_inconsistent_values_name_the_variable(
    environment: pytest.MonkeyPatch, name: str, value: str | None, expected: str
) -> None:
    for key, setting in COMPLETE.items():
        environment.setenv(key, setting)
    if value is None:
        environment.delenv(name)
    else:
        environment.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    message = str(caught.value)
    assert message.startswith(expected)
    assert "\n" not in message
    assert "bot-token" not in message and "slash-token" not in message


def test_relais_run_exits_2_with_one_line(
    environment: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    environment.setenv("MATTERMOST_URL", "https://chat.exemple.gouv.fr")
    environment.setenv("MATTERMOST_TOKEN", "bot-token")
    environment.setenv("RELAIS_DATABASE_URL", f"sqlite:///{tmp_path / 'relais.db'}")
    environment.chdir(tmp_path)  # no .env file here
    environment.setattr(sys, "argv", ["relais", "run"])

    with pytest.raises(SystemExit) as caught:
        main()

    assert caught.value.code == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "Configuration manquante : MATTERMOST_TEAM — attendu : le nom de l'équipe tel qu'il "
        "apparaît dans l'URL (ex. managers-publics)."
    ]


@pytest.mark.parametrize(
    ("token", "team", "variable"),
    [("wrong-token", "equipe", "MATTERMOST_TOKEN"), ("mm-bot-token", "autre", "MATTERMOST_TEAM")],
)
def test_server_refusing_the_token_or_the_team_is_a_configuration_error(
    tmp_path: Path, clock: FakeClock, token: str, team: str, variable: str
) -> None:
    with FakeMattermost() as fake:
        settings = Settings(
            _env_file=None,
            sample_data=False,
            database_url=f"sqlite:///{tmp_path / 'relais.db'}",
            mattermost_url=fake.base_url,
            mattermost_token=token,
            mattermost_team=team,
            mattermost_slash_token="slash",
            action_secret="a" * 32,
            public_url="https://relais.exemple.fr",
        )
        app = build(settings, clock=clock)
        try:
            with pytest.raises(ConfigError) as caught:
                connect(app)
        finally:
            app.close()
    assert variable in str(caught.value)
    assert "mattermost" not in app.outbox.ports


def test_start_up_behind_a_proxy_that_adds_a_charset(tmp_path: Path, clock: FakeClock) -> None:
    """Issue 14, point 4: `application/json; charset=utf-8` from a proxy, no TypeError."""
    with FakeMattermost() as fake, CharsetProxy(fake.base_url) as proxy:
        settings = Settings(
            _env_file=None,
            sample_data=False,
            database_url=f"sqlite:///{tmp_path / 'relais.db'}",
            mattermost_url=proxy.base_url,
            mattermost_token=fake.token,
            mattermost_team=fake.team["name"],
            mattermost_slash_token="slash",
            action_secret="a" * 32,
            public_url="https://relais.exemple.fr",
        )
        app = build(settings, clock=clock)
        try:
            adapter = connect(app)
            try:
                assert adapter.bot.id == fake.bot["id"]
                assert adapter.api.channel(fake.add_channel("ville")["id"])["name"] == "ville"
            finally:
                adapter.stop()
        finally:
            app.close()
    assert proxy.rewritten >= 3
