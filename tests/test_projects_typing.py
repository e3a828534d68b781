"""Past projects asked the way managers type: typos, SMS forms, English, filters in the
question, « qui contacter… », and honest answers when unsure."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.app import App, build
from bot.outbox import OutboxPolicy
from handlers.clock import FakeClock
from tests.answers import SURE, SURE_EN, assert_sure, first_title
from tests.chat import Chat, texts
from tests.conftest import make_settings
from tests.fakes.recording_port import RecordingPort, Sent

UNSURE = "Je ne suis pas sûr que ces pistes répondent à votre question"


def assert_unsure(reply: Sent, why: str) -> None:
    """« Pas sûr », with one or two leads."""
    assert UNSURE in reply.text, why
    assert reply.message is not None and 1 <= len(reply.message.sections) <= 2, why


def assert_sure_of(reply: Sent, title: str, why: str) -> None:
    """A confident answer whose first project's card has `title`."""
    assert "Je ne suis pas sûr" not in reply.text, why
    assert reply.message is not None
    assert title in (reply.message.sections[0].title or ""), why


pytestmark = pytest.mark.usefixtures("sample_projects")


@pytest.fixture
def community(
    engine: Engine, sessions: sessionmaker[Session], clock: FakeClock, port: RecordingPort
) -> Iterator[Chat]:
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


def test_a_misspelt_word_is_corrected_and_the_answer_says_so(chat: Chat) -> None:
    [reply] = chat.dm("bea", "qui a fait de la telemedicne ?")
    assert "Résultats pour « qui a fait de la télémédecine ? »" in reply.text
    assert reply.message is not None
    assert "CAPRI" in (reply.message.sections[0].title or "")


def test_sms_forms_and_missing_accents_are_read(chat: Chat) -> None:
    [reply] = chat.dm("bea", "pb d'absenteisme aux rdv medicaux ds les alpes maritimes")
    assert "Liens 06" in reply.text
    assert "Filtres appliqués : région Provence-Alpes-Côte-d’Azur (Alpes-Maritimes)" in reply.text


def test_an_english_question_gets_an_english_answer_about_the_french_project(chat: Chat) -> None:
    [reply] = chat.dm("bea", "who did lean management in a hospital?")
    assert reply.text.startswith("Here are the past projects that best match")
    assert "Filters applied: type hôpital" in reply.text
    assert "Lean Santé au CHRU de Lille" in reply.text, "project text stays as written"
    assert "People: **Agnès Feret** — directrice déléguée" in reply.text
    assert [b.label for b in reply.buttons][:2] == ["View record", "Similar projects"]


def test_an_english_question_with_a_typo_says_its_correction_in_english(chat: Chat) -> None:
    [reply] = chat.dm("bea", "who did telemedicne in a hospital?")
    assert "Results for “who did telemedicine in a hospital?”" in reply.text
    assert "télémédecine" not in reply.text.split("\n")[0]
    assert reply.message is not None
    assert "CAPRI" in (reply.message.sections[0].title or "")


def test_filters_written_in_the_question_are_applied_and_said(chat: Chat) -> None:
    [reply] = chat.dm("bea", "projets primés en 2016 à l'hôpital")
    assert "Filtres appliqués : année 2016, type hôpital" in reply.text
    assert "Lean Santé" in reply.text or "CAPRI" in reply.text
    assert "Sundgau" not in reply.text
    [bretagne] = chat.dm("bea", "projets numériques en bretagne")
    assert "région Bretagne" in bretagne.text and "Ille-et-Vilaine" in bretagne.text
    assert "Val-d'Oise" not in bretagne.text


def test_the_word_region_belongs_to_the_place_it_names(chat: Chat) -> None:
    for question, intro in (
        ("services de e-santé pour les patients de la région Auvergne-Rhône-Alpes", SURE),
        ("online health services in the Auvergne-Rhône-Alpes region", SURE_EN),
    ):
        [reply] = chat.dm("bea", question)
        assert_sure(reply, "Pascaline", intro, why=question)


def test_a_question_opening_on_its_years_is_filtered_too(chat: Chat) -> None:
    [reply] = chat.dm("bea", "Depuis 2017, un département a-t-il fait un plan numérique ?")
    assert "Filtres appliqués : année 2017–" in reply.text, reply.text
    assert "Ille-et-Vilaine" in reply.text


