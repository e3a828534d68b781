"""A fresh `relais serve` does not hold the search stack (tantivy, lingua, rapidfuzz) in memory,
nor, with Mattermost, the signature library (cryptography); a Slack question does not load it
there either (serve records it, the worker answers it): the worker that answers the first
question loads the search stack, and the answer is as before. `bench/idle_rss.py` measures
the memory this leaves out; this checks the behaviour on a real process, through the native
libraries it has mapped (a Python extension is mapped when it is imported)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import requests

from tests.fakes.mattermost_server import FakeMattermost
from tests.slack_harness import SECRET, SlackWorkspace, signed_headers, slash_body
from tests.test_graceful_shutdown import ROOT, answers, free_port, wait

SEARCH_STACK = frozenset({"tantivy", "lingua", "rapidfuzz"})
LAZY = SEARCH_STACK | {"cryptography"}


def loaded(pid: int) -> set[str]:
    maps = Path(f"/proc/{pid}/maps").read_text()
    return {name for name in LAZY if f"/site-packages/{name}/" in maps}


def slack_env(tmp_path: Path, fake: SlackWorkspace, port: int) -> dict[str, str]:
    env = {
        **os.environ,
        "RELAIS_DATABASE_URL": f"sqlite:///{tmp_path / 'relais.db'}",
        "RELAIS_SAMPLE_DATA": "true",
        "RELAIS_HTTP_HOST": "127.0.0.1",
        "RELAIS_HTTP_PORT": str(port),
        "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.base_url,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("SLACK_APP_TOKEN", None)
    return env


def test_the_worker_loads_the_search_stack_with_the_first_question(tmp_path: Path) -> None:
    port = free_port()
    with SlackWorkspace() as fake:
        env = slack_env(tmp_path, fake, port)
        server = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"],
            cwd=tmp_path,
            env=env,
        )
        worker: subprocess.Popen[bytes] | None = None
        try:
            wait(lambda: answers(port) or server.poll() is not None, "relais serve did not start")
            assert server.poll() is None
            idle = loaded(server.pid)
            worker_env = env | {"RELAIS_HTTP_PORT": str(free_port())}
            worker = subprocess.Popen(
                [sys.executable, "-m", "bot", "worker"], cwd=tmp_path, env=worker_env
            )
            body = slash_body(user_id="U0BEA", text="projets qui a fait du lean à l'hôpital ?")
            headers = signed_headers(body, content_type="application/x-www-form-urlencoded")
            acknowledged = requests.post(
                f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers, timeout=30
            )
            wait(lambda: fake.answers() or worker.poll() is not None, "not answered")
            asked, answering = loaded(server.pid), loaded(worker.pid)
        finally:
            for process in (server, worker):
                if process is not None:
                    process.terminate()
                    process.wait(timeout=60)
        assert acknowledged.status_code == 200
        assert idle == asked == set()
        assert "Lean Santé au CHRU de Lille" in fake.answers()[0]
        assert {"tantivy", "rapidfuzz"} <= answering


def test_serve_with_mattermost_loads_neither_search_nor_signatures_at_start(
    tmp_path: Path,
) -> None:
    port = free_port()
    mattermost = FakeMattermost()
    mattermost.start()
    try:
        with SlackWorkspace() as fake:
            env = slack_env(tmp_path, fake, port) | {
                "MATTERMOST_URL": mattermost.base_url,
                "MATTERMOST_TOKEN": mattermost.token,
                "MATTERMOST_TEAM": mattermost.team["name"],
                "MATTERMOST_SLASH_TOKEN": "slash-token-0123456789",
                "RELAIS_ACTION_SECRET": "a" * 32,
                "RELAIS_PUBLIC_URL": "https://relais.exemple.fr",
            }
            server = subprocess.Popen([sys.executable, "-m", "bot", "serve"], cwd=tmp_path, env=env)
            try:
                wait(lambda: answers(port) or server.poll() is not None, "serve did not start")
                assert server.poll() is None
                idle = loaded(server.pid)
            finally:
                server.terminate()
                server.wait(timeout=60)
    finally:
        mattermost.stop()
    assert idle == set()
