"""One matrix-nio client on its own event loop, callable from Relais's worker threads.

Relais handles events in threads (the runtime and the outbox are synchronous); matrix-nio is
asyncio. The client lives on one loop in a daemon thread: the sync loop runs there, and the
port's sends are submitted to it with `call`, which waits for the answer. nio's own retries
are switched off (`max_limit_exceeded=0`, `max_timeouts=0`) so that a rate limit or a timeout
comes back to the outbox, which owns retries and pacing.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from nio import AsyncClient, AsyncClientConfig, ErrorResponse

from bot.ports import PermanentError, TransientError

T = TypeVar("T")
CALL_TIMEOUT = 30.0
_PERMANENT = {"M_FORBIDDEN", "M_NOT_FOUND", "M_BAD_JSON", "M_NOT_JSON", "M_UNKNOWN_TOKEN"}


class Connection:
    def __init__(self, *, homeserver: str, user_id: str, access_token: str) -> None:
        self.user_id = user_id
        self._homeserver = homeserver
        self._token = access_token
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="relais-matrix", daemon=True
        )
        self._thread.start()
        self.client: AsyncClient = self.call(self._make_client)

    async def _make_client(self) -> AsyncClient:
        config = AsyncClientConfig(max_limit_exceeded=0, max_timeouts=0, request_timeout=30)
        client = AsyncClient(self._homeserver, self.user_id, config=config)
        client.access_token = self._token
        client.user_id = self.user_id
        return client

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def call(self, factory: Callable[[], Awaitable[T]], *, timeout: float = CALL_TIMEOUT) -> T:
        """Runs `factory()` on the client's loop and waits for it; never call from that loop."""

        async def run() -> T:
            return await factory()

        future = asyncio.run_coroutine_threadsafe(run(), self._loop)
        try:
            return future.result(timeout)
        except (TimeoutError, OSError) as error:
            future.cancel()
            raise TransientError(f"matrix: no answer ({type(error).__name__})") from None

    def close(self) -> None:
        if self._loop.is_closed():
            return
        with contextlib.suppress(TransientError, RuntimeError):
            self.call(self.client.close, timeout=5.0)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5.0)
        self._loop.close()


def checked(response: Any) -> Any:
    """nio answers errors as values; this turns them into the outbox's two kinds of failure."""
    if not isinstance(response, ErrorResponse):
        return response
    code = str(response.status_code or "")
    if code == "M_LIMIT_EXCEEDED":
        retry_ms = response.retry_after_ms or 1000
        raise TransientError("matrix: M_LIMIT_EXCEEDED", retry_after=retry_ms / 1000)
    status = response.transport_response.status if response.transport_response else 0
    if code in _PERMANENT or 400 <= status < 500:
        raise PermanentError(f"matrix: {code or status} {response.message}")
    raise TransientError(f"matrix: {code or status} {response.message}")
