"""Two Relais replicas on one PostgreSQL under concurrent Slack slash commands.

Starts the fake Slack Web API, two `relais serve` processes in Slack HTTP mode on the same
database, then C concurrent clients (spread over several processes) send signed `/relais aide`
commands for D seconds, alternating between the replicas as a round-robin proxy would. Reports
the time to acknowledge (p50/p95/p99/max), throughput and errors, per replica and overall.

    .venv/bin/python bench/replicas_load.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB
        [--clients 200] [--seconds 60] [--processes 4]

The database is emptied first (schema dropped and migrated again).
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from multiprocessing.queues import Queue
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from slack_sdk.signature import SignatureVerifier  # noqa: E402
from sqlalchemy import text  # noqa: E402

from bench.slack_ack import SECRET, body_for, fake_slack_process  # noqa: E402
from store.db import make_engine  # noqa: E402

Sample = tuple[int, float, bool]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_replica(
    port: int, database_url: str, slack_url: str, workdir: Path
) -> subprocess.Popen[bytes]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RELAIS_", "SLACK_", "MATTERMOST_"))
    }
    env.update(
        RELAIS_DATABASE_URL=database_url,
        RELAIS_HTTP_HOST="127.0.0.1",
        RELAIS_HTTP_PORT=str(port),
        RELAIS_LOG_LEVEL="WARNING",
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=slack_url,
    )
    log = (workdir / f"replica-{port}.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"], cwd=ROOT, env=env, stdout=log, stderr=log
    )


def wait_healthy(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"replica on port {port} did not become healthy")


def client_process(
    ports: list[int], first: int, count: int, seconds: float, out: Queue[list[Sample]]
) -> None:
    samples: list[Sample] = []
    lock = threading.Lock()
    verifier = SignatureVerifier(SECRET)
    stop_at = time.monotonic() + seconds

    def client(index: int) -> None:
        connections = {p: http.client.HTTPConnection("127.0.0.1", p, timeout=30) for p in ports}
        n = 0
        while time.monotonic() < stop_at:
            port = ports[(index + n) % len(ports)]
            body = body_for("aide", index, n)
            stamp = str(int(time.time()))
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": stamp,
                "X-Slack-Signature": verifier.generate_signature(timestamp=stamp, body=body),
            }
            started = time.perf_counter()
            try:
                connections[port].request(
                    "POST", "/slack/events", body=body.encode(), headers=headers
                )
                answer = connections[port].getresponse()
                answer.read()
                ok = answer.status == 200
            except OSError:
                ok = False
                connections[port].close()
                connections[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            with lock:
                samples.append((port, time.perf_counter() - started, ok))
            n += 1
        for connection in connections.values():
            connection.close()

    threads = [threading.Thread(target=client, args=(first + i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put(samples)


def row(name: str, samples: list[Sample], seconds: float) -> str:
    times = sorted(t for _, t, _ in samples)
    errors = sum(1 for _, _, ok in samples if not ok)

    def pct(p: float) -> float:
        return times[max(0, int(len(times) * p) - 1)] * 1000

    return (
        f"| {name} | {len(times)} | {errors} | {statistics.median(times) * 1000:.1f} | "
        f"{pct(0.95):.1f} | {pct(0.99):.1f} | {times[-1] * 1000:.1f} | {len(times) / seconds:.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--processes", type=int, default=4)
    options = parser.parse_args()

    engine = make_engine(options.database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()

    workdir = Path(os.environ.get("TMPDIR", "/tmp")) / "relais-replicas-bench"
    workdir.mkdir(exist_ok=True)
    context = multiprocessing.get_context("spawn")
    urls: Queue[str] = context.Queue()
    stop = context.Event()
    fake = context.Process(target=fake_slack_process, args=(urls, stop, options.clients))
    fake.start()
    slack_url = urls.get(timeout=30)
    ports = [free_port(), free_port()]
    replicas = [start_replica(ports[0], options.database_url, slack_url, workdir)]
    wait_healthy(ports[0])  # the first one migrates and loads the sample corpus
    replicas.append(start_replica(ports[1], options.database_url, slack_url, workdir))
    wait_healthy(ports[1])
    try:
        out: Queue[list[Sample]] = context.Queue()
        share = options.clients // options.processes
        clients = [
            context.Process(
                target=client_process, args=(ports, i * share, share, options.seconds, out)
            )
            for i in range(options.processes)
        ]
        for process in clients:
            process.start()
        samples = [s for _ in clients for s in out.get(timeout=options.seconds + 120)]
        for process in clients:
            process.join()
    finally:
        for replica in replicas:
            replica.terminate()  # finishes the work it acknowledged, then exits
        for replica in replicas:
            try:
                replica.wait(120)
            except subprocess.TimeoutExpired:
                replica.kill()
        stop.set()
        fake.join(10)

    where = options.database_url.split("@")[-1]
    print(f"{options.clients} clients, {options.seconds:.0f} s, 2 replicas, {where}")
    print("| target | requests | errors | p50 ms | p95 ms | p99 ms | max ms | req/s |")
    print("|---|---|---|---|---|---|---|---|")
    for index, port in enumerate(ports, 1):
        print(row(f"replica {index}", [s for s in samples if s[0] == port], options.seconds))
    print(row("both", samples, options.seconds))


if __name__ == "__main__":
    main()
