"""Chatty questions: the phrases that ask (« I'd like to get in touch », « au sujet de »,
« what's the story there? ») are not searched, so a right first project is given with
confidence; a question naming someone no project is about stays unsure, in French too."""

from __future__ import annotations

import pytest

from handlers.types import Message
from tests.answers import SURE, SURE_EN, assert_sure, first_title
from tests.chat import Chat

pytestmark = pytest.mark.usefixtures("sample_projects")


def first_people(message: Message | None) -> str:
    assert message is not None and message.sections
    return message.sections[0].body


def test_who_to_call_about_a_project_named_after_au_sujet_de(chat: Chat) -> None:
    [reply] = chat.dm("bea", "qui appeler au sujet de la butinerie du 95 ?")
    assert "butinerie du 95" in reply.text
    assert "Guy Kauffmann" in first_people(reply.message)


def test_who_is_behind_a_project_gets_its_people_in_english(chat: Chat) -> None:
    [reply] = chat.dm("bea", "who's behind the army recruitment app? I'd like to get in touch")
    assert "People who led projects on" in reply.text
    assert "army recruitment app" in reply.text and "touch" not in reply.text
    assert "Emmanuel Dosseur" in first_people(reply.message)


def test_a_question_ending_on_what_is_the_story_there_is_answered(chat: Chat) -> None:
    [reply] = chat.dm(
        "bea",
        "a county council in Brittany brought in consultants to audit how it's organised and "
        "draw up a digital roadmap, what's the story there?",
    )
    assert_sure(reply, "Ille-et-Vilaine", SURE_EN)


def test_a_long_english_paraphrase_is_read_whole(chat: Chat) -> None:
    [reply] = chat.dm(
        "bea",
        "Did the modernisation agency ever sign a deal with the social affairs ministries that "
        "included setting up an in-house startup incubator?",
    )
    assert_sure(reply, "affaires sociales", SURE_EN)


def test_a_french_question_about_someone_no_project_is_about_stays_unsure(chat: Chat) -> None:
    for question in (
        "y a t il une appli pour le recrutement de la marine nationale ?",
        "smartphones sécurisés pour les policiers municipaux",
    ):
        [reply] = chat.dm("bea", question)
        assert not reply.text.startswith(SURE), question
    [army] = chat.dm("bea", "y a t il une appli pour le recrutement de l'armée de terre ?")
    assert_sure(army, "sengager.fr")


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("le lean à l'hôpital de lille, ça a donné quoi ?", "Lean Santé"),
        ("un retour d'expérience sur le coaching des cadres à l'aphp svp", "AP-HP"),
        (
            "Bonjour, pourriez-vous m'indiquer un projet sur l'accompagnement des chefs de pôle "
            "en DRJSCS ? Merci d'avance",
            "chefs de pôle",
        ),
        (
            "quoi de neuf sur le timbre fiscal électronique, ça a pris combien de temps ?",
            "Timbre fiscal",
        ),
    ],
)
def test_greetings_and_asking_phrases_are_not_searched(
    chat: Chat, question: str, title: str
) -> None:
    [reply] = chat.dm("bea", question)
    assert_sure(reply, title, SURE, question)


def test_an_english_greeting_and_has_anyone_done_something_like_that(chat: Chat) -> None:
    [reply] = chat.dm(
        "bea",
        "Hi, has anyone done something like that: a digital roadmap for a county council in "
        "Brittany? thanks",
    )
    assert_sure(reply, "Ille-et-Vilaine", SURE_EN)


def test_good_morning_or_afternoon_is_a_greeting(chat: Chat) -> None:
    for question, title in (
        ("Good afternoon, small agencies sharing one accounting system?", "SIFAS"),
        ("Good afternoon, any telemedicine for cancer patients at home?", "CAPRI"),
    ):
        [reply] = chat.dm("bea", question)
        assert_sure(reply, title, SURE_EN, question)
    [none] = chat.dm("bea", "Good afternoon, small agencies sharing one payroll system?")
    assert not none.text.startswith(SURE_EN), "no project on payroll"


def test_the_person_in_charge_and_now_are_not_searched(chat: Chat) -> None:
    [reply] = chat.dm("bea", "who is the person in charge of the social housing register?")
    assert_sure(reply, "SNE", SURE_EN)
    assert "Yann Ludmann" in reply.text
    [stamp] = chat.dm("bea", "can I buy a tax stamp online now?")
    assert_sure(stamp, "Timbre fiscal", SURE_EN)


def test_the_right_person_to_talk_to_is_no_subject(chat: Chat) -> None:
    [reply] = chat.dm(
        "bea",
        "who is the best person to talk to about the modernisation agreement between SGMAP and "
        "the education ministry?",
    )
    assert_sure(reply, "ducation", SURE_EN)
    [none] = chat.dm("bea", "who is the right person to talk to about military payroll software?")
    assert not none.text.startswith(SURE_EN), "no project on payroll"


def test_the_interlocutor_sought_is_no_subject(chat: Chat) -> None:
    [reply] = chat.dm(
        "bea", "un interlocuteur sur la convention du SGMAP avec les affaires sociales ?"
    )
    assert_sure(reply, "affaires sociales")
    [none] = chat.dm("bea", "un interlocuteur pour la vidéoprotection dans une commune ?")
    assert not none.text.startswith(SURE), "no project on video surveillance"


