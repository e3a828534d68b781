"""Every outbox and job key of a group starts with `codev:g<group id>:`.

That one prefix lets a group's deletion cancel its jobs and purge the outbox's copies of what
was sent to it, and lets the thread handler recognise a session's root post.
"""

from __future__ import annotations

import re
import uuid

from handlers.types import Action
from store.models import CodevSession

_ROOT = re.compile(r"^codev:g(\d+):s(\d+):root$")


def group_prefix(group_id: int) -> str:
    return f"codev:g{group_id}:"


def session_prefix(row: CodevSession) -> str:
    return f"{group_prefix(row.group_id)}s{row.id}:"


def root_key(row: CodevSession) -> str:
    return session_prefix(row) + "root"


def session_id_of_root(key: str) -> int | None:
    """The session whose root post has this delivery key (None for any other codev post)."""
    match = _ROOT.match(key)
    return int(match.group(2)) if match else None


def step_key(row: CodevSession) -> str:
    return f"{session_prefix(row)}step:{row.step}"


def root_update_key(row: CodevSession) -> str:
    return f"{session_prefix(row)}root:r{row.revision}"


def timer_prefix(row: CodevSession) -> str:
    return session_prefix(row) + "timer:"


def timer_key(row: CodevSession, notice: str) -> str:
    return f"{timer_prefix(row)}v{row.timer_version}:{notice}"


def action_job_key(row: CodevSession, action_id: int) -> str:
    return f"{session_prefix(row)}action:{action_id}"


def next_session_prefix(group_id: int) -> str:
    return group_prefix(group_id) + "next:"


def scoped(group_id: int, event_id: str | None, actions: list[Action]) -> list[Action]:
    """Gives unkeyed actions a key under the group's prefix (one per event, like the runtime
    does), so that everything the group said can be found again and purged."""
    origin = event_id or uuid.uuid4().hex
    return [
        action
        if action.key
        else action.model_copy(update={"key": f"{group_prefix(group_id)}e:{origin}:{index}"})
        for index, action in enumerate(actions)
    ]
