"""French public holidays, with the Alsace-Moselle variant (Good Friday, 26 December) per cohort."""

from __future__ import annotations

from datetime import date
from functools import cache

import holidays

from store.models.checkins import CALENDAR_ALSACE_MOSELLE

_SUBDIVISION = {CALENDAR_ALSACE_MOSELLE: "57"}
_LANGUAGE = {"fr": "fr", "en": "en_US"}


@cache
def _calendar(calendar: str, year: int, locale: str) -> dict[date, str]:
    found = holidays.country_holidays(
        "FR", years=year, subdiv=_SUBDIVISION.get(calendar), language=_LANGUAGE.get(locale, "fr")
    )
    return dict(found.items())


def holiday(day: date, *, calendar: str, locale: str = "fr") -> str | None:
    """The holiday's name on `day` in this cohort's calendar, or None on an ordinary day."""
    return _calendar(calendar, day.year, locale).get(day)
