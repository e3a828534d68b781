"""Staff manage cohorts; bad input gets a clear answer and changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.app import App
from handlers.checkins.roster import identifiers, import_members
from store import checkins as store
from store import identity, migrate
from store.db import make_engine
from tests.chat import Chat, texts
from tests.checkins_support import STAFF, cohort, people

NAME = "Chefs de pôle 2026"


def members_of(app: App, name: str = NAME) -> list[str]:
    with app.sessions() as session:
        ws = identity.ensure_workspace(
            session, platform="test", external_id="T1", now=datetime.now(UTC)
        )
        found = store.find_cohort(session, workspace=ws, name=name)
        assert found is not None
        return [u.external_id for u in store.members(session, cohort=found)]


def test_create_add_remove_list_archive(app: App, chat: Chat) -> None:
    people(chat, "bea", "carl", "cora")
    created = texts(chat.command(STAFF, f"cohorte creer « {NAME} » --coach @cora --alerte 3"))
    assert f"Cohorte « {NAME} » créée" in created
    assert "coach : <@cora>" in created and "après 3 check-ins manqués" in created
    added = chat.command(STAFF, f'cohorte ajouter "{NAME}" @bea @carl')
    assert "2 personnes ajoutées à « Chefs de pôle 2026 » : <@bea>, <@carl>." in texts(added)
    welcome = [s for s in added if s.to_user == "bea" and "Vous faites désormais partie" in s.text]
    assert len(welcome) == 1 and "confidentielles" in welcome[0].text
    assert "Déjà membres : <@bea>" in texts(chat.command(STAFF, f'cohorte ajouter "{NAME}" @bea'))
    assert "1 personne retirée" in texts(chat.command(STAFF, f'cohorte retirer "{NAME}" @carl'))
    assert members_of(app) == ["bea"]
    listing = texts(chat.command(STAFF, "cohorte liste"))
    assert NAME in listing and "Membres: 1" in listing and "pas de check-in planifié" in listing
    assert "archivée" in texts(chat.command(STAFF, f'cohorte archiver "{NAME}"'))
    assert "Aucune cohorte active" in texts(chat.command(STAFF, "cohorte liste"))


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ('cohorte ajouter "Inconnue" @bea', "Je ne connais pas de cohorte « Inconnue »"),
        (f'cohorte creer "{NAME}"', "existe déjà"),
        ('cohorte creer "X" --alerte 0', "--alerte attend"),
        (f'cohorte ajouter "{NAME}" @personne', "Je ne connais pas @personne"),
        (f'checkin planifier "{NAME}" "quand ça me chante"', "J'ai reconnu : rien"),
        (f'checkin planifier "{NAME}" "tous les lundis"', "Il manque : l'heure"),
        (f'checkin planifier "{NAME}" "0 9 * * 9"', "une expression cron valide"),
        (f'checkin planifier "{NAME}" "tous les lundis à 9h" --fenetre 0', "--fenetre attend"),
        (f'checkin planifier "{NAME}" "tous les lundis à 9h" --rappel 48', "--rappel attend"),
        ('checkin planifier "Inconnue" "tous les lundis à 9h"', "Cohortes actives : « Chefs"),
    ],
)
def test_bad_input_changes_nothing(app: App, chat: Chat, command: str, expected: str) -> None:
    cohort(chat, NAME, ["bea"])
    assert expected in texts(chat.command(STAFF, command))
    assert members_of(app) == ["bea"]
    assert "pas de check-in planifié" in texts(chat.command(STAFF, "cohorte liste"))


def test_members_cannot_manage_cohorts(chat: Chat) -> None:
    assert "réservée au rôle équipe" in texts(chat.command("bea", f'cohorte creer "{NAME}"'))
    assert "réservée au rôle équipe" in texts(
        chat.command("bea", f'checkin planifier "{NAME}" "tous les lundis à 9h"')
    )


def test_replanning_replaces_the_schedule(chat: Chat) -> None:
    cohort(chat, NAME, ["bea"])
    chat.command(STAFF, f'checkin planifier "{NAME}" "tous les lundis à 9h"')
    reply = texts(
        chat.command(STAFF, f'checkin planifier "{NAME}" "un jeudi sur deux à 14h" --modele sgmap')
    )
    assert "remplace la précédente (« tous les lundis à 9h »)" in reply
    assert "jeu. 10 déc. à 14h00" in reply and "jeu. 24 déc. à 14h00" in reply
    assert "les cinq fondamentaux du management" in reply
    assert "plus rien ne sera envoyé" in texts(chat.command(STAFF, f'checkin arreter "{NAME}"'))
    assert "Aucun check-in n'est planifié" in texts(
        chat.command(STAFF, f'checkin arreter "{NAME}"')
    )


def test_csv_identifiers() -> None:
    assert identifiers("username;email\nbea;\n;carl@exemple.fr\n@dan\nbea\n") == [
        "bea",
        "carl@exemple.fr",
        "dan",
    ]
    assert identifiers("\ufeffbea,x\ncarl,y\n") == ["bea", "carl"]
    assert identifiers("") == []


def test_import_matches_known_people_and_lists_the_others(
    sessions: sessionmaker[Session],
) -> None:
    now = datetime(2026, 12, 7, 8, tzinfo=UTC)
    with sessions() as session, session.begin():
        ws = identity.ensure_workspace(session, platform="slack", external_id="T9", now=now)
        identity.ensure_user(
            session, workspace=ws, external_id="U1", username="bea.martin", now=now
        )
        identity.ensure_user(session, workspace=ws, external_id="U2", username="carl", now=now)
        group = store.create_cohort(session, workspace=ws, name=NAME, now=now, created_by=None)
        text = "email\nbea.martin@exemple.fr\ncarl\nzoe@exemple.fr\n"
        report = import_members(session, workspace=ws, cohort=group, text=text, now=now)
        assert [u.external_id for u in report.added] == ["U1", "U2"]
        assert [value for value, _ in report.by_email] == ["bea.martin@exemple.fr"]
        assert report.unknown == ["zoe@exemple.fr"]
        again = import_members(session, workspace=ws, cohort=group, text=text, now=now)
        assert len(again.already) == 2 and again.added == []


@pytest.mark.slow
def test_cli_import_and_export(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'relais.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    now = datetime.now(UTC)
    with sessionmaker(bind=engine)() as session, session.begin():
        ws = identity.ensure_workspace(session, platform="console", external_id="local", now=now)
        store.create_cohort(session, workspace=ws, name=NAME, now=now, created_by=None)
    engine.dispose()
    env = {**os.environ, "RELAIS_DATABASE_URL": url, "RELAIS_SAMPLE_DATA": "false"}

    def relais(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", "from bot.cli import main; main()", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return done.stdout + done.stderr

    (tmp_path / "membres.csv").write_text("identifiant\nbea\ncarl\n", encoding="utf-8")
    imported = relais("cohorte", "importer", "membres.csv", "--cohorte", NAME)
    assert "ajoutés 2, déjà membres 0, inconnus 0" in imported
    assert "MP → bea" in imported and "Vous faites désormais partie" in imported
    exported = relais("cohorte", "export", NAME, "--sortie", "bilan.csv")
    assert "Export écrit dans bilan.csv" in exported
    assert (tmp_path / "bilan.csv").read_text(encoding="utf-8-sig").startswith("check-in;envoyés")
