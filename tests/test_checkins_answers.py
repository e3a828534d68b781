"""Members answer by button, choice, form, thread reply or one command; reminders and notes."""

from __future__ import annotations

import logging

import pytest

from bot.app import App
from handlers.clock import FakeClock
from handlers.types import OpenForm
from store import checkin_rounds
from store.models import CheckinAnswer
from tests.chat import Chat, texts
from tests.checkins_support import (
    STAFF,
    checkins_to,
    cohort,
    paris,
    reminders_to,
    rounds_of,
    tick_at,
)
from tests.fakes.recording_port import RecordingPort, Sent

NAME = "Chefs de pôle 2026"
MONDAY = paris(2026, 12, 14, 9)


def started(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort, members: list[str], *options: str
) -> dict[str, Sent]:
    """A weekly météo check-in, sent on Monday 14 December at 9:00; the DM of each member."""
    cohort(chat, NAME, members, *options)
    clock.set(paris(2026, 12, 7, 10))
    chat.command(STAFF, f'checkin planifier "{NAME}" "tous les lundis à 9h"')
    sent = tick_at(app, clock, port, MONDAY)
    return {name: checkins_to(sent, name)[0] for name in members}


def answers(app: App, name: str) -> dict[str, CheckinAnswer]:
    [round_] = [r for r in rounds_of(app, name) if r.answered_at]
    with app.sessions() as session:
        return checkin_rounds.answers_of(session, round_id=round_.id)


def notes_to_coach(port: RecordingPort) -> list[Sent]:
    return [s for s in port.to("cora") if s.key.endswith(":coach")]


