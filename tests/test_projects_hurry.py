"""Questions typed in a hurry or asked in English, answered with confidence when the first
project has all of them: accents left out of a word only the projects' texts use, a letter
typed once for twice, two words glued together, an article glued to its noun, a vague amount,
a verb no project uses or one saying a project was carried, everyday English words, office
shorthand (« codev », « kelk1 »), and a question made of filters and function words only."""

from __future__ import annotations

import pytest

from tests.answers import SURE, SURE_EN, assert_sure, first_title
from tests.chat import Chat

pytestmark = pytest.mark.usefixtures("sample_projects")


def test_a_word_typed_with_a_letter_missing_is_read_and_said(chat: Chat) -> None:
    [reply] = chat.dm("bea", "des candidats qui abandonent en cours de recrutement ?")
    assert reply.text.startswith(SURE)
    assert "Résultats pour « des candidats qui abandonnent en cours de recrutement ? »" in (
        reply.text
    )
    assert "sengager.fr" in first_title(reply.message)


def test_a_word_without_its_accents_is_read_silently(chat: Chat) -> None:
    [reply] = chat.dm("bea", "mdph et personnes handicapees")
    assert reply.text.startswith(SURE)
    assert "Résultats pour" not in reply.text
    assert "Val-d'Oise" in first_title(reply.message)


def test_two_words_typed_as_one_are_read_as_two_and_said(chat: Chat) -> None:
    [reply] = chat.dm("bea", "qui a fait la refonte de servicepublic ?")
    assert reply.text.startswith(SURE)
    assert "Résultats pour « qui a fait la refonte de service public ? »" in reply.text
    assert "Service public 2016" in first_title(reply.message)


def test_articles_typed_without_their_apostrophe_are_read_and_said(chat: Chat) -> None:
    [reply] = chat.dm("bea", "qqn a un retour dexp sur lappli de recrutement de larmee ?")
    assert_sure(reply, "sengager.fr")
    assert "sur l'application de recrutement de l'armee ? »" in reply.text


def test_a_word_typed_without_its_accent_is_no_glued_article(chat: Chat) -> None:
    [reply] = chat.dm("bea", "des agences de sante qui partagent un logiciel de compta")
    assert_sure(reply, "SIFAS")
    assert "s'ante" not in reply.text


def test_a_vague_amount_is_no_subject(chat: Chat) -> None:
    [reply] = chat.dm("bea", "certains gendarmes avec des tablettes")
    assert_sure(reply, "NEOGEND")


def test_a_verb_no_project_uses_is_no_subject_they_lack(chat: Chat) -> None:
    for question in (
        "qu'a fait l'AP-HP pour épauler ses cadres ?",
        "qu'a fait l'AP-HP pour dorloter ses cadres ?",
    ):
        [reply] = chat.dm("bea", question)
        assert_sure(reply, "AP-HP", why=question)


def test_the_verb_saying_a_project_was_carried_is_no_subject(chat: Chat) -> None:
    [reply] = chat.dm("bea", "quels projets ont été portés par des collectivités bretonnes ?")
    assert_sure(reply, "Ille-et-Vilaine")
    [none] = chat.dm("bea", "quels projets ont été portés par des hôpitaux bretons ?")
    assert not none.text.startswith(SURE), "no Breton hospital in the catalogue"


def test_an_english_question_in_everyday_words_is_answered_in_english(chat: Chat) -> None:
    [prison] = chat.dm("bea", "reorganising the work of prison officers in a detention centre")
    assert_sure(prison, "Motiver en milieu carcéral", SURE_EN)
    [offices] = chat.dm(
        "bea", "renewing the management dialogue between headquarters and regional offices"
    )
    assert_sure(offices, "dialogue de gestion", SURE_EN)


def test_a_question_half_outside_the_catalogue_stays_unsure(chat: Chat) -> None:
    for question in (
        "secure tablets for customs officers",
        "consultants hired to reorganise a town hall",
    ):
        [reply] = chat.dm("bea", question)
        assert not reply.text.startswith(SURE_EN), question


def test_a_question_of_filters_and_function_words_lists_the_projects_they_admit(
    chat: Chat,
) -> None:
    for question, title in (
        ("des collectivités ont-elles fait un projet avant 2016 ?", "Sundgau"),
        ("qqch dans le Haut-Rhin ?", "Sundgau"),
    ):
        [reply] = chat.dm("bea", question)
        assert "Filtres appliqués" in reply.text, question
        assert "Je ne suis pas sûr" not in reply.text, question
        assert title in reply.text, question
    [subject] = chat.dm("bea", "des pistes cyclables en Bretagne, qqch ?")
    assert "Je ne suis pas sûr" in subject.text, "a subject no project has is still one"


def test_office_shorthand_is_read_as_the_words_it_stands_for(chat: Chat) -> None:
    [reply] = chat.dm("bea", "du codev entre cadres a l'hopital, kelk1 connait ?")
    assert_sure(reply, "AP-HP", SURE)
