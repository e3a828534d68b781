"""`relais ask` and `relais projets import|export`: the past-projects knowledge base for scripts.

relais ask "qui a fait du lean à l'hôpital ?"          # what the bot would answer
relais ask --json --limit 5 "télémédecine"            # one JSON object
relais ask --json --batch questions.txt               # one JSON object per line, in order
relais projets import projets.csv                     # YAML, JSON or CSV, upsert by slug
relais projets export --format csv --output projets.csv
relais projets alumni-export --espace slack:T0123 --output alumni.csv
relais projets alumni-import alumni.csv --espace slack:T0123
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from sqlalchemy.orm import Session

from bot import cli_base as base
from bot.adapters.console_render import message_lines
from bot.app import build
from bot.runtime import Outgoing
from handlers.i18n import Translator
from handlers.projects import importer, staff
from handlers.projects.answer import Answer, to_json
from handlers.projects.answer import ask as answer_question
from handlers.projects.cards import answer_message
from handlers.types import Message
from store import identity

projects_cli = typer.Typer(help="Base des projets passés : import et export.", no_args_is_help=True)


def ask(
    question: Annotated[str | None, typer.Argument(help="La question, en français.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Une réponse JSON par question.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=50, help="Nombre de projets.")] = 3,
    batch: Annotated[
        Path | None, typer.Option(help="Fichier : une question par ligne.", dir_okay=False)
    ] = None,
) -> None:
    """Répond comme le bot à une question sur les projets passés."""
    app = build(base.settings())
    t = Translator(app.settings.default_locale)
    if batch is not None:
        try:
            questions = batch.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError):
            base.err.print(t("projects.import.unreadable", name=batch.name))
            raise typer.Exit(2) from None
    elif question is not None:
        questions = [question]
    else:
        base.err.print(t("projects.cli.no_question"))
        raise typer.Exit(2)

    def work(session: Session, _now: datetime) -> list[Outgoing]:
        for text in questions:
            answer = answer_question(session, text, limit=limit)
            if as_json:
                typer.echo(json.dumps(to_json(answer), ensure_ascii=False))
            else:
                base.out.print(_render(_shown(t, answer), t))
        return []

    app.runtime.script(work, origin="cli:projects-ask")


def _shown(t: Translator, answer: Answer) -> Message:
    t = Translator("en") if answer.language == "en" else t
    if answer.status == "empty":
        return Message(text=t("projects.answer.empty"))
    if answer.status == "no_terms":
        return Message(text=t("projects.answer.no_terms"))
    return answer_message(t, answer, alumni={})


def _render(message: Message, t: Translator) -> str:
    """The message as terminal markup (buttons left out: a script cannot press them)."""
    return "\n".join(message_lines(message, t)) + "\n"


@projects_cli.command("import")
def import_projects(
    path: Annotated[Path, typer.Argument(help="Fichier YAML, JSON ou CSV.", dir_okay=False)],
    fmt: Annotated[
        str | None, typer.Option("--format", help="yaml, json ou csv (sinon d'après l'extension).")
    ] = None,
) -> None:
    """Importe des projets (mise à jour par slug) ; les lignes invalides sont signalées."""
    app = build(base.settings())
    t = Translator(app.settings.default_locale)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    try:
        with Progress(
            *columns, console=base.err, transient=True, disable=not base.err.is_terminal
        ) as bar:
            task = bar.add_task(t("projects.import.progress"), total=None)

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            reports: list[importer.ImportReport] = []

            def work(session: Session, now: datetime) -> list[Outgoing]:
                reports.append(
                    importer.import_file(session, path, fmt=fmt, now=now, progress=advance)
                )
                return []

            app.runtime.script(work, origin="cli:projects-import")
            report = reports[0]
    except importer.ImportFileError as error:
        base.err.print(t(error.key, **error.params), markup=False)
        raise typer.Exit(2) from None
    for problem in report.errors:
        base.err.print(problem.describe(t), markup=False)
    base.out.print(
        t(
            "projects.import.done",
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            refused=len(report.errors),
        ),
        markup=False,
    )
    if report.errors:
        raise typer.Exit(1)


@projects_cli.command("export")
def export_projects(
    fmt: Annotated[str, typer.Option("--format", help="yaml, json ou csv.")] = "yaml",
    output: Annotated[
        Path | None, typer.Option(help="Fichier de sortie (sinon la sortie standard).")
    ] = None,
) -> None:
    """Exporte tous les projets, relisibles par `relais projets import`."""
    app = build(base.settings())
    t = Translator(app.settings.default_locale)
    chosen = fmt.lower()
    if chosen not in importer.FORMATS:
        base.err.print(t("projects.import.unknown_format", name=fmt), markup=False)
        raise typer.Exit(2)
    exported: list[str] = []

    def work(session: Session, _now: datetime) -> list[Outgoing]:
        exported.append(importer.export(session, chosen))
        return []

    app.runtime.script(work, origin="cli:projects-export")
    text = exported[0]
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        base.err.print(t("projects.export.done", path=str(output)), markup=False)


def _workspace(t: Translator, value: str) -> tuple[str, str]:
    platform, _, external_id = value.partition(":")
    if not platform or not external_id:
        base.err.print(t("projects.registry.bad_workspace", value=value), markup=False)
        raise typer.Exit(2)
    return platform, external_id


@projects_cli.command("alumni-export")
def export_alumni(
    espace: Annotated[str, typer.Option(help="L'espace, plateforme:identifiant (slack:T0123).")],
    output: Annotated[Path, typer.Option(help="Fichier CSV de sortie.", dir_okay=False)],
) -> None:
    """Exporte le registre des alumni d'un espace (CSV ; UTF-8 avec BOM)."""
    app = build(base.settings())
    t = Translator(app.settings.default_locale)
    platform, external_id = _workspace(t, espace)
    found: list[list[tuple[str, ...]]] = []

    def work(session: Session, now: datetime) -> list[Outgoing]:
        workspace = identity.ensure_workspace(
            session, platform=platform, external_id=external_id, now=now
        )
        found.append(staff.rows_of(session, workspace))
        return []

    app.runtime.script(work, origin="cli:alumni-export")
    rows = found[0]
    output.write_bytes(staff.registry_csv(rows))
    base.out.print(t("projects.registry.written", count=len(rows), path=str(output)), markup=False)


