"""Broadcasts "at 9:00 in each recipient's time zone": the sender's wall-clock time, applied in
every recipient's own zone (Paris, La Réunion, Nouméa…).

The broadcast is due when that time first comes somewhere on Earth (UTC+14) and fanned out a
little before; each message carries `not_before`, so the outbox holds it until the
recipient's own 9:00, like check-ins.
The choice travels in the preview's confirm button and the jobs' payloads, so a broadcast row
needs no new column.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from handlers.clock import zone
from handlers.types import DirectMessageAction
from store.models import User

MARK = "local"
EARLIEST_OFFSET = timedelta(hours=14)
LATEST_OFFSET = timedelta(hours=12)


def wall_clock(moment: datetime, *, sender_zone: str | None) -> str:
    """The sender's local date and time, without zone: `2026-12-14T09:00`."""
    local = moment.astimezone(zone(sender_zone))
    return local.replace(tzinfo=None).isoformat(timespec="minutes")


def first_on_earth(wall: str) -> datetime:
    return datetime.fromisoformat(wall).replace(tzinfo=UTC) - EARLIEST_OFFSET


def last_on_earth(wall: str) -> datetime:
    return datetime.fromisoformat(wall).replace(tzinfo=UTC) + LATEST_OFFSET


def at_their_time(user: User, action: DirectMessageAction, wall: str) -> DirectMessageAction:
    """The message, held by the outbox until its recipient's own wall-clock time."""
    moment = datetime.fromisoformat(wall).replace(tzinfo=zone(user.timezone))
    return action.model_copy(update={"not_before": moment})
