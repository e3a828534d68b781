"""The one HTTP server for everything that arrives over HTTP (Slack, Mattermost, health).

A threaded server with a large listen backlog: Bolt's own single-threaded server dropped
requests under load (see FACTS.md). Routes are plain functions from `Request` to `Response`, so
adapters stay testable without a socket.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger(__name__)
MAX_BODY = 2 * 1024 * 1024


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
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

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
    def __init__(self, *, host: str, port: int) -> None:
        super().__init__()
        self._server = _Server((host, port), _handler_class(self))
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="relais-http", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    allow_reuse_address = True


def _handler_class(server: HttpServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._send(Response.text("payload too large", 413))
                return
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            request = Request(
                method=self.command,
                path=parts.path,
                query=parse_qs(parts.query),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            self._send(server.dispatch(request))

        def _send(self, response: Response) -> None:
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)

        do_GET = do_POST = do_PUT = _serve

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("http %s", format % args)

    return Handler
