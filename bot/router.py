"""The one dispatch every platform and every test goes through.

It finds the handler for an event (command words, button action id, form id, thread root, free
text), checks the caller's role, parses arguments, and runs the handler inside a savepoint: a
usage error, a refusal or a bug rolls back whatever the handler wrote and answers the caller with
a short message in their language. No exception leaves `dispatch`.
"""

from __future__ import annotations

import difflib
import logging
import re
import time
from typing import Any

from handlers.args import FieldErrors, UsageError, convert, parse, tokenize
from handlers.context import Context, MemberContext
from handlers.home import home_sections
from handlers.registry import Arg, CommandSpec, Registries
from handlers.types import (
    Action,
    ButtonPress,
    ChannelMessage,
    DirectMessage,
    Event,
    FormSubmission,
    Mention,
    OpenForm,
    Section,
    SlashCommand,
    ThreadReply,
)
from store import outbox as deliveries

log = logging.getLogger(__name__)


class Refused(Exception):
    def __init__(self, role: str) -> None:
        super().__init__(role)
        self.role = role


class Router:
    def __init__(
        self, commands: Registries, *, default_text: str | None = None, command_name: str = "relais"
    ) -> None:
        self.commands = commands
        self.default_text = default_text
        self.command_name = command_name
        # Neutral mentions (`<@id>`, what adapters translate platform mentions into) and the
        # bot called by its command name (`@relais`, as typed on the console).
        self._leading_mentions = re.compile(
            rf"^\s*((<@[^>]+>|@{re.escape(command_name)}\b)[\s,:]*)+", re.IGNORECASE
        )

    def dispatch(self, event: Event, ctx: Context) -> list[Action]:
        started = time.perf_counter()
        try:
            with ctx.session.begin_nested():
                return self._route(event, ctx)
        except UsageError as error:
            message = ctx.t(error.key, **error.params)
            if _on_a_shown_field(error, event, ctx):
                raise FieldErrors({str(error.form_field): message}) from None
            return [ctx.reply(message)]
        except Refused as refused:
            role = ctx.t(f"core.role.{refused.role}")
            return [ctx.reply(ctx.t("core.error.role_required", role=role))]
        except Exception:
            log.exception("handler failed", extra={"event_kind": event.kind})
            return [ctx.reply(ctx.t("core.error.internal"))]
        finally:
            log.debug(
                "event handled",
                extra={
                    "event_kind": event.kind,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )

    def home(self, ctx: MemberContext) -> list[Section]:
        """The member's home page from every feature's provider (one failing is left out)."""
        return home_sections(ctx, self.commands)

    def _route(self, event: Event, ctx: Context) -> list[Action]:
        if isinstance(event, SlashCommand):
            return self._command(event.text, ctx)
        if isinstance(event, ButtonPress):
            return self._button(event, ctx)
        if isinstance(event, FormSubmission):
            return self._form(event, ctx)
        if isinstance(event, ThreadReply):
            return self._thread_reply(event, ctx)
        if isinstance(event, Mention | DirectMessage):
            return self._free_text(event.text, ctx)
        if isinstance(event, ChannelMessage):
            return []
        raise AssertionError(f"unhandled event kind {event.kind}")

    # ------------------------------------------------------------ commands

    def _command(self, text: str, ctx: Context) -> list[Action]:
        tokens = tokenize(text)
        if tokens and tokens[0].lower().lstrip("/") == self.command_name:
            tokens = tokens[1:]
        if not tokens:
            tokens = ["aide"]
        found = self.commands.find_command(tokens)
        if found is None:
            return [ctx.reply(self._unknown(tokens[0], ctx))]
        spec, size = found
        if not ctx.has_role(spec.role):
            raise Refused(spec.role)
        try:
            args = parse(ctx, spec.args, tokens[size:])
        except UsageError as error:
            missing = error.key == "core.error.missing_argument"
            if spec.form is not None and missing and ctx.capabilities.forms:
                return [self._open_form(spec, ctx)]
            return [ctx.reply(ctx.t(error.key, **error.params) + "\n" + self.usage(spec, ctx))]
        return spec.func(ctx, args)

    def _open_form(self, spec: CommandSpec, ctx: Context) -> Action:
        assert spec.form is not None
        form = spec.form(ctx, {}).model_copy(update={"form_id": spec.form_id})
        return OpenForm(
            user_id=ctx.event.user_id,
            channel_id=ctx.event.channel_id,
            form=form,
            trigger_id=getattr(ctx.event, "trigger_id", None),
        )

    def usage(self, spec: CommandSpec, ctx: Context) -> str:
        parts = [f"/{self.command_name} {spec.name}"]
        for arg in spec.args:
            parts.append(_arg_usage(arg))
        return ctx.t("core.usage", usage=" ".join(parts), help=ctx.t(spec.help_key))

    def _unknown(self, word: str, ctx: Context) -> str:
        names = sorted(
            {spec.path[0] for spec in self.commands.commands() if ctx.has_role(spec.role)}
        )
        close = difflib.get_close_matches(word.lower(), names, n=1)
        if close:
            return ctx.t("core.error.unknown_command_suggest", word=word[:40], suggestion=close[0])
        return ctx.t("core.error.unknown_command", word=word[:40])

    # ------------------------------------------------------------ buttons and forms

    def _button(self, event: ButtonPress, ctx: Context) -> list[Action]:
        spec = self.commands.button(event.action_id)
        if spec is None:
            return ctx.say("core.error.unknown_action")
        if not ctx.has_role(spec.role):
            raise Refused(spec.role)
        return spec.func(ctx, event)

    def _form(self, event: FormSubmission, ctx: Context) -> list[Action]:
        command = self.commands.command_by_form(event.form_id)
        if command is not None:
            if not ctx.has_role(command.role):
                raise Refused(command.role)
            args = {}
            for arg in command.args:
                raw = event.values.get(arg.name, "")
                if raw.strip():
                    args[arg.name] = _field_value(ctx, arg, raw)
                elif arg.required and arg.kind != "flag":
                    raise UsageError(
                        "core.error.missing_argument", name=arg.name, form_field=arg.name
                    )
                else:
                    args[arg.name] = False if arg.kind == "flag" else arg.default
            return command.func(ctx, args)
        spec = self.commands.form(event.form_id)
        if spec is None:
            return ctx.say("core.error.unknown_action")
        if not ctx.has_role(spec.role):
            raise Refused(spec.role)
        return spec.func(ctx, event)

    # ------------------------------------------------------------ text

    def _thread_reply(self, event: ThreadReply, ctx: Context) -> list[Action]:
        assert event.thread_id is not None
        root = deliveries.by_message(
            ctx.session, platform=event.platform, message_id=event.thread_id
        )
        spec = self.commands.thread(root.key) if root is not None else None
        if spec is not None and root is not None:
            return spec.func(ctx, event, root.key)
        if self._leading_mentions.match(event.text):
            return self._free_text(event.text, ctx)
        return []

    def _free_text(self, text: str, ctx: Context) -> list[Action]:
        stripped = self._leading_mentions.sub("", text).strip()
        if stripped.lower().startswith(f"/{self.command_name}"):
            return self._command(stripped, ctx)
        words = stripped.split()
        if words and self.commands.find_command(words) is not None:
            return self._command(stripped, ctx)
        handler = self.commands.text_handler(self.default_text) if self.default_text else None
        if not stripped or handler is None:
            return ctx.say("core.hint")
        return handler(ctx, stripped)


def _on_a_shown_field(error: UsageError, event: Event, ctx: Context) -> bool:
    """Whether the error can be shown on a field of the submitted form: the platform shows
    field errors, and the field is one the form had (platforms submit every field, empty ones
    too; Slack refuses an error naming a block the modal does not have)."""
    return (
        ctx.capabilities.field_errors
        and isinstance(event, FormSubmission)
        and error.form_field is not None
        and error.form_field in event.values
    )


def _field_value(ctx: Context, arg: Arg, raw: str) -> Any:
    """A form field read as its command argument; a bad value is that field's error."""
    try:
        return convert(ctx, arg, raw)
    except UsageError as error:
        error.form_field = error.form_field or arg.name
        raise


def _arg_usage(arg: Arg) -> str:
    shown = "|".join(arg.choices) if arg.choices else arg.name
    if arg.kind == "flag":
        text = f"--{arg.name}"
    elif arg.is_option:
        text = f"--{arg.name} <{shown}>"
    elif arg.kind in ("user", "users"):
        text = f"@{arg.name}" + ("…" if arg.kind == "users" else "")
    else:
        text = f"<{shown}>" if not arg.choices else f"{shown}"
        if arg.kind == "rest":
            text = f"<{arg.name}…>"
    return text if arg.required and arg.kind != "flag" else f"[{text}]"
