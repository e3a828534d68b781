"""Turning the text after a command into typed arguments, or a clear usage error.

Quotes may be straight, curly or French guillemets (`« … »`), as people type them on phones and in
French keyboards. Users are given as `<@ID>` (the adapters' neutral mention) or `@name`.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from handlers.registry import Arg, Args
from handlers.when import WhenError, parse_day, parse_moment
from store import identity
from store.models import User

if TYPE_CHECKING:
    from handlers.context import Context

_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "’": "'"})
_MENTION = re.compile(r"^<@([^>|]+)(?:\|[^>]*)?>$")
ROW_ID = re.compile(r"[0-9]{1,9}")
_CHANNEL = re.compile(r"^<#([^>|]+)(?:\|([^>]*))?>$")
_DATE_WORDS = 6


class UsageError(Exception):
    """A message key (and its parameters) explaining what was wrong with the input.

    `form_field` names the form field at fault, so a platform that can show the message on the
    field itself (a Slack modal, a Mattermost dialog) does so instead of closing the form."""

    def __init__(self, key: str, *, form_field: str | None = None, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.form_field = form_field
        self.params = params


class FieldErrors(Exception):
    """A form submission refused field by field (name → translated message): nothing was done,
    and the platform shows the messages on the still-open form."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


def is_row_id(value: str) -> bool:
    """A row id carried by a button or a form: ASCII digits that fit an integer column, so that
    `²` or a 30-digit number from a forged payload is refused instead of raising."""
    return ROW_ID.fullmatch(value) is not None


def tokenize(text: str) -> list[str]:
    """Splits like a shell, but accepting typographic quotes and apostrophes inside words."""
    normalised = text.translate(_QUOTES).replace("\u00a0", " ")
    lexer = shlex.shlex(normalised, posix=True, punctuation_chars=False)
    lexer.whitespace_split = True
    lexer.quotes = '"'
    lexer.escape = ""
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError as error:
        raise UsageError("core.error.unbalanced_quotes") from error


@dataclass
class _Cursor:
    tokens: list[str]
    position: int = 0


def parse(ctx: Context, specs: tuple[Arg, ...], tokens: list[str]) -> Args:
    """Fills every declared argument; raises UsageError on missing or malformed input."""
    options = {
        f"--{alias}": arg for arg in specs if arg.is_option for alias in (arg.name, *arg.aliases)
    }
    positional = [arg for arg in specs if not arg.is_option]
    values: Args = {}
    loose: list[str] = []
    cursor = _Cursor(tokens)
    while cursor.position < len(tokens):
        token = tokens[cursor.position]
        cursor.position += 1
        if token.startswith("--") and len(token) > 2:
            name, _, inline = token.partition("=")
            arg = options.get(name.lower())
            if arg is None:
                raise UsageError("core.error.unknown_option", option=name)
            if arg.kind == "flag":
                values[arg.name] = True
                continue
            if not inline:
                if cursor.position >= len(tokens):
                    raise UsageError("core.error.option_needs_value", option=name)
                inline = tokens[cursor.position]
                cursor.position += 1
            if arg.kind in ("date", "datetime"):
                inline = _longest_date(ctx, arg, inline, cursor)
            values[arg.name] = convert(ctx, arg, inline)
        else:
            loose.append(token)
    _fill_positional(ctx, positional, loose, values)
    for arg in specs:
        if arg.name not in values:
            if arg.required and arg.kind != "flag":
                raise UsageError("core.error.missing_argument", name=arg.name)
            values[arg.name] = False if arg.kind == "flag" else arg.default
    return values


def _longest_date(ctx: Context, arg: Arg, first: str, cursor: _Cursor) -> str:
    """`--le lundi 9h` or `--le 7 décembre à 14h30`: a date option takes the longest run of
    following words (up to the next option) that still reads as one date."""
    following: list[str] = []
    for token in cursor.tokens[cursor.position :]:
        if token.startswith("--") or len(following) >= _DATE_WORDS:
            break
        following.append(token)
    for extra in range(len(following), 0, -1):
        candidate = " ".join([first, *following[:extra]])
        try:
            convert(ctx, arg, candidate)
        except UsageError:
            continue
        cursor.position += extra
        return candidate
    return first


def _fill_positional(ctx: Context, positional: list[Arg], loose: list[str], values: Args) -> None:
    index = 0
    for arg in positional:
        if index >= len(loose):
            break
        if arg.kind == "rest":
            values[arg.name] = " ".join(loose[index:])
            index = len(loose)
        elif arg.kind == "users":
            users = [convert(ctx, arg, token) for token in loose[index:]]
            values[arg.name] = users
            index = len(loose)
        else:
            values[arg.name] = convert(ctx, arg, loose[index])
            index += 1
    if index < len(loose):
        raise UsageError("core.error.too_many_arguments", extra=" ".join(loose[index:]))


def convert(ctx: Context, arg: Arg, raw: str) -> Any:
    """One raw string to the argument's type."""
    value = raw.strip()
    if arg.kind in ("word", "text", "rest"):
        if not value:
            raise UsageError("core.error.missing_argument", name=arg.name)
        return value
    if arg.kind in ("user", "users"):
        return resolve_user(ctx, value)
    if arg.kind == "int":
        if not re.fullmatch(r"#?\d{1,9}", value):
            raise UsageError("core.error.not_a_number", name=arg.name, value=value)
        return int(value.lstrip("#"))
    if arg.kind == "date":
        try:
            return parse_day(value, today=ctx.now().astimezone(ctx.zone).date())
        except WhenError as error:
            raise UsageError("when.error.day", value=value[:60]) from error
    if arg.kind == "datetime":
        try:
            return parse_moment(value, now=ctx.now(), zone=ctx.zone)
        except WhenError as error:
            raise UsageError("when.error.moment", value=value[:60]) from error
    if arg.kind == "channel":
        return _parse_channel(value)
    if arg.kind == "choice":
        lowered = value.lower()
        if lowered not in arg.choices:
            raise UsageError(
                "core.error.bad_choice", name=arg.name, value=value, choices=", ".join(arg.choices)
            )
        return lowered
    raise UsageError("core.error.missing_argument", name=arg.name)


def _parse_channel(value: str) -> str:
    match = _CHANNEL.match(value)
    if match:
        return match.group(1)
    if value.startswith("#") and len(value) > 1:
        return value[1:]
    raise UsageError("core.error.not_a_channel", value=value)


def resolve_user(ctx: Context, value: str, *, placeholder: bool = False) -> User:
    """`<@ID>` (a platform mention) is always someone real: known now even if they never wrote.
    `@name` must be known, unless `placeholder`: then it waits for that name's first message."""
    match = _MENTION.match(value)
    if match:
        return identity.ensure_user(
            ctx.session, workspace=ctx.workspace, external_id=match.group(1), now=ctx.now()
        )
    if not value.startswith("@") or len(value) < 2:
        raise UsageError("core.error.not_a_user", value=value)
    name = value[1:]
    user = identity.find_user_by_name(ctx.session, workspace=ctx.workspace, name=name)
    if user is None and placeholder:
        user = identity.placeholder_user(
            ctx.session, workspace=ctx.workspace, name=name, now=ctx.now()
        )
    if user is None:
        raise UsageError("core.error.unknown_user", value=value)
    return user
