"""Neutral markup to Slack mrkdwn, with Slack's escaping and broadcast mentions disarmed.

A channel written `#C0123ABCD` (an id, as features write it) becomes a Slack channel link.
Slack reads `&`, `<` and `>` as control characters: everything that is not a token we build on
purpose (user and channel mentions, links) is escaped, so text a user wrote can never become a
`<!here>` or a fake link. `@channel`-style words are broken with a zero-width space as well.
"""

from __future__ import annotations

import re

from handlers.text import is_safe_url, neutralise_mentions

_INLINE = re.compile(
    r"\*\*(?P<bold>.+?)\*\*"
    r"|(?<![\w\\])_(?P<italic>[^_\n]+?)_(?!\w)"
    r"|`(?P<code>[^`\n]+)`"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<url>[^)\s]+)\)"
    r"|<@(?P<user>[UW][A-Z0-9]+)(?:\|[^>]*)?>"
    r"|<#(?P<channel>[CG][A-Z0-9]+)(?:\|(?P<channel_name>[^>]*))?>"
    r"|(?<![\w<&])#(?P<channel_id>[CG][A-Z0-9]{6,})\b"
)
_BULLET = re.compile(r"^(\s*)[-*] ")
_QUOTE = re.compile(r"^> ?")


def escape(text: str) -> str:
    """Slack's three control characters, and nothing else (Slack decodes only these)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_mrkdwn(text: str) -> str:
    """The whole text, line by line: quotes and bullets at line starts, inline marks within;
    broadcast mentions neutralised last."""
    return neutralise_mentions("\n".join(_line(line) for line in text.split("\n")))


def _line(line: str) -> str:
    prefix = ""
    quote = _QUOTE.match(line)
    if quote:
        prefix, line = ">", line[quote.end() :]
        prefix += " " if line else ""
    bullet = _BULLET.match(line)
    if bullet:
        prefix += bullet.group(1) + "• "
        line = line[bullet.end() :]
    return prefix + _inline(line)


def _inline(text: str) -> str:
    out: list[str] = []
    position = 0
    for match in _INLINE.finditer(text):
        out.append(escape(text[position : match.start()]))
        position = match.end()
        out.append(_token(match))
    out.append(escape(text[position:]))
    return "".join(out)


def _token(match: re.Match[str]) -> str:
    if match["bold"] is not None:
        inner = match["bold"].strip()
        return f"*{_inline(inner)}*" if inner else escape(match.group(0))
    if match["italic"] is not None:
        return f"_{_inline(match['italic'])}_"
    if match["code"] is not None:
        return f"`{escape(match['code'])}`"
    if match["label"] is not None:
        label = escape(match["label"].replace("|", "/"))
        if not is_safe_url(match["url"]):
            return f"{label} ({escape(match['url'])})"
        return f"<{match['url']}|{label}>"
    if match["user"] is not None:
        return f"<@{match['user']}>"
    return f"<#{match['channel'] or match['channel_id']}>"
