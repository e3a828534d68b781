"""English questions written in everyday words, as someone who never saw the glossary types
them: every word of the catalogue has an English way in, an entry matches its inflections and
spellings, an English word spelt like its French cognate is read as it, and a question about
people no project mentions stays unsure."""

from __future__ import annotations

import pytest

from bench.glossary_coverage import unreachable
from handlers.projects.language import to_french
from tests.answers import SURE, SURE_EN, assert_sure, first_title
from tests.chat import Chat

pytestmark = pytest.mark.usefixtures("sample_projects")


def test_every_word_of_the_catalogue_has_an_english_way_in() -> None:
    assert unreachable() == {}


def test_an_entry_matches_its_plurals_verb_forms_spellings_and_hyphens() -> None:
    assert "binôme" in to_french("guards patrolling in twos")
    assert "îlotage" in to_french("the patrols of a prison")
    assert "insertion" in to_french("back to work support")
    assert "insertion" in to_french("back-to-work support")
    assert "Pôle emploi" in to_french("the local jobcentres")
    assert "dématérialisation" in to_french("the hospital's move to going paperless")
    assert "réorganisation" in to_french("a reorganization") == to_french("a reorganisation")
    assert "acheter" in to_french("buying a stamp")
    assert "créer" in to_french("setting up an incubator") == to_french("set up an incubator")
    assert "médecins traitants" in to_french("visiting GPs' practices")


def test_a_request_word_is_not_read_as_an_entry_of_its_lemma() -> None:
    assert "travail" not in to_french("who worked on prisons?")
    assert to_french("how did they get it") == "how did they  it"


def test_english_questions_in_everyday_words_are_answered_in_english(chat: Chat) -> None:
    for question, title in (
        ("prison staff doing their rounds two by two", "Motiver en milieu carcéral"),
        ("which ministry asked its staff how to cut red tape?", "BercySimple"),
        ("buying the passport tax stamp online instead of on paper", "Timbre fiscal"),
        ("Toyota-style continuous improvement in a maternity unit", "Lean Santé"),
        ("bringing job centres and charities together for back-to-work support", "Liens 06"),
        ("a shared bookkeeping system for several public health agencies", "SIFAS"),
    ):
        [reply] = chat.dm("bea", question)
        assert_sure(reply, title, SURE_EN, why=question)


def test_an_office_word_inside_a_longer_expression_is_no_filter(chat: Chat) -> None:
    [reply] = chat.dm("bea", "one national register for everyone applying for council housing")
    assert_sure(reply, "demande de logement social", SURE_EN)


def test_a_region_named_in_english_is_read_as_a_place(chat: Chat) -> None:
    [reply] = chat.dm("bea", "a digital transformation delegation in Brittany")
    assert reply.text.startswith(SURE_EN)
    assert "Bretagne" in reply.text
    assert "Ille-et-Vilaine" in first_title(reply.message)


def test_a_question_about_people_no_project_mentions_stays_unsure(chat: Chat) -> None:
    for question in (
        "secure tablets for firefighters",
        "an app to recruit lifeguards",
        "recruitment app for the navy",
    ):
        [reply] = chat.dm("bea", question)
        assert not reply.text.startswith(SURE_EN), question


def test_an_english_size_or_number_word_is_no_subject(chat: Chat) -> None:
    [reply] = chat.dm("bea", "a big prize for public sector managers run with a consulting firm")
    assert_sure(reply, "Prix", SURE_EN)


def test_a_hospital_department_is_a_ward_not_a_french_departement(chat: Chat) -> None:
    [reply] = chat.dm(
        "bea", "any hospital that used lean to cut waiting in its maternity department?"
    )
    assert_sure(reply, "Lean", SURE_EN)
    [none] = chat.dm("bea", "a maternity department that tried video consultations")
    assert not none.text.startswith(SURE_EN), "the maternity project did no teleconsultation"


def test_the_end_of_a_contraction_is_no_word_the_projects_lack(chat: Chat) -> None:
    [reply] = chat.dm("bea", "we're after a prize for public managers run with a consulting firm")
    assert_sure(reply, "Prix", SURE_EN)
    [none] = chat.dm("bea", "we're after a payroll system for the navy")
    assert not none.text.startswith(SURE_EN), "no project on payroll"


def test_a_public_agency_is_a_kind_of_office_not_a_public_subject(chat: Chat) -> None:
    [reply] = chat.dm("bea", "did some public agencies share one accounting system?")
    assert_sure(reply, "SIFAS", SURE_EN)
    assert "type opérateur" in reply.text
    [none] = chat.dm("bea", "a public body that moved its payroll to the cloud")
    assert not none.text.startswith(SURE_EN), "no project on payroll"


def test_who_or_what_else_is_no_subject(chat: Chat) -> None:
    [reply] = chat.dm("bea", "which projects won the 2016 public manager award, and what else?")
    assert_sure(reply, "Prix", SURE_EN)
    [none] = chat.dm("bea", "who else won a prize for their payroll software?")
    assert not none.text.startswith(SURE_EN), "no project on payroll"


def test_how_long_or_how_many_is_no_subject(chat: Chat) -> None:
    for question, title in (
        ("prison officers patrolling in pairs for two years, how did it go?", "Motiver"),
        ("gendarmes with tablets in the field for months now", "NEOGEND"),
    ):
        [reply] = chat.dm("bea", question)
        assert_sure(reply, title, SURE_EN, why=question)


