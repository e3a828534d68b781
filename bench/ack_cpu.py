"""CPU per Slack acknowledgement, in process: Relais's `relais serve` route beside a no-op Bolt.

`bench/slack_ack.py` measures the latency over HTTP, where the server is CPU-bound under 20
concurrent clients, so its latency follows the CPU each acknowledgement costs. This measures
that CPU without the HTTP server: signed slash commands dispatched straight to the two routes as
`bot.http.HttpServer` does, from an event loop into a pool of threads, each held answer awaited
in the loop (acknowledgements waiting together share one recording statement, `bot.recording`),
one request at a time (`--clients 1`), then 20 at once. Both routes pay the same hand-offs
between the loop and the pool, as in the server (before 8 December 2026 the held answers were
awaited from the dispatching threads, a hand-off the no-op did not pay, which added about 0.1 ms
to Relais's figure). It prints the process CPU and the wall time per request, and how many
events each inbox insert carried. The worker side does not run: events stay in the inbox, which
is emptied first.

    .venv/bin/python bench/ack_cpu.py --database-url postgresql+psycopg://postgres@127.0.0.1/db
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from slack_sdk.signature import SignatureVerifier  # noqa: E402
from sqlalchemy import event  # noqa: E402

from bench.slack_ack import (  # noqa: E402
    SECRET,
    body_for,
    bolt_route,
    empty_schema,
    fake_slack_process,
    noop_bolt,
)
from bot.http import THREADS, Request, Response, Routes  # noqa: E402
from store import inbox  # noqa: E402

Route = Callable[[Request], Response]


def requests_for(count: int, offset: int) -> list[Request]:
    verifier = SignatureVerifier(SECRET)
    made = []
    for n in range(offset, offset + count):
        body = body_for("aide", n % 20, n)
        stamp = str(int(time.time()))
        headers = {
            "content-type": "application/x-www-form-urlencoded",
            "x-slack-request-timestamp": stamp,
            "x-slack-signature": verifier.generate_signature(timestamp=stamp, body=body),
        }
        made.append(Request("POST", "/slack/events", {}, headers, body.encode()))
    return made


def run(
    routes: Routes, requests: Sequence[Request], clients: int, pool: Executor
) -> tuple[float, float]:
    """(CPU ms, wall ms) per request, `clients` requests at once."""

    async def client(part: Sequence[Request]) -> None:
        loop = asyncio.get_running_loop()
        for request in part:
            answer = await loop.run_in_executor(pool, routes.dispatch, request)
            if answer.hold is not None:
                await answer.hold()
            assert answer.status == 200, answer

    async def all_clients() -> None:
        await asyncio.gather(*(client(requests[k::clients]) for k in range(clients)))

    cpu, wall = time.process_time(), time.perf_counter()
    asyncio.run(all_clients())
    per = 1000 / len(requests)
    return (time.process_time() - cpu) * per, (time.perf_counter() - wall) * per


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 20])
    options = parser.parse_args()

    spawn = multiprocessing.get_context("spawn")
    urls: Queue[str] = spawn.Queue()
    stop: Event = spawn.Event()
    fake = spawn.Process(target=fake_slack_process, args=(urls, stop, 20))
    fake.start()
    try:
        measure(options, urls.get(timeout=60))
    finally:
        stop.set()
        fake.join(30)


def measure(options: argparse.Namespace, base_url: str) -> None:
    from bot.adapters.slack.runner import connect
    from bot.app import build
    from bot.config import Settings

    empty_schema(options.database_url)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=options.database_url,
        slack_bot_token="xoxb-bench",
        slack_signing_secret=SECRET,
        slack_api_url=base_url,
        sample_data=True,
        log_level="WARNING",
    )
    app = build(settings)
    adapter = connect(app, handles=False)
    relais = Routes()
    adapter.listen(relais)
    noop = Routes()
    noop.route("POST", "/slack/events", bolt_route(noop_bolt(base_url)))  # type: ignore[arg-type]
    inserts = [0]

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        inserts[0] += "INSERT INTO inbox_events" in statement

    event.listen(app.engine, "before_cursor_execute", count)
    in_loop = inbox.record_in_loop

    async def counted(connection: Any, arrivals: Sequence[inbox.Arrival]) -> list[int | None]:
        inserts[0] += 1
        return await in_loop(connection, arrivals)

    inbox.record_in_loop = counted  # type: ignore[assignment]
    pool = ThreadPoolExecutor(max_workers=THREADS)
    print("| clients | route | CPU ms/request | wall ms/request | events per insert |")
    print("|---|---|---|---|---|")
    offset = 0
    for clients in options.clients:
        for name, routes in [("Bolt no-op", noop), ("Relais", relais)] * 2:
            requests = requests_for(options.requests, offset)
            offset += options.requests
            inserts[0] = 0
            cpu, wall = run(routes, requests, clients, pool)
            batch = f"{options.requests / inserts[0]:.1f}" if inserts[0] else "-"
            print(f"| {clients} | {name} | {cpu:.3f} | {wall:.3f} | {batch} |")
    pool.shutdown()
    adapter.stop()
    app.close()


if __name__ == "__main__":
    main()
