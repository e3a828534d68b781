"""What staff see and curate: 👍/👎 on answers, and the alumni registry (chat and scripts)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import cli
from handlers.csvfile import read_csv
from tests.chat import Chat, texts

runner = CliRunner()


pytestmark = pytest.mark.usefixtures("sample_projects")


def test_staff_see_the_feedback_members_gave(chat: Chat) -> None:
    [reply] = chat.command("bea", "projets logement social")
    chat.press("bea", reply.button("👎 pas utile"), on=reply)
    [other] = chat.command("carl", "projets télémédecine")
    chat.press("carl", other.button("👍 utile"), on=other)
    shown = texts(chat.command("ada", "projets retours"))
    assert "Projets les plus notés" in shown
    assert "👎 Système national d'enregistrement" in shown or "👎 " in shown
    assert "« logement social »" in shown
    assert "CAPRI" in shown and "👍 1 · 👎 0" in shown
    assert "réservée au rôle" in texts(chat.command("bea", "projets retours"))


def test_a_question_starting_with_retours_stays_a_question(chat: Chat) -> None:
    shown = texts(chat.command("ada", "projets retours d'expérience sur le lean à l'hôpital"))
    assert "Lean Santé" in shown


def test_no_feedback_yet_is_said(chat: Chat) -> None:
    assert "Aucun retour" in texts(chat.command("ada", "projets retours"))


def test_alumni_give_role_and_organisation_shown_as_contacts(chat: Chat) -> None:
    said = texts(
        chat.command(
            "bea",
            'profil projet capri-gustave-roussy --role "infirmière coordinatrice" '
            '--organisation "CHU de Nantes"',
        )
    )
    assert "alumni de « CAPRI" in said
    contacts = texts(chat.command("carl", "contacts télémédecine"))
    assert "<@bea> — infirmière coordinatrice, CHU de Nantes · joindre : message direct" in contacts
    assert "à jour" in texts(
        chat.command("bea", 'profil projet capri-gustave-roussy --role "cadre de santé"')
    )
    assert "<@bea> — cadre de santé, CHU de Nantes" in texts(
        chat.dm("carl", "qui contacter pour la télémédecine ?")
    )


def test_staff_export_the_alumni_registry_as_csv(chat: Chat) -> None:
    chat.command("bea", 'profil projet lean-sante-chru-lille --role "=cmd|calc" --organisation X')
    [sent] = chat.command("ada", "projets alumni")
    assert sent.message is not None
    [attachment] = sent.message.files
    assert attachment.content.startswith("\ufeff".encode())
    rows = read_csv(attachment.content)
    assert rows[0] == ["projet", "membre", "nom", "role", "organisation", "declare_le"]
    assert rows[1][0] == "lean-sante-chru-lille" and rows[1][1] == "bea"
    assert rows[1][3] == "'=cmd|calc", "formulas stay text"
    assert "réservée au rôle" in texts(chat.command("bea", "projets alumni"))


def test_scripts_import_and_export_the_registry(tmp_path: Path) -> None:
    env = {"RELAIS_DATABASE_URL": f"sqlite:///{tmp_path / 'relais.db'}"}
    said = runner.invoke(cli, ["say", "--as", "bea", "/relais profil projet bercysimple"], env=env)
    assert said.exit_code == 0, said.output
    source = tmp_path / "alumni.csv"
    source.write_text(
        "projet;membre;role;organisation\n"
        "bercysimple;bea;cheffe de projet;SGMEF\n"
        "inconnu;bea;x;y\n",
        encoding="utf-8",
    )
    imported = runner.invoke(
        cli, ["projets", "alumni-import", str(source), "--espace", "console:local"], env=env
    )
    assert imported.exit_code == 1
    assert "Alumni ajoutés : 0 ; mis à jour : 1 ; lignes ignorées : 1" in imported.stdout
    assert "Ligne 3 ignorée : « inconnu »" in imported.output
    target = tmp_path / "export.csv"
    exported = runner.invoke(
        cli,
        ["projets", "alumni-export", "--espace", "console:local", "--output", str(target)],
        env=env,
    )
    assert exported.exit_code == 0, exported.output
    [_, row] = read_csv(target.read_bytes())
    assert row[:5] == ["bercysimple", "bea", row[2], "cheffe de projet", "SGMEF"]


def test_feedback_of_an_erased_member_says_not_given_instead_of_a_dash(chat: Chat) -> None:
    [reply] = chat.command("bea", "projets logement social")
    chat.press("bea", reply.button("👎 pas utile"), on=reply)
    [confirm] = chat.command("bea", "oubliez-moi")
    chat.press("bea", confirm.button("Oui, tout effacer"), on=confirm)
    shown = texts(chat.command("ada", "projets retours"))
    assert "« non renseigné »" in shown
    assert "« logement social »" not in shown and "« — »" not in shown
