"""Every understood date is said back in full, in the reader's language and zone, so that a
misunderstanding ("7/12" read as 12 July) is caught before anything is scheduled."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

from handlers.i18n import Translator
from handlers.when.zones import LABELS


def place_of(t: Translator, zone: ZoneInfo) -> str:
    """`Paris`, `la Réunion`; the town of other IANA zones (`America/New_York` → `New York`)."""
    key = LABELS.get(zone.key)
    if key is not None:
        return t(f"when.place.{key}")
    return zone.key.rsplit("/", 1)[-1].replace("_", " ")


def describe_moment(t: Translator, moment: datetime, zone: ZoneInfo) -> str:
    """`lundi 7 décembre 2026 à 9 h 00, heure de Paris`."""
    shown = format_datetime(moment, t("when.format.moment"), tzinfo=zone, locale=t.locale)
    return t("when.zoned", moment=shown, place=place_of(t, zone))


def describe_time(t: Translator, moment: datetime, zone: ZoneInfo) -> str:
    """`9 h 00` (French) or `9:00` (English)."""
    return format_datetime(moment, t("when.format.time"), tzinfo=zone, locale=t.locale)


def describe_day(t: Translator, day: date) -> str:
    """`lundi 7 décembre 2026`."""
    return format_date(day, t("when.format.day"), locale=t.locale)


def describe_period(t: Translator, start: date, end: date) -> str:
    """`du lundi 7 décembre 2026 au vendredi 11 décembre 2026`, or one day."""
    if start == end:
        return describe_day(t, start)
    return t("when.period", start=describe_day(t, start), end=describe_day(t, end))
