"""Making user-written text safe to show again, for features and for every renderer.

Features pass what a user wrote through `quote_user` before putting it into a `Message`. Each
renderer then calls `neutralise_mentions` (and, for Markdown, `disarm_links`) as its *last*
step, after every transformation of its own: a mention built by the renderer (`<@c>` followed
by `hannel`) cannot then add up to a platform-wide ping. This module imports nothing from the
store, so every adapter (Slack, Mattermost, Matrix, console) can use it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

ZWSP = "\u200b"
BROADCAST_WORDS = ("channel", "here", "all", "everyone", "room")
# Mattermost trims trailing punctuation (`@channel_`, `@all.`) before matching, Matrix matches
# `@room` as a word: any broadcast word not followed by a letter or digit is disarmed.
_BROADCAST = re.compile(r"(?i)@(?=(?:" + "|".join(BROADCAST_WORDS) + r")(?![a-z0-9]))")
_SLACK_SPECIAL = re.compile(r"<!(channel|here|everyone|subteam\^[^>|]*)(\|[^>]*)?>", re.IGNORECASE)
_SAFE_URL = re.compile(r"^(?:https?://|mailto:)[^\s<>|\"'`\\]+$", re.IGNORECASE)
# Markdown's three ways to a link: inline `](dest)`, an autolink `<scheme:…>`, a reference
# definition `[label]: dest` at a line start. The inline destination is read by a lookahead, so
# a `](` inside another link's destination (`)](![i]( »`) is examined too.
_INLINE_LINK = re.compile(r"\]\((?=\s*<?([^)\s>]*))")
_AUTOLINK = re.compile(r"<(?=[A-Za-z][A-Za-z0-9+.\-]{1,31}:)([^<>\s]*)")
_REFERENCE = re.compile(r"(?m)^( {0,3}\[(?:[^\]\\\n]|\\.)*\]):")


def neutralise_mentions(text: str) -> str:
    """Breaks `@channel`-style and `<!here>`-style mentions without changing what is read."""
    text = _SLACK_SPECIAL.sub(lambda m: "@" + ZWSP + m.group(1).split("^")[0], text)
    return _BROADCAST.sub("@" + ZWSP, text)


def neutralise_pieces(pieces: Sequence[str]) -> list[str]:
    """`neutralise_mentions` across pieces shown one after the other (styled runs of a
    terminal line): `@c` in one piece and `hannel` in the next still read `@channel`."""
    joined = "".join(pieces)
    cuts = {match.start() for match in _BROADCAST.finditer(joined)}
    out: list[str] = []
    offset = 0
    for piece in pieces:
        out.append("".join(c + ZWSP if offset + i in cuts else c for i, c in enumerate(piece)))
        offset += len(piece)
    return [neutralise_mentions(piece) for piece in out]


def is_safe_url(url: str) -> bool:
    """Only web and mail links are ever rendered as links (no `javascript:`, `data:`, …)."""
    return bool(_SAFE_URL.match(url))


def disarm_links(markdown: str) -> str:
    """Markdown whose links all go to `http(s)`/`mailto`: any other link is left as text by
    escaping the character that would open it."""

    def inline(match: re.Match[str]) -> str:
        return match.group(0) if is_safe_url(match.group(1)) else "]\\("

    def autolink(match: re.Match[str]) -> str:
        return match.group(0) if is_safe_url(match.group(1)) else "\\" + match.group(0)

    text = _INLINE_LINK.sub(inline, markdown)
    text = _AUTOLINK.sub(autolink, text)
    return _REFERENCE.sub(lambda m: m.group(1) + "\\:", text)


def quote_user(text: str, *, limit: int | None = None) -> str:
    """User text made safe for a message: mentions neutralised, length bounded."""
    text = text.strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return neutralise_mentions(text)


def mention(user_id: str) -> str:
    """The neutral mention token each adapter renders natively."""
    return f"<@{user_id}>"
