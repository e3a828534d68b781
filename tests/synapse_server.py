"""A real Synapse homeserver for the Matrix tests: 127.0.0.1, SQLite, no federation.

Synapse comes from the package index with the dev extras (`matrix-synapse`); when it cannot
be imported the Matrix tests skip with that reason. One server is started per test session
(about 10 s on these machines) in a temporary directory; users are created through the
shared-secret registration API, open registration stays off.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import yaml

SERVER_NAME = "relais.test"
STARTUP_SECONDS = 90.0


@dataclass(frozen=True)
class Account:
    user_id: str
    access_token: str
    password: str

    @property
    def localpart(self) -> str:
        return self.user_id[1:].split(":", 1)[0]


@dataclass
class Synapse:
    """A running homeserver: its base URL and how to create accounts on it."""

    url: str
    shared_secret: str
    server_name: str = SERVER_NAME
    accounts: dict[str, Account] = field(default_factory=dict)

    def register(self, localpart: str, *, admin: bool = False) -> Account:
        """Creates (once) and returns the account `localpart` through the shared secret."""
        if localpart in self.accounts:
            return self.accounts[localpart]
        endpoint = f"{self.url}/_synapse/admin/v1/register"
        nonce = requests.get(endpoint, timeout=10).json()["nonce"]
        password = f"mot-de-passe-{localpart}"
        signed = "\x00".join((nonce, localpart, password, "admin" if admin else "notadmin"))
        mac = hmac.new(self.shared_secret.encode(), signed.encode(), digestmod=hashlib.sha1)
        body = {
            "nonce": nonce,
            "username": localpart,
            "password": password,
            "admin": admin,
            "mac": mac.hexdigest(),
        }
        answer = requests.post(endpoint, json=body, timeout=30)
        answer.raise_for_status()
        data = answer.json()
        account = Account(data["user_id"], data["access_token"], password)
        self.accounts[localpart] = account
        return account

    def unlimit(self, user_id: str) -> None:
        """Lifts the message rate limit of `user_id`, as operators do for bot accounts."""
        admin = self.register("operateur", admin=True)
        answer = requests.post(
            f"{self.url}/_synapse/admin/v1/users/{user_id}/override_ratelimit",
            json={"messages_per_second": 0, "burst_count": 0},
            headers={"Authorization": f"Bearer {admin.access_token}"},
            timeout=10,
        )
        answer.raise_for_status()

    def api(self, account: Account, method: str, path: str, **body: Any) -> dict[str, Any]:
        """One Client-Server API call as `account` (for what nio does not wrap)."""
        answer = requests.request(
            method,
            f"{self.url}/_matrix/client/v3{path}",
            json=body or None,
            headers={"Authorization": f"Bearer {account.access_token}"},
            timeout=30,
        )
        answer.raise_for_status()
        result: dict[str, Any] = answer.json()
        return result


def synapse_missing() -> str | None:
    """Why Synapse cannot run here, or None when it can."""
    if importlib.util.find_spec("synapse") is None:
        return "matrix-synapse is not installed (pip install -e '.[dev]' installs it)"
    if importlib.util.find_spec("nio") is None:
        return "matrix-nio is not installed"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _configure(directory: Path, port: int) -> str:
    config_path = directory / "homeserver.yaml"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "synapse.app.homeserver",
            "--server-name",
            SERVER_NAME,
            "--config-path",
            str(config_path),
            "--data-directory",
            str(directory),
            "--generate-config",
            "--report-stats=no",
        ],
        cwd=directory,
        check=True,
        capture_output=True,
        timeout=120,
    )
    config = yaml.safe_load(config_path.read_text())
    config["listeners"] = [
        {
            "port": port,
            "bind_addresses": ["127.0.0.1"],
            "type": "http",
            "tls": False,
            "x_forwarded": False,
            "resources": [{"names": ["client"], "compress": False}],
        }
    ]
    config["database"] = {"name": "sqlite3", "args": {"database": str(directory / "synapse.db")}}
    config["trusted_key_servers"] = []
    config["suppress_key_server_warning"] = True
    config["federation_domain_whitelist"] = []
    config["enable_registration"] = False
    config["presence"] = {"enabled": False}
    config["url_preview_enabled"] = False
    generous = {"per_second": 100, "burst_count": 1000}
    config["rc_registration"] = generous
    config["rc_login"] = {"address": generous, "account": generous, "failed_attempts": generous}
    config["rc_joins"] = {"local": generous, "remote": generous}
    config["rc_invites"] = {"per_room": generous, "per_user": generous, "per_issuer": generous}
    config["rc_room_creation"] = generous
    config["rc_message"] = {"per_second": 2, "burst_count": 6}
    config_path.write_text(yaml.safe_dump(config))
    secret: str = config["registration_shared_secret"]
    return secret


def start_synapse(directory: Path) -> Iterator[Synapse]:
    """Starts Synapse in `directory`, yields it once it answers, stops it afterwards."""
    port = _free_port()
    secret = _configure(directory, port)
    log = (directory / "synapse.out").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "synapse.app.homeserver", "-c", str(directory / "homeserver.yaml")],
        cwd=directory,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "SYNAPSE_CACHE_FACTOR": "0.1"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, directory)
        yield Synapse(url=url, shared_secret=secret)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_up(url: str, process: subprocess.Popen[bytes], directory: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = (directory / "synapse.out").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"Synapse exited with {process.returncode}:\n{tail}")
        try:
            if requests.get(f"{url}/_matrix/client/versions", timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"Synapse did not answer within {STARTUP_SECONDS:.0f} s")
