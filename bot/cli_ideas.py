"""`relais idees …`: the idea threads' export for evaluation and open data, and the digest.

    relais idees export --format csv [--pseudonymise] [--sortie idees.csv]
    relais idees digest

The CSV columns are a stable schema (French names, one line per public idea) so that
evaluations can be compared from one export to the next.
"""

from __future__ import annotations

import csv
import re
import sys
from contextlib import closing
from pathlib import Path
from typing import Annotated, TextIO

import typer

from bot import cli_base as base
from bot.app import build
from bot.outbox import enqueue
from handlers.i18n import Translator
from handlers.ideas.digest import build_digest
from store.ideas import campaigns, figures
from store.models import Workspace

ideas_cli = typer.Typer(help="Idées : export et digest hebdomadaire.", no_args_is_help=True)

COLUMNS = (
    "numero",
    "espace",
    "campagne",
    "titre",
    "probleme",
    "proposition",
    "gain",
    "perimetre",
    "auteur",
    "statut",
    "deposee_le",
    "statut_change_le",
    "soutiens",
    "commentaires",
    "reponse_publique",
    "masquee",
)
_MENTION = re.compile(r"<@[^>]+>")


class Pseudonyms:
    """`participant-1`, `participant-2`… in order of first appearance: stable within one
    export, and impossible to turn back into a person without the database."""

    def __init__(self) -> None:
        self._given: dict[int, str] = {}

    def of(self, user_id: int) -> str:
        return self._given.setdefault(user_id, f"participant-{len(self._given) + 1}")


def write_csv(rows: list[figures.ExportRow], stream: TextIO, *, pseudonymise: bool) -> int:
    """Writes the rows; pseudonymised exports leave out hidden ideas and strip mentions."""
    names = Pseudonyms()
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    written = 0
    for row in rows:
        idea = row.idea
        if pseudonymise and idea.hidden:
            continue

        def clean(text: str | None) -> str:
            return _MENTION.sub("@…", text or "") if pseudonymise else (text or "")

        author = names.of(row.author.id) if pseudonymise else row.author.label
        writer.writerow(
            (
                idea.id,
                f"{row.workspace.platform}:{row.workspace.external_id}",
                row.campaign.title,
                clean(idea.title),
                clean(idea.problem),
                clean(idea.proposal),
                clean(idea.gain),
                clean(idea.scope),
                author,
                idea.status,
                idea.published_at.date().isoformat() if idea.published_at else "",
                idea.status_changed_at.date().isoformat() if idea.status_changed_at else "",
                row.supports,
                row.comments,
                clean(idea.public_answer),
                "oui" if idea.hidden else "non",
            )
        )
        written += 1
    return written


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
        rows = list(figures.export_rows(session))
        if output is None:
            count = write_csv(rows, sys.stdout, pseudonymise=pseudonymise)
        else:
            with output.open("w", encoding="utf-8", newline="") as stream:
                count = write_csv(rows, stream, pseudonymise=pseudonymise)
    if output is not None:
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
