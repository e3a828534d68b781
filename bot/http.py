"""The one HTTP server for everything that arrives over HTTP (Slack, Mattermost, health).

Routes are plain functions from `Request` to `Response`, so adapters stay testable without a
socket; `HttpServer` serves them with uvicorn, a production ASGI server (keep-alive, backlog,
graceful shutdown), chosen by measurement (README, "Benchmarks"). Bolt's own single-threaded
server dropped requests under load (see FACTS.md).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

log = logging.getLogger(__name__)
MAX_BODY = 2 * 1024 * 1024
THREADS = 64
BACKLOG = 2048
# Longer than nginx's upstream keepalive_timeout (60 s), so the proxy never reuses a connection
# the server is closing.
KEEP_ALIVE_SECONDS = 75
GRACE_SECONDS = 30
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)

    def form(self) -> dict[str, str]:
        """A form-encoded body as single values."""
        parsed = parse_qs(self.body.decode("utf-8", errors="replace"), keep_blank_values=True)
        return {key: values[0] for key, values in parsed.items()}

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass(frozen=True)
class Response:
    """`hold`: what must be done before the answer leaves (the event's row committed, for a
    platform that does not send an acknowledged event again); awaited in the server's loop,
    and when it raises the answer is a 500 instead."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    hold: Callable[[], Awaitable[object]] | None = None

    @classmethod
    def json(cls, payload: Any, status: int = 200) -> Response:
        body = json.dumps(payload, ensure_ascii=False).encode()
        return cls(status, body, {"Content-Type": "application/json; charset=utf-8"})

    @classmethod
    def text(cls, text: str, status: int = 200, content_type: str = "text/plain") -> Response:
        return cls(status, text.encode(), {"Content-Type": f"{content_type}; charset=utf-8"})


Route = Callable[[Request], Response]
HealthCheck = Callable[[], bool]


class Routes:
    """The route table and the health checks, without a socket: what adapters register on."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Route] = {}
        self.health_checks: dict[str, HealthCheck] = {}
        self.route("GET", "/healthz", self._healthz)

    def route(self, method: str, path: str, handler: Route) -> None:
        self.routes[(method.upper(), path)] = handler

    def add_health_check(self, name: str, check: HealthCheck) -> None:
        self.health_checks[name] = check

    def dispatch(self, request: Request) -> Response:
        handler = self.routes.get((request.method, request.path))
        if handler is None:
            known = any(path == request.path for _, path in self.routes)
            return Response.text(
                "method not allowed" if known else "not found", 405 if known else 404
            )
        try:
            return handler(request)
        except Exception:
            log.exception("http handler failed", extra={"path": request.path})
            return Response.text("internal error", 500)

    def _healthz(self, _request: Request) -> Response:
        results = {}
        for name, check in self.health_checks.items():
            try:
                results[name] = bool(check())
            except Exception:
                results[name] = False
        healthy = all(results.values())
        return Response.json({"ok": healthy, "checks": results}, 200 if healthy else 503)


class HttpServer(Routes):
    """The routes served by uvicorn (an ASGI server), its event loop in a thread of its own.

    Routes are synchronous (Bolt, SQLAlchemy), so each request runs in a pool of `threads`
    threads: the loop only parses HTTP and keeps connections alive. `stop` is uvicorn's graceful
    shutdown: the listening socket closes first (new connections are refused), requests in
    flight finish and get their answer, idle keep-alive connections close."""

    def __init__(self, *, host: str, port: int, threads: int = THREADS) -> None:
        import uvicorn

        super().__init__()
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="relais-http")
        self._config = uvicorn.Config(
            self._asgi,
            host=host,
            port=port,
            interface="asgi3",
            lifespan="off",
            log_config=None,
            access_log=False,
            backlog=BACKLOG,
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
            timeout_graceful_shutdown=GRACE_SECONDS,
        )
        self._socket = self._config.bind_socket()
        self._server = uvicorn.Server(self._config)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._socket.getsockname()[1])

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._server.run, args=([self._socket],), name="relais-http-loop", daemon=True
        )
        self._thread.start()
        while not self._server.started and self._thread.is_alive():
            time.sleep(0.01)

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(GRACE_SECONDS + 5)
        self._socket.close()
        self._pool.shutdown(wait=True)

    async def _asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = await _body(receive)
        if body is None:
            response = Response.text("payload too large", 413)
        else:
            request = Request(
                method=scope["method"],
                path=scope["path"],
                query=parse_qs(scope["query_string"].decode("latin-1")),
                headers={k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]},
                body=body,
            )
            loop = asyncio.get_running_loop()
            response = await loop.run_in_executor(self._pool, self.dispatch, request)
            response = await _held(response, request.path)
        headers = [
            (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in response.headers.items()
        ]
        headers.append((b"content-length", str(len(response.body)).encode()))
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        await send({"type": "http.response.body", "body": response.body})


async def _held(response: Response, path: str) -> Response:
    if response.hold is None:
        return response
    try:
        await response.hold()
    except Exception as error:
        cause = type(error.__cause__ or error).__name__
        log.warning("answer withheld: hold failed", extra={"path": path, "error": cause})
        return Response.text("internal error", 500)
    return response


async def _body(receive: Receive) -> bytes | None:
    """The whole request body, or None past MAX_BODY."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)
