"""Dates as people read them, in their language and timezone (patterns live in the catalogs)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

from handlers.i18n import Translator


def when(t: Translator, moment: datetime, zone: ZoneInfo) -> str:
    """`lundi 14 décembre à 9h00` in the reader's timezone."""
    return format_datetime(moment, t("checkins.format.when"), tzinfo=zone, locale=t.locale)


def wall_clock(t: Translator, moment: datetime) -> str:
    """A naive wall-clock slot (`lun. 14 déc. à 9h00`), the same hour for every member."""
    return format_datetime(moment, t("checkins.format.slot"), locale=t.locale)


def day(t: Translator, value: date) -> str:
    return format_date(value, t("checkins.format.day"), locale=t.locale)
