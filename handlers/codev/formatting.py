"""Small shared pieces of text: times in the reader's zone, durations, people, quoted words."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from handlers.i18n import Translator
from handlers.text import quote_user
from store.models import CodevAction, User

QUOTE_LIMIT = 1500
LABEL_LIMIT = 70


def clock_time(t: Translator, moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime(t("codev.pattern.time"))


def day(t: Translator, value: date) -> str:
    return value.strftime(t("codev.pattern.date"))


def duration(t: Translator, seconds: int) -> str:
    minutes, rest = divmod(max(seconds, 0), 60)
    if rest == 0:
        return t("codev.duration.minutes", minutes=minutes)
    return t("codev.duration.minutes_seconds", minutes=minutes, seconds=rest)


def name(user: User) -> str:
    """A person's name as plain text (titles and labels cannot hold mentions)."""
    return quote_user(user.label, limit=60)


def clean(text: str) -> str:
    """User text as stored: trimmed, without NUL characters (which PostgreSQL refuses)."""
    return text.replace("\x00", "").strip()


def quoted(text: str, limit: int = QUOTE_LIMIT) -> str:
    return quote_user(text, limit=limit)


def action_line(t: Translator, action: CodevAction) -> str:
    when = (
        t("codev.plan.due", date=day(t, action.due_on)) if action.due_on else t("codev.plan.no_due")
    )
    return t("codev.plan.line", text=quoted(action.text), due=when)
