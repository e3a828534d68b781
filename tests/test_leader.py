"""Leader election between two real processes: kill the leader, the other takes over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from bot.leader import LeaderLock

WORKER = """
import sys, time
from bot.leader import LeaderLock, Leadership
lock = LeaderLock(sys.argv[1], name=sys.argv[2])
Leadership(lock, on_elected=lambda: print("elected", flush=True),
           on_demoted=lambda: print("demoted", flush=True), every=0.5).start()
time.sleep(120)
"""


def start(url: str, name: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, url, name],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )


def wait_for_line(process: subprocess.Popen[str], expected: str, timeout: float) -> float:
    started = time.monotonic()
    assert process.stdout is not None
    os.set_blocking(process.stdout.fileno(), False)
    while time.monotonic() - started < timeout:
        line = process.stdout.readline()
        if line.strip() == expected:
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"{expected!r} not printed within {timeout} s")


def test_the_other_process_takes_over_within_15_seconds(postgres_url: str) -> None:
    name = f"relais-test-{os.getpid()}"
    with start(postgres_url, name) as first:
        wait_for_line(first, "elected", 15)
        with start(postgres_url, name) as second:
            _kill_leader_and_watch(first, second)


def _kill_leader_and_watch(first: subprocess.Popen[str], second: subprocess.Popen[str]) -> None:
    try:
        time.sleep(2)
        assert second.stdout is not None
        os.set_blocking(second.stdout.fileno(), False)
        assert second.stdout.readline() == "", "two leaders at once"
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        assert wait_for_line(second, "elected", 15) < 15
    finally:
        first.kill()
        second.kill()


def test_a_pooled_close_does_not_keep_the_lock(postgres_url: str) -> None:
    name = f"relais-test-release-{os.getpid()}"
    holder, other = LeaderLock(postgres_url, name=name), LeaderLock(postgres_url, name=name)
    assert holder.try_acquire()
    assert not other.try_acquire()
    holder.release()
    assert other.try_acquire()
    other.release()


def test_sqlite_is_always_its_own_leader() -> None:
    lock = LeaderLock("sqlite:///relais.db")
    assert lock.try_acquire() and lock.still_held()
