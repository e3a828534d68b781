"""What Mattermost calls on the shared HTTP server: slash command, buttons, dialogs.

- `POST /mattermost/command` (form-encoded) carries the command token, compared in constant
  time; the command runs in a worker and Mattermost gets an answer within 3 s whatever happens:
  the caller's private replies when they are ready (`response_type: "ephemeral"`, which the
  server delivers itself), nothing when the replies were public, "working on it" otherwise.
- `POST /mattermost/actions` carries no signature, but its `trigger_id` is signed by the server
  for the member who pressed (`triggers`): a press whose trigger is not the server's, names
  another member, is old or was already spent changes nothing. Our own signed `context` is
  checked too: the post it names must be the one it was issued for, a private message's button
  works only for its reader, and each context works once per person (its nonce is recorded
  with the event).
- `POST /mattermost/dialogs` carries no trigger: our signed `state` names the member the dialog
  was opened for. The submission is first run without keeping anything, so that field errors
  are answered on the still-open dialog; then it is recorded (inbox) before the answer, and
  handled. A refused call changes nothing.
- Every answer is HTTP 200: Mattermost drops any other answer of a button without showing it
  (`DoActionRequest`, `server/channels/app/integration_action.go`). A refusal is therefore an
  `ephemeral_text` (buttons) or an `error` (dialogs), and a dialog's field errors travel as
  `{"errors": {field: message}}`, shown on the still-open dialog.
"""

from __future__ import annotations

import hmac
import logging
from concurrent.futures import Executor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Protocol

from bot.adapters.mattermost.directory import Directory
from bot.adapters.mattermost.events import (
    PLATFORM,
    action_event_id,
    dialog_event_id,
    press_event,
    slash_event,
    submission_event,
)
from bot.adapters.mattermost.inline import InlineReplies, InlineReply, command_answer
from bot.adapters.mattermost.signing import Expired, SignatureError, Signer, VerifiedAction
from bot.adapters.mattermost.triggers import Trigger, TriggerError, verify
from bot.http import Request, Response, Route
from bot.ports import Runtime
from handlers.args import FieldErrors
from handlers.context import Capabilities
from handlers.i18n import Translator, normalise_locale
from handlers.types import Event

log = logging.getLogger(__name__)
COMMAND_BUDGET_SECONDS = 2.5
INTERACTIVE = Capabilities(forms=True)
DIALOG = Capabilities(forms=True, field_errors=True)
# Once its fields were checked, a submission is handled like any event: a field at fault then
# (the state changed in between) is answered by a message.
SUBMITTED = Capabilities(forms=True)


class RouteTable(Protocol):
    """Where routes are registered: the shared `bot.http.HttpServer`, or a test's table."""

    def route(self, method: str, path: str, handler: Route) -> None: ...


