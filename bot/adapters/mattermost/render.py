"""Neutral messages as Mattermost posts: Markdown text, message attachments, signed actions.

Mattermost already speaks the Markdown our neutral markup uses, so text mostly passes through:
user mentions `<@ID>` become `@username` (an unknown id never becomes an `@word`), links to
anything but `http(s)`/`mailto` stay text, broadcast mentions are neutralised as the very last
step, and text longer than a post may hold is split. Sections become message attachments;
buttons and choice lists become attachment actions whose `integration.url` is our
`/mattermost/actions` and whose `context` is signed (see `signing`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.adapters.mattermost.signing import Signer
from handlers.text import ZWSP, disarm_links, neutralise_mentions
from handlers.types import Button, Choice, Message, Section

MAX_POST_CHARS = 16_383
_MENTION = re.compile(r"<@([^>|]+)(?:\|[^>]*)?>")
_CHANNEL_REF = re.compile(r"<#[^>|]+\|([^>]+)>")
_STYLES = {"default": "default", "primary": "primary", "danger": "danger"}


@dataclass(frozen=True)
class ActionSigning:
    """What every action of one post is signed with."""

    signer: Signer
    url: str
    binding: str
    now: datetime
    thread_id: str | None = None


@dataclass
class RenderedPost:
    """The text of one or more posts (split when too long) and the attachments of the first."""

    chunks: list[str]
    attachments: list[dict[str, Any]] = field(default_factory=list)

    def props(self, **extra: Any) -> dict[str, Any]:
        props = dict(extra)
        if self.attachments:
            props["attachments"] = self.attachments
        return props


def markdown(text: str, *, username: Callable[[str], str | None]) -> str:
    """Neutral markup to Mattermost Markdown: the same syntax, with mentions by username and
    channel references as `~name`; mentions are neutralised last, after every substitution."""

    def named(match: re.Match[str]) -> str:
        known = username(match.group(1))
        return f"@{known}" if known else f"@{ZWSP}{match.group(1)}"

    text = _CHANNEL_REF.sub(lambda match: f"~{match.group(1)}", text)
    return neutralise_mentions(disarm_links(_MENTION.sub(named, text)))


def split_text(text: str, limit: int = MAX_POST_CHARS) -> list[str]:
    """Cuts on paragraph, then line, then word boundaries so every piece fits one post."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            cut = limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    chunks.append(rest)
    return [chunk for chunk in chunks if chunk] or [""]


def render_message(
    message: Message,
    *,
    username: Callable[[str], str | None],
    signing: ActionSigning,
) -> RenderedPost:
    text = markdown(message.text, username=username)
    ids = itertools.count()
    attachments = [_section(section, username, signing, ids) for section in message.sections]
    actions = _actions(message.buttons, message.choices, signing, ids)
    if actions:
        attachments.append({"fallback": _fallback(message), "text": "", "actions": actions})
    return RenderedPost(chunks=split_text(text), attachments=attachments)


def _section(
    section: Section,
    username: Callable[[str], str | None],
    signing: ActionSigning,
    ids: Iterator[int],
) -> dict[str, Any]:
    attachment: dict[str, Any] = {
        "fallback": neutralise_mentions(section.title or section.body[:200] or " "),
        "text": markdown(section.body, username=username),
    }
    if section.title:
        attachment["title"] = neutralise_mentions(section.title)
    if section.fields:
        attachment["fields"] = [
            {
                "title": neutralise_mentions(name),
                "value": markdown(value, username=username),
                "short": len(value) <= 40,
            }
            for name, value in section.fields
        ]
    actions = _actions(section.buttons, (), signing, ids)
    if actions:
        attachment["actions"] = actions
    return attachment


def _actions(
    buttons: tuple[Button, ...],
    choices: tuple[Choice, ...],
    signing: ActionSigning,
    ids: Iterator[int],
) -> list[dict[str, Any]]:
    """Mattermost action ids must be letters and digits only: ours travel in the context."""
    rendered: list[dict[str, Any]] = []
    for button in buttons:
        context = signing.signer.action_context(
            action_id=button.action_id,
            value=button.value,
            binding=signing.binding,
            thread_id=signing.thread_id,
            now=signing.now,
        )
        rendered.append(
            {
                "id": f"relais{next(ids)}",
                "type": "button",
                "name": neutralise_mentions(button.label),
                "style": _STYLES[button.style],
                "integration": {"url": signing.url, "context": context},
            }
        )
    for choice in choices:
        context = signing.signer.action_context(
            action_id=choice.action_id,
            options=tuple(option.value for option in choice.options),
            binding=signing.binding,
            thread_id=signing.thread_id,
            now=signing.now,
        )
        rendered.append(
            {
                "id": f"relais{next(ids)}",
                "type": "select",
                "name": neutralise_mentions(choice.placeholder),
                "options": [
                    {"text": neutralise_mentions(o.label), "value": o.value} for o in choice.options
                ],
                "integration": {"url": signing.url, "context": context},
            }
        )
    return rendered


def _fallback(message: Message) -> str:
    labels = [button.label for button in message.buttons]
    labels += [choice.placeholder for choice in message.choices]
    return neutralise_mentions(" · ".join(labels) or " ")
