"""`relais run` with chat platforms: one HTTP server, the platform adapters, the outbox worker
and the scheduler, until SIGTERM or Ctrl-C."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from typing import Protocol

from sqlalchemy import text

from bot.app import App
from bot.config import ConfigError
from bot.http import HttpServer
from bot.outbox import OutboxWorker
from bot.scheduler import start_background

log = logging.getLogger(__name__)


class PlatformRunner(Protocol):
    """A started platform adapter (Slack, Mattermost)."""

    def healthy(self) -> bool: ...

    def stop(self) -> None: ...


Starter = Callable[[App, HttpServer], PlatformRunner]
STARTERS: dict[str, Starter] = {}


def serve(app: App, *, stop: threading.Event | None = None) -> None:
    stop = stop or _stop_on_signals()
    http = HttpServer(host=app.settings.http_host, port=app.settings.http_port)
    http.add_health_check("database", lambda: _database_answers(app))
    runners: list[PlatformRunner] = []
    for platform in app.settings.platforms:
        starter = STARTERS.get(platform)
        if starter is None:
            raise ConfigError(f"Plateforme non prise en charge par cette version : {platform}.")
        runner = starter(app, http)
        http.add_health_check(platform, runner.healthy)
        runners.append(runner)
    worker = OutboxWorker(app.outbox)
    worker.start()
    scheduler = start_background(app.ticker)
    http.add_health_check("scheduler", lambda: scheduler.running)
    http.start()
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


def _database_answers(app: App) -> bool:
    with app.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return True


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    return stop
