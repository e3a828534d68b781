"""French schedule phrases and cron expressions become the right wall-clock slots."""

from __future__ import annotations

from datetime import date, datetime
from itertools import islice

import pytest

from handlers.checkins.phrases import PhraseError, parse, slots_after

TODAY = date(2026, 12, 7)  # a Monday
NOW = datetime(2026, 12, 7, 10, 0)


def first(phrase: str, count: int = 3) -> list[str]:
    rule = parse(phrase, today=TODAY)
    return [slot.isoformat(timespec="minutes") for slot in islice(slots_after(rule, NOW), count)]


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("tous les lundis à 9h", ["2026-12-14T09:00", "2026-12-21T09:00", "2026-12-28T09:00"]),
        ("Chaque lundi à 9 h 30", ["2026-12-14T09:30", "2026-12-21T09:30", "2026-12-28T09:30"]),
        ("un jeudi sur deux à 14h", ["2026-12-10T14:00", "2026-12-24T14:00", "2027-01-07T14:00"]),
        (
            "le premier lundi du mois à 10h",
            ["2027-01-04T10:00", "2027-02-01T10:00", "2027-03-01T10:00"],
        ),
        (
            "le dernier vendredi du mois à 16h",
            ["2026-12-25T16:00", "2027-01-29T16:00", "2027-02-26T16:00"],
        ),
        ("chaque jour ouvré à 17h", ["2026-12-07T17:00", "2026-12-08T17:00", "2026-12-09T17:00"]),
        (
            "tous les mardis et jeudis à midi",
            ["2026-12-08T12:00", "2026-12-10T12:00", "2026-12-15T12:00"],
        ),
        ("TOUS LES LUNDIS A 9H", ["2026-12-14T09:00", "2026-12-21T09:00", "2026-12-28T09:00"]),
    ],
)
def test_french_phrases(phrase: str, expected: list[str]) -> None:
    assert first(phrase) == expected


def test_working_days_skip_the_weekend() -> None:
    slots = first("chaque jour ouvré à 17h", 6)
    assert "2026-12-12T17:00" not in slots and "2026-12-13T17:00" not in slots
    assert slots[-1] == "2026-12-14T17:00"


@pytest.mark.parametrize(
    ("expression", "weekday"),
    [("0 9 * * 1", 0), ("0 9 * * 0", 6), ("0 9 * * 7", 6), ("30 8 * * 5", 4), ("0 9 * * mon", 0)],
)
def test_cron_counts_weekdays_from_sunday_like_cron(expression: str, weekday: int) -> None:
    """APScheduler 3 counts from Monday = 0; the phrase parser translates cron's numbering."""
    slots = [datetime.fromisoformat(s) for s in first(expression)]
    assert {s.weekday() for s in slots} == {weekday}


def test_cron_ranges_keep_their_meaning() -> None:
    slots = [datetime.fromisoformat(s) for s in first("0 8 * * 1-5", 5)]
    assert {s.weekday() for s in slots} == {0, 1, 2, 3, 4}
    assert {s.hour for s in slots} == {8}


@pytest.mark.parametrize(
    ("phrase", "days", "time", "frequency"),
    [
        ("tous les lundis", ["mon"], None, "weekly"),
        ("à 9h", [], (9, 0), None),
        ("n'importe quoi", [], None, None),
        ("un jeudi sur deux", ["thu"], None, "fortnightly"),
        ("tous les lundis à 25h", ["mon"], None, "weekly"),
        ("0 9 * * 9", [], None, "cron"),
    ],
)
def test_what_was_understood_is_reported(
    phrase: str, days: list[str], time: tuple[int, int] | None, frequency: str | None
) -> None:
    with pytest.raises(PhraseError) as raised:
        parse(phrase, today=TODAY)
    understood = raised.value.understood
    assert (understood.days, understood.time, understood.frequency) == (days, time, frequency)
