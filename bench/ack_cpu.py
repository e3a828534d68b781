"""CPU per Slack acknowledgement, in process: Relais's `relais serve` route beside a no-op Bolt.

`bench/slack_ack.py` measures the latency over HTTP, where the server is CPU-bound under 20
concurrent clients, so its latency follows the CPU each acknowledgement costs. This measures
that CPU without the HTTP server: signed slash commands dispatched straight to the two routes,
one after the other (`--threads 1`), then from 20 threads at once, as uvicorn's pool does
(acknowledgements waiting together share one recording statement, `bot.recording`, awaited in
an event loop as the server's). It prints
the process CPU and the wall time per request, and how many events each inbox insert carried.
The worker side does not run: events stay in the inbox, which is emptied first.

    .venv/bin/python bench/ack_cpu.py --database-url postgresql+psycopg://postgres@127.0.0.1/db
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
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
from bot.http import Request, Response, Routes  # noqa: E402

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
    routes: Routes, requests: Sequence[Request], threads: int, loop: asyncio.AbstractEventLoop
) -> tuple[float, float]:
    """(CPU ms, wall ms) per request, `threads` dispatching at once; a held answer waits for
    its recording in `loop`, as in the server's."""

    def dispatch(part: Sequence[Request]) -> None:
        for request in part:
            answer = routes.dispatch(request)
            if answer.hold is not None:
                asyncio.run_coroutine_threadsafe(_awaited(answer.hold), loop).result()
            assert answer.status == 200, answer

    workers = [
        threading.Thread(target=dispatch, args=(requests[k::threads],)) for k in range(threads)
    ]
    cpu, wall = time.process_time(), time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    per = 1000 / len(requests)
    return (time.process_time() - cpu) * per, (time.perf_counter() - wall) * per


async def _awaited(hold: Callable[[], Awaitable[object]]) -> None:
    await hold()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 20])
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
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    print("| threads | route | CPU ms/request | wall ms/request | events per insert |")
    print("|---|---|---|---|---|")
    offset = 0
    for threads in options.threads:
        for name, routes in [("Bolt no-op", noop), ("Relais", relais)] * 2:
            requests = requests_for(options.requests, offset)
            offset += options.requests
            inserts[0] = 0
            cpu, wall = run(routes, requests, threads, loop)
            batch = f"{options.requests / inserts[0]:.1f}" if inserts[0] else "-"
            print(f"| {threads} | {name} | {cpu:.3f} | {wall:.3f} | {batch} |")
    loop.call_soon_threadsafe(loop.stop)
    adapter.stop()
    app.close()


if __name__ == "__main__":
    main()
