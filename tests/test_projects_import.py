"""Project records: the shipped corpus, import (YAML, JSON, CSV) with row errors, upsert, export."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from handlers.clock import FakeClock
from handlers.i18n import Translator
from handlers.projects import importer
from handlers.projects.record import ProjectRecord
from handlers.projects.sample import SAMPLE
from store import projects
from store.models import Project, SearchDocument
from store.projects import upsert_many

SAMPLE_RECORDS = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
REQUIRED = [
    "lean-sante-chru-lille", "capri-gustave-roussy", "motiver-milieu-carceral",
    "ecosysteme-innovation-val-doise", "sengager-fr-armee-de-terre", "portail-impots-gouv-fr",
    "service-public-2016", "bercysimple", "pascaline-ars-auvergne-rhone-alpes",
    "xl-ens-sante-landes", "sne-demande-logement-social", "ap-hp-accompagnement-managerial",
    "drjscs-accompagnement-chefs-de-pole", "liens-06-alpes-maritimes", "sifas-agences-sanitaires",
    "stuwa-pays-du-sundgau", "neogend-gendarmerie", "webcontrat-cnrs",
    "timbre-fiscal-electronique", "convention-sgmap-affaires-sociales",
    "convention-sgmap-education-nationale", "ira-lyon-efficience-collaborative-2018",
    "ille-et-vilaine-plan-numerique-dgt",
]  # fmt: skip
SEED_FILE = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")
FR = Translator("fr")


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as opened, opened.begin():
        yield opened


def record(slug: str, **changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "slug": slug,
        "title": f"Projet {slug}",
        "summary": "Un résumé.",
        "organisation": "Préfecture du Cher",
        "kind": "État - services déconcentrés",
        "themes": ["accueil"],
        "sources": [{"document": "note.txt", "section": "p. 2"}],
    }
    base.update(changes)
    return base


def write(tmp_path: Path, name: str, content: object) -> Path:
    path = tmp_path / name
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def described(report: importer.ImportReport) -> list[str]:
    return [error.describe(FR) for error in report.errors]


def test_the_sample_corpus_is_complete_valid_and_cites_its_sources() -> None:
    records = [ProjectRecord.model_validate(raw) for raw in SAMPLE_RECORDS]
    slugs = [r.slug for r in records]
    assert len(slugs) == len(set(slugs)) >= 24
    assert set(REQUIRED) <= set(slugs)
    for item in records:
        assert item.sources and all(SEED_FILE.match(s.document) for s in item.sources), item.slug
        assert item.summary and item.description


def test_phone_numbers_and_email_addresses_are_refused() -> None:
    rows = [
        (1, record("a", summary="Contact : +33 (0)1 53 18 05 51")),
        (2, record("b", people=[{"name": "Ana", "role": "ana@example.fr"}])),
        (3, record("c", summary="1 072 questionnaires, 2 503 testeurs, 100 000 usagers")),
    ]
    valid, errors = importer.validate(rows)
    assert [r.slug for r in valid] == ["c"]
    shown = [e.describe(FR) for e in errors]
    assert shown == [
        "Ligne 1, champ « summary » : contient un numéro de téléphone (interdit dans la base)",
        "Ligne 2, champ « people » : contient une adresse électronique (interdit dans la base)",
    ]


def test_yaml_import_reports_bad_rows_and_keeps_the_good_ones(
    session: Session, tmp_path: Path, clock: FakeClock
) -> None:
    rows = [
        record("bon-projet"),
        record("Mauvais Slug"),
        record("sans-titre", title=""),
        record("annees", start_year=2016, end_year=2014),
        record("bon-projet", title="Doublon"),
        record("inconnu", couleur="bleu"),
        "pas un projet",
        record("annee-texte", start_year="vers 2015"),
    ]
    path = write(tmp_path, "projets.yaml", yaml.safe_dump(rows, allow_unicode=True))
    report = importer.import_file(session, path, now=clock.now())
    assert (report.created, report.updated, report.unchanged) == (1, 0, 0)
    assert described(report) == [
        "Ligne 2, champ « slug » : seulement des minuscules sans accent, des chiffres et des "
        "tirets (ex. lean-sante-lille)",
        "Ligne 3, champ « title » : trop court (au moins 1 caractère)",
        "Ligne 4, champ « end_year » : l'année de fin précède l'année de début",
        "Ligne 5, champ « slug » : slug déjà utilisé ligne 1 de ce fichier",
        "Ligne 6, champ « couleur » : champ inconnu",
        "Ligne 7, champ « ligne entière » : la ligne doit être un projet (champ: valeur)",
        "Ligne 8, champ « start_year » : doit être une année en chiffres",
    ]
    assert session.scalars(select(Project.slug)).all() == ["bon-projet"]


def test_upsert_by_slug_updates_and_reindexes(
    session: Session, tmp_path: Path, clock: FakeClock
) -> None:
    first = write(tmp_path, "a.json", [record("accueil-cher"), record("autre")])
    assert importer.import_file(session, first, now=clock.now()).created == 2
    second = write(
        tmp_path,
        "b.json",
        [record("accueil-cher", title="Accueil sans rendez-vous"), record("autre")],
    )
    report = importer.import_file(session, second, now=clock.now())
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    titles = session.scalars(select(SearchDocument.title).order_by(SearchDocument.doc_id)).all()
    assert titles == ["Accueil sans rendez-vous", "Projet autre"]


def test_csv_rows_are_numbered_by_line_and_lists_are_split(
    session: Session, tmp_path: Path, clock: FakeClock
) -> None:
    csv_text = (
        "slug,title,summary,organisation,kind,themes,people,sources,start_year\n"
        'guichet,Guichet unique,"Un accueil\nsur deux lignes.",Mairie de Tours,collectivité,'
        "accueil | simplification,Léa Martin ; cheffe de projet ; Mairie de Tours,"
        "note.txt ; p. 3,2019\n"
        "mauvais,,Résumé,Org,collectivité,,,note.txt,2019\n"
        "sans-source,Titre,Résumé,Org,collectivité,,,,\n"
    )
    report = importer.import_file(session, write(tmp_path, "p.csv", csv_text), now=clock.now())
    assert described(report) == [
        "Ligne 4, champ « title » : trop court (au moins 1 caractère)",
        "Ligne 5, champ « sources » : au moins 1 élément attendu",
    ]
    project = session.scalars(select(Project)).one()
    assert project.themes == ["accueil", "simplification"]
    assert project.people == [
        {"name": "Léa Martin", "role": "cheffe de projet", "organisation": "Mairie de Tours"}
    ]
    assert project.sources == [{"document": "note.txt", "section": "p. 3"}]
    assert project.start_year == 2019 and project.region is None


@pytest.mark.parametrize("fmt", importer.FORMATS)
def test_export_reads_back_unchanged(
    session: Session, clock: FakeClock, tmp_path: Path, fmt: str
) -> None:
    importer.import_file(session, SAMPLE, now=clock.now())
    exported = write(tmp_path, f"export.{fmt}", importer.export(session, fmt))
    report = importer.import_file(session, exported, now=clock.now())
    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (0, 0, len(SAMPLE_RECORDS))


def test_files_that_cannot_be_read_say_why(
    session: Session, tmp_path: Path, clock: FakeClock
) -> None:
    cases = {
        "x.txt": ("slug: a", "Format inconnu"),
        "x.json": ("{pas du json", "n'est pas un fichier valide"),
        "y.yaml": ("slug: seul", "doit contenir une liste de projets"),
    }
    for name, (content, message) in cases.items():
        with pytest.raises(importer.ImportFileError) as raised:
            importer.import_file(session, write(tmp_path, name, content), now=clock.now())
        assert message in FR(raised.value.key, **raised.value.params)
    with pytest.raises(importer.ImportFileError):
        importer.import_file(session, tmp_path / "absent.csv", now=clock.now())


def test_a_failed_import_writes_nothing(
    sessions: sessionmaker[Session], clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def failing(session: Session, records: object, *, now: object) -> object:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return upsert_many(session, records, now=now)  # type: ignore[arg-type]

    monkeypatch.setattr(projects, "upsert_many", failing)
    monkeypatch.setattr(importer, "BATCH", 10)
    with pytest.raises(RuntimeError), sessions() as session, session.begin():
        importer.import_file(session, SAMPLE, now=clock.now())
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Project)) == 0
        assert session.scalar(select(func.count()).select_from(SearchDocument)) == 0
