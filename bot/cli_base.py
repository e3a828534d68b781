"""What every `relais` subcommand shares: the consoles it prints on, the settings (with secrets
kept out of the logs) and the app built from them. The subcommand modules import this, never
`bot.cli`, which imports them."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from bot.adapters.console_render import render
from bot.app import App, build
from bot.config import Settings, load_settings
from bot.console_chat import FILES_DIR
from bot.logs import configure
from handlers.clock import Clock
from handlers.i18n import Translator

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

AsOption = Annotated[str, typer.Option("--as", help="Qui parle (nom d'utilisateur de la console).")]


def settings() -> Settings:
    loaded = load_settings()
    secrets = [
        s.get_secret_value()
        for s in (
            loaded.slack_bot_token,
            loaded.slack_app_token,
            loaded.slack_signing_secret,
            loaded.mattermost_token,
            loaded.mattermost_slash_token,
            loaded.action_secret,
        )
        if s is not None
    ]
    configure(fmt=loaded.log_format, level=loaded.log_level, secrets=secrets)
    return loaded


def open_app(*, clock: Clock | None = None, upgrade: bool = True) -> App:
    app = build(settings(), clock=clock, upgrade=upgrade)
    t = Translator(app.settings.default_locale)
    app.console_port.show = lambda shown: out.print(render(shown, t, files_dir=FILES_DIR))
    return app
