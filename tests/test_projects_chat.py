"""Asking about past projects in the chat: cards, records, buttons, contacts, alumni, community."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.app import App, build
from bot.outbox import OutboxPolicy
from handlers.clock import FakeClock
from handlers.types import DirectMessageAction, Post
from store.models import ProjectFeedback, ProjectQuestion
from tests.chat import Chat, texts
from tests.conftest import make_settings
from tests.fakes.recording_port import RecordingPort

INTERNAL_ERROR = "quelque chose s'est mal passé"


pytestmark = pytest.mark.usefixtures("sample_projects")


@pytest.fixture
def community(
    engine: Engine, sessions: sessionmaker[Session], clock: FakeClock, port: RecordingPort
) -> Iterator[Chat]:
    """A workspace whose community channel is C-community."""
    app: App = build(
        make_settings(engine, admins=["test:ada"], community_channel="C-community"),
        clock=clock,
        engine=engine,
        sessions=sessions,
        ports={"test": port},
        policy=OutboxPolicy(base_delay=0.0, max_delay=0.0, channel_interval={}),
        upgrade=False,
    )
    yield Chat(app=app, port=port)


def test_a_question_gets_three_cards_with_facts_sources_and_buttons(chat: Chat) -> None:
    [reply] = chat.command("bea", "projets qui a fait du lean à l'hôpital ?")
    assert reply.to_user == "bea"
    assert reply.message is not None
    assert "« qui a fait du lean à l'hôpital ? »" in reply.message.text
    first = reply.message.sections[0]
    assert first.title == "1. Lean Santé au CHRU de Lille : qualité, efficience et management"
    fields = dict(first.fields)
    assert fields["Organisation"] == "CHRU de Lille"
    assert fields["Années"] == "depuis 2014"
    assert "45 minutes" in fields["Résultats"]
    assert "Agnès Feret" in fields["Personnes"]
    assert fields["Source"].startswith(
        "« Le manager public face à la transformation digitale : l'humain avant tout"
    )
    assert ", p. 10 — Lean Santé" in fields["Source"]
    assert ".txt" not in fields["Source"], "never an internal file name"
    assert [b.label for b in first.buttons] == [
        "Voir la fiche", "Projets similaires", "👍 utile", "👎 pas utile",
    ]  # fmt: skip
    assert len(reply.message.sections) == 1, "the others only share « hôpital »"


def test_at_most_three_cards_when_several_projects_fit(chat: Chat) -> None:
    [reply] = chat.command("bea", "projets parcours de soins et coordination des soignants")
    assert reply.message is not None
    titles = [section.title or "" for section in reply.message.sections]
    assert len(titles) == 3
    assert titles[0].startswith("1. ") and titles[2].startswith("3. ")


def test_the_card_shows_why_it_matched(chat: Chat) -> None:
    [reply] = chat.command("bea", "projets absentéisme aux rendez-vous")
    assert reply.message is not None
    card = reply.message.sections[0]
    assert card.title is not None and "Liens 06" in card.title
    assert "> " in card.body and "70 %" in card.body


def test_mentions_and_direct_messages_are_answered_the_same_way(chat: Chat) -> None:
    [in_thread] = chat.mention("bea", "un projet de télémédecine à contacter ?")
    assert in_thread.thread is not None
    assert "CAPRI" in in_thread.text
    [direct] = chat.dm("bea", "un projet de télémédecine à contacter ?")
    assert direct.channel == "D-bea"
    assert "CAPRI" in direct.text
    [starting_with_a_command_word] = chat.dm("bea", "projet de télémédecine à Villejuif ?")
    assert "CAPRI" in starting_with_a_command_word.text


def test_view_record_shows_everything_with_its_sources(chat: Chat) -> None:
    [reply] = chat.command("bea", "projets prison")
    [record] = chat.press("bea", reply.button("Voir la fiche"), on=reply)
    shown = record.text
    assert "**Motiver en milieu carcéral" in shown
    for part in ("Résultats clés", "Enseignements", "Sources", "effet miroir", "Muriel Guégan"):
        assert part in shown
    assert "l'humain avant tout (Prix du manager public, 7e édition) », p. 12 — Motiver" in shown
    assert ".txt" not in shown


def test_similar_projects_leave_the_project_itself_out(chat: Chat) -> None:
    [reply] = chat.command("bea", "projets pascaline")
    [similar] = chat.press("bea", reply.button("Projets similaires"), on=reply)
    assert "Projets proches de « Pascaline" in similar.text
    assert similar.message is not None
    titles = [s.title or "" for s in similar.message.sections]
    assert not any("Pascaline" in title for title in titles)
    assert any("Territoire de soins numérique" in title for title in titles)


def test_feedback_is_stored_once_per_member_and_can_change(
    chat: Chat, sessions: sessionmaker[Session]
) -> None:
    [reply] = chat.command("bea", "projets logement social")
    assert "Merci !" in texts(chat.press("bea", reply.button("👍 utile"), on=reply))
    assert "c'est noté" in texts(chat.press("bea", reply.button("👎 pas utile"), on=reply))
    with sessions() as session:
        [row] = session.scalars(select(ProjectFeedback)).all()
    assert row.useful is False
    assert row.question == "logement social"
    [record] = chat.press("carl", reply.button("Voir la fiche"), on=reply)
    assert "👍 0 · 👎 1" in record.text


def test_no_good_match_says_so_and_suggests_close_themes(chat: Chat) -> None:
    [reply] = chat.command("bea", "projets météo à Lille demain")
    assert "Je n'ai rien trouvé qui corresponde vraiment à « météo à Lille demain »" in reply.text
    assert "Thèmes proches dans la base : santé" in reply.text
    assert "Je ne suis pas sûr que ces pistes répondent à votre question" in reply.text
    assert len(reply.message.sections) <= 2 if reply.message else False
    assert reply.buttons[0].label == "Voir la fiche"
    assert "Poser la question à la communauté" not in [b.label for b in reply.buttons]


def test_an_unanswered_question_can_go_to_the_community_in_a_thread(
    community: Chat, port: RecordingPort, sessions: sessionmaker[Session]
) -> None:
    [reply] = community.command("bea", "projets recette de la tarte tatin")
    assert "Thèmes proches dans la base" in reply.text
    offer = reply.button("Poser la question à la communauté")
    assert "Seule la personne" in texts(community.press("carl", offer, on=reply))
    sent = community.press("bea", offer, on=reply)
    root, invite, confirmation = sent
    assert isinstance(root.action, Post) and root.channel == "C-community"
    assert root.key.startswith("projects:question:")
    assert "<@bea> cherche un retour d'expérience : « recette de la tarte tatin »" in root.text
    assert invite.thread == root.message_id
    assert confirmation.to_user == "bea" and "canal de la communauté" in confirmation.text
    assert "déjà été transmise" in texts(community.press("bea", offer, on=reply))
    answered = community.reply("carl", root.message_id or "", "Essayez la cuisine centrale.")
    [notice] = answered
    assert isinstance(notice.action, DirectMessageAction) and notice.to_user == "bea"
    assert "<@carl> a répondu à votre question « recette de la tarte tatin »" in notice.text
    assert community.reply("bea", root.message_id or "", "Merci !") == []
    with sessions() as session:
        [saved] = session.scalars(select(ProjectQuestion)).all()
    assert saved.posted_at is not None


def test_record_by_slug_and_helpful_unknown_slugs(chat: Chat) -> None:
    assert "**Liens 06" in texts(chat.command("bea", "projet liens-06-alpes-maritimes"))
    assert "Vouliez-vous dire `liens-06-alpes-maritimes`" in texts(
        chat.command("bea", "projet liens-06")
    )
    assert "Je ne connais pas le projet « zzz-qqq »" in texts(chat.command("bea", "projet zzz-qqq"))


def test_contacts_and_declared_alumni(chat: Chat) -> None:
    contacts = texts(chat.command("bea", "contacts télémédecine"))
    assert "**Étienne Minvielle** — professeur" in contacts
    assert "/relais profil projet" in contacts
    assert "vous apparaissez désormais comme alumni" in texts(
        chat.command("bea", "profil projet capri-gustave-roussy")
    )
    assert "déjà alumni" in texts(chat.command("bea", "profil projet capri-gustave-roussy"))
    assert "<@bea> — a travaillé sur ce projet, Institut Gustave Roussy (IGR), Villejuif" in texts(
        chat.command("carl", "contacts télémédecine")
    )
    [card] = chat.command("carl", "projets télémédecine")
    assert "Alumni: <@bea>" in card.text
    assert "n'apparaissez plus" in texts(
        chat.command("bea", "profil projet capri-gustave-roussy --retirer")
    )
    assert "<@bea>" not in texts(chat.command("carl", "contacts télémédecine"))
    assert "personne à vous présenter" in texts(chat.command("bea", "contacts tarte tatin"))


def test_who_to_call_asked_through_projets_gets_people_not_cards(chat: Chat) -> None:
    french = texts(chat.command("bea", "projets qui contacter pr la telemedecine ?"))
    assert "**Étienne Minvielle** — professeur" in french
    english = texts(chat.command("bea", "projects who can I call about telemedicine?"))
    assert "People who led projects on" in english and "Étienne Minvielle" in english
    assert "Voir la fiche" not in english


def test_my_data_export_says_which_projects_i_declared_with_role_and_organisation(
    chat: Chat,
) -> None:
    chat.command(
        "bea",
        'profil projet capri-gustave-roussy --role "cheffe de projet" --organisation "AP-HP"',
    )
    [dm] = [s for s in chat.command("bea", "mes-donnees") if s.action.kind == "direct_message"]
    assert dm.message is not None
    [declared] = json.loads(dm.message.files[0].content)["projects"]["alumni_of"]
    assert declared["project"] == "capri-gustave-roussy"
    assert (declared["role"], declared["organisation"]) == ("cheffe de projet", "AP-HP")


def test_filters_narrow_the_answer(chat: Chat) -> None:
    reply = texts(chat.command("bea", "projets santé --region ile-de-france"))
    assert "CAPRI" in reply and "Lille" not in reply.split("Source")[0]
    listed = texts(chat.command("bea", "projets --theme santé --depuis 2015 --jusqu-a 2015"))
    assert "Voici les projets correspondant à vos filtres" in listed
    assert "AP-HP" in listed
    assert "doit précéder" in texts(
        chat.command("bea", "projets lean --depuis 2017 --jusqu-a 2014")
    )
    assert "Aucun projet ne correspond" in texts(chat.command("bea", "projets --type ambassade"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("projets", "Posez-moi une question"),
        ("projets le la les de du pour", "que des mots très courants"),
        ("projets " + "télémédecine " * 420, "très longue"),
        ('projets "', "guillemet"),
        ("projets *", "que des mots très courants"),
        ("projets NEAR", "rien trouvé"),
        ("projets '; DROP TABLE projects; --", "found nothing"),
        ("contacts", "Sur quel sujet"),
        ("projet", "Il manque"),
    ],
)
def test_junk_gets_a_sensible_answer(chat: Chat, text: str, expected: str) -> None:
    [reply] = chat.command("bea", text)
    assert expected in reply.text
    assert INTERNAL_ERROR not in reply.text


@pytest.mark.parametrize("text", ["", '"', "*", "NEAR", "x" * 5000, "'; DROP"])
def test_junk_mentions_never_error(chat: Chat, text: str) -> None:
    replies = chat.mention("bea", text)
    assert replies and INTERNAL_ERROR not in texts(replies)


def test_english_on_request(chat: Chat) -> None:
    chat.command("bea", "language en")
    reply = texts(chat.command("bea", "projects lean hospital"))
    assert "Here are the past projects that best match" in reply
    assert "Key results" in texts(chat.command("bea", "project lean-sante-chru-lille"))


def test_help_lists_the_projects_commands(chat: Chat) -> None:
    shown = texts(chat.command("bea", "aide"))
    for command in (
        "`/relais projets`",
        "`/relais projet`",
        "`/relais contacts`",
        "`/relais profil projet`",
    ):
        assert command in shown
