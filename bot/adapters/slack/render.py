"""Neutral messages as Block Kit, built with `slack_sdk.models.blocks` and kept within Slack's
limits: 3,000 characters per section, 10 fields of 2,000, 25 elements per actions block, 75
characters per button, 50 blocks per message. What does not fit in one message continues in
further chunks that the port posts in the message's thread ("voir la suite")."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)

from bot.adapters.slack.mrkdwn import escape, to_mrkdwn
from handlers.text import neutralise_mentions
from handlers.types import Button, Choice, Message, Section
from handlers.types import Option as NeutralOption

MAX_BLOCKS = 50
SECTION_TEXT = 3000
FIELD_TEXT = 2000
MAX_FIELDS = 10
ACTIONS_PER_BLOCK = 25
LABEL = 75
OPTION_VALUE = 150
MAX_OPTIONS = 100
FALLBACK_TEXT = 3000
DUPLICATE_MARK = "~"

JsonBlock = dict[str, Any]
T = TypeVar("T")


@dataclass(frozen=True)
class Rendered:
    """`text` is the notification fallback; `chunks[0]` is the message, the rest continue it."""

    text: str
    chunks: tuple[tuple[JsonBlock, ...], ...]

    @property
    def blocks(self) -> list[JsonBlock]:
        return list(self.chunks[0]) if self.chunks else []


def render_message(message: Message, *, more_note: str, max_blocks: int = MAX_BLOCKS) -> Rendered:
    """Remembered for the messages sent again and again (the help, the usual errors): building
    the Block Kit objects cost more CPU than the rest of a `/relais aide`. The blocks are shared
    and never changed; messages with files are not kept (they would hold the files)."""
    if message.files:
        return _render(message, more_note, max_blocks)
    return _remembered(message, more_note, max_blocks)


def _render(message: Message, more_note: str, max_blocks: int) -> Rendered:
    blocks = [block.to_dict() for block in message_blocks(message)]
    return Rendered(text=fallback_text(message), chunks=chunk(blocks, max_blocks, more_note))


_remembered = lru_cache(maxsize=256)(_render)


def message_blocks(message: Message) -> list[Block]:
    ids = ActionIds()
    blocks: list[Block] = [_mrkdwn_section(part) for part in split_text(to_mrkdwn(message.text))]
    for section in message.sections:
        if section.title and blocks:
            blocks.append(DividerBlock())
        blocks.extend(section_blocks(section, ids))
    blocks.extend(_button_rows(message.buttons, ids))
    for row in _batched(message.choices, ACTIONS_PER_BLOCK):
        blocks.append(ActionsBlock(elements=[_select(choice, ids) for choice in row]))
    return blocks


def section_blocks(section: Section, ids: ActionIds) -> list[Block]:
    text = to_mrkdwn(section.body)
    if section.title:
        title = neutralise_mentions(f"*{escape(section.title)}*")
        text = f"{title}\n{text}" if text else title
    blocks: list[Block] = [_mrkdwn_section(part) for part in split_text(text)]
    fields = [
        MarkdownTextObject(
            text=clip(neutralise_mentions(f"*{escape(name)}*\n{to_mrkdwn(value)}"), FIELD_TEXT)
        )
        for name, value in section.fields
    ]
    blocks.extend(SectionBlock(fields=row) for row in _batched(fields, MAX_FIELDS))
    blocks.extend(_button_rows(section.buttons, ids))
    return blocks


def fallback_text(message: Message) -> str:
    """What notifications and screen readers show; never empty (Slack refuses empty text)."""
    text = to_mrkdwn(message.text).strip()
    if not text:
        first = next((s.title or s.body for s in message.sections if s.title or s.body), "")
        text = to_mrkdwn(first)
    return clip(text, FALLBACK_TEXT) or "…"


def chunk(blocks: list[JsonBlock], limit: int, note: str) -> tuple[tuple[JsonBlock, ...], ...]:
    """Blocks cut into messages of at most `limit`; every cut message ends with `note`."""
    if len(blocks) <= limit:
        return (tuple(blocks),)
    marker = ContextBlock(elements=[MarkdownTextObject(text=clip(note, SECTION_TEXT))]).to_dict()
    head, rest = blocks[: limit - 1], blocks[limit - 1 :]
    return ((*head, marker), *chunk(rest, limit, note))


def original_action_id(action_id: str) -> str:
    """The feature's action id behind a de-duplicated one (`idea.support~2` → `idea.support`)."""
    base, mark, suffix = action_id.rpartition(DUPLICATE_MARK)
    return base if mark and suffix.isdigit() else action_id


class ActionIds:
    """Slack refuses two elements with the same action id in a message; neutral messages may
    have several (one button per idea); repeats get a numbered suffix that events strip."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def unique(self, action_id: str) -> str:
        count = self._seen.get(action_id, 0) + 1
        self._seen[action_id] = count
        return action_id if count == 1 else f"{action_id}{DUPLICATE_MARK}{count}"


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut on a word and marked with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: _cut_at(text, limit - 1)].rstrip() + "…"


def split_text(text: str, limit: int = SECTION_TEXT) -> list[str]:
    """Pieces of at most `limit` characters, cut between lines, else between words, and never
    inside an `&amp;` entity or a `<…>` token."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        while len(line) > limit:
            cut = _cut_at(line, limit)
            pieces.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
        current = line
    if current.strip():
        pieces.append(current)
    return pieces


def _cut_at(text: str, limit: int) -> int:
    cut = text.rfind(" ", 0, limit + 1)
    if cut < limit // 2:
        cut = limit
    opened = text.rfind("<", 0, cut)
    if opened > text.rfind(">", 0, cut) and opened > 0:
        cut = opened
    entity = text.rfind("&", max(0, cut - 5), cut)
    if entity >= 0 and ";" not in text[entity:cut] and entity > 0:
        cut = entity
    return cut


def _mrkdwn_section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text))


def _button_rows(buttons: Sequence[Button], ids: ActionIds) -> list[Block]:
    return [
        ActionsBlock(elements=[_button(button, ids) for button in row])
        for row in _batched(buttons, ACTIONS_PER_BLOCK)
    ]


def _button(button: Button, ids: ActionIds) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(
            text=clip(neutralise_mentions(button.label), LABEL) or "…", emoji=True
        ),
        action_id=ids.unique(button.action_id),
        value=button.value or None,
        style=None if button.style == "default" else button.style,
    )


def _select(choice: Choice, ids: ActionIds) -> StaticSelectElement:
    return StaticSelectElement(
        action_id=ids.unique(choice.action_id),
        placeholder=PlainTextObject(text=clip(neutralise_mentions(choice.placeholder), 150)),
        options=options(choice.options),
    )


def options(choices: Sequence[NeutralOption]) -> list[Option]:
    """Select options within Slack's limits (100 options, 75-character labels)."""
    return [
        Option(
            value=o.value[:OPTION_VALUE],
            text=PlainTextObject(text=clip(neutralise_mentions(o.label), LABEL)),
        )
        for o in choices[:MAX_OPTIONS]
    ]


def _batched(items: Iterable[T], size: int) -> list[list[T]]:
    batch: list[T] = []
    batches: list[list[T]] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            batches.append(batch)
            batch = []
    if batch:
        batches.append(batch)
    return batches
