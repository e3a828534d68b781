"""How features declare what they answer: commands, buttons, forms, free text and thread replies.

Each feature module owns a `Registry` and decorates its handlers; `bot/app.py` gathers the
registries into the one router. Decorators return the function unchanged, so a handler stays a
plain function that unit tests can call.

    registry = Registry()

    @registry.command("langue", aliases=("language",), help="core.help.langue",
                      args=(Arg("code", kind="choice", choices=("fr", "en")),))
    def set_language(ctx: Context, args: Args) -> list[Action]: ...
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from handlers.types import Action, ButtonPress, Form, FormSubmission, Section, ThreadReply

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from handlers.context import Context, JobContext, MemberContext
    from store.models import User

ArgKind = Literal[
    "word", "text", "rest", "user", "users", "int", "date", "datetime", "channel", "choice", "flag"
]
Args = dict[str, Any]
CommandHandler = Callable[["Context", Args], list[Action]]
ButtonHandler = Callable[["Context", ButtonPress], list[Action]]
FormHandler = Callable[["Context", FormSubmission], list[Action]]
TextHandler = Callable[["Context", str], list[Action]]
ThreadHandler = Callable[["Context", ThreadReply, str], list[Action]]
FormBuilder = Callable[["Context", Args], Form]
JobHandler = Callable[["JobContext", dict[str, Any]], list[Action]]
PersonalExport = Callable[["Session", "User"], dict[str, Any]]
PersonalErase = Callable[["Session", "User"], None]
RetentionRule = Callable[["JobContext"], int]
HomeProvider = Callable[["MemberContext"], list[Section]]


@dataclass(frozen=True)
class Arg:
    """One argument. Positional unless `option` (then given as `--name value`, or `--name`
    alone for a flag). `aliases` are extra option spellings (`--until` for `--jusqu-au`)."""

    name: str
    kind: ArgKind = "word"
    required: bool = True
    option: bool = False
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    default: Any = None

    @property
    def is_option(self) -> bool:
        return self.option or self.kind == "flag"


@dataclass(frozen=True)
class CommandSpec:
    path: tuple[str, ...]
    aliases: tuple[tuple[str, ...], ...]
    help_key: str
    args: tuple[Arg, ...]
    role: str
    func: CommandHandler
    form: FormBuilder | None = None
    hidden: bool = False

    @property
    def name(self) -> str:
        return " ".join(self.path)

    @property
    def form_id(self) -> str:
        return "cmd:" + self.name


@dataclass(frozen=True)
class ButtonSpec:
    action_id: str
    role: str
    func: ButtonHandler


@dataclass(frozen=True)
class FormSpec:
    form_id: str
    role: str
    func: FormHandler


@dataclass(frozen=True)
class ThreadSpec:
    key_prefix: str
    func: ThreadHandler


@dataclass(frozen=True)
class HomeSpec:
    order: int
    func: HomeProvider


@dataclass(frozen=True)
class PersonalData:
    """How one feature exports and erases what it stores about a member (RGPD), and where:
    `stores` maps each table to its columns that point to a person, so that a test can check
    that no table of the live database holds a user column no feature answers for."""

    name: str
    export: PersonalExport
    erase: PersonalErase
    stores: Mapping[str, tuple[str, ...]]


@dataclass
class Registry:
    """What one feature answers to."""

    commands: list[CommandSpec] = field(default_factory=list)
    buttons: dict[str, ButtonSpec] = field(default_factory=dict)
    forms: dict[str, FormSpec] = field(default_factory=dict)
    threads: list[ThreadSpec] = field(default_factory=list)
    text_handlers: dict[str, TextHandler] = field(default_factory=dict)
    jobs: dict[str, JobHandler] = field(default_factory=dict)
    homes: list[HomeSpec] = field(default_factory=list)
    personal: list[PersonalData] = field(default_factory=list)
    retention: list[RetentionRule] = field(default_factory=list)

    def command(
        self,
        path: str,
        *,
        help: str,
        args: tuple[Arg, ...] = (),
        aliases: tuple[str, ...] = (),
        role: str = "member",
        form: FormBuilder | None = None,
        hidden: bool = False,
    ) -> Callable[[CommandHandler], CommandHandler]:
        """Declares `/relais <path> [args]`; `form` builds the form shown when a required
        argument is missing on a platform that has forms."""

        def register(func: CommandHandler) -> CommandHandler:
            self.commands.append(
                CommandSpec(
                    path=tuple(path.split()),
                    aliases=tuple(tuple(alias.split()) for alias in aliases),
                    help_key=help,
                    args=args,
                    role=role,
                    func=func,
                    form=form,
                    hidden=hidden,
                )
            )
            return func

        return register

    def button(
        self, action_id: str, *, role: str = "member"
    ) -> Callable[[ButtonHandler], ButtonHandler]:
        """Declares what a press of `action_id` does (the button's value says on what)."""

        def register(func: ButtonHandler) -> ButtonHandler:
            self.buttons[action_id] = ButtonSpec(action_id, role, func)
            return func

        return register

    def form(self, form_id: str, *, role: str = "member") -> Callable[[FormHandler], FormHandler]:
        """Declares what a submission of the form `form_id` does."""

        def register(func: FormHandler) -> FormHandler:
            self.forms[form_id] = FormSpec(form_id, role, func)
            return func

        return register

    def thread(self, key_prefix: str) -> Callable[[ThreadHandler], ThreadHandler]:
        """Declares who hears replies in threads whose root delivery key starts with
        `key_prefix` (e.g. `idea:` for an idea's discussion)."""

        def register(func: ThreadHandler) -> ThreadHandler:
            self.threads.append(ThreadSpec(key_prefix, func))
            return func

        return register

    def text(self, name: str) -> Callable[[TextHandler], TextHandler]:
        """Declares a handler for free text sent to the bot (mention or DM without a
        command); the settings choose which named handler is the default."""

        def register(func: TextHandler) -> TextHandler:
            self.text_handlers[name] = func
            return func

        return register

    def personal_data(
        self,
        name: str,
        *,
        export: PersonalExport,
        erase: PersonalErase,
        stores: Mapping[str, tuple[str, ...]],
    ) -> None:
        """Declares the feature's part of `/relais mes-donnees` and `/relais oubliez-moi`:
        `erase` deletes or anonymises the member's rows while keeping aggregate counts;
        `stores` names every table and user column those two cover (a new table with a user
        column must be added here, or `tests/test_erasure.py` fails)."""
        self.personal.append(PersonalData(name, export, erase, dict(stores)))

    def retention_rule(self, func: RetentionRule) -> RetentionRule:
        """Declares a clean-up the scheduler runs regularly (e.g. check-in answers older than
        the retention the settings give); it returns how many rows it deleted."""
        self.retention.append(func)
        return func

    def job(self, kind: str) -> Callable[[JobHandler], JobHandler]:
        """Declares what a due job of `kind` does (see `store.due.schedule`); it receives the
        job's payload and returns actions, delivered through the outbox exactly once."""

        def register(func: JobHandler) -> JobHandler:
            self.jobs[kind] = func
            return func

        return register

    def home(self, *, order: int = 50) -> Callable[[HomeProvider], HomeProvider]:
        """Declares a provider of App Home sections: what this member has going on in the
        feature (their cohorts, sessions, ideas), lowest `order` first.

            @registry.home(order=30)
            def my_ideas(ctx: MemberContext) -> list[Section]: ...
        """

        def register(func: HomeProvider) -> HomeProvider:
            self.homes.append(HomeSpec(order, func))
            return func

        return register


@dataclass
class Registries:
    """All features' registries seen as one, with lookups the router needs."""

    parts: tuple[Registry, ...]
    _folded: tuple[int, tuple[tuple[CommandSpec, tuple[str, ...]], ...]] = field(
        default=(-1, ()), init=False, repr=False, compare=False
    )

    def commands(self) -> Iterator[CommandSpec]:
        for part in self.parts:
            yield from part.commands

    def find_command(self, words: list[str]) -> tuple[CommandSpec, int] | None:
        """Longest command path (or alias) that prefixes `words`, with its length; accents and
        case do not matter (`idées cherche` is `idees cherche`)."""
        lowered = tuple(_fold(word) for word in words)
        best: tuple[CommandSpec, int] | None = None
        for spec, folded in self._folded_paths():
            size = len(folded)
            if lowered[:size] == folded and (best is None or size > best[1]):
                best = (spec, size)
        return best

    def _folded_paths(self) -> tuple[tuple[CommandSpec, tuple[str, ...]], ...]:
        """Every command's path and aliases, folded once (again only when a command was
        registered since): every command typed is looked up among them."""
        count = sum(len(part.commands) for part in self.parts)
        if self._folded[0] != count:
            paths = tuple(
                (spec, tuple(_fold(word) for word in path))
                for spec in self.commands()
                for path in (spec.path, *spec.aliases)
            )
            self._folded = (count, paths)
        return self._folded[1]

    def command_by_form(self, form_id: str) -> CommandSpec | None:
        return next((spec for spec in self.commands() if spec.form_id == form_id), None)

    def button(self, action_id: str) -> ButtonSpec | None:
        return next((p.buttons[action_id] for p in self.parts if action_id in p.buttons), None)

    def form(self, form_id: str) -> FormSpec | None:
        return next((p.forms[form_id] for p in self.parts if form_id in p.forms), None)

    def thread(self, root_key: str) -> ThreadSpec | None:
        return next(
            (
                spec
                for p in self.parts
                for spec in p.threads
                if root_key.startswith(spec.key_prefix)
            ),
            None,
        )

    def personal_data(self) -> Iterator[PersonalData]:
        for part in self.parts:
            yield from part.personal

    def retention_rules(self) -> Iterator[RetentionRule]:
        for part in self.parts:
            yield from part.retention

    def job(self, kind: str) -> JobHandler | None:
        return next((p.jobs[kind] for p in self.parts if kind in p.jobs), None)

    def home_providers(self) -> list[HomeSpec]:
        return sorted((spec for p in self.parts for spec in p.homes), key=lambda spec: spec.order)

    def text_handler(self, name: str) -> TextHandler | None:
        return next((p.text_handlers[name] for p in self.parts if name in p.text_handlers), None)


@lru_cache(maxsize=4096)
def _fold(word: str) -> str:
    """Cached: every lookup folds every command's path again (~280 words per command typed)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
