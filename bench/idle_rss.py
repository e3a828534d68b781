"""Idle memory of `relais serve` and `relais worker`: VmRSS from /proc once each answers
`/healthz` and has sat idle a few seconds, with Slack (HTTP mode, the fake Web API of
tests/fakes) and, with `--mattermost`, Mattermost configured as well.

    .venv/bin/python bench/idle_rss.py
    .venv/bin/python bench/idle_rss.py --mattermost --database-url postgresql+psycopg://…
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.mattermost_server import FakeMattermost  # noqa: E402
from tests.fakes.slack_server import FakeSlack  # noqa: E402


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
            return bool(answer.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def measure(role: str, env: dict[str, str], port: int, idle: float) -> float:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", role],
        cwd=ROOT,
        env=env | {"RELAIS_HTTP_PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not healthy(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"relais {role} did not start")
            time.sleep(0.2)
        time.sleep(idle)
        return rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--mattermost", action="store_true")
    parser.add_argument("--idle", type=float, default=5.0, help="seconds idle before reading")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as slack:
        env = {
            **os.environ,
            "RELAIS_DATABASE_URL": options.database_url or f"sqlite:///{tmp}/relais.db",
            "RELAIS_HTTP_HOST": "127.0.0.1",
            "RELAIS_LOG_LEVEL": "WARNING",
            "SLACK_BOT_TOKEN": slack.bot_token,
            "SLACK_SIGNING_SECRET": "s" * 32,
            "SLACK_API_URL": slack.base_url,
        }
        env.pop("SLACK_APP_TOKEN", None)
        platforms = "Slack"
        fake = FakeMattermost() if options.mattermost else None
        if fake is not None:
            fake.start()
            platforms += " + Mattermost"
            env |= {
                "MATTERMOST_URL": fake.base_url,
                "MATTERMOST_TOKEN": fake.token,
                "MATTERMOST_TEAM": fake.team["name"],
                "MATTERMOST_SLASH_TOKEN": "slash-token-0123456789",
                "RELAIS_ACTION_SECRET": "a" * 32,
                "RELAIS_PUBLIC_URL": "https://relais.exemple.fr",
            }
        try:
            figures = {
                role: measure(role, env, 3900 + i, options.idle)
                for i, role in enumerate(("serve", "worker", "run"))
            }
        finally:
            if fake is not None:
                fake.stop()
    db = "PostgreSQL" if options.database_url else "SQLite"
    print(f"idle RSS after {options.idle:.0f} s, {platforms}, {db}")
    print("| process | VmRSS MB |")
    print("|---|---|")
    for role, mb in figures.items():
        print(f"| relais {role} | {mb:.1f} |")


if __name__ == "__main__":
    main()
