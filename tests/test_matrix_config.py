"""Matrix configuration: Matrix turns on with its homeserver; a bad value names its variable."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.adapters.matrix.runner import connect
from bot.app import build
from bot.config import ConfigError, load_settings, matrix_allowed_servers
from tests.matrix_world import BotProcess, fresh_name
from tests.synapse_server import Synapse

COMPLETE = {
    "MATRIX_HOMESERVER": "https://matrix.agent.tchap.gouv.fr",
    "MATRIX_USER_ID": "@relais:agent.tchap.gouv.fr",
    "MATRIX_ACCESS_TOKEN": "syt_secret",
}


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name in list(os.environ):
        if name.startswith(("MATTERMOST_", "SLACK_", "RELAIS_", "MATRIX_")):
            monkeypatch.delenv(name)
    for name, value in COMPLETE.items():
        monkeypatch.setenv(name, value)
    yield monkeypatch


def test_a_homeserver_selects_matrix_and_only_its_own_server_by_default(
    environment: pytest.MonkeyPatch,
) -> None:
    settings = load_settings(_env_file=None)
    assert settings.platforms == ["matrix"]
    assert matrix_allowed_servers(settings) == ["agent.tchap.gouv.fr"]


def test_allowed_servers_are_a_comma_separated_list(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("MATRIX_ALLOWED_SERVERS", "agent.tchap.gouv.fr, matrix.interieur.gouv.fr")
    settings = load_settings(_env_file=None)
    assert matrix_allowed_servers(settings) == ["agent.tchap.gouv.fr", "matrix.interieur.gouv.fr"]


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("MATRIX_HOMESERVER", "matrix.agent.tchap.gouv.fr", "invalide : MATRIX_HOMESERVER"),
        ("MATRIX_USER_ID", None, "manquante : MATRIX_USER_ID"),
        ("MATRIX_USER_ID", "relais", "invalide : MATRIX_USER_ID"),
        ("MATRIX_USER_ID", "@Relais Bot:tchap", "invalide : MATRIX_USER_ID"),
        ("MATRIX_ACCESS_TOKEN", None, "manquante : MATRIX_ACCESS_TOKEN"),
        ("MATRIX_ALLOWED_SERVERS", "tchap.gouv.fr;matrix.org", "invalide : MATRIX_ALLOWED_SERVERS"),
        ("MATRIX_HOMESERVER", None, "manquante : MATRIX_HOMESERVER"),
    ],
)
def test_a_bad_value_stops_start_up_with_one_line_naming_it(
    environment: pytest.MonkeyPatch, name: str, value: str | None, expected: str
) -> None:
    if value is None:
        environment.delenv(name)
    else:
        environment.setenv(name, value)
    with pytest.raises(ConfigError) as raised:
        load_settings(_env_file=None)
    message = str(raised.value)
    assert expected in message and "\n" not in message
    assert "syt_secret" not in message


def test_a_token_the_homeserver_refuses_stops_start_up_in_one_line(
    synapse: Synapse, tmp_path: Path
) -> None:
    account = synapse.register(fresh_name("relais"))
    bot = BotProcess(synapse=synapse, account=account, database=tmp_path / "relais.db")
    settings = bot.settings().model_copy(update={"matrix_access_token": SecretStr("syt_faux")})
    app = build(settings)
    try:
        with pytest.raises(ConfigError) as raised:
            connect(app)
    finally:
        app.close()
    assert str(raised.value).startswith("Configuration refusée : MATRIX_ACCESS_TOKEN")