@projects_cli.command("alumni-import")
def import_alumni(
    path: Annotated[
        Path, typer.Argument(help="Fichier CSV (colonnes de l'export).", dir_okay=False)
    ],
    espace: Annotated[str, typer.Option(help="L'espace, plateforme:identifiant (slack:T0123).")],
) -> None:
    """Ajoute ou met à jour des alumni (projet, membre, rôle, organisation)."""
    app = build(base.settings())
    t = Translator(app.settings.default_locale)
    platform, external_id = _workspace(t, espace)
    try:
        content = path.read_bytes()
    except OSError:
        base.err.print(t("projects.import.unreadable", name=path.name), markup=False)
        raise typer.Exit(2) from None
    reports: list[staff.RegistryImport] = []

    def work(session: Session, now: datetime) -> list[Outgoing]:
        workspace = identity.ensure_workspace(
            session, platform=platform, external_id=external_id, now=now
        )
        reports.append(staff.import_registry(session, workspace, content, now=now))
        return []

    app.runtime.script(work, origin="cli:alumni-import")
    report = reports[0]
    for line, value in report.skipped:
        base.err.print(t("projects.registry.skipped", line=line, value=value[:80]), markup=False)
    base.out.print(
        t(
            "projects.registry.imported",
            added=report.added,
            updated=report.updated,
            skipped=len(report.skipped),
        ),
        markup=False,
    )
    if report.skipped:
        raise typer.Exit(1)