class MattermostRoutes:
    def __init__(
        self,
        *,
        runtime: Runtime,
        directory: Directory,
        signer: Signer,
        slash_token: str,
        workspace_id: str,
        pool: Executor,
        inline: InlineReplies,
    ) -> None:
        self._runtime = runtime
        self._inline = inline
        self._directory = directory
        self._signer = signer
        self._slash_token = slash_token.encode()
        self._workspace_id = workspace_id
        self._pool = pool
        self._default_locale = runtime.default_locale
        self._t = Translator(self._default_locale)

    def register(self, http: RouteTable) -> None:
        http.route("POST", "/mattermost/command", self.command)
        http.route("POST", "/mattermost/actions", self.action)
        http.route("POST", "/mattermost/dialogs", self.dialog)

    # ------------------------------------------------------------ slash command

    def command(self, request: Request) -> Response:
        form = request.form()
        scheme, _, header_token = request.header("authorization").partition(" ")
        given = header_token if scheme.lower() == "token" else form.get("token", "")
        if not hmac.compare_digest(given.encode(), self._slash_token):
            log.warning("mattermost slash command with a wrong token")
            return Response.json({"text": "unauthorized"}, 401)
        reply = InlineReply(
            user_id=form.get("user_id", ""), channel_id=form.get("channel_id", ""), rich=True
        )
        future = self._pool.submit(self._run_command, form, reply)
        try:
            future.result(timeout=COMMAND_BUDGET_SECONDS)
        except FutureTimeout:
            posts = reply.close()
            if posts:
                return Response.json(command_answer(posts))
            return _ephemeral(self._t("mattermost.command.working"))
        except Exception:
            log.exception("mattermost command failed")
            reply.close()
            return _ephemeral(self._t("core.error.internal"))
        posts = reply.close()
        return Response.json(command_answer(posts)) if posts else Response(200)

    def _run_command(self, form: dict[str, str], reply: InlineReply) -> None:
        event = slash_event(
            form,
            workspace_id=self._workspace_id,
            text=self._directory.resolve_mentions(form.get("text", "")),
            author=self._directory.author(form.get("user_id", "")),
            channel_type=self._directory.channel_type(form.get("channel_id", "")),
        )
        with self._inline.collecting(reply):
            self._record_then_handle(event)

    # ------------------------------------------------------------ buttons and menus

    def action(self, request: Request) -> Response:
        body = _json_object(request)
        now = self._runtime.clock.now()
        try:
            verified = self._signer.verify_action(body.get("context"), now=now)
        except Expired:
            return self._refuse(
                "action", "expired", "mattermost.action.expired", user_id=_user(body)
            )
        except SignatureError as error:
            return self._refuse(
                "action", str(error), "mattermost.action.invalid", user_id=_user(body)
            )
        post_id = str(body.get("post_id") or "")
        user_id = str(body.get("user_id") or "")
        try:
            trigger = self._pressed_by(str(body.get("trigger_id") or ""), user_id)
        except TriggerError as error:  # who pressed is unknown: the default language
            return self._refuse("action", str(error), "mattermost.action.unverified")
        if verified.user_id is not None and not hmac.compare_digest(verified.user_id, user_id):
            return self._refuse(
                "action", "shown to someone else", "mattermost.action.not_yours", user_id=user_id
            )
        if not self._names_post(verified, post_id):
            return self._refuse(
                "action", "wrong post", "mattermost.action.invalid", user_id=user_id
            )
        event_id = action_event_id(verified.nonce, user_id)
        if self._seen(event_id):
            return self._refuse("action", "replayed", "mattermost.action.replayed", user_id=user_id)
        if not self._runtime.first_use(
            platform=PLATFORM, workspace_id=self._workspace_id, token=trigger.client_id
        ):
            return self._refuse(
                "action", "trigger spent", "mattermost.action.unverified", user_id=user_id
            )
        event = press_event(
            body,
            workspace_id=self._workspace_id,
            action_id=verified.action_id,
            value=verified.value,
            thread_id=verified.thread_id,
            event_id=event_id,
            author=self._directory.author(user_id),
        )
        channel = str(body.get("channel_id") or "")
        with self._inline.collecting(InlineReply(user_id, channel, rich=False)) as reply:
            self._record_then_handle(event)
        posts = reply.close()
        return Response.json({"ephemeral_text": posts[0]["text"]} if posts else {})

    def _pressed_by(self, trigger_id: str, user_id: str) -> Trigger:
        """The server's trigger for this press, signed for `user_id` and recent; raises
        `TriggerError` otherwise, or when the server's key cannot be had."""
        public_key = self._directory.signing_key()
        if public_key is None:
            raise TriggerError("server signing key unknown")
        try:
            return verify(
                trigger_id, public_key=public_key, user_id=user_id, now=self._runtime.clock.now()
            )
        except ValueError as error:
            log.error("mattermost signing key unusable", extra={"error": str(error)})
            raise TriggerError("server signing key unusable") from error

    def _names_post(self, verified: VerifiedAction, post_id: str) -> bool:
        """The context was signed for this very post: by id, or by the delivery that made it."""
        kind, _, target = verified.binding.partition(":")
        if kind == "u":  # one reader, checked by the caller; the post may be ephemeral
            return True
        if kind == "p":
            return bool(post_id) and hmac.compare_digest(target, post_id)
        if kind != "k" or not post_id:
            return False
        return self._runtime.message_of(target, platform=PLATFORM) == post_id

    # ------------------------------------------------------------ dialogs

    def dialog(self, request: Request) -> Response:
        body = _json_object(request)
        if body.get("cancelled"):
            return Response.json({})
        try:
            verified = self._signer.verify_dialog(
                str(body.get("state") or ""),
                user_id=str(body.get("user_id") or ""),
                now=self._runtime.clock.now(),
            )
        except Expired:
            return self._refuse(
                "dialog", "expired", "mattermost.dialog.expired", field="error", user_id=_user(body)
            )
        except SignatureError as error:
            return self._refuse(
                "dialog",
                str(error),
                "mattermost.dialog.invalid",
                field="error",
                user_id=_user(body),
            )
        if self._seen(dialog_event_id(verified.nonce)):
            return self._refuse(
                "dialog",
                "replayed",
                "mattermost.dialog.replayed",
                field="error",
                user_id=_user(body),
            )
        event = submission_event(
            body,
            workspace_id=self._workspace_id,
            form_id=verified.form_id,
            private_metadata=verified.private_metadata,
            nonce=verified.nonce,
            channel_id=verified.channel_id or str(body.get("channel_id") or ""),
            author=self._directory.author(str(body.get("user_id", ""))),
        )
        try:
            self._runtime.check(event, capabilities=DIALOG)
        except FieldErrors as invalid:  # nothing was kept: the corrected dialog may come back
            return Response.json({"errors": invalid.errors})
        except Exception:  # the store is down: not recorded, the dialog stays open
            log.warning("mattermost dialog not recorded")
            return Response.json({"error": self._t("core.error.internal")})
        return self._record_dialog(event)

    def _record_dialog(self, event: Event) -> Response:
        """Recorded before the answer, then handled (what fails now, the retry loop handles);
        its replies go through the outbox, as a dialog's answer shows nothing."""
        try:
            row_id = self._runtime.accept(event, capabilities=SUBMITTED)
        except Exception:
            log.warning("mattermost dialog not recorded")
            return Response.json({"error": self._t("core.error.internal")})
        if row_id is not None:
            self._runtime.process(row_id, event=event, capabilities=SUBMITTED)
        return Response.json({})

    # ------------------------------------------------------------ helpers

    def _record_then_handle(self, event: Event) -> None:
        """Recorded in the inbox before Mattermost gets its answer (raises while the store is
        down: the member is told it failed); handled at once, or by the retry loop."""
        row_id = self._runtime.accept(event, capabilities=INTERACTIVE)
        if row_id is not None:
            self._runtime.process(row_id, event=event, capabilities=INTERACTIVE)

    def _seen(self, event_id: str) -> bool:
        """Whether the runtime already handled this event (it also refuses it by itself)."""
        return self._runtime.already_handled(
            platform=PLATFORM, workspace_id=self._workspace_id, event_id=event_id
        )

    def _refuse(
        self,
        what: str,
        reason: str,
        message: str,
        *,
        field: str = "ephemeral_text",
        user_id: str = "",
    ) -> Response:
        """HTTP 200 even so: the server shows nothing of any other answer. In the caller's
        Mattermost language when the server knows it."""
        log.warning("mattermost %s refused", what, extra={"reason": reason})
        locale = self._directory.author(user_id).locale if user_id else None
        t = Translator(normalise_locale(locale) or self._default_locale) if locale else self._t
        return Response.json({field: t(message)})


def _ephemeral(text: str) -> Response:
    return Response.json({"response_type": "ephemeral", "text": text})


def _user(body: dict[str, Any]) -> str:
    return str(body.get("user_id") or "")


def _json_object(request: Request) -> dict[str, Any]:
    try:
        body = request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
