"""Configuration errors stop `relais` with one clear line and exit code 2, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings


def run_relais(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RELAIS_", "SLACK_", "MATTERMOST_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        (
            "RELAIS_DATABASE_URL",
            "mysql://db/relais",
            "RELAIS_DATABASE_URL — attendu : une URL SQLAlchemy",
        ),
        ("RELAIS_DATABASE_URL", "pas une url", "RELAIS_DATABASE_URL"),
        ("RELAIS_DEFAULT_LOCALE", "de", "RELAIS_DEFAULT_LOCALE — attendu : fr ou en (reçu « de »)"),
        ("RELAIS_LOG_FORMAT", "xml", "RELAIS_LOG_FORMAT — attendu : text ou json"),
        ("RELAIS_ADMINS", "root", "RELAIS_ADMINS — attendu : une liste plateforme:identifiant"),
        ("RELAIS_HTTP_PORT", "99999", "RELAIS_HTTP_PORT"),
    ],
)
def test_invalid_value_is_one_line_and_exit_2(
    tmp_path: Path, variable: str, value: str, expected: str
) -> None:
    result = run_relais(tmp_path, "say", "/relais aide", **{variable: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_secrets_are_never_echoed() -> None:
    os.environ["RELAIS_HTTP_PORT"] = "abc"
    try:
        with pytest.raises(ConfigError) as error:
            load_settings()
    finally:
        del os.environ["RELAIS_HTTP_PORT"]
    assert "RELAIS_HTTP_PORT" in str(error.value)


def test_admins_accept_a_comma_separated_list() -> None:
    settings = load_settings(admins="slack:U1, console:ada", _env_file=None)
    assert settings.admins == ["slack:U1", "console:ada"]
    assert settings.platforms == ["console"]


def test_database_unreachable_is_one_line(tmp_path: Path) -> None:
    result = run_relais(
        tmp_path, "say", "x", RELAIS_DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none"
    )
    assert result.returncode == 1
    assert result.stderr.startswith("Base de données injoignable")
    assert "Traceback" not in result.stderr


def test_unknown_default_handler_is_refused(tmp_path: Path) -> None:
    result = run_relais(tmp_path, "say", "x", RELAIS_DEFAULT_HANDLER="nothing.here")
    assert result.returncode == 2
    assert "RELAIS_DEFAULT_HANDLER — attendu : un gestionnaire connu" in result.stderr
