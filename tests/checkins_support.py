"""Helpers shared by the check-in and broadcast tests: people, cohorts, and moving time."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import App
from handlers.clock import FakeClock
from store.models import CheckinRound, Delivery, User
from tests.chat import Chat
from tests.fakes.recording_port import RecordingPort, Sent

PARIS = ZoneInfo("Europe/Paris")
STAFF = "ada"


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def people(chat: Chat, *names: str, timezone: str | None = None) -> None:
    """Each person speaks once, so the bot knows them (and their timezone when given)."""
    for name in names:
        chat.command(name, f"fuseau {timezone}" if timezone else "moi")


def cohort(chat: Chat, name: str, members: list[str], *options: str) -> None:
    people(chat, *members)
    chat.command(STAFF, f'cohorte creer "{name}" {" ".join(options)}')
    mentions = " ".join(f"@{member}" for member in members)
    chat.command(STAFF, f'cohorte ajouter "{name}" {mentions}')


def tick_at(app: App, clock: FakeClock, port: RecordingPort, moment: datetime) -> list[Sent]:
    """What the bot delivers when the scheduler ticks at `moment`."""
    clock.set(moment)
    before = len(port.sent)
    app.ticker.tick()
    return port.sent[before:]


def checkins_to(sent: list[Sent], user: str) -> list[Sent]:
    """Check-in messages (not reminders) delivered to `user`."""
    return [s for s in sent if s.to_user == user and re.fullmatch(r"checkin:\d+:\d+", s.key)]


def reminders_to(sent: list[Sent], user: str) -> list[Sent]:
    return [
        s for s in sent if s.to_user == user and re.fullmatch(r"checkin:\d+:\d+:reminder", s.key)
    ]


def rounds_of(app: App, name: str) -> list[CheckinRound]:
    with app.sessions() as session:
        return list(
            session.scalars(
                select(CheckinRound)
                .join(User, User.id == CheckinRound.user_id)
                .where(User.external_id == name)
                .order_by(CheckinRound.due_at)
            )
        )


def sent_at(app: App, key: str) -> datetime | None:
    with app.sessions() as session:
        row = session.scalar(select(Delivery).where(Delivery.key == key))
        return row.sent_at if row else None