def test_mood_button_then_change_until_the_window_closes(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    dm = started(app, chat, clock, port, ["bea"])["bea"]
    assert "Vos réponses sont confidentielles" in dm.text
    reply = texts(chat.press("bea", dm.button("🌤️ 4"), on=dm))
    assert "modifier votre réponse jusqu'au mercredi 16 décembre à 9h00" in reply
    chat.press("bea", dm.button("⛅ 3"), on=dm)
    assert answers(app, "bea")["mood"].score == 3
    clock.set(paris(2026, 12, 16, 9, 1))
    assert "Ce check-in est clos" in texts(chat.press("bea", dm.button("☀️ 5"), on=dm))


def test_someone_else_cannot_answer_for_you(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    dm = started(app, chat, clock, port, ["bea", "carl"])["bea"]
    assert "ne vous est pas adressé" in texts(chat.press("carl", dm.button("⛈️ 1"), on=dm))
    assert all(r.answered_at is None for r in rounds_of(app, "bea"))


def test_thread_replies_fill_the_written_questions(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    dm = started(app, chat, clock, port, ["bea"])["bea"]
    assert dm.message_id is not None
    assert "Ce qui vous aide" in texts(chat.reply("bea", dm.message_id, "Mon équipe soudée"))
    assert "Ce qui vous freine" in texts(chat.reply("bea", dm.message_id, "Les réunions"))
    assert "commencez par son numéro" in texts(chat.reply("bea", dm.message_id, "encore"))
    assert "Ce qui vous aide" in texts(chat.reply("bea", dm.message_id, "1 : le café @channel"))
    chat.reply("bea", dm.message_id, "4")
    found = answers(app, "bea")
    assert (found["mood"].score, found["aide"].text, found["frein"].text) == (
        4,
        "le café @channel",
        "Les réunions",
    )


def test_form_where_the_platform_has_one_and_instructions_where_not(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    dm = started(app, chat, clock, port, ["bea"])["bea"]
    [opened] = chat.press("bea", dm.button("✍️ Répondre par écrit"), on=dm)
    assert isinstance(opened.action, OpenForm)
    form = opened.action.form
    assert [f.name for f in form.fields] == ["mood", "aide", "frein"]
    reply = chat.submit(
        "bea",
        form.form_id,
        {"mood": "2", "aide": "", "frein": "La charge"},
        metadata=form.private_metadata,
    )
    assert "Merci, c'est noté" in texts(reply)
    assert "n'est pas une note" in texts(
        chat.submit("bea", form.form_id, {"mood": "9"}, metadata=form.private_metadata)
    )
    chat.forms = False
    assert "Pas de formulaire ici" in texts(
        chat.press("bea", dm.button("✍️ Répondre par écrit"), on=dm)
    )


def test_one_line_answer_and_its_errors(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    started(app, chat, clock, port, ["bea"])
    assert "Merci" in texts(chat.command("bea", "checkin repondre 5 le soleil | rien"))
    assert "Trop de réponses écrites" in texts(chat.command("bea", "checkin repondre 4 a | b | c"))
    assert "n'est pas une note" in texts(chat.command("bea", "checkin repondre 7"))
    assert "aucun check-in en cours" in texts(chat.command("zoe", "checkin repondre 3"))


def test_an_upcoming_checkin_can_be_answered_early(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    cohort(chat, NAME, ["bea", "carl"])
    chat.command(STAFF, f'checkin planifier "{NAME}" "tous les lundis à 9h"')
    [listing] = chat.command("bea", "checkin prochain")
    assert "lundi 14 décembre à 9h00 (votre heure)" in listing.text
    [controls] = chat.press("bea", listing.button(f"Répondre maintenant ({NAME})"), on=listing)
    chat.press("bea", controls.button("☀️ 5"), on=controls)
    sent = tick_at(app, clock, port, MONDAY)
    assert checkins_to(sent, "bea") == [] and len(checkins_to(sent, "carl")) == 1
    assert "déjà répondu" in texts(chat.command("bea", "checkin prochain"))


def test_reminder_reaches_only_the_silent_ones(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    dms = started(app, chat, clock, port, ["bea", "carl", "dan"])
    chat.press("bea", dms["bea"].button("🌤️ 4"), on=dms["bea"])
    chat.command("dan", "checkin repondre 2")
    assert reminders_to(tick_at(app, clock, port, paris(2026, 12, 15, 8, 59)), "carl") == []
    sent = tick_at(app, clock, port, paris(2026, 12, 15, 9))
    assert [s.to_user for s in sent] == ["carl"]
    assert "Petit rappel" in sent[0].text
    assert tick_at(app, clock, port, paris(2026, 12, 15, 9, 30)) == []


def test_coach_is_told_after_the_chosen_number_of_misses_in_a_row(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    chat.command("cora", "moi")
    started(app, chat, clock, port, ["bea"], "--coach @cora --alerte 2")
    tick_at(app, clock, port, paris(2026, 12, 16, 9))
    assert notes_to_coach(port) == []  # one miss
    tick_at(app, clock, port, paris(2026, 12, 21, 9))
    tick_at(app, clock, port, paris(2026, 12, 23, 9))
    [note] = notes_to_coach(port)
    assert "<@bea> n'a pas répondu aux 2 derniers check-ins" in note.text


def test_after_downtime_sent_late_inside_the_window_else_recorded_missed(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    started(app, chat, clock, port, ["bea"])  # week 1 sent on time
    # The bot is down from Sunday 20 to Monday 21 at 15:00: week 2 goes out late, still open.
    [late] = checkins_to(tick_at(app, clock, port, paris(2026, 12, 21, 15)), "bea")
    assert "mercredi 23 décembre à 9h00" in late.text
    # Down again from Sunday 27 to Thursday 31: week 3's window closed meanwhile.
    assert checkins_to(tick_at(app, clock, port, paris(2026, 12, 31, 12)), "bea") == []
    statuses = [r.status for r in rounds_of(app, "bea")]
    assert statuses[:3] == ["closed", "closed", "expired"]
    report = texts(chat.command(STAFF, f'cohorte bilan "{NAME}"'))
    assert "Non envoyés (bot indisponible pendant toute la fenêtre de réponse) : 1" in report


def test_declared_absence_skips_the_member(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    started(app, chat, clock, port, ["bea", "carl"])
    assert "Absence n°" in texts(chat.command("bea", "absent du 2026-12-19 au 2026-12-23"))
    sent = tick_at(app, clock, port, paris(2026, 12, 21, 9))
    assert checkins_to(sent, "bea") == [] and len(checkins_to(sent, "carl")) == 1
    assert "Absents : 1" in texts(chat.command(STAFF, f'cohorte bilan "{NAME}"'))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("absent bientot", "Écrivez par exemple `/relais absent du"),
        ("absent du 2026-12-30 au 2026-12-20", "avant son début"),
        ("absent du 2026-01-01 au 2026-01-02", "déjà passée"),
        ("absent du 31/02 au 2/03", "Écrivez par exemple `/relais absent du"),
        ("absent annuler 99", "Je ne trouve pas d'absence n°99"),
    ],
)
def test_absence_mistakes(chat: Chat, text: str, expected: str) -> None:
    assert expected in texts(chat.command("bea", text))


def test_timezone_change_after_planning_is_honoured(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    cohort(chat, NAME, ["bea"])
    chat.command(STAFF, f'checkin planifier "{NAME}" "tous les lundis à 9h"')
    chat.command("bea", "fuseau America/Cayenne")
    assert checkins_to(tick_at(app, clock, port, MONDAY), "bea") == []
    assert len(checkins_to(tick_at(app, clock, port, paris(2026, 12, 14, 13)), "bea")) == 1


def test_answer_texts_never_reach_the_logs(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    dm = started(app, chat, clock, port, ["bea"])["bea"]
    assert dm.message_id is not None
    chat.reply("bea", dm.message_id, "secret-de-bea")
    chat.command("bea", "checkin repondre 3 autre-secret")
    assert "secret" not in caplog.text
