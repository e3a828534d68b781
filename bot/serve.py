"""The long-running roles: `relais serve` (the HTTP side), `relais worker` (the background
side) and `relais run` (both in one process), each until SIGTERM or Ctrl-C.

The web role answers Slack, Mattermost, `/healthz` and `/metrics`. A Slack event is only
recorded in the inbox and acknowledged there: its handling would hold the interpreter lock the
next acknowledgements wait for, so the workers' inbox loop takes it at once (woken by a
notification once the recording commits, `store.doorbell`). Mattermost's commands, buttons and
dialogs are answered in their HTTP response, so the web role handles them itself. The worker
role runs what nobody asks for over HTTP: the inbox loop, the scheduler, the outbox sender
(retries, scheduled messages) and the platforms' streams (Mattermost websocket, Matrix sync,
Slack Socket Mode); its HTTP server only answers `/healthz` and `/metrics`. Several workers may
run at once, as the store's claims hand each due row to one of them. `relais run` (both roles)
handles each event right after its acknowledgement, in the same process.

Platform runners are imported only when configured, so a process loads no SDK it does not use.
"""

from __future__ import annotations

import gc
import importlib
import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import text

from bot.app import App
from bot.config import ConfigError
from bot.http import HttpServer, Routes
from bot.metrics import REGISTRY, metrics_route, watch_queue
from store import outbox as deliveries

log = logging.getLogger(__name__)
WEB = "web"
WORKER = "worker"
ALL = frozenset({WEB, WORKER})


class PlatformRunner(Protocol):
    """A started platform adapter (Slack, Mattermost, Matrix)."""

    def healthy(self) -> bool: ...

    def stop(self) -> None: ...


class Starter(Protocol):
    """A runner's `start`: `routes` to register on (None in a worker), `background` to start
    the platform's stream (None of it in a web process)."""

    def __call__(self, app: App, routes: Routes | None, *, background: bool) -> PlatformRunner: ...


RUNNERS = {
    "slack": "bot.adapters.slack.runner",
    "mattermost": "bot.adapters.mattermost.runner",
    "matrix": "bot.adapters.matrix.runner",
}
# Events a worker handles at once (SQLite has one writer: more threads would only queue).
INBOX_THREADS = {"postgresql": 4}
# Platforms that receive nothing over HTTP: a web process does not connect to them.
STREAM_ONLY = frozenset({"matrix"})


def starter(platform: str) -> Starter:
    module = RUNNERS.get(platform)
    if module is None:
        raise ConfigError(f"Plateforme non prise en charge par cette version : {platform}.")
    start: Starter = importlib.import_module(module).start
    return start


@dataclass
class Background:
    """The worker role's threads, stopped in the reverse order of their start."""

    stops: list[Callable[[], None]] = field(default_factory=list)

    def stop(self) -> None:
        for stop in reversed(self.stops):
            stop()


def serve(
    app: App,
    *,
    roles: frozenset[str] = ALL,
    stop: threading.Event | None = None,
    on_ready: Callable[[HttpServer], None] | None = None,
) -> None:
    """Runs `roles` until `stop` is set (SIGTERM/SIGINT by default); `on_ready` sees the live
    server. Stopping closes the listening socket, lets requests in flight finish and their
    events be handled, then stops the background threads."""
    stop = stop or _stop_on_signals()
    background = WORKER in roles
    http = HttpServer(host=app.settings.http_host, port=app.settings.http_port)
    http.add_health_check("database", lambda: _database_answers(app))
    http.route("GET", "/metrics", metrics_route)
    queue = watch_queue(lambda: _queue_depth(app))
    runners: list[PlatformRunner] = []
    for platform in app.settings.chat_platforms:
        start = starter(platform)
        if not background and platform in STREAM_ONLY:
            continue
        runner = start(app, http if WEB in roles else None, background=background)
        http.add_health_check(platform, runner.healthy)
        runners.append(runner)
    workers = start_background(app, http) if background else Background()
    freeze_startup_objects()
    http.start()
    if on_ready is not None:
        on_ready(http)
    log.info(
        "relais started",
        extra={
            "roles": ",".join(sorted(roles)),
            "platforms": ",".join(app.settings.platforms),
            "port": http.port,
        },
    )
    stop.wait()
    log.info("relais stopping")
    http.stop()
    for runner in runners:
        runner.stop()
    workers.stop()
    REGISTRY.unregister(queue)
    gc.unfreeze()


def freeze_startup_objects() -> None:
    """What start-up built (settings, catalogue, SDK clients, models) lives as long as the
    process: frozen, the collector's full passes no longer walk it. One such pass paused a web
    process for 100 ms under load, every request in flight waiting (bench/slack_ack.py).
    Thawed when serving stops, for a process that goes on (tests)."""
    gc.collect()
    gc.freeze()


def start_background(app: App, http: HttpServer) -> Background:
    """The scheduler, the outbox sender and the inbox retry loop; the scheduler's health."""
    from bot.inbox import InboxWorker
    from bot.outbox import OutboxWorker
    from bot.scheduler import start_background as start_scheduler
    from store.doorbell import Doorbell

    started = Background()
    sender = OutboxWorker(app.outbox)
    sender.start()
    started.stops.append(sender.stop)
    threads = INBOX_THREADS.get(app.engine.dialect.name, 1)
    retries = InboxWorker(app.runtime, doorbell=Doorbell(app.engine), threads=threads)
    retries.start()
    started.stops.append(retries.stop)
    scheduler = start_scheduler(app.ticker)
    started.stops.append(lambda: scheduler.shutdown(wait=False))
    started.stops.append(app.outbox.stopping.set)
    http.add_health_check("scheduler", lambda: scheduler.running and app.ticker.ticking())
    return started


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
