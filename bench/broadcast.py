"""A broadcast to 2,000 members through the fake Slack with Slack-like rate limits: completion
time against the minimum the limits allow, duplicates and losses.

The fake Slack (tests/fakes) limits chat.postMessage to one message per second per channel and
to `--per-minute` messages per rolling minute for the workspace, answering 429 with
Retry-After beyond. Relais runs as `relais run` does: APScheduler ticking every 5 s, the outbox
worker thread, the real Slack port through slack_sdk. The broadcast is written and confirmed
through the router like a staff member would.

The minimum the limits allow, from the confirmation: message k (from 0) cannot leave before
⌊k / per-minute⌋ minutes, so the last one not before ⌊(N − 1) / per-minute⌋ minutes.

    .venv/bin/python bench/broadcast.py                          # 2,000 DMs, 600 a minute, SQLite
    .venv/bin/python bench/broadcast.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402

from bot.adapters.slack.channels import ChannelDirectory  # noqa: E402
from bot.adapters.slack.client import make_client  # noqa: E402
from bot.adapters.slack.port import SlackPort  # noqa: E402
from bot.adapters.slack.response_urls import ResponseUrls  # noqa: E402
from bot.app import build  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.outbox import OutboxWorker  # noqa: E402
from bot.scheduler import start_background  # noqa: E402
from handlers.i18n import Translator  # noqa: E402
from handlers.types import ButtonPress, SlashCommand  # noqa: E402
from store import checkins, identity, migrate  # noqa: E402
from store.db import make_engine  # noqa: E402
from store.models import Broadcast, Delivery  # noqa: E402
from store.models.delivery import PENDING, SENDING  # noqa: E402
from tests.fakes.slack_server import FakeSlack  # noqa: E402

TEXT = "Séminaire des chefs de pôle : jeudi 14h, salle Condorcet."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--per-minute", type=int, default=600)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    with FakeSlack(per_channel_per_second=1.0, workspace_per_minute=args.per_minute) as fake:
        fake.add_user("UADMIN", "ada")
        for index in range(args.members):
            fake.add_user(f"U{index:05d}", f"membre{index}")
        run(url, fake, args.members, args.per_minute)


def run(url: str, fake: FakeSlack, members: int, per_minute: int) -> None:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    client = make_client(token="xoxb-test", base_url=fake.base_url)
    port = SlackPort(
        client=client,
        channels=ChannelDirectory(client),
        response_urls=ResponseUrls(),
        translator=Translator("fr"),
    )
    settings = Settings(
        database_url=url, sample_data=False, admins=["slack:UADMIN"], _env_file=None
    )
    app = build(settings, engine=engine, ports={"slack": port}, upgrade=False)
    with app.sessions() as session, session.begin():
        now = app.runtime.clock.now()
        ws = identity.ensure_workspace(session, platform="slack", external_id=fake.team_id, now=now)
        cohort = checkins.create_cohort(
            session, workspace=ws, name="Grande cohorte", now=now, created_by=None
        )
        for index in range(members):
            user = identity.ensure_user(session, workspace=ws, external_id=f"U{index:05d}", now=now)
            checkins.add_member(session, cohort=cohort, user=user, now=now)
    base = {
        "platform": "slack",
        "workspace_id": fake.team_id,
        "channel_id": "C0GENERAL",
        "user_id": "UADMIN",
    }
    app.runtime.handle(
        SlashCommand(**base, text=f'diffuser "Grande cohorte" "{TEXT}"', event_id="e1")
    )
    with app.sessions() as session:
        number = session.scalar(select(Broadcast.id))
    worker = OutboxWorker(app.outbox)
    worker.start()
    scheduler = start_background(app.ticker, every=timedelta(seconds=5))
    started = time.monotonic()
    app.runtime.handle(
        ButtonPress(**base, action_id="broadcasts.confirm", value=str(number), event_id="e2")
    )
    while True:
        time.sleep(1.0)
        with app.sessions() as session:
            left = session.scalar(
                select(func.count())
                .select_from(Delivery)
                .where(Delivery.status.in_((PENDING, SENDING)))
            )
            fanned_out = session.scalar(
                select(Broadcast.fanned_out_at).where(Broadcast.id == number)
            )
        if fanned_out is not None and not left:
            break
    scheduler.shutdown(wait=False)
    worker.stop()
    posts = [
        c
        for c in fake.calls_to("chat.postMessage")
        if c.status == 200 and TEXT in str(c.args.get("text"))
    ]
    completion = max(c.at for c in posts) - started
    received = Counter(m["channel"] for m in fake.messages() if TEXT in str(m.get("text")))
    minimum = ((members - 1) // per_minute) * 60
    with app.sessions() as session:
        attempts = session.scalar(
            select(func.max(Delivery.attempts)).where(Delivery.key.startswith("broadcast:"))
        )
        failed = session.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.status == "failed")
        )
    print(
        f"{engine.dialect.name}: {members} DMs at {per_minute}/min and 1/s per channel: "
        f"completion {completion:.1f} s, minimum {minimum} s, ratio {completion / minimum:.3f}; "
        f"duplicates {sum(n - 1 for n in received.values())}, losses {members - len(received)}, "
        f"failed rows {failed}; 429 answers {fake.ratelimited_count}, "
        f"most attempts on a row {attempts}"
    )


if __name__ == "__main__":
    main()
