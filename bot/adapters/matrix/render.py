"""Neutral messages as Matrix `m.room.message` contents: plain `body` plus HTML.

User mentions `<@@user:server>` become pills; every content carries `m.mentions` listing only
those users, which switches off the servers' body-based mention rules, and `@room`-style words
are broken with a zero-width space as well, so user text never pings a room through the bot.
Buttons and choice lists become numbered lines the person answers by typing the number (see
`bot.adapters.dialogue`). Commands shown as `/relais …` are written `!relais …`, the way
Element and Tchap users address a bot.
"""

from __future__ import annotations

import html
import re
from typing import Any

from bot.adapters.dialogue import Pick, picks
from handlers.i18n import Translator
from handlers.text import neutralise_mentions, neutralise_pieces
from handlers.types import Message

_ZWSP = "\u200b"
_ROOM = re.compile(r"(?i)@(room)\b")
_TAG = re.compile(r"(<[^>]*>)")
_MENTION = re.compile(r"<@(@[^>|:]+:[^>|]+)(?:\|[^>]*)?>")
_INLINE = re.compile(
    r"\*\*(?P<bold>.+?)\*\*"
    r"|(?<![\w\\])_(?P<italic>.+?)_(?!\w)"
    r"|`(?P<code>[^`]+)`"
    r"|\[(?P<label>[^\]]+)\]\((?P<url>https?://[^)\s]+)\)"
    r"|<@(?P<mention>@[^>|:]+:[^>|]+)(?:\|[^>]*)?>"
)


def neutralise(text: str) -> str:
    """Broadcast words (`@room`, `@channel`, …) broken so that no client treats them as one."""
    return _ROOM.sub(lambda m: "@" + _ZWSP + m.group(1), neutralise_mentions(text))


def commands_for_matrix(text: str, command: str) -> str:
    return re.sub(rf"(?<![\w/])/{re.escape(command)}\b", f"!{command}", text)


def plain(text: str) -> str:
    """The `body` fallback: bold markers dropped, mentions as the user id."""
    return _MENTION.sub(lambda m: m.group(1), text.replace("**", ""))


def to_html(text: str) -> str:
    out: list[str] = []
    for line in text.split("\n"):
        quoted = line.startswith("> ")
        body = _inline(line[2:] if quoted else line)
        out.append(f"<blockquote>{body}</blockquote>" if quoted else body)
    return "<br>".join(out)


def _inline(line: str) -> str:
    out: list[str] = []
    position = 0
    for match in _INLINE.finditer(line):
        out.append(html.escape(line[position : match.start()]))
        position = match.end()
        if match["bold"] is not None:
            out.append(f"<strong>{html.escape(match['bold'])}</strong>")
        elif match["italic"] is not None:
            out.append(f"<em>{html.escape(match['italic'])}</em>")
        elif match["code"] is not None:
            out.append(f"<code>{html.escape(match['code'])}</code>")
        elif match["label"] is not None:
            url = html.escape(match["url"], quote=True)
            out.append(f'<a href="{url}">{html.escape(match["label"])}</a>')
        else:
            user = html.escape(match["mention"], quote=True)
            out.append(f'<a href="https://matrix.to/#/{user}">{user}</a>')
    out.append(html.escape(line[position:]))
    return "".join(out)


def text_of(message: Message, picked: list[Pick], *, t: Translator, hint: str) -> str:
    """The whole message as neutral text: text, sections, numbered choices and their hint."""
    parts = [message.text]
    for section in message.sections:
        lines = [f"**{section.title}**"] if section.title else []
        if section.body:
            lines.append(section.body)
        lines.extend(f"{t('common.field', name=name)} {value}" for name, value in section.fields)
        parts.append("\n".join(lines))
    if picked:
        numbered = [f"[{number}] {pick.label}" for number, pick in enumerate(picked, start=1)]
        parts.append("\n".join([*numbered, f"_{hint}_"]))
    return "\n\n".join(part for part in parts if part)


def content(text: str, *, command: str, notice: bool = False) -> dict[str, Any]:
    """One `m.room.message` content from neutral text."""
    text = commands_for_matrix(neutralise(text), command)
    mentioned = sorted(set(_MENTION.findall(text)))
    return {
        "msgtype": "m.notice" if notice else "m.text",
        "body": neutralise(plain(text)),
        "format": "org.matrix.custom.html",
        "formatted_body": _neutralise_markup(to_html(text)),
        "m.mentions": {"user_ids": mentioned} if mentioned else {},
    }


def _neutralise_markup(markup: str) -> str:
    """The last step on the HTML: broadcast words are looked for in what the reader sees, across
    tags, since `@**channel**` only becomes `@<strong>channel</strong>` here."""
    parts = _TAG.split(markup)
    parts[0::2] = neutralise_pieces(parts[0::2])
    return "".join(parts)


def message_content(
    message: Message, *, t: Translator, command: str, in_room: bool
) -> tuple[dict[str, Any], list[Pick]]:
    """A neutral message as content, with the picks its numbers stand for; what this adapter
    adds is in the message's language (`t`: the default one's)."""
    t = Translator(message.lang) if message.lang else t
    picked = picks(message)
    hint = t("matrix.choices.room" if in_room else "matrix.choices.direct", command=command)
    return content(text_of(message, picked, t=t, hint=hint), command=command), picked


def in_thread(body: dict[str, Any], root_event_id: str) -> dict[str, Any]:
    """A thread reply (`m.thread`), with the reply fallback older clients show."""
    return {
        **body,
        "m.relates_to": {
            "rel_type": "m.thread",
            "event_id": root_event_id,
            "is_falling_back": True,
            "m.in_reply_to": {"event_id": root_event_id},
        },
    }


def edit(body: dict[str, Any], original_event_id: str) -> dict[str, Any]:
    """An edit (`m.replace`) of an earlier message; the edit itself mentions nobody."""
    return {
        "msgtype": body["msgtype"],
        "body": "* " + body["body"],
        "format": body["format"],
        "formatted_body": "* " + body["formatted_body"],
        "m.mentions": {},
        "m.new_content": body,
        "m.relates_to": {"rel_type": "m.replace", "event_id": original_event_id},
    }
