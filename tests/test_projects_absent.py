"""A word the catalogue lacks withholds a right answer only when it names whom or what the
question is about (« … for the navy », « … de la marine nationale »): a thing that is the
people's own (« de leur boulot ») or a circumstance (« at home », « with a single account »,
« instead of at the newsagent ») says nothing about which project is meant, and an office
clipping (« des labos », « une transfo ») is the word it clips, and the head of « N de N » is the
kind of thing (« un logiciel de compta »). A town no project mentions is somewhere else,
unless the question is only near it. A common word is the question's subject when it is a
quarter or more of what the question says, a detail of a longer one (« … les brigadiers ont
apprécié ? »)."""

from __future__ import annotations

import pytest

from tests.answers import SURE, SURE_EN, assert_sure
from tests.chat import Chat

pytestmark = pytest.mark.usefixtures("sample_projects")


def test_a_word_after_a_possessive_does_not_name_someone_else(chat: Chat) -> None:
    [reply] = chat.dm("bea", "des agents de bercy qui proposent des simplifications de leur boulot")
    assert_sure(reply, "BercySimple", SURE)


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("remote monitoring of cancer patients on oral chemo at home", "CAPRI"),
        ("revamp of the service-public website with a single account", "service-public.fr"),
        ("buying a tax stamp online instead of at the newsagent", "Timbre fiscal"),
    ],
)
def test_an_english_question_ending_on_where_or_how_is_answered(
    chat: Chat, question: str, title: str
) -> None:
    [reply] = chat.dm("bea", question)
    assert_sure(reply, title, SURE_EN, question)


def test_whom_the_question_is_for_still_keeps_it_unsure(chat: Chat) -> None:
    for question in (
        "recruitment app for the navy",
        "an app to recruit sailors for the navy",
        "the recruitment app of the French navy",
        "recruitment app for the navy with a smartphone",
    ):
        [reply] = chat.dm("bea", question)
        assert not reply.text.startswith(SURE_EN), question
    [reply] = chat.dm("bea", "une appli pour recruter des marins dans la marine nationale")
    assert not reply.text.startswith(SURE)


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("la gestion des contrats des labos de recherche au cnrs", "Webcontrat"),
        (
            "une transfo numérique pilotée par une délégation générale dans un département breton",
            "Ille-et-Vilaine",
        ),
        ("qq1 a un rex sur la reorga d'un centre de detention ?", "milieu carcéral"),
    ],
)
def test_an_office_clipping_is_the_word_it_clips(chat: Chat, question: str, title: str) -> None:
    [reply] = chat.dm("bea", question)
    assert_sure(reply, title, SURE, question)


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("un logiciel de compta commun à plusieurs agences sanitaires", "SIFAS"),
        ("le fichier national des demandes de logement social", "SNE"),
        ("un coin rural du Haut-Rhin avec un parcours d'art contemporain", "STUWA"),
    ],
)
def test_the_kind_of_thing_before_de_is_not_someone_else(
    chat: Chat, question: str, title: str
) -> None:
    [reply] = chat.dm("bea", question)
    assert_sure(reply, title, SURE, question)


def test_a_town_no_project_mentions_keeps_the_answer_unsure(chat: Chat) -> None:
    [french] = chat.dm("bea", "le coaching des cadres d'un hôpital de Toulouse")
    assert not french.text.startswith(SURE)
    [english] = chat.dm("bea", "coaching for managers at a hospital in Toulouse")
    assert not english.text.startswith(SURE_EN)
    [near] = chat.dm("bea", "un collectif de 80 structures d'insertion du côté de Nice")
    assert_sure(near, "Liens 06", SURE)


def test_a_verb_the_project_tells_otherwise_does_not_split_it(chat: Chat) -> None:
    [reply] = chat.dm("bea", "le lean au CHRU de Lille, les patients ont gagné du temps ?")
    assert_sure(reply, "Lean")
    [agents] = chat.dm("bea", "les agents des finances publiques ont-ils amélioré l'accueil ?")
    assert agents.text.startswith(SURE)


def test_a_participle_between_its_noun_and_its_agent_is_a_verb(chat: Chat) -> None:
    [reply] = chat.dm(
        "bea", "la convention nouée avec le SGMAP par les ministères sociaux, qui la suit ?"
    )
    assert_sure(reply, "affaires sociales")
    [none] = chat.dm("bea", "une appli développée avec la marine nationale")
    assert not none.text.startswith(SURE), "no project for the navy"


@pytest.mark.parametrize(
    "question",
    ["télémédecine en prison, ça a marché ?", "les gendarmes ont testé la télémédecine ?"],
)
def test_a_noun_the_project_lacks_still_splits_it_whatever_the_verb(
    chat: Chat, question: str
) -> None:
    [reply] = chat.dm("bea", question)
    assert not reply.text.startswith(SURE)


def test_an_english_pronoun_ending_the_question_names_no_one_else(chat: Chat) -> None:
    [reply] = chat.dm(
        "bea", "a redesigned information site for citizens with a single login for everything"
    )
    assert_sure(reply, "service-public.fr", SURE_EN)


@pytest.mark.parametrize(
    ("question", "intro"),
    [
        (
            "les smartphones et tablettes securises des gendarmes pour travailler sur le "
            "terrain, les brigadiers ont apprecie ?",
            SURE,
        ),
        (
            "the secure smartphones and tablets given to every gendarme for work in the field, "
            "did the sergeants like them?",
            SURE_EN,
        ),
    ],
)
def test_one_unknown_word_among_many_the_catalogue_knows_is_a_detail(
    chat: Chat, question: str, intro: str
) -> None:
    [reply] = chat.dm("bea", question)
    assert_sure(reply, "NEOGEND", intro, question)


def test_an_unknown_word_that_is_a_quarter_of_the_question_keeps_it_unsure(chat: Chat) -> None:
    for question in ("secure tablets for firefighters", "des smartphones pour les pompiers"):
        [reply] = chat.dm("bea", question)
        assert not reply.text.startswith((SURE, SURE_EN)), question


def test_a_place_no_project_names_keeps_even_a_long_question_unsure(chat: Chat) -> None:
    [reply] = chat.dm(
        "bea",
        "les smartphones et tablettes securises des gendarmes de Toulouse pour travailler sur "
        "le terrain, les brigadiers ont apprecie ?",
    )
    assert not reply.text.startswith(SURE)
