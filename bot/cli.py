"""`relais`: run the bot, chat on the console, script it, manage the database and admins."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.adapters.console import ConsoleInputError, normalise_name
from bot.app import App, build
from bot.cli_base import AsOption, err, open_app, out, settings
from bot.cli_checkins import cohort_cli
from bot.cli_ideas import ideas_cli
from bot.cli_projects import ask, projects_cli
from bot.config import ConfigError, load_settings
from bot.console_chat import chat_loop
from bot.runtime import Outgoing
from handlers.admins import make_admin
from handlers.clock import FakeClock, zone
from handlers.i18n import Translator
from store import audit, migrate
from store.db import make_engine

cli = typer.Typer(
    name="relais",
    help="Relais : le bot de la communauté des managers publics.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_cli = typer.Typer(help="Base de données.", no_args_is_help=True)
admin_cli = typer.Typer(help="Administrateurs.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(admin_cli, name="admin")
cli.add_typer(ideas_cli, name="idees")
cli.add_typer(cohort_cli, name="cohorte")
cli.add_typer(projects_cli, name="projets")
cli.command()(ask)


@cli.command()
def run() -> None:
    """Démarre Relais en un seul processus.

    Sans plateforme configurée : la console ; sinon le service HTTP et les tâches de fond."""
    app = open_app()
    platforms = app.settings.platforms
    if platforms == ["console"]:
        user = normalise_name(app.settings.console_user)
        _grant_console_admin(app, user)
        chat_loop(app, user=user, channel="general")
        return
    from bot.serve import serve

    serve(app)


@cli.command("serve")
def serve_command() -> None:
    """Démarre le service HTTP seul (sans tâches de fond).

    Slack, Mattermost, /healthz, /metrics ; les tâches de fond : `relais worker`."""
    from bot.serve import WEB, serve

    serve(_open_service(), roles=frozenset({WEB}))


@cli.command()
def worker() -> None:
    """Démarre les tâches de fond seules (sans service HTTP).

    Planificateur, envois, reprises, websocket Mattermost, Matrix, Slack Socket Mode.

    Le port HTTP ne répond qu'à /healthz et /metrics."""
    from bot.serve import WORKER, serve

    serve(_open_service(), roles=frozenset({WORKER}))


def _open_service() -> App:
    """For `serve` and `worker`, the migrations run in a child process (`relais db upgrade`,
    under the same advisory lock): Alembic (≈ 10 MB) never loads in the process that stays up."""
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"], stdout=subprocess.DEVNULL, check=False
    )
    if done.returncode != 0:
        raise typer.Exit(done.returncode)
    return open_app(upgrade=False)


@cli.command()
def chat(
    as_: AsOption = "",
    channel: Annotated[str, typer.Option(help="Canal de départ.")] = "general",
) -> None:
    """Discussion interactive dans le terminal, à travers le même routeur que Slack."""
    app = open_app()
    chat_loop(app, user=normalise_name(as_ or app.settings.console_user), channel=channel)


@cli.command()
def say(
    text: Annotated[str, typer.Argument(help="Ce que la personne écrit.")],
    as_: AsOption = "",
    channel: Annotated[
        str, typer.Option(help="Canal (#nom) ou @nom pour un message direct.")
    ] = "general",
    thread: Annotated[str | None, typer.Option(help="Répondre dans le fil tN.")] = None,
    dm: Annotated[bool, typer.Option(help="Message direct au bot.")] = False,
) -> None:
    """Envoie une ligne et affiche chaque action qu'elle provoque."""
    app = open_app()
    user = normalise_name(as_ or app.settings.console_user)
    _console_call(
        lambda: app.console(forms=True).say(
            user, text, channel="@" if dm else channel, thread=thread
        )
    )


@cli.command()
def press(
    ref: Annotated[str, typer.Argument(help="Référence du bouton, par ex. b12.")],
    as_: AsOption = "",
) -> None:
    """Appuie sur un bouton affiché plus tôt (même depuis un autre processus)."""
    app = open_app()
    user = normalise_name(as_ or app.settings.console_user)
    _console_call(lambda: app.console(forms=True).press(user, ref))


@cli.command()
def submit(
    ref: Annotated[str, typer.Argument(help="Référence du formulaire, par ex. f7.")],
    values: Annotated[list[str] | None, typer.Argument(help="champ=valeur …")] = None,
    as_: AsOption = "",
) -> None:
    """Remplit un formulaire affiché plus tôt."""
    app = open_app()
    user = normalise_name(as_ or app.settings.console_user)
    fields: dict[str, str] = {}
    for item in values or []:
        name, sep, value = item.partition("=")
        if not sep:
            err.print(
                Translator(app.settings.default_locale)("console.error.field_syntax", item=item)
            )
            raise typer.Exit(2)
        fields[name.strip()] = value
    _console_call(lambda: app.console().submit(user, ref, fields))


