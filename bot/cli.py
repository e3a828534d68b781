"""`relais`: run the bot, chat on the console, script it, manage the database and admins."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import OperationalError

from bot.adapters.console import ConsoleInputError, normalise_name
from bot.adapters.console_render import render
from bot.app import App, build
from bot.cli_checkins import cohort_cli
from bot.cli_ideas import ideas_cli
from bot.cli_projects import ask, projects_cli
from bot.config import ConfigError, Settings, load_settings
from bot.console_chat import FILES_DIR, chat_loop
from bot.logs import configure
from handlers.clock import Clock, FakeClock, zone
from handlers.i18n import Translator
from store import audit, identity, migrate
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

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

AsOption = Annotated[str, typer.Option("--as", help="Qui parle (nom d'utilisateur de la console).")]


def settings() -> Settings:
    loaded = load_settings()
    secrets = [
        s.get_secret_value()
        for s in (
            loaded.slack_bot_token,
            loaded.slack_app_token,
            loaded.slack_signing_secret,
            loaded.mattermost_token,
            loaded.mattermost_slash_token,
            loaded.action_secret,
        )
        if s is not None
    ]
    configure(fmt=loaded.log_format, level=loaded.log_level, secrets=secrets)
    return loaded


def open_app(*, clock: Clock | None = None) -> App:
    app = build(settings(), clock=clock)
    t = Translator(app.settings.default_locale)
    app.console_port.show = lambda shown: out.print(render(shown, t, files_dir=FILES_DIR))
    return app


@cli.command()
def run() -> None:
    """Démarre Relais (console locale si aucune plateforme n'est configurée)."""
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
    """Démarre le service (HTTP, planificateur, envois, plateformes) sans console."""
    from bot.serve import serve

    serve(open_app())


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
    with app.sessions() as session:
        for entry, actor in audit.recent_with_actors(session, limit=limit):
            table.add_row(
                entry.at.strftime("%Y-%m-%d %H:%M"),
                actor.label if actor else "—",
                entry.action,
                entry.target or "",
                (entry.detail or "")[:80],
            )
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
    with app.sessions() as session, session.begin():
        now = app.runtime.clock.now()
        ws = identity.ensure_workspace(
            session,
            platform=platform,
            external_id=workspace or _default_workspace(app, platform),
            now=now,
        )
        user = identity.ensure_user(
            session,
            workspace=ws,
            external_id=user_id,
            now=now,
            username=user_id if platform == "console" else None,
        )
        identity.grant_role(session, user=user, role="admin", now=now)
    out.print(t("console.admin.added", user=user_id, platform=platform))


def _default_workspace(app: App, platform: str) -> str:
    if platform == "console":
        return app.settings.console_workspace
    return app.settings.mattermost_team or "default" if platform == "mattermost" else "default"


def _grant_console_admin(app: App, user: str) -> None:
    with app.sessions() as session, session.begin():
        now = app.runtime.clock.now()
        ws = identity.ensure_workspace(
            session, platform="console", external_id=app.settings.console_workspace, now=now
        )
        account = identity.ensure_user(
            session, workspace=ws, external_id=user, username=user, now=now
        )
        identity.grant_role(session, user=account, role="admin", now=now)


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
