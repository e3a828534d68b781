"""The websocket that keeps Relais listening, on `websockets` rather than mattermostdriver's.

The driver's websocket fails on `wss://` (Python ≥ 3.10), leaks its socket on a normal close and
needs the main thread's loop (see FACTS.md). This loop runs in its own thread and event loop:
it answers the authentication challenge with the bot token, pings every 20 s, and reconnects
after any loss with exponential backoff and jitter (1 s → 60 s). Each `hello` (a new
connection) triggers the catch-up; each event is handed over without waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidHandshake, WebSocketException

from bot.metrics import RECONNECTS

log = logging.getLogger(__name__)
State = Literal["connecting", "connected", "disconnected", "stopped"]
PING_INTERVAL = 20.0
UNHEALTHY_AFTER = 120.0


@dataclass
class Backoff:
    """Delays for successive failed attempts: doubling from `first` to `cap`, each jittered."""

    first: float = 1.0
    cap: float = 60.0
    jitter: float = 0.2
    failures: int = 0

    def next_delay(self) -> float:
        base: float = min(self.cap, self.first * 2.0**self.failures)
        self.failures += 1
        return min(self.cap, base * random.uniform(1 - self.jitter, 1 + self.jitter))

    def reset(self) -> None:
        self.failures = 0


class Stream:
    def __init__(
        self,
        *,
        url: str,
        token: str,
        on_hello: Callable[[], None],
        on_event: Callable[[dict[str, Any]], None],
        backoff: Backoff | None = None,
    ) -> None:
        self._url = url
        self._token = token
        self._on_hello = on_hello
        self._on_event = on_event
        self._backoff = backoff or Backoff()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._state: State = "connecting"
        self._since = time.monotonic()
        self._state_lock = threading.Lock()
        self.connections = 0

    # ------------------------------------------------------------ state, for /healthz

    @property
    def state(self) -> State:
        with self._state_lock:
            return self._state

    def _set_state(self, state: State) -> None:
        with self._state_lock:
            if state != self._state:
                self._state = state
                self._since = time.monotonic()

    def healthy(self) -> bool:
        """Connected, or reconnecting for less than two minutes."""
        with self._state_lock:
            if self._state == "connected":
                return True
            return self._state != "stopped" and time.monotonic() - self._since < UNHEALTHY_AFTER

    # ------------------------------------------------------------ lifecycle

    def start(self) -> None:
        ready = threading.Event()
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._main(ready)), name="relais-mattermost-ws", daemon=True
        )
        self._thread.start()
        ready.wait(5.0)

    def stop(self, timeout: float = 5.0) -> None:
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stopping.set)
        if self._thread is not None:
            self._thread.join(timeout)
        self._set_state("stopped")

    async def _main(self, ready: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        ready.set()
        stopper = asyncio.create_task(self._stopping.wait())
        while not self._stopping.is_set():
            self._set_state("connecting")
            session = asyncio.create_task(self._session())
            await asyncio.wait({session, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if self._stopping.is_set():
                session.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await session
                break
            self._set_state("disconnected")
            delay = self._backoff.next_delay()
            log.info("mattermost websocket reconnecting", extra={"delay": round(delay, 2)})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(stopper), delay)

    async def _session(self) -> None:
        """One connection, from the handshake to its loss; never raises."""
        try:
            async with connect(
                self._url, ping_interval=PING_INTERVAL, ping_timeout=PING_INTERVAL, open_timeout=10
            ) as ws:
                await self._authenticate(ws)
                async for raw in ws:
                    self._dispatch(raw)
            log.info("mattermost websocket closed by the server")
        except (OSError, TimeoutError, InvalidHandshake, WebSocketException) as error:
            log.warning("mattermost websocket lost", extra={"error": type(error).__name__})
        except Exception:
            log.exception("mattermost websocket failed")

    async def _authenticate(self, ws: ClientConnection) -> None:
        challenge = {"seq": 1, "action": "authentication_challenge", "data": {"token": self._token}}
        await ws.send(json.dumps(challenge))

    def _dispatch(self, raw: str | bytes) -> None:
        try:
            message = json.loads(raw)
        except ValueError:
            return
        if not isinstance(message, dict):
            return
        event = message.get("event")
        if event == "hello":
            self._backoff.reset()
            self.connections += 1
            if self.connections > 1:
                RECONNECTS.labels("mattermost").inc()
            self._set_state("connected")
            log.info("mattermost websocket connected", extra={"connections": self.connections})
            self._on_hello()
        elif event:
            self._on_event(message)
