"""A PostgreSQL cluster of the test's own, which it may stop and start (never the shared one).

`initdb` refuses to run as root, so the cluster is created and run as the `postgres` user
(`runuser`), in a directory of its own under /tmp, on a free port of 127.0.0.1.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@dataclass
class Cluster:
    bin_dir: Path
    data: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(self.bin_dir / "pg_ctl"), "-D", str(self.data),
             *args],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._pg_ctl("-o", options, "-l", str(self.data / "log"), "-w", "start")

    def stop(self) -> None:
        """A fast shutdown: open connections are cut, as in a real outage or restart."""
        self._pg_ctl("-m", "fast", "-w", "stop")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    bin_dir = _bin_dir()
    if bin_dir is None or shutil.which("runuser") is None or os.geteuid() != 0:
        pytest.skip("needs PostgreSQL's initdb and root to run it as `postgres` (runuser)")
    root = Path(tempfile.mkdtemp(prefix="relais-pg-", dir="/tmp"))
    root.chmod(0o755)
    data = root / "data"
    data.mkdir()
    shutil.chown(data, user="postgres", group="postgres")
    subprocess.run(
        ["runuser", "-u", "postgres", "--", str(bin_dir / "initdb"), "-D", str(data), "-A",
         "trust", "-U", "postgres", "--no-sync"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    cluster = Cluster(bin_dir, data, _free_port())
    cluster.start()
    try:
        yield cluster
    finally:
        try:
            cluster.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)
