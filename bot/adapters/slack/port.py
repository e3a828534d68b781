"""The Slack side of the ChatPort: one action becomes Web API calls through `WebClient`.

Posts carry their delivery key in message metadata, so `find_delivered` can look for it in
the conversation after a crash. Slack errors are sorted for the outbox: rate limits, 5xx and
network failures are worth retrying (`TransientError`), anything else is not (`PermanentError`).
What follows a successful post (continuation chunks, files) never fails the delivery: retrying
would post the message a second time.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackObjectFormationError
from slack_sdk.webhook import WebhookClient

from bot.adapters.slack.channels import ChannelDirectory, is_user_id
from bot.adapters.slack.client import retry_after
from bot.adapters.slack.metadata import FormOrigin, delivery_key, delivery_metadata
from bot.adapters.slack.render import JsonBlock, Rendered, render_message
from bot.adapters.slack.response_urls import ResponseUrls
from bot.adapters.slack.views import ViewTooLarge, form_view
from bot.ports import Delivered, PermanentError, TransientError
from handlers.i18n import Translator
from handlers.types import (
    Action,
    DirectMessageAction,
    Ephemeral,
    FileAttachment,
    Message,
    OpenForm,
    Post,
    UpdatePost,
)

log = logging.getLogger(__name__)
TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "service_unavailable", "fatal_error", "internal_error", "request_timeout"}
)
UNREACHABLE_CONVERSATION = frozenset({"channel_not_found", "not_in_channel", "user_not_in_channel"})
EXPIRED_TRIGGER = frozenset({"expired_trigger_id", "invalid_trigger_id", "exchanged_trigger_id"})
HISTORY_LIMIT = 200


class SlackPort:
    platform = "slack"

    def __init__(
        self,
        *,
        client: WebClient,
        channels: ChannelDirectory,
        response_urls: ResponseUrls,
        translator: Translator,
    ) -> None:
        self._client = client
        self._channels = channels
        self._urls = response_urls
        self._t = translator

    def deliver(self, action: Action, *, key: str, workspace_id: str) -> Delivered:
        try:
            return self._deliver(action, key)
        except SlackApiError as error:
            raise classify(error) from error
        except (SlackObjectFormationError, ViewTooLarge, ValueError) as error:
            raise PermanentError(f"unrenderable {action.kind}: {error}") from error
        except OSError as error:
            raise TransientError(f"slack unreachable: {type(error).__name__}") from error

    def find_delivered(self, action: Action, *, key: str, workspace_id: str) -> Delivered | None:
        """Only posts and direct messages can be found again; ephemeral messages, updates and
        forms leave nothing to look up (updates and forms are harmless to repeat)."""
        try:
            if isinstance(action, Post):
                channel = self._channels.resolve(action.channel_id)
                return self._find(channel, key, thread=action.thread_id)
            if isinstance(action, DirectMessageAction):
                return self._find(self._channels.dm(action.user_id), key, thread=None)
        except SlackApiError as error:
            raise classify(error) from error
        except OSError as error:
            raise TransientError(f"slack unreachable: {type(error).__name__}") from error
        return None

    # ------------------------------------------------------------ per action

    def _deliver(self, action: Action, key: str) -> Delivered:
        if isinstance(action, Post):
            channel = self._channels.resolve(action.channel_id)
            return self._post(channel, action.message, key, thread=action.thread_id)
        if isinstance(action, DirectMessageAction):
            return self._post(self._channels.dm(action.user_id), action.message, key, thread=None)
        if isinstance(action, Ephemeral):
            return self._ephemeral(action, key)
        if isinstance(action, UpdatePost):
            return self._update(action)
        return self._open_form(action, key)

    def _post(self, channel: str, message: Message, key: str, *, thread: str | None) -> Delivered:
        rendered = render_message(message, more_note=self._t("slack.more.thread"))
        response = self._client.chat_postMessage(
            channel=channel,
            text=rendered.text,
            blocks=rendered.blocks,
            thread_ts=thread,
            metadata=delivery_metadata(key),
            unfurl_links=False,
            unfurl_media=False,
        )
        ts, channel_id = str(response["ts"]), str(response["channel"])
        self._follow_up(
            channel_id, rendered, message.files, thread=thread or ts, files_thread=thread
        )
        return Delivered(message_id=ts, channel_id=channel_id)

    def _ephemeral(self, action: Ephemeral, key: str) -> Delivered:
        if is_user_id(action.channel_id):
            # A press in the App Home has no conversation: the answer goes to the DM, to stay.
            return self._post(self._channels.dm(action.user_id), action.message, key, thread=None)
        channel = self._channels.resolve(action.channel_id)
        rendered = render_message(action.message, more_note=self._t("slack.more.below"))
        try:
            for blocks in rendered.chunks:
                self._client.chat_postEphemeral(
                    channel=channel,
                    user=action.user_id,
                    text=rendered.text,
                    blocks=list(blocks),
                    thread_ts=action.thread_id,
                )
        except SlackApiError as error:
            if error.response.get("error") not in UNREACHABLE_CONVERSATION:
                raise
            return self._answer_elsewhere(action, key, rendered)
        if action.message.files:
            self._upload(self._channels.dm(action.user_id), action.message.files, thread=None)
        return Delivered(message_id=None, channel_id=channel)

    def _answer_elsewhere(self, action: Ephemeral, key: str, rendered: Rendered) -> Delivered:
        """Where the bot may not post: the command's own response URL, else a DM."""
        url = self._urls.for_user(action.channel_id, action.user_id)
        if url is not None and self._respond(url, rendered, replace=False):
            return Delivered(message_id=None, channel_id=action.channel_id)
        return self._post(self._channels.dm(action.user_id), action.message, key, thread=None)

    def _update(self, action: UpdatePost) -> Delivered:
        if not action.message_id:
            raise PermanentError("update without a message id")
        rendered = render_message(action.message, more_note=self._t("slack.more.truncated"))
        url = self._urls.for_message(action.message_id)
        if url is not None and self._respond(url, rendered, replace=True):
            return Delivered(message_id=action.message_id, channel_id=action.channel_id)
        channel = self._channels.resolve(action.channel_id)
        response = self._client.chat_update(
            channel=channel, ts=action.message_id, text=rendered.text, blocks=rendered.blocks
        )
        return Delivered(message_id=str(response["ts"]), channel_id=str(response["channel"]))

    def _open_form(self, action: OpenForm, key: str) -> Delivered:
        view = form_view(
            action.form,
            origin=FormOrigin(action.channel_id, None, action.form.private_metadata),
            close_label=self._t("slack.form.close"),
        )
        if action.trigger_id:
            try:
                opened = self._client.views_open(trigger_id=action.trigger_id, view=view)
                return Delivered(message_id=str(opened["view"]["id"]), channel_id=None)
            except SlackApiError as error:
                if error.response.get("error") not in EXPIRED_TRIGGER:
                    raise
        log.warning("form could not open in time", extra={"form_id": action.form.form_id})
        notice = Ephemeral(
            channel_id=action.channel_id,
            user_id=action.user_id,
            message=Message(text=self._t("slack.form.expired")),
        )
        return self._ephemeral(notice, key)

    # ------------------------------------------------------------ helpers

    def _follow_up(
        self,
        channel: str,
        rendered: Rendered,
        files: tuple[FileAttachment, ...],
        *,
        thread: str,
        files_thread: str | None,
    ) -> None:
        try:
            for blocks in rendered.chunks[1:]:
                self._client.chat_postMessage(
                    channel=channel, text=rendered.text, blocks=list(blocks), thread_ts=thread
                )
            if files:
                self._upload(channel, files, thread=files_thread)
        except (SlackApiError, OSError) as error:
            log.warning(
                "slack follow-up failed", extra={"channel": channel, "error": type(error).__name__}
            )

    def _upload(
        self, channel: str, files: tuple[FileAttachment, ...], *, thread: str | None
    ) -> None:
        uploads: list[dict[str, Any]] = [
            {"content": f.content, "filename": f.filename, "title": f.title} for f in files
        ]
        self._client.files_upload_v2(channel=channel, file_uploads=uploads, thread_ts=thread)

    def _respond(self, url: str, rendered: Rendered, *, replace: bool) -> bool:
        blocks: list[JsonBlock] = [block for chunk in rendered.chunks[:1] for block in chunk]
        try:
            response = WebhookClient(url, timeout=10).send(
                text=rendered.text,
                blocks=blocks,
                response_type="ephemeral",
                replace_original=replace,
            )
        except OSError as error:
            log.warning("response_url unreachable", extra={"error": type(error).__name__})
            return False
        return response.status_code == 200

    def _find(self, channel: str, key: str, *, thread: str | None) -> Delivered | None:
        if thread:
            page = self._client.conversations_replies(
                channel=channel, ts=thread, include_all_metadata=True, limit=HISTORY_LIMIT
            )
        else:
            page = self._client.conversations_history(
                channel=channel, include_all_metadata=True, limit=HISTORY_LIMIT
            )
        for message in page.get("messages") or []:
            if delivery_key(message) == key:
                return Delivered(message_id=str(message["ts"]), channel_id=channel)
        return None


def classify(error: SlackApiError) -> Exception:
    """A Slack answer as the outbox understands it."""
    response = error.response
    code = str(response.get("error") or "unknown")
    status = response.status_code
    if status == 429:
        return TransientError(f"slack {code}", retry_after=retry_after(response.headers))
    if status >= 500 or code in TRANSIENT_ERRORS:
        return TransientError(f"slack {code} (HTTP {status})")
    return PermanentError(f"slack {code}")
