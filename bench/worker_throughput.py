"""How many recorded Slack commands one `relais worker` handles a second, and its CPU per command.

The web side is left out: N signed-like slash commands (`--text`, from `--users` members in as
many channels) are recorded in the inbox first, as `relais serve` records them, with nothing
listening; then one `relais worker` starts on the same PostgreSQL database and fake Slack and
works through them. The script polls the inbox: the clock starts at the first command handled
and stops when none is left; the worker's CPU (user + system, from /proc) over the same span
gives the CPU per command. With `--profile PATH`, `py-spy record --gil` samples the worker
meanwhile (only the thread holding the interpreter lock: where its Python CPU goes; flame graph,
or `--format speedscope|raw`). The database is emptied first.

    .venv/bin/python bench/worker_throughput.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB
        [--commands 3000] [--text aide] [--users 100]
        [--profile PATH [--format speedscope|raw] [--py-spy /tmp/spy/bin/py-spy]]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import time
from multiprocessing.queues import Queue
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from bench.slack_ack import (  # noqa: E402
    SECRET,
    empty_schema,
    fake_slack_process,
    free_port,
    relais_process,
)
from store.models import InboxEvent  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (its threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def pending(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).where(InboxEvent.status == "pending")) or 0)


def record(database_url: str, slack_url: str, *, commands: int, text: str, users: int) -> None:
    """The commands recorded as a web replica records them (`runtime.accept`, elsewhere)."""
    from bot.adapters.slack.events import from_slash_command
    from bot.app import build
    from bot.config import Settings
    from handlers.context import Capabilities

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        slack_bot_token="xoxb-bench",
        slack_signing_secret=SECRET,
        slack_api_url=slack_url,
        sample_data=True,
        log_level="WARNING",
    )
    app = build(settings)
    for n in range(commands):
        member = n % users
        body = {
            "team_id": "T0RELAIS",
            "channel_id": f"C0BENCH{member:02d}",
            "channel_name": f"bench-{member}",
            "user_id": f"U0BENCH{member:02d}",
            "user_name": f"membre{member}",
            "command": "/relais",
            "text": text,
            "response_url": "http://127.0.0.1:9/unused",
            "trigger_id": f"{member}.{n}.{time.monotonic_ns()}",
        }
        app.runtime.accept(
            from_slash_command(body),
            capabilities=Capabilities(forms=True),
            reply={"response_url": body["response_url"]},
            elsewhere=True,
        )
    app.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--commands", type=int, default=3000)
    parser.add_argument("--text", default="aide")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--profile", type=Path, help="py-spy output file for the worker")
    parser.add_argument("--format", default="flamegraph", help="py-spy --format")
    parser.add_argument("--py-spy", default="py-spy", help="the py-spy executable")
    options = parser.parse_args()

    from bot.app import build  # noqa: F401  (fails early outside the repository's venv)
    from store.db import make_engine, make_session_factory

    empty_schema(options.database_url)
    context = multiprocessing.get_context("spawn")
    urls: Queue[str] = context.Queue()
    stop = context.Event()
    fake = context.Process(target=fake_slack_process, args=(urls, stop, options.users))
    fake.start()
    slack_url = urls.get(timeout=30)
    engine = make_engine(options.database_url)
    sessions = make_session_factory(engine)
    spy: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None
    try:
        started = time.perf_counter()
        record(
            options.database_url,
            slack_url,
            commands=options.commands,
            text=options.text,
            users=options.users,
        )
        recorded = pending(sessions)
        print(f"recorded {recorded} commands in {time.perf_counter() - started:.1f} s")
        log = (Path(os.environ.get("TMPDIR", "/tmp")) / "relais-worker-bench.log").open("wb")
        worker = relais_process(
            "worker",
            port=free_port(),
            database_url=options.database_url,
            slack_url=slack_url,
            output=log,
            RELAIS_SAMPLE_DATA="false",
        )
        left = recorded
        while left == recorded:
            time.sleep(0.05)
            left = pending(sessions)
        first, cpu_first, left_first = time.perf_counter(), cpu_seconds(worker.pid), left
        if options.profile:
            command = [options.py_spy, "record", "--pid", str(worker.pid), "--rate", "200"]
            command += ["--nonblocking", "--gil", "--format", options.format]
            spy = subprocess.Popen(
                [*command, "--output", str(options.profile)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        while left:
            time.sleep(0.1)
            left = pending(sessions)
        wall, cpu = time.perf_counter() - first, cpu_seconds(worker.pid) - cpu_first
    finally:
        if spy is not None:
            spy.send_signal(2)  # py-spy writes its output on SIGINT
            spy.wait(60)
        if worker is not None:
            worker.terminate()
            worker.wait(60)
        stop.set()
        fake.join(10)
        engine.dispose()
    handled = left_first
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"`/relais {options.text}`, {options.users} members, load average {load}")
    print(
        f"handled {handled} in {wall:.1f} s: {handled / wall:.0f} commands/s, "
        f"worker CPU {cpu:.1f} s = {cpu / handled * 1000:.1f} ms per command"
    )


if __name__ == "__main__":
    main()