def test_before_a_year_leaves_that_year_out(chat: Chat) -> None:
    for question in ("des projets lances avant 2012 ?", "projects started before 2012?"):
        [reply] = chat.dm("bea", question)
        assert "2011" in reply.text, reply.text
        assert "Motiver" not in reply.text, "the prison project started in 2012"
        assert "Val-d'Oise" in reply.text, reply.text


def test_explicit_filters_still_work_and_are_said(chat: Chat) -> None:
    reply = texts(chat.command("bea", "projets numérique --annee 2017 --type collectivité"))
    assert "Filtres appliqués : année 2017, type collectivité" in reply
    assert "Ille-et-Vilaine" in reply
    assert "impots.gouv" not in reply


def test_who_to_contact_gives_role_organisation_and_a_way_to_reach(chat: Chat) -> None:
    [reply] = chat.dm("bea", "qui contacter pour la télémédecine ?")
    assert "Les personnes qui ont mené des projets sur « télémédecine » :" in reply.text
    assert "**Étienne Minvielle** — professeur" in reply.text
    for line in reply.text.splitlines():
        if line.startswith("- **"):
            _, _, rest = line.partition(" — ")
            assert "," in rest and " · joindre : " in rest, line
    chat.command("bea", "profil projet capri-gustave-roussy")
    [again] = chat.dm("carl", "who should I contact about telemedicine?")
    assert "<@bea> — worked on this project, Institut Gustave Roussy" in again.text
    assert "reach:" in again.text


def test_who_to_contact_as_a_slash_command_gets_people_too(chat: Chat) -> None:
    reply = texts(chat.command("bea", "qui contacter pour la télémédecine ?"))
    assert "Les personnes qui ont mené des projets sur « télémédecine » :" in reply
    assert "**Étienne Minvielle** — professeur" in reply
    english = texts(chat.command("bea", "who should I contact about telemedicine?"))
    assert "**Étienne Minvielle**" in english and "reach:" in english
    assert "CAPRI" in texts(chat.command("bea", "qui a fait de la télémédecine ?"))


def test_citations_show_the_document_title_and_page_never_a_file(chat: Chat) -> None:
    [reply] = chat.command("bea", "projets timbre fiscal")
    assert ".txt" not in reply.text
    assert "l'humain avant tout (Prix du manager public, 7e édition) », p. 14" in reply.text


def test_every_button_of_an_answer_is_there_once(chat: Chat) -> None:
    [reply] = chat.command("bea", "projets parcours de soins et coordination des soignants")
    assert reply.message is not None
    pairs = [(b.action_id, b.value) for s in reply.message.sections for b in s.buttons]
    pairs += [(b.action_id, b.value) for b in reply.message.buttons]
    assert len(pairs) == len(set(pairs))
    shows = [v for a, v in pairs if a == "projects.show"]
    assert len(shows) == len(reply.message.sections)


def test_unsure_answers_show_two_leads_and_offer_the_community_once(community: Chat) -> None:
    [first] = community.dm("bea", "vélo électrique en libre service")
    assert "Je n'ai rien trouvé qui corresponde vraiment" in first.text
    assert first.message is not None and len(first.message.sections) <= 2
    assert "Poser la question à la communauté" in [b.label for b in first.buttons]
    community.press("bea", first.button("Poser la question à la communauté"), on=first)
    [again] = community.dm("bea", "vélo électrique en libre service")
    assert "Poser la question à la communauté" not in [b.label for b in again.buttons]
    [there] = community.mention("carl", "vélo électrique en libre service", channel="C-community")
    assert "Poser la question à la communauté" not in [b.label for b in there.buttons]


def test_a_department_by_its_number_filters_on_its_region(chat: Chat) -> None:
    [reply] = chat.dm("bea", "projets numériques dans le 35")
    assert "Filtres appliqués : région Bretagne (Ille-et-Vilaine)" in reply.text
    assert "Ille-et-Vilaine" in reply.text and "Pascaline" not in reply.text
    [name] = chat.dm("bea", "le projet liens 06")
    assert "Filtres appliqués" not in name.text, "a number in a name is not a place"
    assert "Liens 06" in name.text


def test_a_date_is_not_read_as_a_department_number(chat: Chat) -> None:
    for question in (
        "projets numériques lancés le 12 mars 2009",
        "projets numériques présentés au comité du 06/05",
        "projets numériques vus le 13 à 9h",
    ):
        [reply] = chat.dm("bea", question)
        applied = [line for line in reply.text.splitlines() if "Filtres appliqués" in line]
        assert not any("région" in line for line in applied), question
    [place] = chat.dm("bea", "projets numériques du 35")
    assert "région Bretagne (Ille-et-Vilaine)" in place.text


