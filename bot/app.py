"""Wiring: the one place that gathers every feature's registry and builds the runtime."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.adapters.console import ConsoleClient
from bot.adapters.console_port import ConsolePort, Shown
from bot.config import ConfigError, Settings
from bot.cursors import StoreCursors
from bot.outbox import Outbox, OutboxPolicy
from bot.people import Identity
from bot.ports import ChatPort
from bot.router import Router
from bot.runtime import Runtime
from bot.scheduler import Ticker
from bot.transcript import StoreTranscript
from handlers import broadcasts, checkins, codev, help, home, ideas, privacy, profile, projects
from handlers.clock import Clock, SystemClock
from handlers.context import CheckinsSettings, FeatureSettings, IdeasSettings
from handlers.projects.sample import load_if_empty as load_sample_projects
from handlers.registry import Registries
from store import migrate
from store.db import make_engine, make_session_factory
from store.search import place as search_place

log = logging.getLogger(__name__)

FEATURES = (
    help.registry,
    profile.registry,
    privacy.registry,
    ideas.registry,
    home.registry,
    codev.registry,
    checkins.registry,
    broadcasts.registry,
    projects.registry,
)


@dataclass
class App:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    runtime: Runtime
    outbox: Outbox
    ticker: Ticker
    console_port: ConsolePort

    def console(self, *, forms: bool = False) -> ConsoleClient:
        return ConsoleClient(
            runtime=self.runtime,
            port=self.console_port,
            workspace=self.settings.console_workspace,
            command_name=self.settings.command_name,
            forms=forms,
        )

    def plug(self, port: ChatPort) -> None:
        self.outbox.ports[port.platform] = port

    @property
    def cursors(self) -> StoreCursors:
        """Where stream adapters resume (`bot.ports.Cursors`)."""
        return StoreCursors(sessions=self.sessions, clock=self.runtime.clock)

    def close(self) -> None:
        self.runtime.close()
        self.engine.dispose()


def _ignore(_shown: Shown) -> None:
    return None


def build(
    settings: Settings,
    *,
    clock: Clock | None = None,
    engine: Engine | None = None,
    sessions: sessionmaker[Session] | None = None,
    ports: dict[str, ChatPort] | None = None,
    policy: OutboxPolicy | None = None,
    upgrade: bool = True,
) -> App:
    """Builds everything from settings; tests pass their own clock, engine, sessions, ports."""
    clock = clock or SystemClock()
    engine = engine or make_engine(settings.database_url)
    if upgrade:
        migrate.upgrade(engine)
    search_place.configure(settings.search_index_dir)
    sessions = sessions or make_session_factory(engine)
    if settings.sample_data:
        load_sample_projects(sessions, now=clock.now())
    console_port = ConsolePort(
        transcript=StoreTranscript(sessions=sessions, clock=clock), show=_ignore
    )
    all_ports: dict[str, ChatPort] = {"console": console_port, **(ports or {})}
    outbox = Outbox(session_factory=sessions, ports=all_ports, clock=clock, policy=policy)
    registries = Registries(FEATURES)
    if settings.default_handler and registries.text_handler(settings.default_handler) is None:
        raise ConfigError(
            f"Configuration invalide : RELAIS_DEFAULT_HANDLER — attendu : un gestionnaire connu "
            f"(ex. projects.ask), reçu « {settings.default_handler} »."
        )
    router = Router(
        registries,
        default_text=settings.default_handler or None,
        command_name=settings.command_name,
    )
    features = FeatureSettings(
        community_channel=settings.community_channel,
        command_name=settings.command_name,
        default_locale=settings.default_locale,
        ideas=IdeasSettings(
            channel=settings.ideas_channel or IdeasSettings.channel,
            moderation_channel=settings.ideas_moderation_channel
            or IdeasSettings.moderation_channel,
            report_threshold=settings.ideas_report_threshold,
        ),
        checkins=CheckinsSettings(retention_months=settings.checkin_retention_months),
    )
    runtime = Runtime(
        sessions=sessions,
        router=router,
        outbox=outbox,
        clock=clock,
        identity_settings=Identity(
            default_locale=settings.default_locale, admins=frozenset(settings.admins)
        ),
        features=features,
    )
    ticker = Ticker(
        sessions=sessions,
        registries=registries,
        outbox=outbox,
        clock=clock,
        default_locale=settings.default_locale,
        features=features,
    )
    return App(settings, engine, sessions, runtime, outbox, ticker, console_port)
