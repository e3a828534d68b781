"""`relais idees …`: the idea threads' export for evaluation and open data, and the digest.

    relais idees export --format csv [--pseudonymise] [--sortie idees.csv]
    relais idees digest

The export's columns and format live in `handlers.ideas.export`.
"""

from __future__ import annotations

import sys
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from bot import cli_base as base
from bot.app import build
from bot.runtime import Outgoing
from handlers.i18n import Translator
from handlers.ideas.digest import weekly_digests
from handlers.ideas.export import export_ideas

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
    exported: list[tuple[bytes, int]] = []

    def work(session: Session, now: datetime) -> list[Outgoing]:
        exported.append(export_ideas(session, pseudonymise=pseudonymise))
        return []

    with closing(app):
        app.runtime.script(work, origin="cli:ideas-export")
    content, count = exported[0]
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

    def work(session: Session, now: datetime) -> list[Outgoing]:
        return list(weekly_digests(session, now=now, t=t, command=app.settings.command_name))

    with closing(app):
        year, week, _ = app.runtime.clock.now().isocalendar()
        keys = app.runtime.script(work, origin=f"cli:ideas-digest:{year}-W{week:02d}")
    base.out.print(t.plural("ideas.cli.digest_done", len(keys)))