def test_a_year_alone_lists_the_projects_started_that_year(chat: Chat) -> None:
    for question in ("projets lancés en 2009", "projets demarres en 2009"):
        [reply] = chat.dm("bea", question)
        assert "Filtres appliqués : démarré en 2009" in reply.text, question
        assert "logement social" in reply.text and "Webcontrat" in reply.text, question
    [started] = chat.dm("bea", "projets lancés en 2014 à l'hôpital")
    assert "Lean Santé" in started.text and "CAPRI" not in started.text, "CAPRI began in 2013"
    [ran] = chat.dm("bea", "projets en 2014 à l'hôpital")
    assert "Filtres appliqués : année 2014" in ran.text
    assert "Lean Santé" in ran.text and "CAPRI" in ran.text
    [english] = chat.dm("bea", "projects started in 2017")
    assert "Filters applied: started in 2017" in english.text
    assert "Éducation nationale" in english.text and "Ille-et-Vilaine" in english.text


def test_a_year_no_project_has_is_never_corrected_into_one_it_has(chat: Chat) -> None:
    [edition] = chat.dm("bea", "qui a été primé au prix du manager public 2019")
    assert "résultats pour" not in edition.text and "Voici les projets passés" not in edition.text
    [right] = chat.dm("bea", "les lauréats du prix du manager public 2016")
    assert_sure_of(right, "Prix du manager public", "the 2016 edition")


def test_asking_who_can_tell_about_a_project_gets_its_people(chat: Chat) -> None:
    [reply] = chat.dm("bea", "qui peut me renseigner sur le logement social ?")
    assert "**Yann Ludmann** — chef de projet" in reply.text
    [english] = chat.dm("bea", "who's the contact for social housing applications?")
    assert "**Yann Ludmann**" in english.text and "reach:" in english.text


def test_a_question_whose_parts_belong_to_different_projects_is_not_answered_as_sure(
    chat: Chat,
) -> None:
    for question in ("télémédecine dans les prisons", "logement social des militaires"):
        [reply] = chat.dm("bea", question)
        assert_unsure(reply, question)
    [contact] = chat.dm("bea", "qui contacter pour la télémédecine dans les prisons ?")
    assert "Je ne trouve aucun projet qui corresponde bien" in contact.text
    assert "Muriel Guégan" not in contact.text


def test_a_question_one_project_covers_is_still_answered_as_sure(chat: Chat) -> None:
    [reply] = chat.dm("bea", "télémédecine pour les malades du cancer")
    assert_sure_of(reply, "CAPRI", "the cancer telemedicine project")
    [prison] = chat.dm("bea", "motivation des surveillants de prison")
    assert "Je ne suis pas sûr" not in prison.text
    assert "Motiver en milieu carcéral" in prison.text


def test_a_region_by_its_usual_abbreviation_filters_on_it(chat: Chat) -> None:
    [reply] = chat.dm("bea", "projets en PACA")
    assert "Filtres appliqués : région Provence-Alpes-Côte-d’Azur" in reply.text
    assert "Liens 06" in reply.text
    [verb] = chat.dm("bea", "un projet qui aura lieu en santé")
    assert "Filtres appliqués" not in verb.text, "« aura » in lower case is the verb"


def test_slang_for_working_on_and_connected_are_read(chat: Chat) -> None:
    [reply] = chat.dm("bea", "qq1 a bossé sur la mutualisation comptable ?")
    assert_sure_of(reply, "SIFAS", "« qq1 a bossé » asks who worked on it")
    [connected] = chat.dm("bea", "la gendarmerie connectée")
    assert "Je ne suis pas sûr" not in connected.text and "NEOGEND" in connected.text


def test_a_word_is_in_a_project_under_its_own_lemma_not_only_its_stem(chat: Chat) -> None:
    [teachers] = chat.dm("bea", "accompagner les enseignants du collège")
    assert_unsure(teachers, "the Éducation nationale project says « enseignement »")
    [derived] = chat.dm("bea", "la motivation des agents pénitentiaires")
    assert_sure_of(derived, "Motiver en milieu carcéral", "« Motiver » is the project's own word")


def test_a_rare_word_does_not_carry_a_question_the_project_half_covers(chat: Chat) -> None:
    for question in (
        "coordination des soins en détention",
        "formation au numérique des surveillants de prison",
    ):
        [reply] = chat.dm("bea", question)
        assert_unsure(reply, f"the prison project lacks the rest of « {question} »")


