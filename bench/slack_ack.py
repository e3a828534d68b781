"""Time to acknowledge Slack slash commands over HTTP, Relais beside a Bolt app that only acks.

Relais as production runs it: the measured process is a `relais serve` receiver (Relais's Slack
adapter in the web role behind `bot.http.HttpServer`, uvicorn; signature checked by Bolt, the
event recorded in the inbox, then the ack), next to a no-op Bolt app behind another
`HttpServer`, the same server. The handling is done by a `relais worker` subprocess on the same
database, woken by the inbox's doorbell. The fake Slack Web API (tests/fakes) and the load
clients run in processes of their own. Scenarios run in interleaved batches; each batch sends
signed slash commands from C concurrent clients (one keep-alive connection each), then waits
until the worker has drained the inbox ("work left": how long that took after the batch). The
servers' CPU per request is this process's CPU time during the batches (the clients, the fake
Slack and the worker are other processes): it moves less than the p99 between runs. A
PostgreSQL database is emptied first (schema dropped and migrated again).

`--busy` runs bench/checkin_punctuality.py over and over beside it (2,000 check-ins due at
once, the scheduler and the outbox of a `relais worker` in another process), for the ack tail
while background work shares the machine. `--worker-nice 19` gives the worker (and the busy
run, whose scheduler and outbox are worker work) about the CPU weight docker-compose.yml gives
it against the web replicas (cpu_shares 16 against 1024); `--no-worker` measures the
acknowledgements alone (nothing handles them).

    .venv/bin/python bench/slack_ack.py                # 1,000 commands per scenario, SQLite
    .venv/bin/python bench/slack_ack.py --busy         # the same beside check-ins falling due
    .venv/bin/python bench/slack_ack.py --database-url postgresql+psycopg://postgres@127.0.0.1/db
        [--worker-nice 19]
"""

from __future__ import annotations

import argparse
import atexit
import http.client
import multiprocessing
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import IO
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from slack_bolt import Ack, BoltRequest  # noqa: E402
from slack_bolt import App as BoltApp  # noqa: E402
from slack_sdk import WebClient  # noqa: E402
from slack_sdk.signature import SignatureVerifier  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy import text as sql  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from store.db import make_engine  # noqa: E402
from store.models import InboxEvent  # noqa: E402

SECRET = "bench-signing-secret-0123456789abcdef"
QUESTION = "projets qui a fait du lean à l'hôpital ?"
WORKER_NICE = (
    "the worker's nice value (and the --busy run's): docker-compose.yml gives the worker "
    "cpu_shares 16 against the web replicas' 1024, and processes sharing one cgroup, as here, "
    "get about that 1:64 weight at nice 19 (weight 15 against 1024)"
)
Job = tuple[int, str, int, int]


@dataclass
class Result:
    name: str
    times: list[float] = field(default_factory=list)
    errors: int = 0
    wall: float = 0.0
    queued: float = 0.0
    cpu: float = 0.0

    @property
    def p99(self) -> float:
        ordered = sorted(self.times)
        return ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000

    def line(self) -> str:
        ordered = sorted(self.times)
        p50 = statistics.median(ordered) * 1000
        p99 = self.p99
        return (
            f"| {self.name} | {len(ordered)} | {self.errors} | {p50:.1f} | {p99:.1f} | "
            f"{ordered[-1] * 1000:.1f} | {len(ordered) / self.wall:.0f} | "
            f"{self.cpu / len(ordered) * 1000:.3f} | {self.queued:.1f} s |"
        )


# ---------------------------------------------------------------- load clients (own process)


def body_for(text: str, client: int, n: int) -> str:
    return urlencode(
        {
            "token": "x",
            "team_id": "T0RELAIS",
            "team_domain": "bench",
            "channel_id": f"C0BENCH{client:02d}",
            "channel_name": f"bench-{client}",
            "user_id": f"U0BENCH{client:02d}",
            "user_name": f"membre{client}",
            "command": "/relais",
            "text": text,
            "api_app_id": "A0RELAIS",
            "response_url": "http://127.0.0.1:9/unused",
            "trigger_id": f"{client}.{n}.{time.monotonic_ns()}",
        }
    )


