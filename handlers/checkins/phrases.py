"""French schedule phrases (and cron expressions) into rules, and rules into wall-clock slots.

A rule is plain JSON kept with the schedule. It becomes an APScheduler trigger evaluated in UTC
on *naive wall-clock time*: the trigger only says "which days, what time"; each member's
timezone is applied afterwards (see `planning`), so a Monday 9:00 stays 9:00 local across
daylight-saving changes and in every timezone. APScheduler never fires these triggers.

    parse("un jeudi sur deux à 14h", today=date(2026, 12, 7))
    → {"kind": "weeks", "every": 2, "anchor": "2026-12-10", "hour": 14, "minute": 0}
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.calendarinterval import CalendarIntervalTrigger
from apscheduler.triggers.cron import CronTrigger

Rule = dict[str, Any]

DAYS = {
    "lundi": "mon",
    "mardi": "tue",
    "mercredi": "wed",
    "jeudi": "thu",
    "vendredi": "fri",
    "samedi": "sat",
    "dimanche": "sun",
}
WEEKDAY_INDEX = {code: index for index, code in enumerate(DAYS.values())}
ORDINALS = {
    "premier": "1st",
    "1er": "1st",
    "deuxieme": "2nd",
    "second": "2nd",
    "2e": "2nd",
    "troisieme": "3rd",
    "3e": "3rd",
    "quatrieme": "4th",
    "4e": "4th",
    "dernier": "last",
}
CRON_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")

_DAY = "(" + "|".join(DAYS) + ")s?"
_TIME = re.compile(r"(?:\ba\s+)?\b(\d{1,2})\s*(?:h|heures?|:)\s*(\d{2})?\b|\bmidi\b")
_WORKDAYS = re.compile(r"jours?\s+ouvr(?:e|es|able|ables)\b|du lundi au vendredi|en semaine")
_EVERY_DAY = re.compile(r"\b(?:tous les jours|chaque jour|quotidien\w*)\b")
_EVERY_OTHER = re.compile(
    rf"\bun\s+{_DAY}\s+sur\s+deux\b|\btoutes?\s+les\s+deux\s+semaines?\b|\b{_DAY}\s+une\s+semaine\s+sur\s+deux\b"
)
_MONTHLY = re.compile(
    r"\b(?:le\s+)?(" + "|".join(ORDINALS) + rf")\s+{_DAY}\s+(?:du|de chaque)\s+mois\b"
)
_CRON = re.compile(r"^[\d*/,\-]+\s+[\d*/,\-]+(?:\s+[\d*/,\-a-z]+){3}$")


@dataclass
class Understanding:
    """What could be read from a phrase, so an error can say what is understood and missing."""

    days: list[str] = field(default_factory=list)
    time: tuple[int, int] | None = None
    frequency: str | None = None


class PhraseError(Exception):
    def __init__(self, understood: Understanding) -> None:
        super().__init__("unparseable schedule phrase")
        self.understood = understood


def normalise(phrase: str) -> str:
    text = unicodedata.normalize("NFD", phrase.lower().replace("’", "'"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"\s+", " ", text).strip()


def parse(phrase: str, *, today: date) -> Rule:
    """The rule for a French phrase or a five-field cron expression; PhraseError otherwise."""
    text = normalise(phrase)
    if _CRON.match(text):
        return _cron_rule(text)
    understood = Understanding(days=[DAYS[d] for d in re.findall(r"\b" + _DAY, text)])
    understood.time = _time_of(text)
    rule = _shape(text, understood, today)
    if rule is None or understood.time is None:
        raise PhraseError(understood)
    hour, minute = understood.time
    return {**rule, "hour": hour, "minute": minute}


def _time_of(text: str) -> tuple[int, int] | None:
    match = _TIME.search(text)
    if match is None:
        return None
    if match.group(0) == "midi":
        return 12, 0
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return hour, minute


def _shape(text: str, understood: Understanding, today: date) -> Rule | None:
    if _WORKDAYS.search(text):
        understood.frequency = "workdays"
        return {"kind": "cron", "day_of_week": "mon-fri"}
    monthly = _MONTHLY.search(text)
    if monthly:
        understood.frequency = "monthly"
        day = f"{ORDINALS[monthly.group(1)]} {DAYS[monthly.group(2)]}"
        return {"kind": "cron", "day": day}
    if _EVERY_OTHER.search(text):
        understood.frequency = "fortnightly"
        if len(understood.days) != 1:
            return None
        weekday = WEEKDAY_INDEX[understood.days[0]]
        anchor = today + timedelta(days=(weekday - today.weekday()) % 7)
        return {"kind": "weeks", "every": 2, "anchor": anchor.isoformat()}
    if _EVERY_DAY.search(text):
        understood.frequency = "daily"
        return {"kind": "cron", "day_of_week": "*"}
    if understood.days and re.search(r"\b(?:tous les|toutes les|chaque|le)\b", text):
        understood.frequency = "weekly"
        return {"kind": "cron", "day_of_week": ",".join(dict.fromkeys(understood.days))}
    return None


def _cron_rule(text: str) -> Rule:
    """Standard cron counts weekdays from Sunday = 0; APScheduler 3 from Monday = 0, so numbers
    in the day-of-week field become names before the trigger sees them."""
    minute, hour, day, month, day_of_week = text.split()
    rule = {
        "kind": "crontab",
        "minute": minute,
        "hour": hour,
        "day": day,
        "month": month,
        "day_of_week": _cron_weekdays(day_of_week),
    }
    try:
        trigger(rule)
    except ValueError as error:
        raise PhraseError(Understanding(frequency="cron")) from error
    return rule


def _cron_weekdays(field_text: str) -> str:
    parts = []
    for part in field_text.split(","):
        base, slash, step = part.partition("/")
        base = re.sub(
            r"\d+",
            lambda m: CRON_DAY_NAMES[int(m.group())] if int(m.group()) < 8 else m.group(),
            base,
        )
        parts.append(base + slash + step)
    return ",".join(parts)


def trigger(rule: Rule) -> BaseTrigger:
    """The APScheduler trigger computing this rule's wall-clock slots (in UTC, no DST)."""
    if rule["kind"] == "weeks":
        return CalendarIntervalTrigger(
            weeks=int(rule["every"]),
            hour=int(rule["hour"]),
            minute=int(rule["minute"]),
            start_date=date.fromisoformat(rule["anchor"]),
            timezone=UTC,
        )
    if rule["kind"] == "crontab":
        fields = {k: rule[k] for k in ("minute", "hour", "day", "month", "day_of_week")}
        return CronTrigger(**fields, timezone=UTC)
    fields = {k: rule[k] for k in ("day", "day_of_week") if k in rule}
    return CronTrigger(**fields, hour=rule["hour"], minute=rule["minute"], timezone=UTC)


def slots_after(rule: Rule, after: datetime) -> Iterator[datetime]:
    """Naive wall-clock slots strictly after `after` (naive wall-clock), in order, forever."""
    built = trigger(rule)
    moment = after.replace(tzinfo=UTC)
    current = built.get_next_fire_time(None, moment)
    while current is not None:
        if current > moment:
            yield current.replace(tzinfo=None)
        current = built.get_next_fire_time(current, current)
