"""`relais cohorte …`: importing members from a CSV file, exporting a cohort's check-ins.

    relais cohorte importer membres.csv --cohorte "Chefs de pôle 2026"
    relais cohorte export "Chefs de pôle 2026" [--sortie bilan.csv]

Both act on one workspace: the console's by default, or `--plateforme`/`--espace`. New members
get their welcome message through the outbox, like any other message.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import cli_base as base
from bot.app import App
from bot.runtime import Outgoing
from handlers.checkins.export import export_cohort
from handlers.checkins.roster import ImportReport, import_members, welcomes
from handlers.i18n import Translator
from handlers.text import mention
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
    found: list[tuple[Cohort, ImportReport]] = []

    def work(session: Session, now: datetime) -> list[Outgoing]:
        workspace = _workspace(app, session, t, plateforme, espace)
        cohort = _cohort(session, t, workspace, cohorte)
        report = import_members(
            session,
            workspace=workspace,
            cohort=cohort,
            text=text,
            now=now,
            create_unknown=workspace.platform == "console",
        )
        found.append((cohort, report))
        greetings = welcomes(
            report,
            cohort,
            default_locale=app.settings.default_locale,
            command=app.settings.command_name,
        )
        return [(workspace, greetings)]

    app.runtime.script(work, origin="cli:cohort-import")
    cohort, report = found[0]
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
    exported: list[bytes] = []

    def work(session: Session, now: datetime) -> list[Outgoing]:
        workspace = _workspace(app, session, t, plateforme, espace)
        cohort = _cohort(session, t, workspace, cohorte)
        content, _count = export_cohort(
            session, t, workspace=workspace, cohort=cohort, actor=None, now=now, detail="cli"
        )
        exported.append(content)
        return []

    app.runtime.script(work, origin="cli:cohort-export")
    content = exported[0]
    if sortie is None:
        sys.stdout.write(content.decode("utf-8"))
        return
    sortie.write_bytes(content)
    base.out.print(t("checkins.cli.exported", path=str(sortie)))
