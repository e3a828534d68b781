"""`relais serve` stopped by SIGTERM (a rolling restart): the request in flight still gets its
acknowledgement and its event is recorded before the process exits, for a `relais worker` to
answer; new connections are refused from the signal on."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.slack_harness import SECRET, SlackWorkspace, signed_headers, slash_body

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait(condition: object, what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


def answers(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


def test_sigterm_lets_the_request_in_flight_finish_and_a_worker_answer_it(
    tmp_path: Path,
) -> None:
    port = free_port()
    with SlackWorkspace() as fake:
        env = {
            **os.environ,
            "RELAIS_DATABASE_URL": f"sqlite:///{tmp_path / 'relais.db'}",
            "RELAIS_SAMPLE_DATA": "false",
            "RELAIS_HTTP_HOST": "127.0.0.1",
            "RELAIS_HTTP_PORT": str(port),
            "SLACK_BOT_TOKEN": fake.bot_token,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.base_url,
        }
        env.pop("SLACK_APP_TOKEN", None)
        server = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"],
            cwd=tmp_path,
            env=env | {"PYTHONPATH": str(ROOT)},
        )
        try:
            wait(lambda: answers(port) or server.poll() is not None, "relais serve did not start")
            assert server.poll() is None
            body = slash_body(user_id="U0BEA", text="aide").encode()
            headers = signed_headers(
                body.decode(), content_type="application/x-www-form-urlencoded"
            )
            head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            slow = socket.create_connection(("127.0.0.1", port), timeout=30)
            slow.sendall(
                f"POST /slack/events HTTP/1.1\r\nHost: relais\r\n{head}"
                f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body[:20]
            )
            server.send_signal(signal.SIGTERM)
            wait(lambda: refused(port), "a new connection was accepted after SIGTERM")
            slow.sendall(body[20:])
            answer = slow.makefile("rb").readline()
            slow.close()
            assert server.wait(timeout=60) == 0
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()
        assert answer.startswith(b"HTTP/1.1 200")
        assert fake.answers() == []
        worker = subprocess.Popen(
            [sys.executable, "-m", "bot", "worker"],
            cwd=tmp_path,
            env=env | {"PYTHONPATH": str(ROOT), "RELAIS_HTTP_PORT": str(free_port())},
        )
        try:
            wait(lambda: fake.answers() or worker.poll() is not None, "no worker answered")
        finally:
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=60) == 0
        assert "voici ce que vous pouvez faire" in fake.answers()[0]
