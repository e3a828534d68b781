"""No running averages on a confidential cohort: figures only for closed check-ins with at least
k answers. When the last answer window closes, the coach and staff get the summary."""

from __future__ import annotations

from bot.app import App
from handlers.clock import FakeClock
from tests.chat import Chat, texts
from tests.checkins_support import STAFF, checkins_to, paris, tick_at
from tests.fakes.recording_port import RecordingPort, Sent

NAME = "Chefs de pôle 2026"
MEMBERS = ["bea", "carl", "dan", "eve", "fay", "gus"]
MONDAY = paris(2026, 12, 14, 9)
CLOSED = paris(2026, 12, 16, 9)


def start(app: App, chat: Chat, clock: FakeClock, port: RecordingPort, *options: str) -> None:
    for name in [*MEMBERS, "cora"]:
        chat.command(name, "moi")
    chat.command(STAFF, f'cohorte creer "{NAME}" --coach @cora {" ".join(options)}')
    chat.command(STAFF, f'cohorte ajouter "{NAME}" {" ".join("@" + m for m in MEMBERS)}')
    clock.set(paris(2026, 12, 7, 10))
    chat.command(STAFF, f'checkin planifier "{NAME}" "tous les lundis à 9h"')
    sent = tick_at(app, clock, port, MONDAY)
    app.dms = {name: checkins_to(sent, name)[0] for name in MEMBERS}  # type: ignore[attr-defined]


def answer(chat: Chat, app: App, name: str, score: int, text: str) -> None:
    dm: Sent = app.dms[name]  # type: ignore[attr-defined]
    chat.press(name, dm.button(dm.buttons[score - 1].label), on=dm)
    assert dm.message_id is not None
    chat.reply(name, dm.message_id, text)


def bilan(chat: Chat) -> str:
    return texts(chat.command(STAFF, f'cohorte bilan "{NAME}"'))


def test_no_running_average_while_the_round_is_open(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    start(app, chat, clock, port)
    for score, name in enumerate(MEMBERS[:5], start=1):
        answer(chat, app, name, score, "Trop de réunions de coordination cette semaine.")
    shown = bilan(chat)
    assert "Réponses : 5/6" in shown and "Humeur moyenne" not in shown
    assert "Moyennes visibles à la clôture du check-in" in shown
    answer(chat, app, "gus", 5, "Tout va bien.")
    assert "Humeur moyenne" not in bilan(chat)
    tick_at(app, clock, port, CLOSED)
    assert "Humeur moyenne : 3,3/5" in bilan(chat)


def test_averages_stay_hidden_below_the_threshold_even_closed(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    start(app, chat, clock, port)
    for score, name in enumerate(MEMBERS[:4], start=1):
        answer(chat, app, name, score, "Rien de spécial.")
    tick_at(app, clock, port, CLOSED)
    shown = bilan(chat)
    assert "Moyennes masquées : moins de 5 réponses." in shown and "Humeur moyenne" not in shown


def test_the_close_summary_goes_to_the_coach_and_staff(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    start(app, chat, clock, port)
    for score, name in enumerate(MEMBERS[:5], start=1):
        answer(chat, app, name, score, f"Le recrutement bloque encore, dit {name}.")
    sent = tick_at(app, clock, port, CLOSED)
    summaries = {s.to_user: s.text for s in sent if ":summary:" in s.key}
    assert set(summaries) == {"cora", STAFF}
    text = summaries["cora"]
    assert "Check-in clos — « Chefs de pôle 2026 »" in text
    assert "Réponses : 5/6 (83 %)" in text
    assert "Humeur moyenne (1 à 5) : 3,0/5" in text
    assert "Nouveaux thèmes dans les réponses écrites : bloque, recrutement" in text
    assert "Sans réponse : <@gus>" in text
    assert [s for s in tick_at(app, clock, port, CLOSED) if ":summary:" in s.key] == []


def test_a_confidential_summary_below_the_threshold_shows_no_content(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    start(app, chat, clock, port)
    answer(chat, app, "bea", 1, "Le recrutement bloque encore.")
    answer(chat, app, "carl", 2, "Le recrutement bloque encore.")
    sent = tick_at(app, clock, port, CLOSED)
    [text] = [s.text for s in sent if ":summary:" in s.key and s.to_user == "cora"]
    assert "Réponses : 2/6" in text and "Moyennes masquées" in text
    assert "recrutement" not in text and "/5" not in text
    assert "Sans réponse : <@dan>, <@eve>, <@fay>, <@gus>" in text