@cli.command()
def tick(
    now: Annotated[
        str | None, typer.Option(help="Exécuter ce qui serait dû à cet instant (ISO 8601).")
    ] = None,
) -> None:
    """Exécute une fois tout ce qui est dû (rappels, envois programmés) puis s'arrête."""
    clock = None
    if now is not None:
        try:
            moment = datetime.fromisoformat(now)
        except ValueError:
            err.print(
                Translator(load_settings().default_locale)("console.error.bad_instant", value=now)
            )
            raise typer.Exit(2) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone(None))
        clock = FakeClock(moment)
    app = open_app(clock=clock)
    report = app.ticker.tick()
    out.print(
        Translator(app.settings.default_locale)(
            "console.tick.done", jobs=report.jobs, failed=report.failed, delivered=report.delivered
        )
    )


@cli.command("audit")
def show_audit(
    limit: Annotated[int, typer.Option(help="Nombre d'entrées, les plus récentes d'abord.")] = 50,
) -> None:
    """Affiche le journal des actions des administrateurs, de l'équipe et du comité."""
    app = build(settings())
    t = Translator(app.settings.default_locale)
    table = Table(
        t("console.audit.when"),
        t("console.audit.who"),
        t("console.audit.action"),
        t("console.audit.target"),
        t("console.audit.detail"),
        box=None,
    )

    def work(session: Session, _now: datetime) -> list[Outgoing]:
        for entry, actor in audit.recent_with_actors(session, limit=limit):
            table.add_row(
                entry.at.strftime("%Y-%m-%d %H:%M"),
                actor.label if actor else t("common.not_given"),
                entry.action,
                entry.target or "",
                (entry.detail or "")[:80],
            )
        return []

    app.runtime.script(work, origin="cli:audit")
    out.print(table)


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Applique les migrations (relais run le fait aussi au démarrage)."""
    current = settings()
    migrate.upgrade(make_engine(current.database_url))
    out.print(Translator(current.default_locale)("console.db.upgraded"))


@admin_cli.command("add")
def admin_add(
    platform: Annotated[str, typer.Argument(help="slack, mattermost ou console")],
    user_id: Annotated[str, typer.Argument(help="Identifiant de la personne sur la plateforme.")],
    workspace: Annotated[str | None, typer.Option(help="Espace de travail (équipe).")] = None,
) -> None:
    """Donne le rôle admin à une personne (premier administrateur)."""
    app = build(settings())
    t = Translator(app.settings.default_locale)
    if platform not in ("slack", "mattermost", "console"):
        err.print(t("console.error.platform", platform=platform))
        raise typer.Exit(2)
    if platform == "console":
        user_id = normalise_name(user_id)
    _admin(
        app,
        platform=platform,
        workspace_id=workspace or _default_workspace(app, platform),
        user_id=user_id,
        username=user_id if platform == "console" else None,
    )
    out.print(t("console.admin.added", user=user_id, platform=platform))


def _default_workspace(app: App, platform: str) -> str:
    if platform == "console":
        return app.settings.console_workspace
    return app.settings.mattermost_team or "default" if platform == "mattermost" else "default"


def _grant_console_admin(app: App, user: str) -> None:
    _admin(
        app,
        platform="console",
        workspace_id=app.settings.console_workspace,
        user_id=user,
        username=user,
    )


def _admin(
    app: App, *, platform: str, workspace_id: str, user_id: str, username: str | None
) -> None:
    def work(session: Session, now: datetime) -> list[Outgoing]:
        make_admin(
            session,
            platform=platform,
            workspace_id=workspace_id,
            user_id=user_id,
            username=username,
            now=now,
        )
        return []

    app.runtime.script(work, origin="cli:admin")


def _console_call(call: Callable[[], object]) -> None:
    try:
        call()
    except ConsoleInputError as error:
        err.print(str(error))
        raise typer.Exit(2) from None


def main() -> None:
    """Entry point: configuration and database problems are one line and a non-zero exit."""
    try:
        cli()
    except ConfigError as error:
        err.print(str(error))
        sys.exit(2)
    except OperationalError as error:
        err.print(f"Base de données injoignable : {str(error.orig).splitlines()[0][:200]}")
        sys.exit(1)
