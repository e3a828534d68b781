"""The bilan: response rates always, averages only from 5 answers, names only when nominative."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from bot.app import App
from handlers.checkins.figures import OccurrenceFigures, trend
from handlers.clock import FakeClock
from tests.chat import Chat, texts
from tests.checkins_support import STAFF, checkins_to, cohort, paris, tick_at
from tests.fakes.recording_port import RecordingPort, Sent

NAME = "Chefs de pôle 2026"
MEMBERS = ["bea", "carl", "dan", "eve", "fay", "gus"]
CLOSED = paris(2026, 12, 16, 9)  # the Monday check-in's 48-hour window is over


def answered_by(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort, count: int, *options: str
) -> None:
    """Six members; `count` of them answer the Monday check-in (moods 1, 2, 3…)."""
    cohort(chat, NAME, MEMBERS, *options)
    clock.set(paris(2026, 12, 7, 10))
    chat.command(STAFF, f'checkin planifier "{NAME}" "tous les lundis à 9h"')
    sent = tick_at(app, clock, port, paris(2026, 12, 14, 9))
    for score, name in enumerate(MEMBERS[:count], start=1):
        dm = checkins_to(sent, name)[0]
        chat.press(name, dm.button(dm.buttons[score - 1].label), on=dm)
        assert dm.message_id is not None
        chat.reply(name, dm.message_id, f"texte de {name}")


def file_in_dm(sent: list[Sent]) -> Sent:
    """The export as it reaches the staff member: a direct message carrying the file."""
    [found] = [s for s in sent if s.to_user == STAFF and s.message and s.message.files]
    return found


def test_averages_hidden_under_five_answers(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    answered_by(app, chat, clock, port, 4)
    [reply] = chat.command(STAFF, f'cohorte bilan "{NAME}"')
    assert "Réponses : 4/6 (67 %)" in reply.text
    assert "Moyennes masquées : moins de 5 réponses." in reply.text
    assert "Humeur moyenne" not in reply.text
    assert "texte de" not in reply.text and "<@bea>" not in reply.text
    exported = chat.command(STAFF, f'cohorte export "{NAME}"')
    assert "fichier CSV joint" in file_in_dm(exported).text
    assert "Je vous envoie « cohorte-" in texts(exported)


def test_averages_shown_from_five_answers_without_names(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    answered_by(app, chat, clock, port, 5)
    tick_at(app, clock, port, CLOSED)
    [reply] = chat.command(STAFF, f'cohorte bilan "{NAME}"')
    assert "Réponses : 5/6 (83 %)" in reply.text
    assert "Humeur moyenne : 3,0/5" in reply.text
    assert "texte de" not in reply.text and "<@bea>" not in reply.text
    assert reply.message is not None
    [chart] = reply.message.files
    assert chart.mime_type == "image/png" and chart.content.startswith(b"\x89PNG")
    export = file_in_dm(chat.command(STAFF, f'cohorte export "{NAME}"'))
    rows = list(
        csv.reader(io.StringIO(export.message.files[0].content.decode("utf-8-sig")), delimiter=";")
    )
    assert rows[0][:4] == ["check-in", "envoyés", "réponses", "taux de réponse (%)"]
    assert rows[1][:4] == ["2026-12-14T09:00", "6", "5", "83"]
    assert rows[1][-1] == "3,0"


def test_nominative_cohort_shows_who_said_what(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    answered_by(app, chat, clock, port, 2, "--nominative")
    [reply] = chat.command(STAFF, f'cohorte bilan "{NAME}"')
    assert "En cours" in reply.text
    assert "Humeur moyenne : 1,5/5" in reply.text
    assert "<@bea> · 1/5 · Ce qui vous aide en ce moment : « texte de bea »" in reply.text
    export = file_in_dm(chat.command(STAFF, f'cohorte export "{NAME}"'))
    content = export.message.files[0].content.decode("utf-8-sig")
    assert "2026-12-14T09:00;carl;2;texte de carl;" in content


def test_every_checkin_dm_says_whether_the_cohort_is_nominative(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    cohort(chat, NAME, ["bea"], "--nominative")
    chat.command(STAFF, f'checkin planifier "{NAME}" "tous les lundis à 9h"')
    [dm] = checkins_to(tick_at(app, clock, port, paris(2026, 12, 14, 9)), "bea")
    assert "Cohorte nominative : l'équipe du programme voit vos réponses avec votre nom." in dm.text


def test_the_report_is_for_staff_and_the_cohorts_coach(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    chat.command("cora", "moi")
    chat.command("otto", "moi")
    cohort(chat, NAME, ["bea"], "--coach @cora")
    chat.command(STAFF, "role @cora coach")
    chat.command(STAFF, "role @otto coach")
    assert "Aucun check-in n'a encore eu lieu" in texts(
        chat.command("cora", f'cohorte bilan "{NAME}"')
    )
    assert "réservé à l'équipe du programme et au coach" in texts(
        chat.command("otto", f'cohorte bilan "{NAME}"')
    )
    assert "réservée au rôle coach" in texts(chat.command("bea", f'cohorte bilan "{NAME}"'))


def test_mood_trend_compares_the_last_two_visible_averages() -> None:
    def week(day: int, mood: float | None) -> OccurrenceFigures:
        figure = OccurrenceFigures(slot=datetime(2026, 12, day, 9), questions=[])
        if mood is not None:
            figure.averages = {"mood": mood}
        return figure

    assert trend([week(7, 3.0), week(14, None), week(21, 3.8)]) == 0.8
    assert trend([week(7, 4.0), week(14, 3.5)]) == -0.5
    assert trend([week(7, 4.0), week(14, None)]) is None
