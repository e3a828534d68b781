"""Check-ins reach each member at the local hour, across daylight saving, skipping holidays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import App
from handlers.clock import FakeClock
from tests.chat import Chat, texts
from tests.checkins_support import (
    STAFF,
    checkins_to,
    cohort,
    paris,
    people,
    sent_at,
    tick_at,
)
from tests.fakes.recording_port import RecordingPort

NAME = "Chefs de pôle 2026"


def plan(chat: Chat, clock: FakeClock, at: datetime, phrase: str, name: str = NAME) -> None:
    clock.set(at)
    reply = texts(chat.command(STAFF, f'checkin planifier "{name}" "{phrase}"'))
    assert "C'est planifié" in reply, reply


def test_monday_9am_paris_stays_9am_across_the_march_change(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    cohort(chat, NAME, ["bea"])
    plan(chat, clock, paris(2028, 3, 13, 12), "tous les lundis à 9h")
    for monday, utc_hour in ((20, 8), (27, 7)):  # CET, then CEST after Sunday 26 March 2028
        assert checkins_to(tick_at(app, clock, port, paris(2028, 3, monday, 8, 59)), "bea") == []
        [dm] = checkins_to(tick_at(app, clock, port, paris(2028, 3, monday, 9, 0)), "bea")
        assert sent_at(app, dm.key) == datetime(2028, 3, monday, utc_hour, tzinfo=UTC)


def test_monday_9am_paris_stays_9am_across_the_october_change(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    cohort(chat, NAME, ["bea"])
    plan(chat, clock, paris(2028, 10, 16, 12), "tous les lundis à 9h")
    for monday, utc_hour in ((23, 7), (30, 8)):  # CEST, then CET after Sunday 29 October 2028
        assert checkins_to(tick_at(app, clock, port, paris(2028, 10, monday, 8, 59)), "bea") == []
        [dm] = checkins_to(tick_at(app, clock, port, paris(2028, 10, monday, 9, 0)), "bea")
        assert sent_at(app, dm.key) == datetime(2028, 10, monday, utc_hour, tzinfo=UTC)


def test_members_overseas_get_theirs_at_9am_local(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    people(chat, "noa", timezone="Pacific/Noumea")
    people(chat, "cayo", timezone="America/Cayenne")
    cohort(chat, NAME, ["bea", "noa", "cayo"])
    plan(chat, clock, paris(2026, 12, 7, 10), "tous les lundis à 9h")
    expected = {
        "noa": datetime(2026, 12, 13, 22, tzinfo=UTC),  # Monday 9:00 in Nouméa (UTC+11)
        "bea": datetime(2026, 12, 14, 8, tzinfo=UTC),  # Paris (UTC+1)
        "cayo": datetime(2026, 12, 14, 12, tzinfo=UTC),  # Cayenne (UTC-3)
    }
    for name, due in sorted(expected.items(), key=lambda item: item[1]):
        before = tick_at(app, clock, port, due - timedelta(minutes=1))
        assert checkins_to(before, name) == []
        [dm] = checkins_to(tick_at(app, clock, port, due), name)
        assert sent_at(app, dm.key) == due
        assert "mercredi 16 décembre à 9h00" in dm.text  # the window, in their own time


def test_no_checkin_on_christmas_or_new_year(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    cohort(chat, NAME, ["bea"])
    plan(chat, clock, paris(2026, 12, 21, 18), "chaque jour ouvré à 17h")
    upcoming = texts(chat.command(STAFF, f'checkin prochain "{NAME}"'))
    assert "ven. 25 déc. à 17h00 : férié (Noël), pas d'envoi" in upcoming
    received = []
    day = paris(2026, 12, 22, 17)
    while day <= paris(2027, 1, 5, 17):
        if checkins_to(tick_at(app, clock, port, day), "bea"):
            received.append(day.date().isoformat())
        day += timedelta(days=1)
    assert received == [
        "2026-12-22", "2026-12-23", "2026-12-24", "2026-12-28", "2026-12-29",
        "2026-12-30", "2026-12-31", "2027-01-04", "2027-01-05",
    ]  # fmt: skip


def test_no_checkin_on_labour_day(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    cohort(chat, NAME, ["bea"])
    plan(chat, clock, paris(2027, 4, 29, 12), "tous les jours à 10h")
    days = [paris(2027, 4, 30, 10), paris(2027, 5, 1, 10), paris(2027, 5, 2, 10)]
    received = [bool(checkins_to(tick_at(app, clock, port, d), "bea")) for d in days]
    assert received == [True, False, True]


def test_alsace_moselle_cohorts_also_skip_saint_stephens_day(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    cohort(chat, NAME, ["bea"])
    cohort(chat, "Strasbourg", ["sam"], "--alsace-moselle")
    plan(chat, clock, paris(2026, 12, 23, 12), "tous les jours à 10h")
    plan(chat, clock, paris(2026, 12, 23, 12), "tous les jours à 10h", name="Strasbourg")
    got: dict[str, list[int]] = {"bea": [], "sam": []}
    for day in (24, 25, 26, 27):
        sent = tick_at(app, clock, port, paris(2026, 12, day, 10))
        for name, days in got.items():
            if checkins_to(sent, name):
                days.append(day)
    assert got == {"bea": [24, 26, 27], "sam": [24, 27]}
