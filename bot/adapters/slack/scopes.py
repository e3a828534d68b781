"""The bot scopes Relais uses, and what a member loses when one is missing.

Slack tells which scopes a token holds in the `x-oauth-scopes` header of every Web API answer
(read by Slack's own SDKs into `response_metadata.scopes`); at start-up the adapter compares it
with this list and names each missing scope in the log, instead of failing silently later.
`deploy/slack/manifest*.yml` ask for exactly these (checked by `tests/test_slack_manifest.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

log = logging.getLogger(__name__)

REQUIRED_SCOPES: dict[str, str] = {
    "app_mentions:read": "mentions of the bot are not received",
    "channels:history": "messages in public channels are not received",
    "channels:read": "public channels cannot be found by name",
    "chat:write": "the bot cannot answer at all",
    "chat:write.public": "the bot cannot post in public channels it was not invited to",
    "commands": "the slash command does not exist",
    "files:write": "exports cannot be sent",
    "groups:history": "messages in private channels are not received",
    "groups:read": "private channels are not recognised as private",
    "im:history": "direct messages to the bot are not received",
    "im:read": "direct conversations are not recognised as private",
    "im:write": "the bot cannot open a direct conversation",
    "mpim:history": "group direct messages the bot is in are not received",
    "mpim:read": "group direct messages are not recognised as private",
    "users:read": "members' names, languages and time zones are unknown",
}


def check_granted(headers: Mapping[str, object]) -> list[str]:
    """Logs every required scope the token lacks (one line each); returns them."""
    granted_header = next(
        (str(value) for name, value in headers.items() if name.lower() == "x-oauth-scopes"), None
    )
    if granted_header is None:
        return []
    granted = {scope.strip() for scope in granted_header.split(",") if scope.strip()}
    missing = sorted(set(REQUIRED_SCOPES) - granted)
    for scope in missing:
        log.warning(
            "slack token lacks the %s scope: %s",
            scope,
            REQUIRED_SCOPES[scope],
            extra={"scope": scope},
        )
    return missing
