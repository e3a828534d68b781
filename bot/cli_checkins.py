"""`relais cohorte …`: importing members from a CSV file, exporting a cohort's check-ins.

    relais cohorte importer membres.csv --cohorte "Chefs de pôle 2026"
    relais cohorte export "Chefs de pôle 2026" [--sortie bilan.csv]

Both act on one workspace: the console's by default, or `--plateforme`/`--espace`. New members
get their welcome message through the outbox, like any other message.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import cli as base
from bot.app import App
from bot.outbox import enqueue
from handlers.checkins.cohorts import welcome
from handlers.checkins.export import to_csv
from handlers.checkins.figures import cohort_figures
from handlers.checkins.roster import import_members
from handlers.i18n import Translator
from handlers.text import mention
from store import audit
from store import checkins as store
from store.models import Cohort, Workspace

cohort_cli = typer.Typer(
    help="Cohortes : import des membres, export des check-ins.", no_args_is_help=True
)

PlatformOption = Annotated[str, typer.Option("--plateforme", help="console, slack ou mattermost.")]
SpaceOption = Annotated[
    str | None, typer.Option("--espace", help="Espace de travail (équipe) s'il y en a plusieurs.")
]


def _workspace(
    app: App, session: Session, t: Translator, platform: str, space: str | None
) -> Workspace:
    query = select(Workspace).where(Workspace.platform == platform)
    if platform == "console" and space is None:
        space = app.settings.console_workspace
    if space is not None:
        query = query.where(Workspace.external_id == space)
    found = list(session.scalars(query))
    if len(found) != 1:
        base.err.print(t("checkins.cli.workspace", platform=platform, count=len(found)))
        raise typer.Exit(2)
    return found[0]


def _cohort(session: Session, t: Translator, workspace: Workspace, name: str) -> Cohort:
    cohort = store.find_cohort(session, workspace=workspace, name=name)
    if cohort is None:
        base.err.print(t("checkins.cli.unknown_cohort", name=name[:80]))
        raise typer.Exit(2)
    return cohort


@cohort_cli.command("importer")
def import_file(
    fichier: Annotated[
        Path, typer.Argument(help="CSV : un nom d'utilisateur ou un e-mail par ligne.")
    ],
    cohorte: Annotated[str, typer.Option(help="Nom de la cohorte.")],
    plateforme: PlatformOption = "console",
    espace: SpaceOption = None,
) -> None:
    """Ajoute à une cohorte les personnes d'un fichier CSV ; liste celles qui sont inconnues."""
    app = base.open_app()
    t = Translator(app.settings.default_locale)
    try:
        text = fichier.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        base.err.print(t("checkins.cli.unreadable", path=str(fichier), error=type(error).__name__))
        raise typer.Exit(2) from None
    now = app.runtime.clock.now()
    with app.sessions() as session, session.begin():
        workspace = _workspace(app, session, t, plateforme, espace)
        cohort = _cohort(session, t, workspace, cohorte)
        report = import_members(session, workspace=workspace, cohort=cohort, text=text, now=now)
        command = app.settings.command_name
        greetings = [
            welcome(
                Translator(user.locale or app.settings.default_locale),
                cohort,
                user,
                command=command,
            )
            for user in report.added
        ]
        keys = enqueue(
            session,
            greetings,
            platform=workspace.platform,
            workspace_id=workspace.external_id,
            origin=f"cli:cohort-import:{cohort.id}:{now:%Y%m%dT%H%M%S}",
            now=now,
        )
    app.outbox.deliver(keys=keys)
    base.out.print(
        t(
            "checkins.cli.imported",
            name=cohort.name,
            added=len(report.added),
            already=len(report.already),
            unknown=len(report.unknown),
        )
    )
    for value, user in report.by_email:
        base.out.print(t("checkins.cli.by_email", value=value, user=mention(user.external_id)))
    for value in report.unknown:
        base.out.print(t("checkins.cli.unknown_person", value=value))


@cohort_cli.command("export")
def export_file(
    cohorte: Annotated[str, typer.Argument(help="Nom de la cohorte.")],
    sortie: Annotated[
        Path | None, typer.Option(help="Fichier CSV (sinon la sortie standard).")
    ] = None,
    plateforme: PlatformOption = "console",
    espace: SpaceOption = None,
) -> None:
    """Exporte les check-ins d'une cohorte en CSV (agrégats, ou réponses si nominative)."""
    app = base.open_app()
    t = Translator(app.settings.default_locale)
    with app.sessions() as session, session.begin():
        workspace = _workspace(app, session, t, plateforme, espace)
        cohort = _cohort(session, t, workspace, cohorte)
        content = to_csv(t, cohort_figures(session, cohort=cohort), nominative=cohort.nominative)
        audit.record(
            session,
            workspace=workspace,
            actor=None,
            action="cohort.export",
            target=f"cohort:{cohort.id}",
            detail="cli",
            now=app.runtime.clock.now(),
        )
    if sortie is None:
        sys.stdout.write(content.decode("utf-8"))
        return
    sortie.write_bytes(content)
    base.out.print(t("checkins.cli.exported", path=str(sortie)))
