"""A scheduled broadcast is staged ahead of its time (fanned out `LEAD` before, each message held
by the outbox until the minute): members get it at that minute, never before, once; staff can
still call it off until then, and see it as scheduled, not sent."""

from __future__ import annotations

import itertools

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.app import App
from handlers.clock import FakeClock
from store.models import AuditEntry, Broadcast
from tests.chat import Chat, texts
from tests.checkins_support import STAFF, cohort, paris, tick_at
from tests.conftest import app_on
from tests.fakes.recording_port import RecordingPort
from tests.test_broadcasts_dialog import MEMBERS, NAME, confirm, delivered

MONDAY_NINE = paris(2026, 12, 14, 9)


def staged(app: App, number: int) -> bool:
    """Fanned out: its messages wait in the outbox."""
    with app.sessions() as session:
        broadcast = session.get_one(Broadcast, number)
        return broadcast.fanned_out_at is not None


def audit_of(app: App, number: int) -> list[str]:
    """What happened to it, in order (reports read by staff left out)."""
    with app.sessions() as session:
        return list(
            session.scalars(
                select(AuditEntry.action)
                .where(
                    AuditEntry.target == f"broadcast:{number}",
                    AuditEntry.action != "broadcast.report",
                )
                .order_by(AuditEntry.id)
            )
        )


