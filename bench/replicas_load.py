"""Two Relais replicas on one PostgreSQL under concurrent Slack slash commands.

Starts the fake Slack Web API, two `relais serve` processes in Slack HTTP mode on the same
database and `--workers` `relais worker` processes (1 by default: the replicas only record and
acknowledge, the workers handle), then sends signed `/relais aide` commands
for D seconds, alternating between the replicas as a round-robin proxy would. Reports the time
to acknowledge (p50/p95/p99/max), throughput and errors, per replica and overall.

Closed loop (default): C clients, each sending its next command when the previous one is
answered. Open loop (`--rate R`): R commands a second on a fixed schedule whatever the answers,
each timed from the moment it was due to leave, so a server falling behind shows as latency
(a client that cannot keep up counts the wait as latency too) instead of as fewer requests.

    .venv/bin/python bench/replicas_load.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB
        [--clients 200 | --rate 100] [--seconds 60] [--processes 4] [--workers 1]
        [--profile bench/profiles/NAME]

The database is emptied first (schema dropped and migrated again). With `--profile`, `py-spy
record` samples each Relais process for the whole load (one flame graph each, threads apart:
`NAME-replica1.svg`, `NAME-replica2.svg`, `NAME-worker1.svg`). After the load the script reports
the commands acknowledged but not yet handled (the inbox's backlog) and how long each process
took to finish its work and exit after SIGTERM.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import statistics
import subprocess
import sys
import threading
import time
from multiprocessing.queues import Queue
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from slack_sdk.signature import SignatureVerifier  # noqa: E402
from sqlalchemy import text  # noqa: E402

from bench.slack_ack import (  # noqa: E402
    SECRET,
    WORKER_NICE,
    body_for,
    fake_slack_process,
    free_port,
    relais_process,
    wait_healthy,
)
from store.db import make_engine  # noqa: E402

Sample = tuple[int, float, bool]
USERS = 100  # members the open loop's commands come from


def start_replica(
    port: int,
    database_url: str,
    slack_url: str,
    workdir: Path,
    *,
    role: str = "serve",
    nice: int = 0,
) -> subprocess.Popen[bytes]:
    log = (workdir / f"{role}-{port}.log").open("wb")
    return relais_process(
        role, port=port, database_url=database_url, slack_url=slack_url, output=log, nice=nice
    )


def profile(pid: int, output: Path, seconds: float) -> subprocess.Popen[bytes]:
    """py-spy sampling a replica at 100 Hz, one stack per thread, for `seconds`."""
    spy = Path(sys.executable).with_name("py-spy")
    command = [str(spy), "record", "--pid", str(pid), "--threads", "--rate", "100"]
    command += ["--duration", str(int(seconds)), "--nonblocking", "--output", str(output)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def signed(verifier: SignatureVerifier, body: str) -> dict[str, str]:
    stamp = str(int(time.time()))
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": verifier.generate_signature(timestamp=stamp, body=body) or "",
    }


class Connections:
    """One keep-alive connection per replica, reopened after an error."""

    def __init__(self, ports: list[int]) -> None:
        self._open = {p: http.client.HTTPConnection("127.0.0.1", p, timeout=30) for p in ports}

    def post(self, port: int, body: str, headers: dict[str, str]) -> bool:
        try:
            self._open[port].request("POST", "/slack/events", body=body.encode(), headers=headers)
            answer = self._open[port].getresponse()
            answer.read()
            return answer.status == 200
        except OSError:
            self._open[port].close()
            self._open[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            return False

    def close(self) -> None:
        for connection in self._open.values():
            connection.close()


def client_process(
    ports: list[int], first: int, count: int, seconds: float, out: Queue[list[Sample]]
) -> None:
    """Closed loop: `count` clients, each sending when its previous command was answered."""
    samples: list[Sample] = []
    lock = threading.Lock()
    verifier = SignatureVerifier(SECRET)
    stop_at = time.monotonic() + seconds

    def client(index: int) -> None:
        connections = Connections(ports)
        n = 0
        while time.monotonic() < stop_at:
            port = ports[(index + n) % len(ports)]
            body = body_for("aide", index, n)
            headers = signed(verifier, body)
            started = time.perf_counter()
            ok = connections.post(port, body, headers)
            with lock:
                samples.append((port, time.perf_counter() - started, ok))
            n += 1
        connections.close()

    threads = [threading.Thread(target=client, args=(first + i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put(samples)


def open_loop_process(
    ports: list[int], rate: float, seconds: float, senders: int, out: Queue[list[Sample]]
) -> None:
    """Open loop: command k of this process is due at start + k / rate, sent by the first free
    sender, and timed from that due moment (queueing included)."""
    samples: list[Sample] = []
    lock = threading.Lock()
    verifier = SignatureVerifier(SECRET)
    total = int(rate * seconds)
    start = time.perf_counter() + 0.5
    counter = iter(range(total))

    def sender() -> None:
        connections = Connections(ports)
        while True:
            with lock:
                k = next(counter, None)
            if k is None:
                break
            due = start + k / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            port = ports[k % len(ports)]
            body = body_for("aide", k % USERS, k)
            ok = connections.post(port, body, signed(verifier, body))
            with lock:
                samples.append((port, time.perf_counter() - due, ok))
        connections.close()

    threads = [threading.Thread(target=sender) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put(samples)


def backlog(database_url: str) -> int:
    """Commands recorded in the inbox and acknowledged, but not handled yet."""
    engine = make_engine(database_url)
    with engine.connect() as connection:
        waiting = connection.scalar(
            text("SELECT count(*) FROM inbox_events WHERE status = 'pending'")
        )
    engine.dispose()
    return int(waiting or 0)


def stop_all(processes: dict[str, subprocess.Popen[bytes]]) -> dict[str, float]:
    """SIGTERM to each; seconds until each finished the work it acknowledged and exited."""
    started = time.monotonic()
    for process in processes.values():
        process.terminate()
    took = {}
    for name, process in processes.items():
        try:
            process.wait(max(1.0, 300 - (time.monotonic() - started)))
        except subprocess.TimeoutExpired:
            process.kill()
        took[name] = time.monotonic() - started
    return took


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
    parser.add_argument("--rate", type=float, help="open loop: commands per second in all")
    parser.add_argument("--workers", type=int, default=1, help="`relais worker` processes")
    parser.add_argument("--worker-nice", type=int, default=0, help=WORKER_NICE)
    parser.add_argument("--profile", type=Path, help="flame graphs: path prefix for the SVGs")
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
    users = max(USERS, options.clients)
    fake = context.Process(target=fake_slack_process, args=(urls, stop, users))
    fake.start()
    slack_url = urls.get(timeout=30)
    ports = [free_port(), free_port()]
    processes: dict[str, subprocess.Popen[bytes]] = {}
    processes["replica1"] = start_replica(ports[0], options.database_url, slack_url, workdir)
    wait_healthy(ports[0])  # the first one migrates and loads the sample corpus
    processes["replica2"] = start_replica(ports[1], options.database_url, slack_url, workdir)
    wait_healthy(ports[1])
    for number in range(1, options.workers + 1):
        port = free_port()
        processes[f"worker{number}"] = start_replica(
            port, options.database_url, slack_url, workdir, role="worker", nice=options.worker_nice
        )
        wait_healthy(port)
    try:
        out: Queue[list[Sample]] = context.Queue()
        if options.rate:
            per_process = options.rate / options.processes
            senders = max(20, options.clients // options.processes)
            clients = [
                context.Process(
                    target=open_loop_process,
                    args=(ports, per_process, options.seconds, senders, out),
                )
                for i in range(options.processes)
            ]
        else:
            share = options.clients // options.processes
            clients = [
                context.Process(
                    target=client_process, args=(ports, i * share, share, options.seconds, out)
                )
                for i in range(options.processes)
            ]
        for process in clients:
            process.start()
        spies = [
            profile(process.pid, Path(f"{options.profile}-{name}.svg"), options.seconds)
            for name, process in processes.items()
            if options.profile
        ]
        samples = [s for _ in clients for s in out.get(timeout=options.seconds + 300)]
        for process in clients:
            process.join()
        waiting = backlog(options.database_url)
        for spy in spies:
            spy.wait()
    finally:
        took = stop_all(processes)
        stop.set()
        fake.join(10)

    where = options.database_url.split("@")[-1]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    shape = (
        f"open loop, {options.rate:g} commands/s" if options.rate else f"{options.clients} clients"
    )
    workers = f" + {options.workers} worker(s)" + (
        f" at nice {options.worker_nice}" if options.worker_nice else ""
    )
    print(f"{shape}, {options.seconds:.0f} s, 2 replicas{workers}, {where}; load average {load}")
    print("| target | requests | errors | p50 ms | p95 ms | p99 ms | max ms | req/s |")
    print("|---|---|---|---|---|---|---|---|")
    for index, port in enumerate(ports, 1):
        print(row(f"replica {index}", [s for s in samples if s[0] == port], options.seconds))
    print(row("both", samples, options.seconds))
    print(
        f"acknowledged but not yet handled when the load stopped: {waiting}; "
        + ", ".join(
            f"{name} exited {seconds:.1f} s after SIGTERM" for name, seconds in took.items()
        )
    )


if __name__ == "__main__":
    main()
