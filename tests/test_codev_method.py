"""The method's table, the speaking rules and the step clock, as plain functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handlers.codev import timer
from handlers.codev.method import DEFAULT_MINUTES, minutes_for, reminder_for, with_change
from store.models import CodevSession

T0 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def a_session(minutes: list[int]) -> CodevSession:
    row = CodevSession(minutes=minutes, paused_seconds=0, extra_seconds=0)
    timer.start_step(row, 0, T0)
    return row


def test_the_two_formats_last_about_ninety_minutes_and_three_hours() -> None:
    assert sum(DEFAULT_MINUTES["court"]) == 90
    assert 160 <= sum(DEFAULT_MINUTES["long"]) <= 180


def test_a_group_changes_one_step_of_one_format() -> None:
    changed = with_change("court", {}, step=4, minutes=30)
    assert minutes_for("court", changed) == [10, 10, 15, 5, 30, 15, 10]
    assert minutes_for("long", changed) == list(DEFAULT_MINUTES["long"])


@pytest.mark.parametrize(
    ("step", "role", "text", "expected"),
    [
        (1, "consultant", "Une idée", "codev.rule.expose"),
        (1, "client", "Je vous explique", None),
        (1, "facilitator", "On avance", None),
        (2, "consultant", "Tu devrais déléguer.", "codev.rule.clarification"),
        (2, "consultant", "Combien sont-ils ?", None),
        (2, "client", "Ils sont douze.", None),
        (4, "client", "Oui mais", "codev.rule.consultation"),
        (4, "consultant", "Essaie un pilote.", None),
        (6, "client", "J'ai appris", None),
    ],
)
def test_speaking_rules(step: int, role: str, text: str, expected: str | None) -> None:
    assert reminder_for(step, role, text) == expected  # type: ignore[arg-type]


def test_pauses_stop_the_clock_and_extensions_add_to_it() -> None:
    row = a_session([10])
    assert timer.remaining_seconds(row, T0 + timedelta(minutes=4)) == 6 * 60
    timer.pause(row, T0 + timedelta(minutes=4))
    assert timer.remaining_seconds(row, T0 + timedelta(minutes=30)) == 6 * 60
    timer.resume(row, T0 + timedelta(minutes=30))
    assert timer.remaining_seconds(row, T0 + timedelta(minutes=31)) == 5 * 60
    timer.extend(row, 5, T0 + timedelta(minutes=31))
    assert timer.ends_at(row, T0 + timedelta(minutes=31)) == T0 + timedelta(minutes=41)


def test_extending_an_overrun_step_gives_the_full_extension() -> None:
    row = a_session([10])
    assert timer.remaining_seconds(row, T0 + timedelta(minutes=13)) == -3 * 60
    timer.extend(row, 1, T0 + timedelta(minutes=13))
    assert timer.remaining_seconds(row, T0 + timedelta(minutes=13)) == 60
