"""Which Slack mode the variables ask for: Socket Mode when `SLACK_APP_TOKEN` is set (no public
URL needed, works behind a firewall), HTTP otherwise, where `SLACK_SIGNING_SECRET` verifies each
request. `bot.config.check_slack` has already refused inconsistent combinations."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr

from bot.adapters.slack.client import api_url
from bot.config import ConfigError, Settings


@dataclass(frozen=True)
class SlackCredentials:
    bot_token: str
    app_token: str | None
    signing_secret: str
    api_url: str

    @property
    def socket_mode(self) -> bool:
        return self.app_token is not None

    @classmethod
    def from_settings(cls, settings: Settings) -> SlackCredentials:
        bot_token = _secret(settings.slack_bot_token)
        if bot_token is None:
            raise ConfigError(
                "Configuration manquante : SLACK_BOT_TOKEN — attendu : le jeton du bot (xoxb-…)."
            )
        return cls(
            bot_token=bot_token,
            app_token=_secret(settings.slack_app_token),
            signing_secret=_secret(settings.slack_signing_secret) or "",
            api_url=api_url(settings.slack_api_url),
        )


def _secret(value: SecretStr | None) -> str | None:
    raw = value.get_secret_value().strip() if value is not None else ""
    return raw or None
