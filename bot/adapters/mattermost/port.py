"""Mattermost's side of the ChatPort: actions become REST calls.

The delivery key travels in the post's `props` (`relais_key`), so after a crash `find_delivered`
can tell whether a post went out. Text too long for one post continues in further posts; buttons
and files stay on the first one, which is the message other deliveries refer to.

A private reply takes the first way open to the bot: the answer of the request still waiting
for it (`inline`), an ephemeral post when the bot holds `create_post_ephemeral` (checked once at
start-up; an ordinary bot account does not), otherwise a direct message. Buttons of a private
reply are bound to its one reader. Ephemeral messages cannot carry files: those go by direct
message too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.adapters.mattermost.api import MattermostApi
from bot.adapters.mattermost.dialogs import render_dialog
from bot.adapters.mattermost.directory import Directory
from bot.adapters.mattermost.inline import InlineReplies
from bot.adapters.mattermost.render import (
    MAX_POST_CHARS,
    ActionSigning,
    RenderedPost,
    render_message,
)
from bot.adapters.mattermost.signing import Signer, key_binding, post_binding, user_binding
from bot.ports import Delivered, PermanentError
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
KEY_PROP = "relais_key"
RECENT_POSTS = 100


class MattermostPort:
    platform = "mattermost"

    def __init__(
        self,
        *,
        api: MattermostApi,
        directory: Directory,
        signer: Signer,
        bot_id: str,
        public_url: str,
        now: Callable[[], datetime],
        inline: InlineReplies | None = None,
        ephemeral_allowed: bool = False,
    ) -> None:
        self._api = api
        self._directory = directory
        self._signer = signer
        self._bot_id = bot_id
        self._actions_url = public_url.rstrip("/") + "/mattermost/actions"
        self._dialogs_url = public_url.rstrip("/") + "/mattermost/dialogs"
        self._now = now
        self._inline = inline or InlineReplies()
        self._ephemeral_allowed = ephemeral_allowed

    def deliver(self, action: Action, *, key: str, workspace_id: str) -> Delivered:
        if isinstance(action, Post):
            return self._post(
                self._channel(action.channel_id), action.message, key, action.thread_id
            )
        if isinstance(action, DirectMessageAction):
            direct = self._direct_channel(action.user_id)
            return self._post(direct, action.message, key, None, user_id=action.user_id)
        if isinstance(action, Ephemeral):
            return self._ephemeral(action, key)
        if isinstance(action, UpdatePost):
            return self._update(action)
        return self._open_form(action)

    def find_delivered(self, action: Action, *, key: str, workspace_id: str) -> Delivered | None:
        """Posts carry their key; ephemeral messages, updates and dialogs cannot be checked
        (an update is simply applied again)."""
        if isinstance(action, Post):
            channel = self._channel(action.channel_id)
        elif isinstance(action, DirectMessageAction):
            channel = self._direct_channel(action.user_id)
        else:
            return None
        recent = self._api.channel_posts(channel, per_page=RECENT_POSTS)
        for post in recent.get("posts", {}).values():
            if (post.get("props") or {}).get(KEY_PROP) == key:
                return Delivered(message_id=str(post["id"]), channel_id=channel)
        return None

    # ------------------------------------------------------------ posts

    def _render(self, message: Message, binding: str, thread_id: str | None) -> RenderedPost:
        signing = ActionSigning(
            signer=self._signer,
            url=self._actions_url,
            binding=binding,
            now=self._now(),
            thread_id=thread_id,
        )
        return render_message(message, username=self._directory.username, signing=signing)

    def _post(
        self,
        channel: str,
        message: Message,
        key: str,
        thread_id: str | None,
        *,
        user_id: str | None = None,
    ) -> Delivered:
        """A post; `user_id` names its one reader (a direct message), bound into its buttons."""
        binding = user_binding(user_id) if user_id else key_binding(key)
        rendered = self._render(message, binding, thread_id)
        file_ids = [self._upload(channel, file) for file in message.files]
        first = self._create(
            {
                "channel_id": channel,
                "message": rendered.chunks[0],
                "root_id": thread_id or "",
                "file_ids": file_ids,
                "props": rendered.props(**{KEY_PROP: key}),
            }
        )
        for index, chunk in enumerate(rendered.chunks[1:], start=1):
            self._create(
                {
                    "channel_id": channel,
                    "message": chunk,
                    "root_id": first.get("root_id") or "",
                    "props": {KEY_PROP: f"{key}#{index}"},
                }
            )
        return Delivered(message_id=str(first["id"]), channel_id=channel)

    def _create(self, post: dict[str, Any]) -> dict[str, Any]:
        """Creates a post; a reply aimed at a reply is moved to that thread's root, which is
        the only parent Mattermost accepts."""
        try:
            return self._api.create_post(post)
        except PermanentError:
            root = post.get("root_id")
            if not root:
                raise
            parent_root = self._api.get_post(root).get("root_id")
            if not parent_root:
                raise
            return self._api.create_post({**post, "root_id": parent_root})

    def _ephemeral(self, action: Ephemeral, key: str) -> Delivered:
        rendered = self._render(action.message, user_binding(action.user_id), action.thread_id)
        channel = self._channel(action.channel_id)
        posts = [
            {"text": chunk, "attachments": rendered.attachments if index == 0 else []}
            for index, chunk in enumerate(rendered.chunks)
        ]
        if not action.message.files and self._inline.offer(
            user_id=action.user_id, channel_id=channel, posts=posts
        ):
            return Delivered(message_id=None, channel_id=channel)
        if self._ephemeral_allowed:
            try:
                return self._ephemeral_posts(action, rendered, channel, key)
            except PermanentError as error:
                log.warning("mattermost ephemeral post refused", extra={"error": str(error)})
        direct = self._direct_channel(action.user_id)
        return self._post(direct, action.message, key, None, user_id=action.user_id)

    def _ephemeral_posts(
        self, action: Ephemeral, rendered: RenderedPost, channel: str, key: str
    ) -> Delivered:
        ids = []
        for index, chunk in enumerate(rendered.chunks):
            post: dict[str, Any] = {
                "channel_id": channel,
                "message": chunk,
                "root_id": action.thread_id or "",
            }
            if index == 0:
                post["props"] = rendered.props()
            ids.append(str(self._api.create_ephemeral(action.user_id, post)["id"]))
        if action.message.files:
            self._files_in_direct_message(action, key)
        return Delivered(message_id=ids[0], channel_id=channel)

    def _files_in_direct_message(self, action: Ephemeral, key: str) -> None:
        """Ephemeral posts cannot hold files: they go to the same person, in a direct message."""
        direct = self._direct_channel(action.user_id)
        files = action.message.files
        file_ids = [self._upload(direct, file) for file in files]
        titles = " · ".join(file.title for file in files)
        post = {"channel_id": direct, "message": titles, "file_ids": file_ids}
        self._create({**post, "props": {KEY_PROP: f"{key}#files"}})

    def _update(self, action: UpdatePost) -> Delivered:
        if not action.message_id:
            raise PermanentError("update without a post id")
        rendered = self._render(action.message, post_binding(action.message_id), None)
        text = rendered.chunks[0]
        if len(rendered.chunks) > 1:  # an update replaces one post: the end is cut
            text = text[: MAX_POST_CHARS - 1] + "…"
        props = rendered.props(**({KEY_PROP: action.target_key} if action.target_key else {}))
        self._api.patch_post(action.message_id, {"message": text, "props": props})
        return Delivered(message_id=action.message_id, channel_id=self._channel(action.channel_id))

    def _open_form(self, action: OpenForm) -> Delivered:
        if not action.trigger_id:
            raise PermanentError("a Mattermost dialog needs the trigger id of a click or command")
        state = self._signer.dialog_state(
            form_id=action.form.form_id,
            private_metadata=action.form.private_metadata,
            user_id=action.user_id,
            channel_id=action.channel_id,
            now=self._now(),
        )
        self._api.open_dialog(
            {
                "trigger_id": action.trigger_id,
                "url": self._dialogs_url,
                "dialog": render_dialog(action.form, state=state),
            }
        )
        return Delivered(message_id=None, channel_id=action.channel_id)

    # ------------------------------------------------------------ helpers

    def _channel(self, channel: str) -> str:
        return self._directory.channel_id(channel)

    def _direct_channel(self, user_id: str) -> str:
        return str(self._api.direct_channel(self._bot_id, user_id)["id"])

    def _upload(self, channel: str, file: FileAttachment) -> str:
        return self._api.upload(channel, file.filename, file.content, file.mime_type)
