"""What a handler receives: the session, the clock, the caller, their locale, and reply helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from handlers.clock import Clock, zone
from handlers.i18n import Translator
from handlers.roles import satisfies
from handlers.types import (
    Action,
    ButtonPress,
    DirectMessage,
    Ephemeral,
    Event,
    FormSubmission,
    Message,
    Post,
    SlashCommand,
)
from store.models import User, Workspace


class CommandEntry(Protocol):
    """A registered command as `/relais aide` lists it (`handlers.registry.CommandSpec`)."""

    @property
    def path(self) -> tuple[str, ...]: ...
    @property
    def aliases(self) -> tuple[tuple[str, ...], ...]: ...
    @property
    def help_key(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def hidden(self) -> bool: ...
    @property
    def name(self) -> str: ...


class PersonalPart(Protocol):
    """One feature's part of a member's data (`handlers.registry.PersonalData`)."""

    @property
    def name(self) -> str: ...
    @property
    def export(self) -> Callable[[Session, User], dict[str, Any]]: ...
    @property
    def erase(self) -> Callable[[Session, User], None]: ...


class Features(Protocol):
    """What a handler may ask about every registered feature (`handlers.registry.Registries`);
    a protocol, so that this module does not import the registry, which imports it."""

    def commands(self) -> Iterator[CommandEntry]: ...
    def personal_data(self) -> Iterator[PersonalPart]: ...


class NoFeatures:
    """For contexts built without a router (tests, scripts)."""

    def commands(self) -> Iterator[CommandEntry]:
        return iter(())

    def personal_data(self) -> Iterator[PersonalPart]:
        return iter(())


@dataclass(frozen=True)
class Capabilities:
    """What the surface the caller uses can show; `relais say` has no forms, for instance."""

    forms: bool = True
    field_errors: bool = False
    """Whether the surface shows a form submission's errors on its fields (raise `FieldErrors`)."""


@dataclass(frozen=True)
class IdeasSettings:
    """Where the idea box and its moderation post, and when a reported idea is hidden."""

    channel: str = "idees"
    moderation_channel: str = "moderation-idees"
    report_threshold: int = 3


@dataclass(frozen=True)
class CheckinsSettings:
    """How long check-in answers are kept (0: kept for good)."""

    retention_months: int = 0


@dataclass(frozen=True)
class FeatureSettings:
    """The settings features read, typed per feature; the wiring fills them from the
    configuration."""

    community_channel: str | None = None
    bot_user_id: str | None = None
    command_name: str = "relais"
    default_locale: str = "fr"
    ideas: IdeasSettings = field(default_factory=IdeasSettings)
    checkins: CheckinsSettings = field(default_factory=CheckinsSettings)


@dataclass
class MemberContext:
    """Acting for one member: their roles, language and time zone. Home page providers get
    exactly this; handlers get a `Context`, which adds the event they answer."""

    session: Session
    clock: Clock
    workspace: Workspace
    caller: User
    roles: frozenset[str]
    locale: str
    settings: FeatureSettings = field(default_factory=FeatureSettings)

    def __post_init__(self) -> None:
        self.t = Translator(self.locale)

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def zone(self) -> ZoneInfo:
        return zone(self.caller.timezone)

    def has_role(self, role: str) -> bool:
        return satisfies(self.roles, role)

    def translator_for(self, user: User) -> Translator:
        """Messages sent to someone else speak that person's language."""
        return Translator(user.locale or self.locale)


@dataclass
class Context(MemberContext):
    event: Event = field(kw_only=True)
    commands: Features = field(default_factory=NoFeatures, kw_only=True)
    capabilities: Capabilities = field(default_factory=Capabilities, kw_only=True)

    @property
    def platform(self) -> str:
        return self.event.platform

    def reply(self, message: Message | str, *, public: bool = False) -> Action:
        """Answers the caller where they spoke: privately for commands and buttons unless
        `public`, in the thread for mentions, in the conversation for direct messages."""
        if isinstance(message, str):
            message = Message(text=message)
        if message.lang is None:
            message = message.model_copy(update={"lang": self.t.locale})
        event = self.event
        if isinstance(event, DirectMessage):
            return Post(channel_id=event.channel_id, message=message)
        private = isinstance(event, SlashCommand | ButtonPress | FormSubmission)
        if private and not public:
            return Ephemeral(
                channel_id=event.channel_id,
                user_id=event.user_id,
                message=message,
                thread_id=event.thread_id,
            )
        thread = event.thread_id
        if thread is None and not private:
            thread = getattr(event, "message_id", None)
        return Post(channel_id=event.channel_id, message=message, thread_id=thread)

    def say(self, key: str, /, *, public: bool = False, **params: Any) -> list[Action]:
        """Shortcut for the common one-line translated reply."""
        return [self.reply(self.t(key, **params), public=public)]


@dataclass
class JobContext:
    """What a scheduled job receives: no caller, so messages use each recipient's language."""

    session: Session
    clock: Clock
    workspace: Workspace
    default_locale: str
    settings: FeatureSettings = field(default_factory=FeatureSettings)

    def __post_init__(self) -> None:
        self.t = Translator(self.default_locale)

    def now(self) -> datetime:
        return self.clock.now()

    def translator_for(self, user: User) -> Translator:
        return Translator(user.locale or self.default_locale)
