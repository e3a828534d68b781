"""`relais run` with chat platforms: one HTTP server, the platform adapters, the outbox worker
and the scheduler, until SIGTERM or Ctrl-C."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from typing import Protocol

from sqlalchemy import text

from bot.adapters.matrix.runner import start as start_matrix
from bot.adapters.mattermost.runner import start as start_mattermost
from bot.adapters.slack.runner import start as start_slack
from bot.app import App
from bot.config import ConfigError
from bot.http import HttpServer
from bot.metrics import REGISTRY, metrics_route, watch_queue
from bot.outbox import OutboxWorker
from bot.scheduler import start_background
from store import outbox as deliveries

log = logging.getLogger(__name__)


class PlatformRunner(Protocol):
    """A started platform adapter (Slack, Mattermost)."""

    def healthy(self) -> bool: ...

    def stop(self) -> None: ...


Starter = Callable[[App, HttpServer], PlatformRunner]
STARTERS: dict[str, Starter] = {}
STARTERS["mattermost"] = start_mattermost
STARTERS["matrix"] = start_matrix
STARTERS["slack"] = start_slack


def serve(
    app: App,
    *,
    stop: threading.Event | None = None,
    on_ready: Callable[[HttpServer], None] | None = None,
) -> None:
    """Runs until `stop` is set (SIGTERM/SIGINT by default); `on_ready` sees the live server."""
    stop = stop or _stop_on_signals()
    http = HttpServer(host=app.settings.http_host, port=app.settings.http_port)
    http.add_health_check("database", lambda: _database_answers(app))
    http.route("GET", "/metrics", metrics_route)
    queue = watch_queue(lambda: _queue_depth(app))
    runners: list[PlatformRunner] = []
    for platform in app.settings.chat_platforms:
        starter = STARTERS.get(platform)
        if starter is None:
            raise ConfigError(f"Plateforme non prise en charge par cette version : {platform}.")
        runner = starter(app, http)
        http.add_health_check(platform, runner.healthy)
        runners.append(runner)
    worker = OutboxWorker(app.outbox)
    worker.start()
    scheduler = start_background(app.ticker)
    http.add_health_check("scheduler", lambda: scheduler.running and app.ticker.ticking())
    http.start()
    if on_ready is not None:
        on_ready(http)
    log.info(
        "relais started", extra={"platforms": ",".join(app.settings.platforms), "port": http.port}
    )
    stop.wait()
    log.info("relais stopping")
    http.stop()
    scheduler.shutdown(wait=False)
    for runner in runners:
        runner.stop()
    worker.stop()
    REGISTRY.unregister(queue)


def _queue_depth(app: App) -> int:
    with app.sessions() as session:
        return deliveries.queue_depth(session)


def _database_answers(app: App) -> bool:
    with app.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return True


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    return stop
