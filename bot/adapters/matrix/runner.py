"""Starting the Matrix adapter inside `relais worker` or `run`: client, port, sync loop.

`connect` checks the access token against the homeserver (a refused token, or one that belongs
to another account than MATRIX_USER_ID, is a configuration error reported in one line) and
assembles the parts without starting the sync loop, which tests start themselves; `start` is
the `STARTERS["matrix"]` entry.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from nio import WhoamiResponse

from bot.adapters.matrix.connection import Connection
from bot.adapters.matrix.conversations import Conversations
from bot.adapters.matrix.events import server_of
from bot.adapters.matrix.inbound import Inbound
from bot.adapters.matrix.port import MatrixPort
from bot.adapters.matrix.rooms import DirectRooms
from bot.config import ConfigError, check_matrix, matrix_allowed_servers
from bot.http import Routes
from bot.ports import Assembly, TransientError

log = logging.getLogger(__name__)
WORKERS = 4


@dataclass
class MatrixAdapter:
    connection: Connection
    port: MatrixPort
    inbound: Inbound
    pool: ThreadPoolExecutor

    def healthy(self) -> bool:
        return self.inbound.healthy()

    def stop(self) -> None:
        self.inbound.stop()
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.connection.close()


def connect(app: Assembly) -> MatrixAdapter:
    """Builds the adapter for `app` and plugs its port into the outbox."""
    settings = app.settings
    check_matrix(settings)
    assert settings.matrix_homeserver and settings.matrix_user_id
    assert settings.matrix_access_token
    connection = Connection(
        homeserver=settings.matrix_homeserver.rstrip("/"),
        user_id=settings.matrix_user_id,
        access_token=settings.matrix_access_token.get_secret_value(),
    )
    try:
        _identify(connection, settings.matrix_user_id)
    except ConfigError:
        connection.close()
        raise
    rooms = DirectRooms(connection.client)
    conversations = Conversations()
    server = server_of(settings.matrix_user_id)
    port = MatrixPort(
        connection=connection,
        rooms=rooms,
        conversations=conversations,
        server_name=server,
        locale=settings.default_locale,
        command=settings.command_name,
    )
    app.plug(port)
    pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="relais-matrix")
    inbound = Inbound(
        runtime=app.runtime,
        cursors=app.cursors,
        connection=connection,
        rooms=rooms,
        conversations=conversations,
        workspace_id=server,
        allowed_servers=matrix_allowed_servers(settings),
        command=settings.command_name,
        locale=settings.default_locale,
        pool=pool,
    )
    return MatrixAdapter(connection, port, inbound, pool)


def start(app: Assembly, http: Routes | None, *, background: bool) -> MatrixAdapter:
    """Matrix has no HTTP side: only a background role syncs."""
    adapter = connect(app)
    if background:
        adapter.inbound.start()
    log.info("matrix adapter started")
    return adapter


def _identify(connection: Connection, user_id: str) -> None:
    try:
        answer = connection.call(connection.client.whoami)
    except TransientError:
        raise ConfigError(
            "Configuration injoignable : MATRIX_HOMESERVER — le serveur Matrix ne répond pas."
        ) from None
    if not isinstance(answer, WhoamiResponse):
        raise ConfigError(
            "Configuration refusée : MATRIX_ACCESS_TOKEN — le serveur Matrix ne reconnaît pas "
            "ce jeton."
        )
    if answer.user_id != user_id:
        raise ConfigError(
            "Configuration invalide : MATRIX_USER_ID — le jeton appartient à un autre compte."
        )
