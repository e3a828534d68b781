"""What a handler receives: the session, the clock, the caller, their locale, and reply helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from handlers.clock import Clock, zone
from handlers.i18n import Translator
from handlers.registry import Registries
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


@dataclass(frozen=True)
class Capabilities:
    """What the surface the caller uses can show; `relais say` has no forms, for instance."""

    forms: bool = True
    field_errors: bool = False
    """Whether the surface shows a form submission's errors on its fields (raise `FieldErrors`)."""


@dataclass(frozen=True)
class FeatureSettings:
    """The few settings features read; the runtime fills them from the configuration."""

    community_channel: str | None = None
    bot_user_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


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
    commands: Registries = field(default_factory=lambda: Registries(()), kw_only=True)
    capabilities: Capabilities = field(default_factory=Capabilities, kw_only=True)

    @property
    def platform(self) -> str:
        return self.event.platform

    def reply(self, message: Message | str, *, public: bool = False) -> Action:
        """Answers the caller where they spoke: privately for commands and buttons unless
        `public`, in the thread for mentions, in the conversation for direct messages."""
        if isinstance(message, str):
            message = Message(text=message)
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
