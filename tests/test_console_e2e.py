"""`relais say` then `relais press` from a second process, against the same store."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def relais(tmp_path: Path) -> object:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RELAIS_", "SLACK_", "MATTERMOST_"))
    }
    env.update(RELAIS_SAMPLE_DATA="false", COLUMNS="200")

    def run(*args: str, code: int = 0) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == code, result.stderr
        assert "Traceback" not in result.stderr
        return result.stdout + result.stderr

    return run


def test_say_then_press_from_another_process(relais) -> None:  # type: ignore[no-untyped-def]
    shown = relais("say", "--as", "bea", "/relais langue")
    assert "(visible seulement par bea)" in shown
    match = re.search(r"\[(b\d+)\] English", shown)
    assert match, shown
    pressed = relais("press", "--as", "bea", match.group(1))
    assert "I will speak English" in pressed
    assert "here is what you can do" in relais("say", "--as", "bea", "/relais aide")


def test_threads_and_dm_are_labelled(relais) -> None:  # type: ignore[no-untyped-def]
    mention = relais("say", "--as", "bea", "--channel", "equipe", "bonjour @relais")
    assert re.search(r"\[t\d+\] #equipe, fil t1 · relais", mention), mention
    reply = relais("say", "--as", "bea", "--thread", "t1", "--channel", "equipe", "@relais aide")
    assert "#equipe, fil t1" in reply
    dm = relais("say", "--as", "bea", "--dm", "aide")
    assert "MP → bea" in dm and "voici ce que vous pouvez faire" in dm


def test_bad_references_are_one_line(relais) -> None:  # type: ignore[no-untyped-def]
    assert "Bouton inconnu : b99." in relais("press", "--as", "bea", "b99", code=2)
    assert "Référence incorrecte" in relais("press", "--as", "bea", "t3", code=2)
    assert "Fil inconnu : t42." in relais("say", "--as", "bea", "--thread", "t42", "x", code=2)


def test_admin_add_then_role_change(relais) -> None:  # type: ignore[no-untyped-def]
    relais("say", "--as", "carl", "/relais moi")
    assert "refus" not in relais("admin", "add", "console", "Ada")
    granted = relais("say", "--as", "ada", "/relais role @carl staff")
    assert "@carl a maintenant le rôle équipe du programme." in granted
    log = relais("audit")
    assert "role.grant" in log and "carl" in log and "staff" in log


def test_say_opens_a_form_that_submit_fills(relais) -> None:  # type: ignore[no-untyped-def]
    shown = relais("say", "--as", "bea", "/relais idee")
    match = re.search(r"Formulaire \[(f\d+)\] : Proposer une idée", shown)
    assert match, shown
    assert f"relais submit --as bea {match.group(1)} titre=…" in shown
    published = relais(
        "submit",
        "--as",
        "bea",
        match.group(1),
        "titre=Covoiturage entre agents",
        "probleme=Trop de voitures",
        "proposition=Une plateforme de covoiturage",
        "gain=Moins de frais",
        "perimetre=DRH",
    )
    assert "Votre idée n°1 « Covoiturage entre agents » est publiée" in published


@pytest.mark.slow
def test_a_reply_in_a_dm_thread_reaches_its_conversation(relais) -> None:  # type: ignore[no-untyped-def]
    relais("admin", "add", "console", "ada")
    relais("say", "--as", "bea", "/relais moi")
    relais("say", "--as", "ada", '/relais cohorte creer "Pilotes"')
    relais("say", "--as", "ada", '/relais cohorte ajouter "Pilotes" @bea')
    relais("say", "--as", "ada", '/relais checkin planifier "Pilotes" "tous les lundis à 9h"')
    sent = relais("tick", "--now", "2026-12-14T09:00:00+01:00")
    match = re.search(r"\[(t\d+)\] MP → bea · relais\n\s+Check-in « Pilotes »", sent)
    assert match, sent
    answered = relais("say", "--as", "bea", "--dm", "--thread", match.group(1), "1 : mon équipe")
    assert "réponse notée pour « Ce qui vous aide en ce moment »" in answered
    assert "projets" not in answered.lower()
