"""Campaigns and the permanent box: opening, extending, closing, and what a closed campaign
answers; plus the proposal's bad input (empty or over-long fields), which changes nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from handlers.clock import FakeClock
from handlers.types import OpenForm
from store.models import Idea, IdeaCampaign
from tests.chat import Chat, texts
from tests.fakes.recording_port import RecordingPort
from tests.ideas_world import CHANNEL, open_campaign, posts, propose


def idea_count(chat: Chat) -> int:
    with chat.app.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Idea)) or 0)


def test_staff_open_a_campaign_announced_in_its_channel(chat: Chat) -> None:
    sent = chat.command(
        "ada",
        'campagne ouvrir "Simplifier nos démarches" --jusqu-au 2027-01-31 --theme "Notes de frais"',
        channel=CHANNEL,
    )
    [announce] = posts(sent)
    assert announce.channel == CHANNEL
    assert "Nouvelle campagne d'idées : « Simplifier nos démarches »" in announce.text
    assert "Thème : Notes de frais" in announce.text
    assert "Ouverte jusqu'au 31 janvier 2027 inclus." in announce.text
    assert "ouverte dans #idees" in texts(sent)
    root = propose(chat, "bea", "Covoiturage entre agents")[0]
    assert "· Simplifier nos démarches" in root.text
    refused = texts(chat.command("bea", 'campagne ouvrir "Autre"', channel=CHANNEL))
    assert "réservée au rôle équipe du programme" in refused


def test_without_a_campaign_ideas_go_to_the_permanent_box(chat: Chat) -> None:
    root = propose(chat, "bea", "Covoiturage entre agents", channel="general")[0]
    assert root.channel == CHANNEL and "· Boîte à idées" in root.text
    listing = texts(chat.command("bea", "campagnes"))
    assert "Boîte à idées" in listing and "ouverte" in listing


def test_a_closed_campaign_refuses_new_ideas(chat: Chat, port: RecordingPort) -> None:
    open_campaign(chat)
    with chat.app.sessions() as session:
        campaign = session.scalars(
            select(IdeaCampaign).where(IdeaCampaign.permanent.is_(False))
        ).one()
    propose(chat, "bea", "Covoiturage entre agents")
    sent = chat.command("ada", f"campagne fermer {campaign.id}")
    [notice] = posts(sent)
    assert "est close" in notice.text and "Propositions : 1" in notice.text
    refused = texts(propose(chat, "dan", "Un parrain pour chaque nouvel arrivant"))
    assert "La campagne « Simplifier nos démarches » est close" in refused
    assert "boîte à idées permanente" in refused and "--campagne boite" in refused
    assert idea_count(chat) == 1
    moved = propose(chat, "dan", "Un parrain pour chaque nouvel arrivant", extra="--campagne boite")
    assert "· Boîte à idées" in moved[0].text
    assert "Je ne trouve pas de campagne n°hop" in texts(
        propose(chat, "dan", "Un parrain", extra="--campagne hop")
    )
    assert "déjà close" in texts(chat.command("ada", f"campagne fermer {campaign.id}"))


def test_a_campaign_past_its_date_refuses_until_extended(chat: Chat, clock: FakeClock) -> None:
    open_campaign(chat, until="2026-12-10")
    with chat.app.sessions() as session:
        number = session.scalars(
            select(IdeaCampaign.id).where(IdeaCampaign.permanent.is_(False))
        ).one()
    clock.advance(timedelta(days=5))
    assert "est close" in texts(propose(chat, "bea", "Covoiturage entre agents"))
    assert "déjà passée" in texts(
        chat.command("ada", f"campagne prolonger {number} --jusqu-au 2026-12-01")
    )
    extended = texts(chat.command("ada", f"campagne prolonger {number} --jusqu-au 2027-01-15"))
    assert "prolongée jusqu'au 15 janvier 2027" in extended
    assert "plus tardive" in texts(
        chat.command("ada", f"campagne prolonger {number} --jusqu-au 2027-01-15")
    )
    assert "est publiée" in texts(propose(chat, "bea", "Covoiturage entre agents"))


def test_campaign_input_errors(chat: Chat, clock: FakeClock) -> None:
    assert "déjà passée" in texts(chat.command("ada", 'campagne ouvrir "X" --jusqu-au 2020-01-01'))
    assert "Je ne trouve pas de campagne n°99999" in texts(
        chat.command("ada", "campagne fermer 99999")
    )
    chat.command("bea", "campagnes")
    with chat.app.sessions() as session:
        box = session.scalars(select(IdeaCampaign.id).where(IdeaCampaign.permanent.is_(True))).one()
    assert "ne se prolonge ni ne se ferme" in texts(chat.command("ada", f"campagne fermer {box}"))


def test_missing_fields_open_the_form_or_say_what_is_missing(chat: Chat) -> None:
    [form] = chat.command("bea", "idee")
    assert isinstance(form.action, OpenForm)
    assert [f.name for f in form.action.form.fields] == [
        "titre",
        "probleme",
        "proposition",
        "gain",
        "perimetre",
    ]
    [prefilled] = chat.command("bea", 'idee "Covoiturage entre agents" --gain "Moins de CO2"')
    assert isinstance(prefilled.action, OpenForm)
    initial = {f.name: f.initial for f in prefilled.action.form.fields}
    assert initial["titre"] == "Covoiturage entre agents" and initial["gain"] == "Moins de CO2"
    chat.forms = False
    bare = texts(chat.command("bea", "idee"))
    assert "Il manque : Titre, Problème constaté, Proposition, Gain attendu" in bare
    assert "/relais idee « Titre » --probleme « … »" in bare
    answer = texts(chat.command("bea", 'idee "Covoiturage entre agents" --gain "Moins de CO2"'))
    assert "Il manque : Problème constaté, Proposition, Service ou périmètre" in answer
    assert idea_count(chat) == 0


def test_the_form_submission_publishes_or_explains(chat: Chat) -> None:
    values = {
        "titre": "Covoiturage entre agents",
        "probleme": "Trop de voitures.",
        "proposition": "Une plateforme.",
        "gain": "Moins de CO2",
        "perimetre": "Tous",
    }
    assert "est publiée" in texts(chat.submit("bea", "cmd:idee", values))
    blank = chat.submit("dan", "cmd:idee", {**values, "gain": "   "})
    assert "Il manque : Gain attendu" in texts(blank)
    assert idea_count(chat) == 1


def test_over_long_and_junk_input_changes_nothing(chat: Chat) -> None:
    answer = texts(propose(chat, "bea", "x" * 151))
    assert "« Titre » est trop long (151 caractères) : 150 au plus." in answer
    assert "Mettez les textes entre guillemets" in texts(
        chat.command("bea", "idee Covoiturage entre agents --probleme p")
    )
    assert idea_count(chat) == 0
