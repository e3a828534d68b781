"""`relais idees …`: the idea threads' export for evaluation and open data, and the digest.

    relais idees export --format csv [--pseudonymise] [--sortie idees.csv]
    relais idees digest

The export's columns and format live in `handlers.ideas.export`.
"""

from __future__ import annotations

import sys
from contextlib import closing
from pathlib import Path
from typing import Annotated

import typer

from bot import cli as base
from bot.app import build
from bot.outbox import enqueue
from handlers.i18n import Translator
from handlers.ideas.digest import build_digest
from handlers.ideas.export import to_csv
from store.ideas import campaigns, figures
from store.models import Workspace

ideas_cli = typer.Typer(help="Idées : export et digest hebdomadaire.", no_args_is_help=True)


@ideas_cli.command("export")
def export(
    format: Annotated[str, typer.Option("--format", help="Format de sortie (csv).")] = "csv",
    pseudonymise: Annotated[
        bool, typer.Option("--pseudonymise", help="Auteurs remplacés par des pseudonymes.")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--sortie", help="Fichier à écrire (sinon la sortie standard).")
    ] = None,
) -> None:
    """Exporte les idées publiques pour l'évaluation du programme ou l'open data."""
    loaded = base.settings()
    t = Translator(loaded.default_locale)
    if format.lower() != "csv":
        base.err.print(t("ideas.cli.bad_format", format=format))
        raise typer.Exit(2)
    app = build(loaded)
    with closing(app), app.sessions() as session:
        content, count = to_csv(figures.export_rows(session), pseudonymise=pseudonymise)
    if output is None:
        sys.stdout.write(content.decode("utf-8"))
    else:
        output.write_bytes(content)
        base.out.print(t.plural("ideas.cli.exported", count, path=str(output)))


@ideas_cli.command("digest")
def digest() -> None:
    """Publie le digest de la semaine dans le canal de chaque campagne ouverte."""
    app = base.open_app()
    t = Translator(app.settings.default_locale)
    now = app.runtime.clock.now()
    year, week, _ = now.isocalendar()
    keys: list[str] = []
    with closing(app):
        with app.sessions() as session, session.begin():
            workspace_ids = sorted({c.workspace_id for c in campaigns.open_ones(session)})
            for workspace_id in workspace_ids:
                workspace = session.get_one(Workspace, workspace_id)
                actions = build_digest(
                    session, workspace=workspace, now=now, t=t, command=app.settings.command_name
                )
                keys += enqueue(
                    session,
                    actions,
                    platform=workspace.platform,
                    workspace_id=workspace.external_id,
                    origin=f"cli:ideas-digest:{year}-W{week:02d}:{workspace_id}",
                    now=now,
                )
        app.outbox.deliver(keys=keys)
    base.out.print(t.plural("ideas.cli.digest_done", len(keys)))
