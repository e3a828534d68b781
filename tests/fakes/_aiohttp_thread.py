"""Run an aiohttp application in a background thread, so that synchronous tests can use it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from types import TracebackType
from typing import Any, Self, TypeVar

from aiohttp import WSCloseCode, web

T = TypeVar("T")

_START_TIMEOUT = 10.0


def authorization_token(request: web.Request, schemes: tuple[str, ...] = ("bearer",)) -> str | None:
    """The token of an `Authorization: <scheme> <token>` header, if the scheme is accepted."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() not in schemes or not token:
        return None
    return token


class AiohttpThread:
    """Serves one aiohttp app on 127.0.0.1 (ephemeral port) from its own event loop and thread.

    Handlers run on that loop; other threads reach it through `call()`. Websockets registered in
    `websockets` are closed on stop, since the server would otherwise wait for them to end.
    """

    def __init__(self, app: web.Application, name: str) -> None:
        self._app = app
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._startup_error: BaseException | None = None
        self.port = 0
        self.websockets: set[web.WebSocketResponse] = set()
        app.on_shutdown.append(self._close_websockets)

    def start(self) -> None:
        """Start serving; returns once the port is bound."""
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(ready,), name=self._name, daemon=True
        )
        self._thread.start()
        if not ready.wait(_START_TIMEOUT):
            raise TimeoutError(f"{self._name} did not start")
        if self._startup_error is not None:
            raise RuntimeError(f"{self._name} failed to start") from self._startup_error

    def stop(self) -> None:
        """Close websockets, stop the server and join the thread; safe to call twice."""
        if self._thread is None or self._loop is None or self._stopping is None:
            return
        self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(_START_TIMEOUT)
        self._thread = None

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 5.0) -> T:
        """Run a coroutine on the server loop from another thread and return its result."""
        if self._loop is None or self._thread is None:
            coro.close()
            raise RuntimeError(f"{self._name} is not running")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def _run(self, ready: threading.Event) -> None:
        try:
            asyncio.run(self._serve(ready))
        except BaseException as exc:  # reported to start() rather than lost in the thread
            self._startup_error = exc
            ready.set()

    async def _serve(self, ready: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        runner = web.AppRunner(self._app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            self.port = runner.addresses[0][1]
            ready.set()
            await self._stopping.wait()
        finally:
            await runner.cleanup()

    async def _close_websockets(self, _app: web.Application) -> None:
        for ws in list(self.websockets):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")


class ServedFake:
    """The start/stop/context-manager lifecycle the fakes share around their `AiohttpThread`."""

    _server: AiohttpThread

    def start(self) -> Self:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
