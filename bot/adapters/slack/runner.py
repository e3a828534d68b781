"""Starting the Slack adapter inside `relais serve`, `worker` or `run`: Web API client, outbox
port, Bolt listeners, then Socket Mode (in the worker) when `SLACK_APP_TOKEN` is set, or the
`/slack/events` route (in the web process) otherwise.

`connect` checks the token against Slack (a refused token is one line at start-up, exit 2) and
assembles the parts without listening; `start` is the `STARTERS["slack"]` entry.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_bolt import App as BoltApp
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.slack.channels import ChannelDirectory
from bot.adapters.slack.client import make_client
from bot.adapters.slack.credentials import SlackCredentials
from bot.adapters.slack.home import HomePublisher
from bot.adapters.slack.port import SlackPort
from bot.adapters.slack.privacy import ConversationPrivacy
from bot.adapters.slack.receiver import SlackReceiver
from bot.adapters.slack.response_urls import ResponseUrls
from bot.adapters.slack.scopes import check_granted
from bot.adapters.slack.users import UserDirectory
from bot.config import ConfigError
from bot.http import Routes
from bot.ports import Assembly
from handlers.i18n import Translator

log = logging.getLogger(__name__)
ROUTE = "/slack/events"
WORKERS = 8


@dataclass
class SlackAdapter:
    credentials: SlackCredentials
    client: WebClient
    port: SlackPort
    receiver: SlackReceiver
    socket: SocketModeHandler | None = None

    def listen(self, http: Routes | None, *, background: bool = True) -> None:
        """Socket Mode when an app token is configured (a `background` role), the HTTP route
        otherwise (when this process has `http` routes)."""
        if self.credentials.app_token is None:
            if http is not None:
                http.route("POST", ROUTE, self.receiver.handle_http)
            return
        if not background:
            return
        self.socket = SocketModeHandler(
            self.receiver.bolt, app_token=self.credentials.app_token, web_client=self.client
        )
        self.socket.client.connect()

    def healthy(self) -> bool:
        return self.socket is None or self.socket.client.is_connected()

    def stop(self) -> None:
        if self.socket is not None:
            self.socket.client.auto_reconnect_enabled = False
            self.socket.client.close()
        self.receiver.close()


def connect(app: Assembly, *, workers: int = WORKERS, handles: bool = True) -> SlackAdapter:
    """Builds the adapter for `app` and plugs its port into the outbox; `handles=False` (a
    web-only process) only records events for the workers."""
    credentials = SlackCredentials.from_settings(app.settings)
    client = make_client(token=credentials.bot_token, base_url=credentials.api_url)
    bolt = _bolt_app(client, credentials)
    users = UserDirectory(client)
    urls = ResponseUrls()
    port = SlackPort(
        client=client,
        channels=ChannelDirectory(client),
        response_urls=urls,
        translator=Translator(app.settings.default_locale),
    )
    app.plug(port)
    home = HomePublisher(
        runtime=app.runtime, client=client, users=users, command_name=app.settings.command_name
    )
    receiver = SlackReceiver(
        bolt=bolt,
        runtime=app.runtime,
        users=users,
        response_urls=urls,
        home=home,
        privacy=ConversationPrivacy(client),
        workers=workers,
        handles=handles,
    )
    return SlackAdapter(credentials, client, port, receiver)


def start(app: Assembly, http: Routes | None, *, background: bool) -> SlackAdapter:
    adapter = connect(app, handles=background)
    adapter.listen(http, background=background)
    mode = "socket" if adapter.socket is not None else "http"
    log.info("slack adapter started", extra={"mode": mode})
    return adapter


def _bolt_app(client: WebClient, credentials: SlackCredentials) -> BoltApp:
    """The token is checked with `auth.test` first, so a refused one is named in one line, and
    each scope it lacks is named in the log."""
    try:
        check_granted(client.auth_test().headers)
        return BoltApp(
            client=client,
            signing_secret=credentials.signing_secret,
            process_before_response=True,
            request_verification_enabled=not credentials.socket_mode,
        )
    except SlackApiError as error:
        raise ConfigError(
            "Configuration refusée : SLACK_BOT_TOKEN — Slack ne reconnaît pas ce jeton "
            f"({error.response.get('error')})."
        ) from None
    except (BoltError, OSError) as error:
        raise ConfigError(
            f"Configuration injoignable : SLACK_API_URL — Slack ne répond pas à "
            f"{credentials.api_url} ({type(error).__name__})."
        ) from None
