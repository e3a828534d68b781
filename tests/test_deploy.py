"""The deployment files say what the code can run (Docker cannot run here, so their structure
is checked): web replicas behind the proxy run `relais serve`, workers run `relais worker`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from typer.main import get_command

from bot.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded["services"]


def commands() -> set[str]:
    return set(get_command(cli).commands)  # type: ignore[attr-defined]


def test_web_replicas_serve_and_workers_work() -> None:
    services = compose()
    roles = {name: service.get("command") for name, service in services.items()}
    web = {name for name, command in roles.items() if command == ["serve"]}
    workers = {name for name, command in roles.items() if command == ["worker"]}
    assert len(web) >= 2 and len(workers) >= 1
    assert {"serve", "worker", "run"} <= commands()
    for name in web | workers:
        assert services[name]["build"] == "."
        assert "RELAIS_DATABASE_URL" in services[name]["environment"]


def test_the_proxy_sends_requests_to_every_web_replica_and_no_worker() -> None:
    services = compose()
    conf = (ROOT / "deploy/nginx/relais.conf").read_text()
    upstream = set(re.findall(r"^\s*server ([\w-]+):3000", conf, re.MULTILINE))
    web = {name for name, service in services.items() if service.get("command") == ["serve"]}
    assert upstream == web
    assert set(services["proxy"]["depends_on"]) == web


def test_the_image_runs_a_known_command() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    entry = re.search(r"^ENTRYPOINT (.+)$", dockerfile, re.MULTILINE)
    cmd = re.search(r"^CMD (.+)$", dockerfile, re.MULTILINE)
    assert entry and cmd
    assert json.loads(entry.group(1)) == ["relais"]
    assert json.loads(cmd.group(1))[0] in commands()


def test_when_the_cores_are_busy_the_acknowledgements_come_before_the_workers_handling() -> None:
    """Docker's default weight is 1024: a web replica without `cpu_shares` has it."""
    services = compose()
    weight = {name: service.get("cpu_shares", 1024) for name, service in services.items()}
    web = [weight[n] for n, s in services.items() if s.get("command") == ["serve"]]
    workers = [weight[n] for n, s in services.items() if s.get("command") == ["worker"]]
    assert max(workers) * 64 <= min(web)