def test_delivered_at_its_minute_not_before(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    cohort(chat, NAME, MEMBERS)
    number, done = confirm(chat, f'diffuser "{NAME}" "Séminaire jeudi" --le lundi 9h --accuse')
    assert "programmée pour le lundi 14 décembre à 9h00" in done
    assert delivered(tick_at(app, clock, port, paris(2026, 12, 14, 8, 50))) == {}
    assert staged(app, number)
    report = texts(chat.command(STAFF, f"diffusion rapport {number}"))
    assert "**Programmée**" in report
    assert "Remis : 0 · échecs : 0 · en attente : 3 · destinataires : 3" in report
    assert "Lu ✅" not in report  # nobody could have read it yet
    assert f"n°{number} · Programmée" in texts(chat.command(STAFF, "diffusion liste"))
    assert delivered(tick_at(app, clock, port, paris(2026, 12, 14, 8, 59))) == {}
    sent = tick_at(app, clock, port, MONDAY_NINE)
    assert delivered(sent) == dict.fromkeys(MEMBERS, "to")
    assert all("Séminaire jeudi" in s.text for s in sent)
    assert delivered(tick_at(app, clock, port, paris(2026, 12, 14, 9, 1))) == {}
    report = texts(chat.command(STAFF, f"diffusion rapport {number}"))
    assert "**Envoyée**" in report
    assert "Remis : 3 · échecs : 0 · en attente : 0 · destinataires : 3" in report
    assert "Pas encore lu (3)" in report
    assert audit_of(app, number) == ["broadcast.draft", "broadcast.confirm", "broadcast.sent"]
    reminders = tick_at(app, clock, port, paris(2026, 12, 15, 9, 1))
    assert sorted(s.to_user or "" for s in reminders) == sorted(MEMBERS)


def test_cancelled_after_it_was_staged_nobody_gets_it(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    cohort(chat, NAME, MEMBERS)
    number, _ = confirm(chat, f'diffuser "{NAME}" "Finalement non" --le 10 décembre 9h --accuse')
    tick_at(app, clock, port, paris(2026, 12, 10, 8, 55))
    assert staged(app, number)
    answer = texts(chat.command(STAFF, f"diffusion annuler {number}"))
    assert f"Diffusion n°{number} annulée : rien ne sera envoyé." in answer
    for moment in (paris(2026, 12, 10, 9), paris(2026, 12, 11, 9, 1), paris(2026, 12, 12)):
        assert delivered(tick_at(app, clock, port, moment)) == {}
    assert f"n°{number} · Annulée" in texts(chat.command(STAFF, "diffusion liste"))
    report = texts(chat.command(STAFF, f"diffusion rapport {number}"))
    assert "**Annulée**" in report
    assert "Remis : 0 · échecs : 0 · en attente : 0 · destinataires : 0" in report
    assert "ne peut pas être annulée" in texts(chat.command(STAFF, f"diffusion annuler {number}"))
    assert audit_of(app, number) == ["broadcast.draft", "broadcast.confirm", "broadcast.cancel"]


def test_too_late_once_messages_left_even_before_it_is_marked_sent(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    """The outbox hands the messages out at the minute; the release job marks the broadcast sent
    a moment later. A cancel in between must not claim that nothing will be sent, and a reader
    quick to press « Lu ✅ » is counted."""
    cohort(chat, NAME, MEMBERS)
    number, _ = confirm(chat, f'diffuser "{NAME}" "Déjà parti" --le 10 décembre 9h --accuse')
    tick_at(app, clock, port, paris(2026, 12, 10, 8, 55))
    clock.set(paris(2026, 12, 10, 9))
    before = len(port.sent)
    app.outbox.deliver()
    sent = {s.to_user: s for s in port.sent[before:]}
    assert delivered(port.sent[before:]) == dict.fromkeys(MEMBERS, "to")
    assert "ne peut pas être annulée" in texts(chat.command(STAFF, f"diffusion annuler {number}"))
    bea = sent["bea"]
    assert "lecture confirmée" in texts(chat.press("bea", bea.button("Lu ✅"), on=bea))
    tick_at(app, clock, port, paris(2026, 12, 10, 9, 1))
    report = texts(chat.command(STAFF, f"diffusion rapport {number}"))
    assert "**Envoyée**" in report and "Remis : 3 · échecs : 0 · en attente : 0" in report
    assert "Lu ✅ : 1" in report


def test_restart_between_staging_and_its_minute_delivers_once(
    app: App,
    chat: Chat,
    clock: FakeClock,
    port: RecordingPort,
    sessions: sessionmaker[Session],
) -> None:
    cohort(chat, NAME, MEMBERS)
    number, _ = confirm(chat, f'diffuser "{NAME}" "Après la panne" --le lundi 9h')
    tick_at(app, clock, port, paris(2026, 12, 14, 8, 52))
    assert staged(app, number)
    restarted = app_on(chat.app.engine, sessions, clock, port)
    assert delivered(tick_at(restarted, clock, port, paris(2026, 12, 14, 8, 59))) == {}
    sent = tick_at(restarted, clock, port, MONDAY_NINE)
    sent += tick_at(app, clock, port, MONDAY_NINE)  # the old process, if it still ticks
    sent += tick_at(restarted, clock, port, paris(2026, 12, 14, 9, 5))
    assert sorted(s.to_user or "" for s in sent if s.key.startswith("broadcast:")) == MEMBERS
    again = Chat(app=restarted, port=port, _ids=itertools.count(10_000))
    assert f"n°{number} · Envoyée" in texts(again.command(STAFF, "diffusion liste"))


def test_an_author_forgotten_before_the_minute_sends_nothing(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    cohort(chat, NAME, MEMBERS)
    chat.command("eve", "moi")
    chat.command(STAFF, "role @eve équipe programme")
    [shown] = chat.command("eve", f'diffuser "{NAME}" "Signé Eve" --le lundi 9h')
    chat.press("eve", shown.button("Envoyer"), on=shown)
    tick_at(app, clock, port, paris(2026, 12, 14, 8, 55))
    [question] = chat.command("eve", "oubliez-moi")
    chat.press("eve", question.button("Oui, tout effacer"), on=question)
    assert delivered(tick_at(app, clock, port, MONDAY_NINE)) == {}


def test_a_local_time_broadcast_is_staged_before_the_first_time_zone_and_can_be_cancelled(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    """9:00 first comes in UTC+14, Sunday 20:00 in Paris: staged just before, cancellable until."""
    cohort(chat, NAME, MEMBERS)
    chat.command("carl", "fuseau La Réunion")
    [shown] = chat.command(STAFF, f'diffuser "{NAME}" "Bonne semaine" --le lundi 9h --heure-locale')
    chat.press(STAFF, shown.button("Envoyer"), on=shown)
    number = int(shown.button("Envoyer").value.partition(":")[0])
    assert delivered(tick_at(app, clock, port, paris(2026, 12, 13, 19, 49))) == {}
    assert not staged(app, number)
    assert delivered(tick_at(app, clock, port, paris(2026, 12, 13, 19, 55))) == {}
    assert staged(app, number)
    assert "annulée" in texts(chat.command(STAFF, f"diffusion annuler {number}"))
    for hour in (6, 9, 13):
        assert delivered(tick_at(app, clock, port, paris(2026, 12, 14, hour))) == {}
