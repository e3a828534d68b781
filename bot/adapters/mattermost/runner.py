"""Starting the Mattermost adapter inside `relais serve`, `worker` or `run`: REST, outbox port,
the routes (web process), the websocket (worker).

`connect` checks the credentials against the server (a refused token or an unknown team is a
configuration error, reported in one line), looks once at what the bot's roles allow, and
assembles the parts without starting the websocket, which tests drive separately; `start` is
the `STARTERS["mattermost"]` entry.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from bot.adapters.mattermost.api import DriverApi, MattermostApi, ServerAddress
from bot.adapters.mattermost.directory import Directory
from bot.adapters.mattermost.events import Bot
from bot.adapters.mattermost.http import MattermostRoutes
from bot.adapters.mattermost.inbound import Inbound
from bot.adapters.mattermost.inline import InlineReplies
from bot.adapters.mattermost.port import MattermostPort
from bot.adapters.mattermost.signing import Signer
from bot.adapters.mattermost.stream import Stream
from bot.config import ConfigError, check_mattermost
from bot.http import Routes
from bot.leader import LeaderLock, Leadership
from bot.ports import Assembly, PermanentError, TransientError

log = logging.getLogger(__name__)
WORKERS = 8
EPHEMERAL_PERMISSION = "create_post_ephemeral"


@dataclass
class MattermostAdapter:
    api: MattermostApi
    bot: Bot
    directory: Directory
    port: MattermostPort
    inbound: Inbound
    routes: MattermostRoutes
    stream: Stream
    pool: ThreadPoolExecutor
    leadership: Leadership | None = None
    streams: bool = True

    def healthy(self) -> bool:
        """A web process, or a worker that is not the stream's leader, holds no websocket:
        healthy by design."""
        if not self.streams or (self.leadership is not None and not self.leadership.leading):
            return True
        return self.stream.healthy()

    def stop(self) -> None:
        if self.leadership is not None:
            self.leadership.stop()
            self.leadership.join(10)
        self.stream.stop()
        self.pool.shutdown(wait=True, cancel_futures=True)


def connect(app: Assembly, *, api: MattermostApi | None = None) -> MattermostAdapter:
    """Builds the adapter for `app` and plugs its port into the outbox."""
    settings = app.settings
    check_mattermost(settings)
    assert settings.mattermost_url and settings.mattermost_token and settings.mattermost_team
    assert settings.mattermost_slash_token and settings.action_secret and settings.public_url
    token = settings.mattermost_token.get_secret_value()
    api = api or DriverApi.connect(settings.mattermost_url, token)
    bot, team_id, roles = _identify(api, settings.mattermost_team)
    inline = InlineReplies()
    directory = Directory(api, team_id=team_id)
    signer = Signer(settings.action_secret.get_secret_value())
    workspace = settings.mattermost_team
    pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="relais-mattermost")
    port = MattermostPort(
        api=api,
        directory=directory,
        signer=signer,
        bot_id=bot.id,
        public_url=settings.public_url,
        now=app.runtime.clock.now,
        inline=inline,
        ephemeral_allowed=may_post_ephemeral(api, roles),
    )
    app.plug(port)
    inbound = Inbound(
        runtime=app.runtime,
        cursors=app.cursors,
        api=api,
        directory=directory,
        bot=bot,
        team_id=team_id,
        workspace_id=workspace,
        pool=pool,
    )
    routes = MattermostRoutes(
        runtime=app.runtime,
        directory=directory,
        signer=signer,
        slash_token=settings.mattermost_slash_token.get_secret_value(),
        workspace_id=workspace,
        pool=pool,
        inline=inline,
    )
    stream = Stream(
        url=ServerAddress.parse(settings.mattermost_url).websocket_url,
        token=token,
        on_hello=inbound.on_hello,
        on_event=inbound.on_event,
    )
    return MattermostAdapter(api, bot, directory, port, inbound, routes, stream, pool)


def start(app: Assembly, http: Routes | None, *, background: bool) -> MattermostAdapter:
    """Every web process serves the HTTP routes; of the background processes, one leader
    holds the websocket, and another takes it over (from the stored cursor) when it dies."""
    adapter = connect(app)
    if http is not None:
        adapter.routes.register(http)
    adapter.streams = background
    if background:
        lock = LeaderLock(
            app.settings.database_url, name=f"relais-mattermost:{adapter.inbound.workspace_id}"
        )
        adapter.leadership = Leadership(
            lock, on_elected=adapter.stream.start, on_demoted=adapter.stream.stop
        )
        adapter.leadership.start()
    log.info("mattermost adapter started", extra={"bot": adapter.bot.username})
    return adapter


def may_post_ephemeral(api: MattermostApi, roles: list[str]) -> bool:
    """Whether the bot's roles grant `create_post_ephemeral`, which `POST /posts/ephemeral`
    checks (`server/channels/api4/post.go`) and only `system_admin` holds by default. Without it
    private replies still arrive, by direct message when no request is waiting for them."""
    try:
        granted = {p for role in api.roles_by_names(roles) for p in role.get("permissions") or []}
    except (PermanentError, TransientError) as error:
        granted = set()
        log.warning("mattermost roles unreadable", extra={"error": str(error)})
    if EPHEMERAL_PERMISSION in granted:
        return True
    log.warning(
        "mattermost bot lacks the %s permission: private replies that no request is waiting "
        "for go by direct message",
        EPHEMERAL_PERMISSION,
        extra={"permission": EPHEMERAL_PERMISSION, "roles": " ".join(roles)},
    )
    return False


def _identify(api: MattermostApi, team_name: str) -> tuple[Bot, str, list[str]]:
    try:
        me = api.me()
    except PermanentError:
        raise ConfigError(
            "Configuration refusée : MATTERMOST_TOKEN — le serveur Mattermost ne reconnaît pas "
            "ce jeton."
        ) from None
    except TransientError:
        raise ConfigError(
            "Configuration injoignable : MATTERMOST_URL — le serveur Mattermost ne répond pas."
        ) from None
    try:
        team = api.team_by_name(team_name)
    except (PermanentError, TransientError):
        raise ConfigError(
            f"Configuration invalide : MATTERMOST_TEAM — l'équipe « {team_name} » est introuvable "
            "ou le bot n'en fait pas partie."
        ) from None
    roles = str(me.get("roles") or "").split()
    return Bot(id=str(me["id"]), username=str(me["username"])), str(team["id"]), roles
