"""What Mattermost calls on the shared HTTP server: slash command, buttons, dialogs.

- `POST /mattermost/command` (form-encoded) carries the command token, compared in constant
  time; the command runs in a worker and Mattermost gets an answer within 3 s whatever happens:
  empty when the reply already went out through REST, a short "working on it" otherwise.
- `POST /mattermost/actions` and `POST /mattermost/dialogs` carry nothing we can authenticate,
  so our own signed `context` / `state` is checked, the post it names must be the one it was
  issued for, and a call seen before (same click, same dialog) is refused. A refused call
  changes nothing.
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
from bot.adapters.mattermost.signing import Expired, SignatureError, Signer, VerifiedAction
from bot.http import Request, Response, Route
from bot.ports import Runtime
from handlers.context import Capabilities
from handlers.i18n import Translator

log = logging.getLogger(__name__)
COMMAND_BUDGET_SECONDS = 2.5
INTERACTIVE = Capabilities(forms=True)


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
    ) -> None:
        self._runtime = runtime
        self._directory = directory
        self._signer = signer
        self._slash_token = slash_token.encode()
        self._workspace_id = workspace_id
        self._pool = pool
        self._t = Translator(runtime.default_locale)

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
        future = self._pool.submit(self._run_command, form)
        try:
            future.result(timeout=COMMAND_BUDGET_SECONDS)
        except FutureTimeout:
            return _ephemeral(self._t("mattermost.command.working"))
        except Exception:
            log.exception("mattermost command failed")
            return _ephemeral(self._t("core.error.internal"))
        return Response(200)

    def _run_command(self, form: dict[str, str]) -> None:
        event = slash_event(
            form,
            workspace_id=self._workspace_id,
            text=self._directory.resolve_mentions(form.get("text", "")),
            author=self._directory.author(form.get("user_id", "")),
            channel_type=self._directory.channel_type(form.get("channel_id", "")),
        )
        self._runtime.handle(event, capabilities=INTERACTIVE)

    # ------------------------------------------------------------ buttons and menus

    def action(self, request: Request) -> Response:
        body = _json_object(request)
        now = self._runtime.clock.now()
        try:
            verified = self._signer.verify_action(body.get("context"), now=now)
        except Expired:
            return Response.json({"ephemeral_text": self._t("mattermost.action.expired")})
        except SignatureError as error:
            return self._refuse("action", str(error), "mattermost.action.invalid")
        post_id = str(body.get("post_id") or "")
        trigger = str(body.get("trigger_id") or "")
        if not trigger or not self._names_post(verified, post_id):
            return self._refuse("action", "wrong post or no trigger", "mattermost.action.invalid")
        if self._seen(action_event_id(trigger)):
            return self._refuse("action", "replayed", "mattermost.action.replayed", status=409)
        event = press_event(
            body,
            workspace_id=self._workspace_id,
            action_id=verified.action_id,
            value=verified.value,
            thread_id=verified.thread_id,
            author=self._directory.author(str(body.get("user_id", ""))),
        )
        self._runtime.handle(event, capabilities=INTERACTIVE)
        return Response.json({})

    def _names_post(self, verified: VerifiedAction, post_id: str) -> bool:
        """The context was signed for this very post: by id, or by the delivery that made it."""
        kind, _, target = verified.binding.partition(":")
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
                channel_id=str(body.get("channel_id") or ""),
                now=self._runtime.clock.now(),
            )
        except Expired:
            return Response.json({"error": self._t("mattermost.dialog.expired")})
        except SignatureError as error:
            return self._refuse("dialog", str(error), "mattermost.dialog.invalid", field="error")
        if self._seen(dialog_event_id(verified.nonce)):
            return self._refuse(
                "dialog", "replayed", "mattermost.dialog.replayed", status=409, field="error"
            )
        event = submission_event(
            body,
            workspace_id=self._workspace_id,
            form_id=verified.form_id,
            private_metadata=verified.private_metadata,
            nonce=verified.nonce,
            author=self._directory.author(str(body.get("user_id", ""))),
        )
        self._runtime.handle(event, capabilities=INTERACTIVE)
        return Response.json({})

    # ------------------------------------------------------------ helpers

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
        status: int = 403,
        field: str = "ephemeral_text",
    ) -> Response:
        log.warning("mattermost %s refused", what, extra={"reason": reason})
        return Response.json({field: self._t(message)}, status)


def _ephemeral(text: str) -> Response:
    return Response.json({"response_type": "ephemeral", "text": text})


def _json_object(request: Request) -> dict[str, Any]:
    try:
        body = request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
