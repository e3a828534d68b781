"""The actions that show a session's progress in its channel, keyed so each is sent once."""

from __future__ import annotations

from datetime import datetime

from handlers.clock import zone
from handlers.codev.keys import root_key, root_update_key, step_key
from handlers.codev.posts import root_message, step_message
from handlers.i18n import Translator
from handlers.types import Action, Message, Post, UpdatePost
from store.models import CodevGroup, CodevSession, User


def root_post(t: Translator, group: CodevGroup, row: CodevSession) -> Action:
    return Post(channel_id=group.channel_id, message=root_message(t, group, row), key=root_key(row))


def root_update(t: Translator, group: CodevGroup, row: CodevSession) -> Action:
    """Redraws the root post (plan, current step, pinned contract) under a new revision."""
    row.revision += 1
    return UpdatePost(
        channel_id=group.channel_id,
        target_key=root_key(row),
        message=root_message(t, group, row),
        key=root_update_key(row),
    )


def in_thread(group: CodevGroup, row: CodevSession, message: Message, *, key: str) -> Post:
    return Post(channel_id=group.channel_id, thread_key=root_key(row), message=message, key=key)


def step_post(
    t: Translator,
    group: CodevGroup,
    row: CodevSession,
    *,
    now: datetime,
    previous: CodevSession | None = None,
    unsigned: list[User] | None = None,
) -> Action:
    message = step_message(
        t, row, zone=zone(group.coach.timezone), now=now, previous=previous, unsigned=unsigned
    )
    return Post(
        channel_id=group.channel_id, thread_key=root_key(row), message=message, key=step_key(row)
    )
