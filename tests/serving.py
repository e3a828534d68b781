"""A live `serve` in a thread for tests that talk HTTP to it: the URL, then a clean stop."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from bot.app import App
from bot.http import HttpServer
from bot.serve import ALL, serve


@contextmanager
def running_app(app: App, roles: frozenset[str] = ALL) -> Iterator[str]:
    """Serves `app` in the given roles until the block ends; yields its base URL."""
    stop, ready = threading.Event(), threading.Event()
    server: list[HttpServer] = []

    def started(http: HttpServer) -> None:
        server.append(http)
        ready.set()

    thread = threading.Thread(
        target=serve, kwargs={"app": app, "roles": roles, "stop": stop, "on_ready": started}
    )
    thread.start()
    try:
        assert ready.wait(10)
        yield f"http://127.0.0.1:{server[0].port}"
    finally:
        stop.set()
        thread.join(10)
        app.close()
