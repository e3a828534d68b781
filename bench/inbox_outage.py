"""PostgreSQL stopped and started again under a steady stream of Slack events (issue 20).

The long version of `tests/test_inbox_outage.py`: a throwaway cluster of its own (root needed,
to run `initdb` as `postgres`), signed DMs over HTTP at `--rate` a second, a stop of
`--down` seconds (0: a plain restart), and every acknowledged event checked to be answered
exactly once.

    .venv/bin/python -m bench.inbox_outage --rate 10 --seconds 30 --down 4
"""

from __future__ import annotations

import argparse
import logging

from tests.test_inbox_outage import run_outage


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=10, help="events a second")
    parser.add_argument("--seconds", type=int, default=30, help="length of the load")
    parser.add_argument("--stop-at", type=float, default=5.0, help="seconds before the stop")
    parser.add_argument("--down", type=float, default=4.0, help="seconds PostgreSQL stays down")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    outcome = run_outage(
        rate=args.rate, seconds=args.seconds, stop_at=args.stop_at, down_for=args.down
    )
    print(outcome)
    raise SystemExit(0 if outcome.lost == 0 and outcome.answered_twice == 0 else 1)


if __name__ == "__main__":
    main()