def test_a_right_question_typed_without_accents_is_still_sure(chat: Chat) -> None:
    for question, title in (
        ("telemedecine pour les patients atteints de cancer", "CAPRI"),
        ("reorganisation du travail des surveillants", "Motiver en milieu carcéral"),
        ("mobilite en zone rurale en alsace", "STUWA"),
    ):
        [reply] = chat.dm("bea", question)
        assert_sure_of(reply, title, question)


def test_words_written_side_by_side_must_be_together_in_the_project(chat: Chat) -> None:
    [reply] = chat.dm("bea", "qui a bossé sur les marchés publics ?")
    assert_unsure(
        reply, "Ille-et-Vilaine cites a « marché » of consultancy and its « publics », apart"
    )
    for question, title in (
        ("smartphones securises pour les gendarmes", "NEOGEND"),
        ("transition energetique en zone rurale", "STUWA"),
    ):
        [sure] = chat.dm("bea", question)
        assert_sure_of(sure, title, question)


def test_a_project_lacking_a_part_said_in_several_words_is_not_sure(chat: Chat) -> None:
    for question in (
        "parcours d'art contemporain pr les maladies chroniques",
        "parcours d'art contemporain pour les demandeurs d'emploi",
    ):
        [reply] = chat.dm("bea", question)
        assert_unsure(reply, f"the art trail has none of the people « {question} » is for")
    [sure] = chat.dm("bea", "parcours d'art contemporain ds le sundgau")
    assert_sure_of(sure, "STUWA", "the art trail in the Sundgau")


def test_a_project_with_every_word_of_a_part_though_apart_has_it(chat: Chat) -> None:
    [reply] = chat.dm("bea", "un programme national de territoires pilotes pour la santé numérique")
    assert_sure_of(reply, "Territoire de soins numérique", "« santé » and « numérique » are there")


def test_a_department_council_by_its_number_is_a_filter(chat: Chat) -> None:
    [reply] = chat.dm("bea", "le design de services au CD95, c'est qui ?")
    assert "région Île-de-France (Val-d'Oise), type collectivité" in reply.text
    assert_sure(reply, "Val-d'Oise")


def test_a_region_said_by_its_people_s_adjective_is_a_filter(chat: Chat) -> None:
    [reply] = chat.dm("bea", "un département breton a-t-il fait auditer son organisation ?")
    assert "Filtres appliqués : région Bretagne" in reply.text
    assert "Ille-et-Vilaine" in first_title(reply.message)
    [paris] = chat.dm("bea", "l'accompagnement des cadres dans les hôpitaux parisiens")
    assert "région Île-de-France, type hôpital" in paris.text
    assert "Lille" not in paris.text.split("Source")[0]


def test_two_kinds_of_office_named_admit_either(chat: Chat) -> None:
    [reply] = chat.dm(
        "bea",
        "entre les ministères et leurs services déconcentrés, comment revoir le dialogue de "
        "gestion ?",
    )
    assert "type ministère, type préfecture" in reply.text
    assert_sure_of(reply, "dialogue de gestion", "the network's project is a deconcentrated one")


def test_a_ministry_named_by_its_charge_covers_its_services_in_the_regions(chat: Chat) -> None:
    [reply] = chat.dm(
        "bea",
        "au ministère chargé de la jeunesse et des sports, qui a accompagné ses chefs de pôle ?",
    )
    assert_sure_of(reply, "chefs de pôle", "a DRJSCS is the ministry's regional service")
    [elsewhere] = chat.dm("bea", "au ministère de l'Agriculture, un projet de télémédecine ?")
    assert_unsure(elsewhere, "no project of that ministry, nor of telemedicine in a ministry")


def test_a_town_near_which_a_region_filtered_question_is_need_not_be_named(chat: Chat) -> None:
    [reply] = chat.dm("bea", "un projet de santé du côté de Clermont, dans le Puy-de-Dôme ?")
    assert_sure_of(reply, "Pascaline", "the region's health agency, which never names Clermont")
    [alone] = chat.dm("bea", "de la télémédecine du côté de Brest ?")
    assert_unsure(alone, "without a region, the town is all the question says of where")


def test_a_campaign_is_not_the_countryside(chat: Chat) -> None:
    [reply] = chat.dm("bea", "des tests utilisateurs en milieu rural")
    assert_unsure(reply, "service-public.fr's « campagnes de tests » are no countryside")
    [english] = chat.dm("bea", "mobility in the countryside")
    assert "STUWA" in first_title(english.message)
