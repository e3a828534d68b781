"""Configuration from `RELAIS_*` variables (and the platforms' usual names), or a `.env` file.

An invalid value is reported as one line naming the variable and what is expected; the CLI
turns that into exit code 2, never a traceback.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

_ENV = {
    "slack_bot_token": "SLACK_BOT_TOKEN",
    "slack_app_token": "SLACK_APP_TOKEN",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_api_url": "SLACK_API_URL",
    "mattermost_url": "MATTERMOST_URL",
    "mattermost_token": "MATTERMOST_TOKEN",
    "mattermost_team": "MATTERMOST_TEAM",
    "mattermost_slash_token": "MATTERMOST_SLASH_TOKEN",
    "matrix_homeserver": "MATRIX_HOMESERVER",
    "matrix_user_id": "MATRIX_USER_ID",
    "matrix_access_token": "MATRIX_ACCESS_TOKEN",
    "matrix_allowed_servers": "MATRIX_ALLOWED_SERVERS",
}


def _platform(name: str) -> Any:
    return Field(default=None, validation_alias=AliasChoices(_ENV[name], f"RELAIS_{_ENV[name]}"))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RELAIS_", env_file=".env", extra="ignore", populate_by_name=True
    )

    database_url: str = "sqlite:///relais.db"
    default_locale: Literal["fr", "en"] = "fr"
    log_format: Literal["text", "json"] = "text"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    admins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    sample_data: bool = True
    community_channel: str | None = None
    checkin_retention_months: int = Field(default=24, ge=0, le=240)
    default_handler: str = "projects.ask"
    command_name: str = Field(default="relais", pattern=r"^[a-z][a-z0-9_-]{0,30}$")
    http_host: str = "0.0.0.0"
    http_port: int = Field(default=3000, ge=0, le=65535)
    action_secret: SecretStr | None = None
    public_url: str | None = None
    console_user: str = Field(default="admin", pattern=r"^[\w.-]{1,40}$")
    console_workspace: str = "local"
    ideas_channel: str = "idees"
    ideas_moderation_channel: str = "moderation-idees"
    ideas_report_threshold: int = Field(default=3, ge=1, le=100)
    search_index_dir: Path | None = None

    slack_bot_token: SecretStr | None = _platform("slack_bot_token")
    slack_app_token: SecretStr | None = _platform("slack_app_token")
    slack_signing_secret: SecretStr | None = _platform("slack_signing_secret")
    slack_api_url: str | None = _platform("slack_api_url")
    mattermost_url: str | None = _platform("mattermost_url")
    mattermost_token: SecretStr | None = _platform("mattermost_token")
    mattermost_team: str | None = _platform("mattermost_team")
    mattermost_slash_token: SecretStr | None = _platform("mattermost_slash_token")
    matrix_homeserver: str | None = _platform("matrix_homeserver")
    matrix_user_id: str | None = _platform("matrix_user_id")
    matrix_access_token: SecretStr | None = _platform("matrix_access_token")
    matrix_allowed_servers: Annotated[str | None, NoDecode] = _platform("matrix_allowed_servers")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            backend = make_url(value).get_backend_name()
        except ArgumentError as error:
            raise ValueError("not a URL") from error
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(f"unsupported database {backend!r}")
        return value

    @field_validator("admins", mode="before")
    @classmethod
    def _admins(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [item.strip() for item in value.split(",") if item.strip()]
        for item in value:
            platform, _, user = str(item).partition(":")
            if platform not in ("slack", "mattermost", "matrix", "console", "test") or not user:
                raise ValueError(f"bad admin {item!r}")
        return value

    @model_validator(mode="after")
    def _mattermost_complete(self) -> Settings:
        if self.mattermost_url or self.mattermost_token:
            check_mattermost(self)
        return self

    @model_validator(mode="after")
    def _matrix_complete(self) -> Settings:
        if self.matrix_homeserver or self.matrix_user_id or self.matrix_access_token:
            check_matrix(self)
        return self

    @model_validator(mode="after")
    def _slack_complete(self) -> Settings:
        if self.slack_bot_token or self.slack_app_token or self.slack_signing_secret:
            check_slack(self)
        return self

    @property
    def chat_platforms(self) -> list[str]:
        """The configured chat platforms, without the console."""
        return [p for p in self.platforms if p != "console"]

    @property
    def platforms(self) -> list[str]:
        """Which chat platforms have credentials; the console when none has."""
        found = []
        if self.slack_bot_token or self.slack_app_token or self.slack_signing_secret:
            found.append("slack")
        if self.mattermost_url or self.mattermost_token:
            found.append("mattermost")
        if self.matrix_homeserver or self.matrix_user_id or self.matrix_access_token:
            found.append("matrix")
        return found or ["console"]


class ConfigError(Exception):
    """One line for the operator: which variable, what is expected."""


_EXPECTED = {
    "database_url": "une URL SQLAlchemy sqlite:///… ou postgresql+psycopg://…",
    "default_locale": "fr ou en",
    "log_format": "text ou json",
    "log_level": "DEBUG, INFO, WARNING ou ERROR",
    "admins": (
        "une liste plateforme:identifiant séparée par des virgules (ex. slack:U123,console:admin)"
    ),
    "sample_data": "true ou false",
    "checkin_retention_months": "un nombre de mois entre 0 (tout garder) et 240",
    "default_handler": "le nom d'un gestionnaire de texte libre (ex. projects.ask), ou vide",
    "http_port": "un port entre 1 et 65535",
    "command_name": "un nom en minuscules sans espace (ex. relais)",
    "console_user": "un nom sans espace (lettres, chiffres, . _ -)",
    "ideas_report_threshold": "un nombre de signalements entre 1 et 100",
}


_MATTERMOST_NEEDS = {
    "mattermost_url": "l'adresse du serveur Mattermost, ex. https://chat.exemple.gouv.fr",
    "mattermost_token": "le jeton du compte bot Mattermost",
    "mattermost_team": "le nom de l'équipe tel qu'il apparaît dans l'URL (ex. managers-publics)",
    "mattermost_slash_token": "le jeton de la commande slash /relais",
    "action_secret": "un secret d'au moins 32 caractères pour signer les boutons",
    "public_url": "l'adresse publique du bot appelée par Mattermost, ex. https://relais.exemple.fr",
}


def check_mattermost(settings: Settings) -> None:
    """Mattermost needs every one of its variables at once; name the first one wrong."""
    for field, expected in _MATTERMOST_NEEDS.items():
        value = getattr(settings, field)
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        if not raw or not _mattermost_value_ok(field, raw):
            state = "manquante" if not raw else "invalide"
            raise ConfigError(f"Configuration {state} : {env_name(field)} — attendu : {expected}.")


def _mattermost_value_ok(field: str, raw: str) -> bool:
    if field in ("mattermost_url", "public_url"):
        parts = urlsplit(raw)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    if field == "mattermost_team":
        return re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", raw) is not None
    if field == "action_secret":
        return len(raw) >= 32
    return True


_MATRIX_USER = re.compile(r"@[a-z0-9._=/+-]+:(?P<server>[A-Za-z0-9.-]+(?::\d{1,5})?)")
_MATRIX_SERVER = re.compile(r"[A-Za-z0-9.-]+(?::\d{1,5})?")


def check_matrix(settings: Settings) -> None:
    """Matrix needs the homeserver, the bot's user id and its access token; name the first
    variable missing or malformed (allowed servers are optional)."""
    homeserver = urlsplit(settings.matrix_homeserver or "")
    user = settings.matrix_user_id or ""
    problem = None
    if not settings.matrix_homeserver:
        problem = (
            "manquante : MATRIX_HOMESERVER — attendu : l'adresse du serveur, "
            "ex. https://matrix.agent.tchap.gouv.fr"
        )
    elif homeserver.scheme not in ("http", "https") or not homeserver.hostname:
        problem = "invalide : MATRIX_HOMESERVER — attendu : une URL http(s)://…"
    elif not user:
        problem = (
            "manquante : MATRIX_USER_ID — attendu : l'identifiant du bot, "
            "ex. @relais:agent.tchap.gouv.fr"
        )
    elif _MATRIX_USER.fullmatch(user) is None:
        problem = "invalide : MATRIX_USER_ID — attendu : un identifiant @nom:serveur"
    elif not _secret(settings.matrix_access_token):
        problem = "manquante : MATRIX_ACCESS_TOKEN — attendu : le jeton d'accès du compte bot"
    elif any(_MATRIX_SERVER.fullmatch(s) is None for s in matrix_allowed_servers(settings)):
        problem = (
            "invalide : MATRIX_ALLOWED_SERVERS — attendu : des noms de serveurs séparés par des "
            "virgules, ex. agent.tchap.gouv.fr,matrix.org"
        )
    if problem:
        raise ConfigError(f"Configuration {problem}.")


def matrix_allowed_servers(settings: Settings) -> list[str]:
    """The servers whose users may use the bot; by default only the bot's own server."""
    raw = settings.matrix_allowed_servers or ""
    listed = [item.strip() for item in raw.split(",") if item.strip()]
    if listed:
        return listed
    own = _MATRIX_USER.fullmatch(settings.matrix_user_id or "")
    return [own["server"]] if own else []


