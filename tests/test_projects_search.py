"""The shared full-text index: French analysis, ranking and robustness, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from store.models import SearchDocument, SearchWord
from store.search import (
    Document,
    Thesaurus,
    engine,
    index_document,
    index_documents,
    place,
    remove_document,
    search_documents,
)
from store.search.analysis import terms

PRISON = Thesaurus.from_groups([["prison", "pénitentiaire", "centre de détention", "carcéral"]])


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as opened, opened.begin():
        yield opened


def ids(session: Session, query: str, **options: object) -> list[int]:
    return [hit.doc_id for hit in search_documents(session, doc_type="t", query=query, **options)]  # type: ignore[arg-type]


def add(session: Session, doc_id: int, title: str, body: str = "", keywords: str = "") -> None:
    index_document(session, doc_type="t", doc_id=doc_id, title=title, body=body, keywords=keywords)


def test_stem_first_then_fold_accents() -> None:
    assert terms("déployer déploiement") == ["deploi", "deploi"]
    assert terms("terminé terminée TÂCHES taches") == ["termin", "termin", "tach", "tach"]
    assert terms("Le projet de l'hôpital") == ["projet", "hopital"]


def test_inflections_case_and_accents_match(session: Session) -> None:
    add(session, 1, "Déploiement des outils", "Les tâches terminées par les équipes.")
    add(session, 2, "Autre chose", "Rien à voir.")
    for query in ("déployer", "terminé", "TACHES", "equipe", "ÉQUIPES"):
        assert ids(session, query) == [1], query


def test_title_and_keywords_outrank_body(session: Session) -> None:
    add(session, 1, "Un projet quelconque", "On y parle de télémédecine une fois.")
    add(session, 2, "Télémédecine en cancérologie", "Un suivi à distance.")
    add(session, 3, "Un troisième projet", "Rien.", keywords="télémédecine")
    assert ids(session, "télémédecine") == [2, 3, 1]


def test_scores_are_between_zero_and_one_best_first(session: Session) -> None:
    add(session, 1, "Lean à l'hôpital", "Amélioration continue au CHRU.")
    add(session, 2, "Hôpital numérique", "Des tablettes pour les soignants.")
    hits = search_documents(session, doc_type="t", query="lean hôpital")
    assert [h.doc_id for h in hits] == [1, 2]
    assert 1 > hits[0].score > hits[1].score > 0


def test_synonyms_come_from_the_thesaurus(session: Session) -> None:
    add(session, 1, "Motiver les surveillants", "La réorganisation d'un centre de détention.")
    assert ids(session, "prison") == []
    assert ids(session, "prison", thesaurus=PRISON) == [1]
    assert ids(session, "univers carcéral", thesaurus=PRISON) == [1]


def test_a_synonym_reduced_to_part_of_a_compound_is_ignored(session: Session) -> None:
    digital = Thesaurus.from_groups([["numérique", "e-administration", "dématérialisation"]])
    add(session, 1, "Réorganisation de l'administration pénitentiaire")
    add(session, 2, "Dématérialisation du timbre fiscal")
    assert ids(session, "numérique", thesaurus=digital) == [2], "« e-administration » ≠ `administr`"


def test_prefix_matching_for_short_queries(session: Session) -> None:
    add(session, 1, "Pascaline", "Parcours de santé en Auvergne-Rhône-Alpes.")
    add(session, 2, "Gendarmerie connectée", "Des tablettes pour les gendarmes.")
    assert ids(session, "pasca") == [1]
    assert ids(session, "gendar") == [2]


def test_typos_in_names_are_tolerated(session: Session) -> None:
    add(session, 1, "Le SNE", "Système d'enregistrement.", keywords="Yann Ludmann, DHUP")
    add(session, 2, "Écosystème", "Design de services.", keywords="Guy Kauffmann, Val-d'Oise")
    assert ids(session, "Yann Ludman") == [1]
    assert ids(session, "Kaufman") == [2]
    assert ids(session, "Kofman") == []


def test_words_split_in_two_are_joined(session: Session) -> None:
    add(session, 1, "NEOGEND", "Des smartphones pour les gendarmes.")
    assert ids(session, "neo gend") == [1]


def test_stop_words_alone_find_nothing(session: Session) -> None:
    add(session, 1, "Le projet", "Il y a de la place pour tous.")
    assert ids(session, "le la les de du pour qui") == []


def test_snippet_is_the_best_matching_passage(session: Session) -> None:
    body = (
        "Le projet a commencé en 2014. Les équipes ont travaillé longtemps. "
        "Le lean management a réduit de 45 minutes le temps de présence des patientes."
    )
    add(session, 1, "Lean Santé", body)
    [hit] = search_documents(session, doc_type="t", query="temps de présence")
    assert hit.snippet == (
        "Le lean management a réduit de 45 minutes le temps de présence des patientes."
    )


def test_long_passages_are_trimmed_around_the_match(session: Session) -> None:
    filler = " ".join(["mot"] * 120)
    add(session, 1, "Titre", f"{filler} la télémédecine arrive ensuite {filler}.")
    [hit] = search_documents(session, doc_type="t", query="télémédecine")
    assert "télémédecine" in hit.snippet
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert len(hit.snippet) <= 245


def test_replace_and_remove_keep_counts_right(session: Session) -> None:
    add(session, 1, "Ancien titre sur les prisons")
    add(session, 1, "Nouveau titre sur les hôpitaux")
    assert ids(session, "prison") == []
    assert ids(session, "hôpital") == [1]
    remove_document(session, doc_type="t", doc_id=1)
    remove_document(session, doc_type="t", doc_id=99)
    assert ids(session, "hôpital") == []
    left = session.scalars(select(SearchWord.word).where(SearchWord.doc_type == "t")).all()
    assert left == []


def test_doc_types_do_not_mix_and_filters_apply(session: Session) -> None:
    add(session, 1, "Télétravail des agents")
    add(session, 2, "Télétravail en préfecture")
    index_document(session, doc_type="other", doc_id=1, title="Télétravail", body="")
    assert ids(session, "télétravail") == [1, 2]
    within = select(SearchDocument.doc_id).where(SearchDocument.doc_id == 2)
    assert ids(session, "télétravail", within=within) == [2]
    assert ids(session, "télétravail", exclude=[1]) == [2]
    assert ids(session, "télétravail", limit=1) == [1]


def test_a_filter_finds_a_match_ranked_far_below_the_others(session: Session) -> None:
    documents = [
        Document(doc_id=i, title=f"Télétravail numéro {i}", body="télétravail " * 3)
        for i in range(1, 501)
    ]
    documents.append(Document(doc_id=999, title="Accueil", body="Un mot sur le télétravail."))
    index_documents(session, doc_type="t", documents=documents)
    within = select(SearchDocument.doc_id).where(SearchDocument.doc_id == 999)
    assert ids(session, "télétravail", within=within) == [999]


def test_bulk_indexing_keeps_the_last_version(session: Session) -> None:
    index_documents(
        session,
        doc_type="t",
        documents=[Document(1, "Premier", "lean"), Document(1, "Premier", "santé")],
    )
    assert ids(session, "lean") == []
    assert ids(session, "santé") == [1]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "*",
        "NEAR",
        "'; DROP TABLE search_documents; --",
        'lean" OR "',
        "a:b",
        "(",
        "x" * 5000,
        "\\",
        "&|!<->:*",
        "NOT AND OR",
        "{title}: lean",
        "é" * 50,
        "\x00",
        "🙂 lean",
    ],
)
def test_syntax_characters_never_reach_the_engine(session: Session, query: str) -> None:
    add(session, 1, "Lean au CHRU", "Des tâches.")
    hits = search_documents(session, doc_type="t", query=query)
    assert all(hit.doc_id == 1 for hit in hits)
    assert ids(session, "lean") == [1]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=200))
def test_any_text_is_a_valid_question(session: Session, query: str) -> None:
    add(session, 1, "Lean au CHRU", "Des tâches.")
    assert all(0 < hit.score <= 1 for hit in search_documents(session, doc_type="t", query=query))


def test_an_index_directory_is_reused_until_the_documents_change(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    """A process started while nothing changed (a one-shot `relais ask`, a restarted replica)
    opens the index another one wrote; a write makes the next search rebuild it."""
    place.configure(tmp_path)
    try:
        body = "Un suivi à distance. La télémédecine en cancérologie ! Fin."
        with sessions() as session, session.begin():
            add(session, 1, "Télémédecine en cancérologie", body)
        with sessions() as session:
            written = search_documents(session, doc_type="t", query="télémédecine")
        assert [(hit.doc_id, hit.snippet) for hit in written] == [
            (1, "La télémédecine en cancérologie !")
        ]
        [built] = [p for p in tmp_path.iterdir() if (p / engine.READY).exists()]
        engine.forget()
        with sessions() as session:
            assert search_documents(session, doc_type="t", query="télémédecine") == written
        assert [p for p in tmp_path.iterdir()] == [built]
        with sessions() as session, session.begin():
            add(session, 2, "Télémédecine en prison")
        with sessions() as session:
            assert ids(session, "télémédecine") == [1, 2]
        assert built not in list(tmp_path.iterdir())
    finally:
        place.configure(None)
        engine.forget()
