"""French (and English) dates, times, periods and durations into values, or `WhenError`.

A small grammar rather than a guessing library: each accepted form is listed below and tested,
so that a text either means one precise thing or is refused with the forms that work.

    parse_moment("lundi 9h", now=..., zone=paris)        → next Monday 9:00 in Paris
    parse_period("du 7 au 11 décembre", today=...)      → (7 Dec, 11 Dec)
    parse_duration("1h30")                              → 90 minutes
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_TIME = time(9, 0)

MONTHS = {
    **dict.fromkeys(("janvier", "janv", "jan", "january"), 1),
    **dict.fromkeys(("fevrier", "fevr", "fev", "feb", "february"), 2),
    **dict.fromkeys(("mars", "mar", "march"), 3),
    **dict.fromkeys(("avril", "avr", "apr", "april"), 4),
    **dict.fromkeys(("mai", "may"), 5),
    **dict.fromkeys(("juin", "jun", "june"), 6),
    **dict.fromkeys(("juillet", "juil", "jul", "july"), 7),
    **dict.fromkeys(("aout", "aug", "august"), 8),
    **dict.fromkeys(("septembre", "sept", "sep", "september"), 9),
    **dict.fromkeys(("octobre", "oct", "october"), 10),
    **dict.fromkeys(("novembre", "nov", "november"), 11),
    **dict.fromkeys(("decembre", "dec", "december"), 12),
}
WEEKDAYS = {
    **dict.fromkeys(("lundi", "monday"), 0),
    **dict.fromkeys(("mardi", "tuesday"), 1),
    **dict.fromkeys(("mercredi", "wednesday"), 2),
    **dict.fromkeys(("jeudi", "thursday"), 3),
    **dict.fromkeys(("vendredi", "friday"), 4),
    **dict.fromkeys(("samedi", "saturday"), 5),
    **dict.fromkeys(("dimanche", "sunday"), 6),
}
NUMBERS = {
    **dict.fromkeys(("un", "une", "a", "an", "one"), 1),
    **dict.fromkeys(("deux", "two"), 2),
    **dict.fromkeys(("trois", "three"), 3),
    **dict.fromkeys(("quatre", "four"), 4),
    **dict.fromkeys(("cinq", "five"), 5),
    **dict.fromkeys(("six",), 6),
    **dict.fromkeys(("sept", "seven"), 7),
    **dict.fromkeys(("huit", "eight"), 8),
    **dict.fromkeys(("dix", "ten"), 10),
    **dict.fromkeys(("quinze", "fifteen"), 15),
}
UNITS = {
    **dict.fromkeys(("minute", "minutes", "min", "mins", "mn"), "minutes"),
    **dict.fromkeys(("heure", "heures", "h", "hour", "hours", "hr", "hrs"), "hours"),
    **dict.fromkeys(("jour", "jours", "j", "day", "days"), "days"),
    **dict.fromkeys(("semaine", "semaines", "sem", "week", "weeks"), "weeks"),
    **dict.fromkeys(("mois", "month", "months"), "months"),
}

_ALT = "|".join
_MONTH = f"({_ALT(sorted(MONTHS, key=len, reverse=True))})"
_WEEKDAY = f"({_ALT(WEEKDAYS)})"
_COUNT = rf"(\d{{1,3}}|{_ALT(NUMBERS)})"
_UNIT = f"({_ALT(sorted(UNITS, key=len, reverse=True))})"
_DAY_OF_MONTH = r"(\d{1,2}|1er)"
_CLOCK = (
    r"(?:(?:a|at|vers|@)\s+)?"
    r"(midi|minuit|noon|midnight"
    r"|\d{1,2}\s*(?:h|:|heures?)\s*(?:\d{2})?(?:\s*(?:am|pm))?"
    r"|\d{1,2}\s*(?:am|pm))"
)
_TIME_AT_END = re.compile(rf"(?:^|\s){_CLOCK}$")
_RELATIVE = re.compile(rf"^(?:dans|in)\s+{_COUNT}\s*{_UNIT}(?:\s+{_CLOCK})?$")
_DURATION = re.compile(rf"^(?:pendant|for)?\s*{_COUNT}\s*{_UNIT}$")
_HOURS_MINUTES = re.compile(r"^(\d{1,2})\s*h\s*(\d{1,2})(?:\s*(?:min|mn))?$")
_PERIOD = re.compile(
    r"^(?:du|de|from|between)?\s*(.+?)\s+"
    r"(?:au|jusqu'au|jusqu au|jusqu'a|jusqu a|a|to|until|till|-|–|et|and)\s+(.+)$"
)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4}|\d{2}))?$")
_DAY_MONTH = re.compile(rf"^{_DAY_OF_MONTH}\s+{_MONTH}(?:\s+(\d{{4}}))?$")
_MONTH_DAY = re.compile(rf"^{_MONTH}\s+(\d{{1,2}})(?:\s+(\d{{4}}))?$")
_DAY_ONLY = re.compile(rf"^{_DAY_OF_MONTH}$")
_WEEKDAY_ALONE = re.compile(rf"^(?:(next)\s+)?{_WEEKDAY}(?:\s+(prochain|next))?$")
_LEADING_WEEKDAY = re.compile(rf"^{_WEEKDAY}\s+(.+)$")
_FILLER = re.compile(r"^(?:le|on|the|ce|this)\s+")
_RELATIVE_DAYS = {
    "aujourd'hui": 0,
    "aujourd hui": 0,
    "aujourdhui": 0,
    "today": 0,
    "demain": 1,
    "tomorrow": 1,
    "apres-demain": 2,
    "apres demain": 2,
}


class WhenError(ValueError):
    """The text is none of the forms this parser understands."""


@dataclass(frozen=True)
class _Parts:
    """An absolute date as typed: the month and year may be left for the context to fill."""

    day: int
    month: int | None
    year: int | None


def normalise(text: str) -> str:
    """Lower case, no accents, one space, typographic apostrophes and ordinals simplified."""
    folded = unicodedata.normalize("NFD", text.lower().replace("’", "'").replace("\u00a0", " "))
    plain = "".join(ch for ch in folded if unicodedata.category(ch) != "Mn")
    plain = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", plain.replace(",", " "))
    return re.sub(r"\s+", " ", plain).strip().rstrip(".")


def parse_moment(text: str, *, now: datetime, zone: ZoneInfo) -> datetime:
    """An instant: ISO, `lundi 9h`, `demain 14h30`, `7/12 à 9h`, `dans 2 semaines`, `14h`.

    A time alone is the next such time; a date alone is at 9:00; naive values are in `zone`."""
    iso = _iso_moment(text.strip(), zone)
    if iso is not None:
        return iso
    cleaned = normalise(text)
    local = now.astimezone(zone)
    relative = _RELATIVE.match(cleaned)
    if relative:
        return _relative_moment(relative, local, zone)
    at = _TIME_AT_END.search(cleaned)
    clock = _clock(at.group(1)) if at else None
    date_text = cleaned[: at.start()].strip() if at else cleaned
    if not date_text:
        if clock is None:
            raise WhenError(text)
        moment = datetime.combine(local.date(), clock, tzinfo=zone)
        return moment if moment > now else moment + timedelta(days=1)
    day, weekly = _day(date_text, today=local.date())
    moment = datetime.combine(day, clock or DEFAULT_TIME, tzinfo=zone)
    if weekly and moment <= now:
        moment += timedelta(days=7)
    return moment


def parse_day(text: str, *, today: date) -> date:
    """A calendar day: `7/12`, `07/12/2027`, `7 décembre`, `lundi`, `demain`, `dans 2 semaines`,
    ISO. Without a year, the next such day (today included)."""
    cleaned = normalise(text)
    relative = _RELATIVE.match(cleaned)
    if relative and UNITS[relative.group(2)] in ("days", "weeks", "months"):
        return _shift(today, _count(relative.group(1)), UNITS[relative.group(2)])
    return _day(cleaned, today=today)[0]


def parse_period(text: str, *, today: date) -> tuple[date, date]:
    """`du 7 au 11 décembre`, `du 21/12 au 2/01`, `from 7 to 11 December`, or one day.

    The end is read first; the start takes the end's month and year when it leaves them out,
    and a year before when it would otherwise come after the end (21 December to 2 January)."""
    cleaned = normalise(text)
    ranged = _PERIOD.match(cleaned)
    if ranged is None:
        only = parse_day(cleaned.removeprefix("le ").removeprefix("on "), today=today)
        return only, only
    end = parse_day(ranged.group(2), today=today)
    start_text = _FILLER.sub("", ranged.group(1))
    leading = _LEADING_WEEKDAY.match(start_text)
    if leading and _absolute(leading.group(2)):
        start_text = leading.group(2)
    parts = _absolute(start_text)
    if parts is None:
        return parse_day(start_text, today=today), end
    month = parts.month or end.month
    year = parts.year or end.year
    start = _build(parts.day, month, year, text)
    if start > end and parts.year is None:
        if parts.month is None:
            month, year = (month - 1, year) if month > 1 else (12, year - 1)
        else:
            year -= 1
        start = _build(parts.day, month, year, text)
    return start, end


def parse_duration(text: str, *, unit: str = "minutes") -> timedelta:
    """`30 min`, `1h30`, `2 heures`, `3 jours`, `2 semaines`, `45` (in `unit`)."""
    cleaned = normalise(text)
    if re.fullmatch(r"\d{1,5}", cleaned):
        return _delta(int(cleaned), unit)
    hours_minutes = _HOURS_MINUTES.match(cleaned)
    if hours_minutes:
        return timedelta(hours=int(hours_minutes.group(1)), minutes=int(hours_minutes.group(2)))
    duration = _DURATION.match(cleaned)
    if duration is None:
        raise WhenError(text)
    return _delta(_count(duration.group(1)), UNITS[duration.group(2)])


def _iso_moment(text: str, zone: ZoneInfo) -> datetime | None:
    if not re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}", text):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise WhenError(text) from error
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _relative_moment(match: re.Match[str], local: datetime, zone: ZoneInfo) -> datetime:
    count, unit = _count(match.group(1)), UNITS[match.group(2)]
    if unit in ("minutes", "hours"):
        if match.group(3):
            raise WhenError(match.group(0))
        return (local + _delta(count, unit)).replace(second=0, microsecond=0)
    day = _shift(local.date(), count, unit)
    given = match.group(3)
    clock = _clock(given) if given else local.time().replace(second=0, microsecond=0)
    return datetime.combine(day, clock, tzinfo=zone)


def _day(text: str, *, today: date) -> tuple[date, bool]:
    """The day, and whether it is a weekday name (which moves a week on once passed)."""
    cleaned = _FILLER.sub("", text)
    if cleaned in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[cleaned]), False
    weekday = _WEEKDAY_ALONE.match(cleaned)
    if weekday:
        ahead = (WEEKDAYS[weekday.group(2)] - today.weekday()) % 7
        strictly_next = bool(weekday.group(1) or weekday.group(3))
        return today + timedelta(days=ahead or (7 if strictly_next else 0)), not strictly_next
    leading = _LEADING_WEEKDAY.match(cleaned)
    if leading and _absolute(leading.group(2)):
        cleaned = leading.group(2)
    parts = _absolute(cleaned)
    if parts is None:
        raise WhenError(text)
    return _resolve(parts, today, text), False


def _absolute(text: str) -> _Parts | None:
    iso = _ISO_DATE.match(text)
    if iso:
        return _Parts(int(iso.group(3)), int(iso.group(2)), int(iso.group(1)))
    numeric = _NUMERIC.match(text)
    if numeric:
        return _Parts(int(numeric.group(1)), int(numeric.group(2)), _year(numeric.group(3)))
    day_month = _DAY_MONTH.match(text)
    if day_month:
        day = 1 if day_month.group(1) == "1er" else int(day_month.group(1))
        return _Parts(day, MONTHS[day_month.group(2)], _year(day_month.group(3)))
    month_day = _MONTH_DAY.match(text)
    if month_day:
        month = MONTHS[month_day.group(1)]
        return _Parts(int(month_day.group(2)), month, _year(month_day.group(3)))
    alone = _DAY_ONLY.match(text)
    if alone:
        return _Parts(1 if alone.group(1) == "1er" else int(alone.group(1)), None, None)
    return None


def _resolve(parts: _Parts, today: date, text: str) -> date:
    """Missing month or year: the next such day, today included."""
    if parts.year is not None and parts.month is not None:
        return _build(parts.day, parts.month, parts.year, text)
    if parts.month is None:
        month, year = today.month, today.year
        for _ in range(12):
            if parts.day <= calendar.monthrange(year, month)[1]:
                candidate = date(year, month, parts.day)
                if candidate >= today:
                    return candidate
            month, year = (month + 1, year) if month < 12 else (1, year + 1)
        raise WhenError(text)
    candidate = _build(parts.day, parts.month, today.year, text)
    return candidate if candidate >= today else _build(parts.day, parts.month, today.year + 1, text)


def _build(day: int, month: int, year: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as error:
        raise WhenError(text) from error


def _year(raw: str | None) -> int | None:
    if raw is None:
        return None
    return 2000 + int(raw) if len(raw) == 2 else int(raw)


def _clock(raw: str) -> time:
    text = re.sub(r"^(?:a|at|vers|@)\s+", "", raw)
    named = {"midi": 12, "noon": 12, "minuit": 0, "midnight": 0}
    if text in named:
        return time(named[text], 0)
    match = re.fullmatch(r"(\d{1,2})\s*(?:h|:|heures?)?\s*(\d{2})?\s*(am|pm)?", text)
    if match is None:
        raise WhenError(raw)
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3):
        if not 1 <= hour <= 12:
            raise WhenError(raw)
        hour = hour % 12 + (12 if match.group(3) == "pm" else 0)
    if hour > 23 or minute > 59:
        raise WhenError(raw)
    return time(hour, minute)


def _count(raw: str) -> int:
    return NUMBERS[raw] if raw in NUMBERS else int(raw)


def _delta(count: int, unit: str) -> timedelta:
    if unit == "months":
        return timedelta(days=30 * count)
    return timedelta(**{unit: count})


def _shift(day: date, count: int, unit: str) -> date:
    """Months move the calendar month (31 January + 1 month = 28 or 29 February)."""
    if unit != "months":
        return day + _delta(count, unit)
    index = day.month - 1 + count
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
