"""Making user-written text safe to show again.

Everything a user wrote goes through `quote_user` before it is put into a `Message`: broadcast
mentions are neutralised so nobody can make the bot ping a whole channel, and length is bounded.
Adapters escape their own syntax (Slack's `&`, `<`, `>`) when rendering.
"""

from __future__ import annotations

import re

_ZWSP = "\u200b"
_BROADCAST = re.compile(r"(?i)@(channel|here|all|everyone)\b")
_SLACK_SPECIAL = re.compile(r"<!(channel|here|everyone|subteam\^[^>|]*)(\|[^>]*)?>", re.IGNORECASE)


def neutralise_mentions(text: str) -> str:
    """Breaks `@channel`-style and `<!here>`-style mentions without changing what is read."""
    text = _SLACK_SPECIAL.sub(lambda m: "@" + _ZWSP + m.group(1).split("^")[0], text)
    return _BROADCAST.sub(lambda m: "@" + _ZWSP + m.group(1), text)


def quote_user(text: str, *, limit: int | None = None) -> str:
    """User text made safe for a message: mentions neutralised, length bounded."""
    text = text.strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return neutralise_mentions(text)


def mention(user_id: str) -> str:
    """The neutral mention token each adapter renders natively."""
    return f"<@{user_id}>"
