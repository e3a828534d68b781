"""French dates as managers type them, through the router: every one accepted is said back in
full ("lundi 14 décembre 2026 à 9 h 00, heure de Paris") so a misreading shows at once.

The clock starts on Monday 7 December 2026 at 9:00 in Paris."""

from __future__ import annotations

import pytest

from tests.chat import Chat, texts
from tests.checkins_support import STAFF, cohort
from tests.codev_support import create_group

NAME = "Chefs de pôle 2026"


@pytest.mark.parametrize(
    ("typed", "echoed"),
    [
        ("lundi 9h", "lundi 14 décembre 2026 à 9 h 00, heure de Paris"),
        ("demain 14h30", "mardi 8 décembre 2026 à 14 h 30, heure de Paris"),
        ("7/12 à 18h", "lundi 7 décembre 2026 à 18 h 00, heure de Paris"),
        ("07/12/2027", "mardi 7 décembre 2027 à 9 h 00, heure de Paris"),
        ("7 décembre 17h", "lundi 7 décembre 2026 à 17 h 00, heure de Paris"),
        ("le 24 decembre a 10h", "jeudi 24 décembre 2026 à 10 h 00, heure de Paris"),
        ("12/01", "mardi 12 janvier 2027 à 9 h 00, heure de Paris"),
        ("dans 2 semaines", "lundi 21 décembre 2026 à 9 h 00, heure de Paris"),
        ("2026-12-09T11:00", "mercredi 9 décembre 2026 à 11 h 00, heure de Paris"),
        ("tomorrow 2pm", "mardi 8 décembre 2026 à 14 h 00, heure de Paris"),
    ],
)
def test_a_broadcast_date_typed_in_french_is_echoed_resolved(
    chat: Chat, typed: str, echoed: str
) -> None:
    cohort(chat, NAME, ["bea"])
    shown = texts(chat.command(STAFF, f'diffuser "{NAME}" "Séminaire" --le {typed} --accuse'))
    assert echoed in shown, shown
    assert "Accusé de lecture: oui" in shown


def test_an_english_speaker_reads_the_echo_in_english(chat: Chat) -> None:
    cohort(chat, NAME, ["bea"])
    chat.command(STAFF, "langue en")
    shown = texts(chat.command(STAFF, f'broadcast "{NAME}" "Seminar" --at monday 9am'))
    assert "Monday 14 December 2026 at 9:00, Paris time" in shown


def test_an_unreadable_date_says_which_forms_work(chat: Chat) -> None:
    cohort(chat, NAME, ["bea"])
    shown = texts(chat.command(STAFF, f'diffuser "{NAME}" "Séminaire" --le bientot'))
    assert "Je ne comprends pas la date « bientot »" in shown
    assert "lundi 9h" in shown and "demain 14h30" in shown


@pytest.mark.parametrize(
    ("typed", "echoed"),
    [
        ("du 7 au 11 décembre", "du lundi 7 décembre 2026 au vendredi 11 décembre 2026"),
        ("du 21/12 au 2/01", "du lundi 21 décembre 2026 au samedi 2 janvier 2027"),
        ("le 24/12", "du jeudi 24 décembre 2026 au jeudi 24 décembre 2026"),
        ("demain", "du mardi 8 décembre 2026 au mardi 8 décembre 2026"),
    ],
)
def test_an_absence_period_in_french(chat: Chat, typed: str, echoed: str) -> None:
    shown = texts(chat.command("bea", f"absent {typed}"))
    assert "Absence n°" in shown, shown
    start, end = echoed.removeprefix("du ").split(" au ")
    assert start in shown and end in shown


def test_an_english_absence_period(chat: Chat) -> None:
    shown = texts(chat.command("bea", "away from 7 to 11 December"))
    assert "lundi 7 décembre 2026" in shown and "vendredi 11 décembre 2026" in shown


@pytest.mark.parametrize(
    ("typed", "zone", "place"),
    [
        ("La Réunion", "Indian/Reunion", "La Réunion"),
        ("la reunion", "Indian/Reunion", "La Réunion"),
        ("Guyane", "America/Cayenne", "la Guyane"),
        ("métropole", "Europe/Paris", "Paris"),
        ("Nouvelle-Calédonie", "Pacific/Noumea", "la Nouvelle-Calédonie"),
        ("Saint-Pierre-et-Miquelon", "America/Miquelon", "Saint-Pierre-et-Miquelon"),
        ("europe/paris", "Europe/Paris", "Paris"),
    ],
)
def test_time_zone_by_french_place_name(chat: Chat, typed: str, zone: str, place: str) -> None:
    shown = texts(chat.command("bea", f"fuseau {typed}"))
    assert f"celui de {place} ({zone})" in shown, shown
    assert f"heure de {place}" in shown


def test_dates_are_read_in_the_callers_own_zone(chat: Chat) -> None:
    cohort(chat, NAME, ["bea"])
    chat.command(STAFF, "fuseau La Réunion")
    shown = texts(chat.command(STAFF, f'diffuser "{NAME}" "Séminaire" --le demain 9h'))
    assert "mardi 8 décembre 2026 à 9 h 00, heure de La Réunion" in shown


def test_a_campaign_deadline_in_french_is_echoed_with_its_year(chat: Chat) -> None:
    shown = texts(
        chat.command("ada", 'campagne ouvrir "Simplifier" --jusqu-au 31 janvier', channel="idees")
    )
    assert "Ouverte jusqu'au 31 janvier 2027 inclus." in shown


def test_a_codev_next_session_in_french(chat: Chat) -> None:
    group = create_group(chat)
    group.launch("bea")
    shown = texts(group.coach("codev prochaine 15/01 à 9h30"))
    assert "Prochaine séance notée : vendredi 15 janvier 2027 à 9 h 30, heure de Paris" in shown
