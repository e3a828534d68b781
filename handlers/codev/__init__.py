"""Peer co-development sessions (Payette–Champagne method), run by the bot beside the coach.

`method` holds the steps; `groups`, `membership`, `charter` and `settings` the group; `launch`
and `rotation` the start of a session; `controls`, `timer` and `notices` its running; `capture`
what is said; `plan`, `closing`, `summary` and `followup` what the client takes away. Importing the
package registers every handler on `registry`.
"""

from handlers.codev import (
    capture,
    charter,
    closing,
    controls,
    followup,
    groups,
    home,
    launch,
    membership,
    notices,
    personal,
    plan,
    settings,
    summary,
)
from handlers.codev.feature import registry

__all__ = [
    "capture",
    "charter",
    "closing",
    "controls",
    "followup",
    "groups",
    "home",
    "launch",
    "membership",
    "notices",
    "personal",
    "plan",
    "registry",
    "settings",
    "summary",
]
