"""« les plus anciens », « les plus récents », « the latest »: an order, not a subject. A
question asking only for it, maybe with filters, lists the projects in that order and says so;
searched, its words were subjects no project has and the answer was empty. So with « ont eu
lieu », « se sont déroulés », « took place »: they say that projects happened, not what about."""

from __future__ import annotations

import pytest

from tests.answers import SURE, SURE_EN, assert_sure, first_title
from tests.chat import Chat

pytestmark = pytest.mark.usefixtures("sample_projects")


def test_the_oldest_projects_come_first_with_the_order_said(chat: Chat) -> None:
    [reply] = chat.dm(
        "bea", "je cherche les projets les plus anciens, ceux qui ont demarre avant 2012"
    )
    assert reply.text.startswith(SURE)
    assert "Filtres appliqués : année –2011, les plus anciens d'abord." in reply.text
    assert "logement social" in first_title(reply.message)


def test_the_latest_projects_come_first_in_english(chat: Chat) -> None:
    [reply] = chat.dm("bea", "what are the latest projects?")
    assert reply.text.startswith(SURE_EN)
    assert "Filters applied: newest first." in reply.text
    assert "2018" in first_title(reply.message)


def test_a_subject_asked_with_an_order_is_still_searched(chat: Chat) -> None:
    [reply] = chat.dm("bea", "les derniers projets de telemedecine")
    assert "CAPRI" in first_title(reply.message)
    [none] = chat.dm("bea", "les projets les plus anciens sur les pistes cyclables ?")
    assert not none.text.startswith(SURE), "a subject no project has is still one"


def test_saying_that_projects_took_place_somewhere_asks_for_no_subject(chat: Chat) -> None:
    for question, intro in (
        ("quels projets ont eu lieu en Bretagne ?", SURE),
        ("des projets se sont deroules en Bretagne ?", SURE),
        ("which projects took place in Brittany?", SURE_EN),
    ):
        [reply] = chat.dm("bea", question)
        assert_sure(reply, "Ille-et-Vilaine", intro, question)
