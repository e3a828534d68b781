"""Broadcasts: preview then confirm, now or later, report from the outbox, « Lu ✅ », cancel."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.app import App
from handlers.clock import FakeClock
from store.models import AuditEntry
from tests.chat import Chat, texts
from tests.checkins_support import STAFF, cohort, paris, tick_at
from tests.fakes.recording_port import RecordingPort, Sent

NAME = "Chefs de pôle 2026"
MEMBERS = ["bea", "carl", "dan"]


def delivered(sent: list[Sent]) -> dict[str, str]:
    """Who got which broadcast message: `to:` for a person, `channel` for a channel."""
    return {
        s.to_user or s.channel or "": re.sub(r"^broadcast:\d+:(to|channel).*$", r"\1", s.key)
        for s in sent
        if s.key.startswith("broadcast:")
    }


def preview(chat: Chat, command: str) -> tuple[Sent, int]:
    [shown] = chat.command(STAFF, command)
    found = re.search(r"diffusion n°(\d+)", shown.text)
    assert found and "rien n'est encore parti" in shown.text, shown.text
    return shown, int(found.group(1))


def confirm(chat: Chat, command: str) -> tuple[int, str]:
    shown, number = preview(chat, command)
    return number, texts(chat.press(STAFF, shown.button("Envoyer"), on=shown))


def test_preview_confirm_then_one_message_each(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    cohort(chat, NAME, MEMBERS)
    shown, number = preview(chat, f'diffuser "{NAME}" "Séminaire jeudi @channel"')
    assert "« Chefs de pôle 2026 », soit 3 personnes" in shown.text
    assert "Séminaire jeudi @\u200bchannel" in shown.text
    assert delivered(tick_at(app, clock, port, clock.now())) == {}  # nothing before confirming
    done = texts(chat.press(STAFF, shown.button("Envoyer"), on=shown))
    assert f"Diffusion n°{number} confirmée" in done
    sent = tick_at(app, clock, port, clock.now())
    assert delivered(sent) == dict.fromkeys(MEMBERS, "to")
    assert all("📣 Message de l'équipe du programme (<@ada>)" in s.text for s in sent)
    assert delivered(tick_at(app, clock, port, clock.now())) == {}  # never twice
    report = texts(chat.command(STAFF, f"diffusion rapport {number}"))
    assert "Remis : 3 · échecs : 0 · en attente : 0 · destinataires : 3" in report


def test_failures_are_reported_with_their_reason(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    cohort(chat, NAME, MEMBERS)
    number, _ = confirm(chat, f'diffuser "{NAME}" "Bonjour"')
    port.fail_permanently("user_not_found")
    tick_at(app, clock, port, clock.now())
    report = texts(chat.command(STAFF, f"diffusion rapport {number}"))
    assert "Remis : 2 · échecs : 1" in report
    assert "- <@bea> : user_not_found" in report


def test_scheduled_broadcast_waits_and_can_be_cancelled(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    cohort(chat, NAME, MEMBERS)
    first, done = confirm(chat, f'diffuser "{NAME}" "Rappel" --le 2026-12-10 09:00')
    assert "programmée pour le jeudi 10 décembre à 9h00" in done
    second, _ = confirm(chat, f'diffuser "{NAME}" "Autre" --le 2026-12-10 09:00')
    assert delivered(tick_at(app, clock, port, paris(2026, 12, 10, 8, 59))) == {}
    assert f"Diffusion n°{second} annulée" in texts(
        chat.command(STAFF, f"diffusion annuler {second}")
    )
    sent = tick_at(app, clock, port, paris(2026, 12, 10, 9))
    assert delivered(sent) == dict.fromkeys(MEMBERS, "to")
    assert all("Rappel" in s.text for s in sent)
    assert "ne peut pas être annulée" in texts(chat.command(STAFF, f"diffusion annuler {first}"))
    listing = texts(chat.command(STAFF, "diffusion liste"))
    assert f"n°{second} · Annulée" in listing and f"n°{first} · Envoyée" in listing


def test_read_receipts_and_one_reminder_to_the_others(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    cohort(chat, NAME, MEMBERS)
    number, _ = confirm(chat, f'diffuser "{NAME}" "Merci de lire la charte" --accuse')
    sent = {s.to_user: s for s in tick_at(app, clock, port, clock.now())}
    bea = sent["bea"]
    assert "lecture confirmée" in texts(chat.press("bea", bea.button("Lu ✅"), on=bea))
    assert "déjà confirmé" in texts(chat.press("bea", bea.button("Lu ✅"), on=bea))
    reminders = tick_at(app, clock, port, paris(2026, 12, 8, 9, 1))
    assert sorted(s.to_user or "" for s in reminders) == ["carl", "dan"]
    assert all("🔔 Rappel" in s.text for s in reminders)
    assert tick_at(app, clock, port, paris(2026, 12, 10, 9)) == []
    report = texts(chat.command(STAFF, f"diffusion rapport {number}"))
    assert "Lu ✅ : 1" in report
    assert "Pas encore lu (2) : <@carl>, <@dan>" in report
    chat.press("carl", sent["carl"].button("Lu ✅"), on=sent["carl"])
    chat.press("dan", sent["dan"].button("Lu ✅"), on=sent["dan"])
    assert "Tout le monde a lu." in texts(chat.command(STAFF, f"diffusion rapport {number}"))


def test_channel_and_role_targets(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    chat.command("cora", "moi")
    chat.command(STAFF, "role @cora coach")
    confirm(chat, 'diffuser #general "Bonne semaine à tous"')
    confirm(chat, 'diffuser coachs "Point coachs lundi"')
    sent = tick_at(app, clock, port, clock.now())
    assert delivered(sent) == {"general": "channel", "cora": "to"}


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (f'diffuser "{NAME}" ""', "Il manque « message »"),
        (f'diffuser "{NAME}" "   "', "Il manque « message »"),
        ('diffuser "Inconnue" "Bonjour"', "Je ne sais pas à qui envoyer « Inconnue »"),
        (f'diffuser "{NAME}" "Bonjour" --le 2026-12-01 09:00', "est déjà passé"),
        (f'diffuser "{NAME}" "Bonjour" --le bientot', "Je ne comprends pas la date"),
        ("diffusion annuler 999999", "Je ne trouve pas de diffusion n°999999"),
    ],
)
def test_bad_input_changes_nothing(app: App, chat: Chat, command: str, expected: str) -> None:
    cohort(chat, NAME, MEMBERS)
    assert expected in texts(chat.command(STAFF, command))
    assert "Aucune diffusion" in texts(chat.command(STAFF, "diffusion liste"))


def test_only_staff_broadcast(app: App, chat: Chat) -> None:
    cohort(chat, NAME, MEMBERS)
    assert "réservée au rôle équipe" in texts(chat.command("bea", f'diffuser "{NAME}" "Coucou"'))


def test_everything_is_in_the_audit_log(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    cohort(chat, NAME, MEMBERS)
    confirm(chat, f'diffuser "{NAME}" "Bonjour"')
    tick_at(app, clock, port, clock.now())
    later, _ = confirm(chat, f'diffuser "{NAME}" "Plus tard" --le 2026-12-24 10:00')
    chat.command(STAFF, f"diffusion annuler {later}")
    with app.sessions() as session:
        actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert [a for a in actions if a.startswith("broadcast.")] == [
        "broadcast.draft",
        "broadcast.confirm",
        "broadcast.sent",
        "broadcast.draft",
        "broadcast.confirm",
        "broadcast.cancel",
    ]


def test_a_broadcast_at_nine_in_each_recipients_time_zone(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    cohort(chat, NAME, MEMBERS)
    chat.command("carl", "fuseau La Réunion")
    chat.command("dan", "fuseau Guyane")
    shown, number = preview(chat, f'diffuser "{NAME}" "Bonne semaine" --le lundi 9h --heure-locale')
    assert "lundi 14 décembre 2026 à 9 h 00, à l'heure locale de chaque destinataire" in shown.text
    chat.press(STAFF, shown.button("Envoyer"), on=shown)
    got: dict[str, str] = {}
    for hour in range(0, 24):
        for sent in tick_at(app, clock, port, paris(2026, 12, 14, hour)):
            if sent.key.startswith(f"broadcast:{number}:to:"):
                got[sent.to_user or ""] = f"{hour}h Paris"
    for sent in tick_at(app, clock, port, paris(2026, 12, 15, 0)):
        if sent.key.startswith(f"broadcast:{number}:to:"):
            got[sent.to_user or ""] = "0h Paris, Tuesday"
    # 9:00 in La Réunion is 6:00 in Paris; 9:00 in Cayenne is 13:00 in Paris.
    assert got == {"carl": "6h Paris", "bea": "9h Paris", "dan": "13h Paris"}


def test_local_time_needs_a_time(chat: Chat) -> None:
    cohort(chat, NAME, MEMBERS)
    shown = texts(chat.command(STAFF, f'diffuser "{NAME}" "Bonne semaine" --heure-locale'))
    assert "Avec --heure-locale, dites à quelle heure" in shown
