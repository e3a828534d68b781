"""`relais ask` and `relais projets import|export` as scripts use them (SQLite files)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import cli

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A fresh store that fills itself with the sample corpus on first use."""
    return {
        "RELAIS_DATABASE_URL": f"sqlite:///{tmp_path / 'relais.db'}",
        "RELAIS_SAMPLE_DATA": "true",
    }


def test_ask_prints_what_the_bot_would_answer(env: dict[str, str]) -> None:
    result = runner.invoke(cli, ["ask", "qui a fait du lean à l'hôpital ?"], env=env)
    assert result.exit_code == 0, result.output
    assert "Voici les projets passés qui correspondent le mieux" in result.stdout
    assert "1. Lean Santé au CHRU de Lille" in result.stdout
    assert "Source : « Le manager public face à la transformation digitale" in result.stdout
    assert "Années : depuis 2014" in result.stdout


def test_an_english_question_is_answered_with_english_punctuation(env: dict[str, str]) -> None:
    result = runner.invoke(cli, ["ask", "who did lean management in a hospital?"], env=env)
    assert result.exit_code == 0, result.output
    assert "1. Lean Santé au CHRU de Lille" in result.stdout
    assert "Years: since 2014" in result.stdout
    assert "Organisation: CHRU de Lille" in result.stdout
    assert not re.search(r"^(Organisation|Years|Results|People|Source) :", result.stdout, re.M)


def test_ask_json_with_a_limit(env: dict[str, str]) -> None:
    result = runner.invoke(cli, ["ask", "--json", "--limit", "2", "télémédecine"], env=env)
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["query"] == "télémédecine" and answer["confident"] is True
    assert answer["results"][0]["slug"] == "capri-gustave-roussy"
    assert len(answer["results"]) <= 2


def test_ask_batch_prints_one_json_line_per_question_in_order(
    env: dict[str, str], tmp_path: Path
) -> None:
    questions = ["prison", "", "recette de la tarte tatin", '"; DROP TABLE projects; --', "*"]
    batch = tmp_path / "questions.txt"
    batch.write_text("\n".join(questions) + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["ask", "--json", "--batch", str(batch)], env=env)
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["query"] for a in answers] == questions
    assert [a["confident"] for a in answers] == [True, False, False, False, False]
    assert answers[0]["results"][0]["slug"] == "motiver-milieu-carceral"


def test_ask_without_a_question_is_a_usage_error(env: dict[str, str]) -> None:
    result = runner.invoke(cli, ["ask"], env=env)
    assert result.exit_code == 2
    assert "Donnez une question" in result.output


def test_sample_data_can_be_turned_off(env: dict[str, str]) -> None:
    env["RELAIS_SAMPLE_DATA"] = "false"
    result = runner.invoke(cli, ["ask", "--json", "lean"], env=env)
    assert json.loads(result.stdout) == {
        "query": "lean",
        "confident": False,
        "confidence": 0.0,
        "results": [],
    }


def test_import_reports_rows_and_export_round_trips(env: dict[str, str], tmp_path: Path) -> None:
    env["RELAIS_SAMPLE_DATA"] = "false"
    source = tmp_path / "projets.csv"
    source.write_text(
        "slug,title,summary,organisation,kind,sources\n"
        "guichet-unique,Guichet unique,Un accueil commun.,Mairie de Tours,collectivité,note.txt\n"
        "Mauvais,Titre,Résumé,Org,collectivité,note.txt\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["projets", "import", str(source)], env=env)
    assert result.exit_code == 1
    assert "Ligne 3, champ « slug »" in result.output
    assert (
        "Import terminé — projets créés : 1, mis à jour : 0, inchangés : 0 ; lignes refusées : 1."
        in result.output
    )
    exported = runner.invoke(cli, ["projets", "export", "--format", "json"], env=env)
    assert [p["slug"] for p in json.loads(exported.stdout)] == ["guichet-unique"]
    target = tmp_path / "export.csv"
    saved = runner.invoke(
        cli, ["projets", "export", "--format", "csv", "--output", str(target)], env=env
    )
    assert saved.exit_code == 0
    again = runner.invoke(cli, ["projets", "import", str(target)], env=env)
    assert again.exit_code == 0
    assert "créés : 0, mis à jour : 0, inchangés : 1 ; lignes refusées : 0" in again.output


def test_import_of_an_unreadable_file_exits_2(env: dict[str, str], tmp_path: Path) -> None:
    result = runner.invoke(cli, ["projets", "import", str(tmp_path / "absent.yaml")], env=env)
    assert result.exit_code == 2
    assert "Impossible de lire « absent.yaml »" in result.output
    bad = runner.invoke(cli, ["projets", "export", "--format", "xml"], env=env)
    assert bad.exit_code == 2 and "Format inconnu" in bad.output


def test_a_project_another_process_imports_is_found_by_the_next_question(
    env: dict[str, str], tmp_path: Path
) -> None:
    """This process keeps its search index (and what it keeps beside it) in memory; an import
    run by another process must still reach the next question here, filtered or not."""
    question = ["ask", "--json", "apiculture sur les toits en Bretagne"]
    before = json.loads(runner.invoke(cli, question, env=env).stdout)
    assert "ruchers-toits-rennes" not in [r["slug"] for r in before["results"]]
    record = {
        "slug": "ruchers-toits-rennes",
        "title": "Apiculture sur les toits de la préfecture",
        "summary": "Des ruches installées sur les toits de la préfecture d'Ille-et-Vilaine.",
        "organisation": "Préfecture d'Ille-et-Vilaine",
        "kind": "préfecture",
        "region": "Bretagne",
        "start_year": 2019,
        "sources": [{"document": "rapport-2019.pdf", "title": "Rapport d'activité 2019"}],
    }
    source = tmp_path / "ruchers.json"
    source.write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8")
    imported = subprocess.run(
        [sys.executable, "-m", "bot", "projets", "import", str(source)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert imported.returncode == 0, imported.stderr
    after = json.loads(runner.invoke(cli, question, env=env).stdout)
    assert after["results"][0]["slug"] == "ruchers-toits-rennes"
