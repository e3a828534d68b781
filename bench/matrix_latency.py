"""Answer latency on a real Synapse: a member asks `!relais <question>` in a room, we time until
the bot's thread reply reaches the member's own client.

Starts Synapse on 127.0.0.1 (SQLite, no federation) in a temporary directory, the bot as
`relais run` assembles it (SQLite store, sample projects), and the member's matrix-nio client;
both accounts have their message rate limit lifted, so the figure is the bot's, not the limit's.

    .venv/bin/python bench/matrix_latency.py --questions 30
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.matrix_world import BotProcess, Person
from tests.synapse_server import start_synapse

QUESTIONS = (
    "qui a fait du lean à l'hôpital ?",
    "télémédecine en prison",
    "projets de covoiturage entre agents",
    "qui a travaillé sur l'accueil des usagers ?",
    "simplification des démarches",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=30)
    count = parser.parse_args().questions
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        (directory / "synapse").mkdir()
        servers = start_synapse(directory / "synapse")
        synapse = next(servers)
        account = synapse.register("relais")
        synapse.unlimit(account.user_id)
        bot = BotProcess(synapse=synapse, account=account, database=directory / "relais.db")
        member = synapse.register("alice")
        synapse.unlimit(member.user_id)
        alice = Person(synapse, member)
        try:
            bot.start()
            room = alice.create_room(bot.user_id, name="Bench")
            alice.wait_member(room, bot.user_id)
            timings = []
            for number in range(count):
                started = time.perf_counter()
                asked = alice.say(room, f"!relais {QUESTIONS[number % len(QUESTIONS)]}")
                alice.wait_for(lambda s, e=asked: s.sender == bot.user_id and s.thread_root == e)
                timings.append(time.perf_counter() - started)
        finally:
            alice.close()
            bot.stop()
            next(servers, None)
    timings.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    print(
        f"{count} questions: p50 {statistics.median(timings) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, max {timings[-1] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