def test_how_big_or_how_many_is_no_subject(chat: Chat) -> None:
    for question, title in (
        ("a handful of small prisons trying officer patrols in pairs", "Motiver"),
        ("a few small agencies sharing one accounting system", "SIFAS"),
        ("I am after a few examples of small towns with an art trail about energy saving", "STUWA"),
    ):
        [reply] = chat.dm("bea", question)
        assert_sure(reply, title, SURE_EN, why=question)


def test_who_asks_and_where_they_work_is_no_subject(chat: Chat) -> None:
    for question, title, intro in (
        (
            "Hi, I work for a city hall in Portugal and our mayor wants to follow cancer "
            "patients on oral chemo from home. Did a French hospital do that? Was it worth it?",
            "CAPRI",
            SURE_EN,
        ),
        (
            "je travaille pour une commune de Wallonie, un exemple de lean à l'hôpital ?",
            "Lean",
            SURE,
        ),
    ):
        [reply] = chat.dm("bea", question)
        assert_sure(reply, title, intro, why=question)


def test_a_verb_in_ing_is_what_was_done_not_what_about(chat: Chat) -> None:
    for question in (
        "public health agencies sharing a new finance system, what came of it?",
        "examples of public health bodies ending up sharing one finance and accounting tool "
        "after a new budget rule?",
    ):
        [reply] = chat.dm("bea", question)
        assert_sure(reply, "SIFAS", SURE_EN, why=question)


def test_the_askers_own_country_or_nationality_is_no_subject(chat: Chat) -> None:
    for question, title, intro in (
        (
            "I manage a prison in Austria; did French prison officers patrol in pairs?",
            "Motiver",
            SURE_EN,
        ),
        (
            "I run the recruitment office of the Swiss army. Who built the French army's "
            "recruitment app?",
            "sengager.fr",
            SURE_EN,
        ),
        (
            "Our Canadian province wants a shared bookkeeping system for several public health "
            "agencies: who did that in France?",
            "SIFAS",
            SURE_EN,
        ),
        (
            "nous sommes une prison belge, des surveillants qui patrouillent en binôme, "
            "ça existe ?",
            "Motiver",
            SURE,
        ),
    ):
        [reply] = chat.dm("bea", question)
        assert_sure(reply, title, intro, why=question)


def test_a_country_asked_about_stays_a_subject(chat: Chat) -> None:
    for question in (
        "I'm looking for Austrian prison officers patrolling in pairs",
        "did Austria's prison officers patrol in pairs?",
        "I run a recruitment office. Who built the Swiss army's recruitment app?",
        "I manage a prison in Austria; did Swiss prison officers patrol in pairs?",
    ):
        [reply] = chat.dm("bea", question)
        assert not reply.text.startswith(SURE_EN), question


def test_a_verb_in_s_after_that_or_who_is_what_was_done_not_what_about(chat: Chat) -> None:
    [reply] = chat.dm(
        "bea", "who built the mobile app that accompanies army recruits during their application?"
    )
    assert_sure(reply, "sengager.fr", SURE_EN)
    [none] = chat.dm("bea", "a phone app that firefighters use during recruitment")
    assert not none.text.startswith(SURE_EN), "firefighters are people no project mentions"


def test_a_directorate_is_a_direction_of_the_administration(chat: Chat) -> None:
    [reply] = chat.dm("bea", "who coached the heads of unit of the youth and sports directorates?")
    assert_sure(reply, "chefs de pôle", SURE_EN)
    [none] = chat.dm("bea", "a directorate that trained its firefighters in management")
    assert not none.text.startswith(SURE_EN), "firefighters are people no project mentions"


def test_us_the_askers_is_no_subject(chat: Chat) -> None:
    [reply] = chat.dm(
        "bea",
        "a budget reform obliges us to pool accounting across public health agencies: who did it?",
    )
    assert_sure(reply, "SIFAS", SURE_EN)
    [none] = chat.dm(
        "bea", "a budget reform obliges us to pool payroll across public health agencies"
    )
    assert not none.text.startswith(SURE_EN), "no project on payroll"


def test_the_same_or_a_similar_one_is_no_subject(chat: Chat) -> None:
    [reply] = chat.dm(
        "bea",
        "our hospital wants lean management in the maternity ward; has a hospital done the same?",
    )
    assert_sure(reply, "Lean", SURE_EN)
    [none] = chat.dm("bea", "a similar recruitment app for the navy")
    assert not none.text.startswith(SURE_EN), "no project for the navy"


def test_the_job_the_asker_just_joined_or_looks_after_is_no_subject(chat: Chat) -> None:
    for question, title in (
        (
            "I look after a team of prison officers who feel worn out by the night shifts. Did a "
            "prison try patrols in pairs?",
            "Motiver",
        ),
        (
            "Hi, I recently joined a county council after a career in retail. Did a French county "
            "draw up a digital roadmap?",
            "Ille-et-Vilaine",
        ),
    ):
        [reply] = chat.dm("bea", question)
        assert_sure(reply, title, SURE_EN, why=question)
    [none] = chat.dm(
        "bea",
        "I just joined a public health agency after years at a bank. Did several health agencies "
        "share one payroll system?",
    )
    assert not none.text.startswith(SURE_EN), "no project on payroll"
