"""The running service: health and metrics over the one HTTP server."""

from __future__ import annotations

import gc
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import App, build
from bot.http import HttpServer
from bot.serve import serve
from store.db import make_engine
from tests.conftest import make_settings
from tests.serving import running_app


@pytest.fixture
def app(tmp_path: Path) -> App:
    engine = make_engine(f"sqlite:///{tmp_path / 'relais.db'}")
    return build(make_settings(engine, http_port=0, http_host="127.0.0.1"), engine=engine)


@pytest.fixture
def running(app: App) -> Iterator[str]:
    with running_app(app) as url:
        yield url


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def health_within(url: str, seconds: float = 10.0, *, status: int = 200) -> tuple[int, Any]:
    """/healthz once it answers `status`, or its last answer after `seconds` (the scheduler's
    first tick runs in the background right after start)."""
    deadline = time.monotonic() + seconds
    while True:
        answer, body = get(url + "/healthz")
        if answer == status or time.monotonic() > deadline:
            return answer, json.loads(body)
        time.sleep(0.05)


def test_healthz_reports_each_check(running: str) -> None:
    status, body = health_within(running)
    assert status == 200
    assert body == {"ok": True, "checks": {"database": True, "scheduler": True}}


def test_healthz_goes_503_when_the_scheduler_does_not_tick(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    def stuck() -> None:
        raise RuntimeError("tick failed")

    monkeypatch.setattr(app.ticker, "tick", stuck)
    with running_app(app) as url:
        status, body = health_within(url, status=503)
    assert status == 503
    assert body["checks"] == {"database": True, "scheduler": False}


def test_what_start_up_built_is_left_out_of_full_collections_while_serving(app: App) -> None:
    with running_app(app) as url:
        assert get(url + "/healthz")[0] in (200, 503)
        assert gc.get_freeze_count() > 10_000
    assert gc.get_freeze_count() == 0


def test_metrics_are_prometheus_text(running: str) -> None:
    status, body = get(running + "/metrics")
    text = body.decode()
    assert status == 200
    assert "relais_outbox_queue_depth 0.0" in text
    assert "# TYPE relais_events_handled_total counter" in text
    assert "# TYPE relais_handler_seconds histogram" in text


def test_unknown_paths_are_404(running: str) -> None:
    assert get(running + "/nope")[0] == 404


def test_healthz_goes_503_when_the_database_is_down_and_back(postgres_url: str) -> None:
    from sqlalchemy.engine import make_url

    from tests.fakes.tcp_proxy import TcpProxy

    url = make_url(postgres_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    engine = make_engine(proxied, connect_args={"connect_timeout": 2})
    app = build(make_settings(engine, http_port=0, http_host="127.0.0.1"), engine=engine)
    stop, ready = threading.Event(), threading.Event()
    server: list[HttpServer] = []
    thread = threading.Thread(
        target=serve,
        kwargs={"app": app, "stop": stop, "on_ready": lambda h: (server.append(h), ready.set())},
    )
    thread.start()
    try:
        assert ready.wait(10)
        base = f"http://127.0.0.1:{server[0].port}"
        assert health_within(base)[0] == 200
        proxy.cut()
        status, body = get(base + "/healthz")
        assert status == 503 and json.loads(body)["checks"]["database"] is False
        proxy.restore()
        assert health_within(base)[0] == 200
    finally:
        stop.set()
        thread.join(10)
        app.close()
        proxy.close()
