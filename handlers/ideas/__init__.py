"""Idea threads: campaigns, proposals, supports, the committee's answers, moderation, figures.

Each module registers its own handlers on the one `registry` when imported here.
"""

from handlers.ideas import (
    campaigns,
    command,
    comments,
    committee,
    decide_by_reply,
    digest,
    editing,
    export,
    lifecycle,
    mine,
    moderation,
    proposing,
    reporting,
    searching,
    stats,
    supports,
)
from handlers.ideas.common import registry

__all__ = [
    "campaigns",
    "command",
    "comments",
    "committee",
    "decide_by_reply",
    "digest",
    "editing",
    "export",
    "lifecycle",
    "mine",
    "moderation",
    "proposing",
    "registry",
    "reporting",
    "searching",
    "stats",
    "supports",
]
