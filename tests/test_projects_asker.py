"""Who asks is no subject: the clause in which a manager says where they work (« je bosse à
Brest », « jsuis DGS ds une petite commune ») is neither searched nor read as a filter, so a
right answer is given with confidence; what a request asks for (« je cherche des projets en
Bretagne ») stays its subject and its filter."""

from __future__ import annotations

import pytest

from tests.answers import SURE, assert_sure
from tests.chat import Chat

pytestmark = pytest.mark.usefixtures("sample_projects")


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("jsuis DGS ds une petite commune, un plan numerique pour un departement ?", "Ille"),
        (
            "je suis adjoint au directeur dans une maison d'arret, des surveillants qui "
            "patrouillent en binome ca s'est deja fait ?",
            "Motiver",
        ),
        (
            "je bosse ds un hopital a Lille, vous avez des retours sur le timbre fiscal en ligne ?",
            "Timbre fiscal",
        ),
        ("nous sommes a grenoble, des retours sur le timbre fiscal en ligne ?", "Timbre fiscal"),
        (
            "je m'occupe des achats dans un chu, le lean a l'hopital ca a marché quelque part ?",
            "Lean",
        ),
    ],
)
def test_where_the_asker_works_is_no_subject(chat: Chat, question: str, title: str) -> None:
    [reply] = chat.dm("bea", question)
    assert_sure(reply, title, SURE, question)


def test_the_askers_own_region_is_no_filter_but_the_one_asked_about_is(chat: Chat) -> None:
    [lean] = chat.dm("bea", "je bosse en bretagne, un exemple de lean a l'hopital ?")
    assert_sure(lean, "Lean")
    [brittany] = chat.dm(
        "bea", "je bosse a brest, des retours d'xp sur un plan numerique en bretagne ?"
    )
    assert_sure(brittany, "Ille")
    assert "Bretagne" in brittany.text


def test_what_a_request_asks_for_stays_its_subject(chat: Chat) -> None:
    for question, title in (
        ("je cherche des projets en bretagne", "Ille"),
        ("on voudrait des exemples en Bretagne", "Ille"),
        ("je suis a la recherche d'un projet de lean a l'hopital", "Lean"),
    ):
        [reply] = chat.dm("bea", question)
        assert_sure(reply, title, SURE, question)
    [rennes] = chat.dm("bea", "je cherche des projets a Rennes")
    assert not rennes.text.startswith(SURE)
    assert "Rennes" in rennes.text


def test_the_askers_own_place_is_the_filter_when_the_question_points_back_to_it(
    chat: Chat,
) -> None:
    [reply] = chat.dm("bea", "on est en Bretagne, vous avez des projets du coin ?")
    assert_sure(reply, "Ille-et-Vilaine")
    assert "Filtres appliqués : région Bretagne." in reply.text
    [english] = chat.dm("bea", "we're based in Brittany, anything near us?")
    assert "Filters applied: region Bretagne." in english.text
    assert "Ille-et-Vilaine" in english.text