def check_slack(settings: Settings) -> None:
    """Slack needs the bot token, and either the app token (Socket Mode) or the signing
    secret (HTTP); name the first variable missing or of the wrong kind."""
    bot = _secret(settings.slack_bot_token)
    app = _secret(settings.slack_app_token)
    problem = None
    if not bot:
        problem = "manquante : SLACK_BOT_TOKEN — attendu : le jeton du bot (xoxb-…)"
    elif not bot.startswith("xoxb-"):
        problem = "invalide : SLACK_BOT_TOKEN — attendu : un jeton de bot (xoxb-…)"
    elif app and not app.startswith("xapp-"):
        problem = "invalide : SLACK_APP_TOKEN — attendu : un jeton d'application (xapp-…)"
    elif not app and not _secret(settings.slack_signing_secret):
        problem = (
            "manquante : SLACK_SIGNING_SECRET — attendu : le secret de signature de l'app "
            "(ou SLACK_APP_TOKEN pour le Socket Mode)"
        )
    elif urlsplit(settings.slack_api_url or "https:").scheme not in ("http", "https"):
        problem = "invalide : SLACK_API_URL — attendu : une URL http(s)://…/api/"
    if problem:
        raise ConfigError(f"Configuration {problem}.")


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value().strip() if value is not None else ""


def env_name(field: str) -> str:
    return _ENV.get(field, f"RELAIS_{field.upper()}")


def load_settings(**overrides: Any) -> Settings:
    """Reads the environment; raises ConfigError with a one-line explanation when invalid."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        name = env_name(field)
        raw = os.environ.get(name, "")
        expected = _EXPECTED.get(field, first["msg"])
        shown = (
            f" (reçu « {raw[:60]} »)"
            if raw and "TOKEN" not in name and "SECRET" not in name
            else ""
        )
        raise ConfigError(
            f"Configuration invalide : {name} — attendu : {expected}{shown}."
        ) from None