def send_batch(port: int, text: str, requests: int, clients: int) -> tuple[list[float], int, float]:
    """`requests` signed commands from `clients` threads; (times to answer, errors, wall time)."""
    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    verifier = SignatureVerifier(SECRET)

    def client(index: int) -> None:
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for n in range(index, requests, clients):
            body = body_for(text, index, n)
            stamp = str(int(time.time()))
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": stamp,
                "X-Slack-Signature": verifier.generate_signature(timestamp=stamp, body=body),
            }
            started = time.perf_counter()
            try:
                connection.request("POST", "/slack/events", body=body.encode(), headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = time.perf_counter() - started
            with lock:
                times.append(elapsed)
                errors += not ok
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, errors, time.perf_counter() - started


def load_process(jobs: Queue[Job | None], results: Queue[tuple[list[float], int, float]]) -> None:
    for port, text, requests, clients in iter(jobs.get, None):
        results.put(send_batch(port, text, requests, clients))


# ---------------------------------------------------------------- fake Slack (own process)


def fake_slack_process(urls: Queue[str], stop: Event, clients: int) -> None:
    from tests.fakes.slack_server import FakeSlack

    with FakeSlack(bot_token="xoxb-bench") as fake:
        for i in range(clients):
            fake.add_user(f"U0BENCH{i:02d}", f"membre{i}")
            fake.add_channel(f"C0BENCH{i:02d}", f"bench-{i}")
        urls.put(fake.base_url)
        stop.wait()


# ---------------------------------------------------------------- servers (this process)


def bolt_route(bolt: BoltApp) -> Callable[..., object]:
    from bot.http import Request, Response

    def handle(request: Request) -> Response:
        answer = bolt.dispatch(
            BoltRequest(body=request.body.decode(), query=request.query, headers=request.headers)
        )
        headers = {k: v[0] for k, v in answer.headers.items() if v}
        return Response(answer.status, (answer.body or "").encode(), headers)

    return handle


def noop_bolt(base_url: str) -> BoltApp:
    """Configured like Relais's (listener run in the request thread): only the work differs."""
    bolt = BoltApp(
        client=WebClient(token="xoxb-bench", base_url=base_url),
        signing_secret=SECRET,
        process_before_response=True,
    )

    @bolt.command(re.compile(".*"))
    def only_ack(ack: Ack) -> None:
        ack()

    return bolt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="per scenario")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10, help="interleaved batches")
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--busy", action="store_true", help="run bench/checkin_punctuality.py beside it"
    )
    parser.add_argument("--worker-nice", type=int, default=0, help=WORKER_NICE)
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help="acknowledgements only: no `relais worker`, the inbox is not drained between batches",
    )
    parser.add_argument(
        "--compare-stdlib",
        action="store_true",
        help="the same routes also behind the standard library's ThreadingHTTPServer",
    )
    options = parser.parse_args()

    spawn = multiprocessing.get_context("spawn")
    urls: Queue[str] = spawn.Queue()
    stop = spawn.Event()
    jobs: Queue[Job | None] = spawn.Queue()
    answers: Queue[tuple[list[float], int, float]] = spawn.Queue()
    fake = spawn.Process(target=fake_slack_process, args=(urls, stop, options.clients))
    load = spawn.Process(target=load_process, args=(jobs, answers))
    fake.start()
    load.start()
    busy = Busy(options.worker_nice) if options.busy else None
    try:
        results = measure(options, urls.get(timeout=60), jobs, answers)
    finally:
        jobs.put(None)
        stop.set()
        load.join(30)
        fake.join(30)
        if busy is not None:
            busy.stop()
    db = "PostgreSQL" if options.database_url else "SQLite"
    beside = f", beside {busy.runs} run(s) of checkin_punctuality.py" if busy else ", quiet"
    if options.worker_nice:
        beside += f", worker at nice {options.worker_nice}"
    if options.no_worker:
        beside += ", no worker (acknowledgements only)"
    print(
        f"{options.requests} signed slash commands per scenario, {options.clients} concurrent "
        f"clients, {options.rounds} interleaved rounds, {db}{beside}"
    )
    print(
        "| scenario | requests | errors | p50 ms | p99 ms | max ms | req/s "
        "| server CPU ms/request | work left |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for result in results:
        print(result.line())
    noop, relais = results[0], results[1]
    print(f"p99 Relais `/relais aide` / p99 Bolt no-op: {relais.p99 / noop.p99:.2f}x")


class StdlibServer:
    """The server Relais had before uvicorn (a ThreadingHTTPServer with a large backlog, one
    thread per connection), around the same routes, for comparison in the same run."""

    def __init__(self, dispatch: Callable[..., object]) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs, urlsplit

        from bot.http import Request

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                response = dispatch(
                    Request(
                        method=self.command,
                        path=parts.path,
                        query=parse_qs(parts.query),
                        headers={k.lower(): v for k, v in self.headers.items()},
                        body=self.rfile.read(length),
                    )
                )
                self.send_response(response.status)  # type: ignore[attr-defined]
                for name, value in response.headers.items():  # type: ignore[attr-defined]
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(response.body)))  # type: ignore[attr-defined]
                self.end_headers()
                self.wfile.write(response.body)  # type: ignore[attr-defined]

            def log_message(self, *_args: object) -> None:
                return None

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 1024

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class Busy:
    """bench/checkin_punctuality.py again and again in its own process until stopped, at the
    worker's `nice` (its scheduler and outbox are a worker's work)."""

    def __init__(self, nice: int = 0) -> None:
        self.runs = 0
        self._nice = nice
        self._stopping = threading.Event()
        self._process: subprocess.Popen[bytes] | None = None
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        script = ROOT / "bench" / "checkin_punctuality.py"
        while not self._stopping.is_set():
            self._process = subprocess.Popen(
                ["nice", "-n", str(self._nice), sys.executable, str(script), "--head", "20"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self._process.wait()
            self.runs += 1

    def stop(self) -> None:
        self._stopping.set()
        if self._process is not None:
            self._process.terminate()
        self._thread.join(30)


def measure(
    options: argparse.Namespace,
    base_url: str,
    jobs: Queue[Job | None],
    answers: Queue[tuple[list[float], int, float]],
) -> list[Result]:
    from bot.adapters.slack.runner import connect
    from bot.app import build
    from bot.config import Settings
    from bot.http import HttpServer
    from bot.serve import freeze_startup_objects

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=options.database_url or f"sqlite:///{tmp}/bench.db",
            slack_bot_token="xoxb-bench",
            slack_signing_secret=SECRET,
            slack_api_url=base_url,
            sample_data=True,
            log_level="WARNING",
        )
        if options.database_url:  # no backlog of an earlier run (inbox, outbox)
            empty_schema(options.database_url)
        app = build(settings)
        adapter = connect(app, handles=False)
        worker = None
        if not options.no_worker:
            worker = start_worker(settings.database_url, base_url, options.worker_nice)
            atexit.register(worker.kill)
        settle = (lambda timeout: None) if worker is None else partial(drain, app.sessions)
        relais = HttpServer(host="127.0.0.1", port=0)
        adapter.listen(relais)
        noop = HttpServer(host="127.0.0.1", port=0)
        noop.route("POST", "/slack/events", bolt_route(noop_bolt(base_url)))  # type: ignore[arg-type]
        freeze_startup_objects()  # as `relais serve` does before it serves
        relais.start()
        noop.start()
        scenarios = {
            "Bolt no-op (listener only acks)": (noop.port, "aide"),
            "Relais `/relais aide`": (relais.port, "aide"),
            f"Relais `/relais {QUESTION}`": (relais.port, QUESTION),
        }
        stdlib: list[StdlibServer] = []
        if options.compare_stdlib:
            stdlib = [StdlibServer(noop.dispatch), StdlibServer(relais.dispatch)]
            scenarios["stdlib ThreadingHTTPServer: Bolt no-op"] = (stdlib[0].port, "aide")
            scenarios["stdlib ThreadingHTTPServer: Relais `/relais aide`"] = (
                stdlib[1].port,
                "aide",
            )
        results = {name: Result(name) for name in scenarios}
        jobs.put((relais.port, "aide", options.clients * 2, options.clients))
        answers.get()
        settle(120)
        for _ in range(options.rounds):
            for name, (port, text) in scenarios.items():
                cpu = time.process_time()
                jobs.put((port, text, options.requests // options.rounds, options.clients))
                times, errors, wall = answers.get()
                cpu = time.process_time() - cpu
                started = time.perf_counter()
                settle(600)
                result = results[name]
                result.times.extend(times)
                result.errors += errors
                result.wall += wall
                result.cpu += cpu
                result.queued += time.perf_counter() - started
        relais.stop()
        noop.stop()
        for server in stdlib:
            server.stop()
        if worker is not None:
            worker.terminate()
            worker.wait(60)
        adapter.stop()
        app.close()
    return list(results.values())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def relais_process(
    role: str,
    *,
    port: int,
    database_url: str,
    slack_url: str,
    output: IO[bytes] | None = None,
    nice: int = 0,
    **settings: str,
) -> subprocess.Popen[bytes]:
    """`relais <role>` on this database and fake Slack, with none of this shell's own Relais,
    Slack or Mattermost settings. `nice`: its CPU weight below the others' (`--worker-nice`)."""
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
        **settings,
    )
    command = ["nice", "-n", str(nice)] * bool(nice) + [sys.executable, "-m", "bot", role]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)


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
    raise SystemExit(f"relais on port {port} did not become healthy")


def start_worker(database_url: str, slack_url: str, nice: int = 0) -> subprocess.Popen[bytes]:
    """`relais worker` on the same database and fake Slack, healthy before the load starts."""
    port = free_port()
    worker = relais_process(
        "worker",
        port=port,
        database_url=database_url,
        slack_url=slack_url,
        nice=nice,
        RELAIS_SAMPLE_DATA="false",
    )
    try:
        wait_healthy(port)
    except SystemExit:
        worker.kill()
        raise
    return worker


def empty_schema(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(sql("DROP SCHEMA public CASCADE"))
        connection.execute(sql("CREATE SCHEMA public"))
    engine.dispose()


def drain(sessions: sessionmaker[Session], timeout: float) -> None:
    """Until the worker has handled every recorded event."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sessions() as session:
            waiting = session.scalar(select(func.count()).where(InboxEvent.status == "pending"))
        if not waiting:
            return
        time.sleep(0.05)


if __name__ == "__main__":
    main()