def test_asking_how_it_went_or_for_feedback_is_no_subject(chat: Chat) -> None:
    for question, title in (
        ("le lean au CHRU de Lille, ça a marché ?", "Lean"),
        ("jcherche un retour sur l'accompagnement des managers de l'AP-HP", "AP-HP"),
        ("la convention entre le sgmap et l'éducation nationale, elle couvre quoi ?", "ducation"),
    ):
        [reply] = chat.dm("bea", question)
        assert_sure(reply, title, why=question)


def test_a_formal_request_for_whom_to_contact_is_no_subject(chat: Chat) -> None:
    [reply] = chat.dm(
        "bea",
        "Madame, Monsieur, quelles personnes puis-je joindre au CHRU de Lille pour le lean ?",
    )
    assert_sure(reply, "Lean")
    [named] = chat.dm(
        "bea", "le suivi à distance des patients sous chimio à Gustave Roussy, un nom svp"
    )
    assert_sure(named, "Gustave Roussy")


def test_an_english_request_for_a_name_is_no_subject(chat: Chat) -> None:
    [reply] = chat.dm("bea", "remote monitoring of chemo patients at Gustave Roussy, I need a name")
    assert_sure(reply, "Gustave Roussy", SURE_EN)


def test_the_role_of_the_person_sought_is_no_subject(chat: Chat) -> None:
    [reply] = chat.dm(
        "bea", "je voudrais joindre la directrice de prison qui a motivé les surveillants"
    )
    assert_sure(reply, "Motiver")


def test_whose_side_is_no_subject(chat: Chat) -> None:
    [reply] = chat.dm("bea", "who do I ring on the social affairs side of the SGMAP deal?")
    assert_sure(reply, "affaires sociales", SURE_EN)


def test_english_context_about_who_asks_and_how_it_went_is_not_searched(chat: Chat) -> None:
    [reply] = chat.dm(
        "bea",
        "Hello everyone, my manager asked me to look up any example where several public health "
        "agencies ended up sharing one accounting system. What did they get out of it? Many "
        "thanks!",
    )
    assert_sure(reply, "SIFAS", SURE_EN)
    [housing] = chat.dm(
        "bea",
        "Is there a single national register where people apply for council housing? How long "
        "did it take them to set up?",
    )
    assert_sure(housing, "demande de logement social", SURE_EN)


def test_asking_for_lessons_learned_is_no_subject(chat: Chat) -> None:
    for question, title in (
        ("lessons learned from the online tax stamp", "Timbre fiscal"),
        ("any lessons learned on patrolling in pairs in prisons?", "Motiver"),
    ):
        [reply] = chat.dm("bea", question)
        assert_sure(reply, title, SURE_EN, why=question)


def test_saying_what_we_want_is_no_subject(chat: Chat) -> None:
    for question, title in (
        ("je veux monter une boite a idees pour simplifier le travail des agents", "BercySimple"),
        ("on voudrait suivre les patients sous therapies orales a domicile", "CAPRI"),
    ):
        [reply] = chat.dm("bea", question)
        assert_sure(reply, title, why=question)


def test_what_was_done_instead_is_no_subject(chat: Chat) -> None:
    for question, title, intro in (
        (
            "payer le timbre du passeport en ligne au lieu de faire la queue chez le buraliste",
            "Timbre fiscal",
            SURE,
        ),
        (
            "paying the passport stamp online rather than queueing at a tobacconist",
            "Timbre",
            SURE_EN,
        ),
        (
            "gendarmes using tablets on patrol instead of going back to the barracks to type "
            "reports",
            "NEOGEND",
            SURE_EN,
        ),
    ):
        [reply] = chat.dm("bea", question)
        assert_sure(reply, title, intro, why=question)


def test_asking_who_holds_a_role_is_no_subject(chat: Chat) -> None:
    for question, title in (
        ("qui est la signataire de la convention sgmap education nationale ?", "ducation"),
        ("c'est qui le coordinateur de la butinerie du 95 ?", "Val-d'Oise"),
        ("qui est le référent pour l'appli de recrutement de l'armée ?", "sengager.fr"),
    ):
        [reply] = chat.dm("bea", question)
        assert_sure(reply, title, why=question)


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("qui a monté le timbre fiscal en ligne ? j'aimerais lui passer un coup de fil", "Timbre"),
        (
            "vous auriez le mail de la personne qui a fait l'appli de recrutement de l'armee ?",
            "sengager.fr",
        ),
        ("la butinerie du 95, son numero svp", "Val-d'Oise"),
        (
            "la directrice de prison qui a mis les surveillants en binome, vous auriez son mail ?",
            "Motiver",
        ),
    ],
)
def test_asking_for_a_contact_in_passing_is_no_subject(
    chat: Chat, question: str, title: str
) -> None:
    [reply] = chat.dm("bea", question)
    assert_sure(reply, title, SURE, question)


def test_a_kind_of_office_the_question_leaves_out_is_no_filter(chat: Chat) -> None:
    [reply] = chat.dm(
        "bea",
        "je bosse en DDCS, des exemples dans les services deconcentres, pas en administration "
        "centrale ?",
    )
    assert "Filtres appliqués : type préfecture." in reply.text
    assert "administration centrale" not in reply.text.split("\n")[1]
    assert "SGMAP" not in first_title(reply.message)
