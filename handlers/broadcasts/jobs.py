"""Fan-out of a confirmed broadcast, in batches, and the one reminder to those who have not read.

The fan-out job freezes the recipient list (one row each, numbered into batches) and schedules
one job per batch; each batch job records one keyed delivery per person
(`broadcast:{id}:to:{user}`). Every step commits with its job, so after a crash a batch either
recorded all its deliveries or none, and the outbox sends each key once, paced.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from handlers.broadcasts import local_time, targets
from handlers.broadcasts.feature import registry
from handlers.broadcasts.messages import recipient_message
from handlers.context import JobContext
from handlers.types import Action, DirectMessageAction, Post
from store import audit, due
from store import broadcasts as store
from store.models import Broadcast
from store.models.broadcasts import BROADCAST_SCHEDULED, BROADCAST_SENT, TARGET_CHANNEL

BATCH_SIZE = 200
REMINDER_AFTER = timedelta(hours=24)


def channel_key(broadcast_id: int) -> str:
    return f"broadcast:{broadcast_id}:channel"


def person_key(broadcast_id: int, user_id: int) -> str:
    return f"broadcast:{broadcast_id}:to:{user_id}"


@registry.job("broadcasts.fanout")
def fan_out(ctx: JobContext, payload: dict[str, Any]) -> list[Action]:
    broadcast = ctx.session.get(Broadcast, int(payload["broadcast"]))
    if broadcast is None or broadcast.status != BROADCAST_SCHEDULED:
        return []
    now = ctx.now()
    wall = payload.get(local_time.MARK)
    broadcast.status, broadcast.fanned_out_at = BROADCAST_SENT, now
    actions: list[Action] = []
    if broadcast.target_kind == TARGET_CHANNEL:
        message = recipient_message(ctx.t, broadcast)
        actions.append(
            Post(key=channel_key(broadcast.id), channel_id=broadcast.target_ref, message=message)
        )
    else:
        people = targets.recipients(
            ctx.session,
            workspace=ctx.workspace,
            target=broadcast,
            bot_user_id=ctx.settings.bot_user_id,
        )
        broadcast.recipients_count = len(people)
        batches = store.add_recipients(
            ctx.session, broadcast=broadcast, user_ids=[u.id for u in people], batch_size=BATCH_SIZE
        )
        for batch in range(batches):
            due.schedule(
                ctx.session,
                key=f"broadcast:{broadcast.id}:batch:{batch}",
                kind="broadcasts.batch",
                workspace=ctx.workspace,
                due_at=now,
                now=now,
                payload={"broadcast": broadcast.id, "batch": batch, local_time.MARK: wall},
            )
    if broadcast.acknowledge:
        due.schedule(
            ctx.session,
            key=f"broadcast:{broadcast.id}:remind",
            kind="broadcasts.remind",
            workspace=ctx.workspace,
            due_at=(local_time.last_on_earth(wall) if wall else now) + REMINDER_AFTER,
            now=now,
            payload={"broadcast": broadcast.id},
        )
    audit.record(
        ctx.session,
        workspace=ctx.workspace,
        actor=broadcast.author,
        action="broadcast.sent",
        target=f"broadcast:{broadcast.id}",
        detail=str(
            broadcast.recipients_count
            if broadcast.recipients_count is not None
            else broadcast.target_label
        ),
        now=now,
    )
    return actions


@registry.job("broadcasts.batch")
def send_batch(ctx: JobContext, payload: dict[str, Any]) -> list[Action]:
    broadcast = ctx.session.get(Broadcast, int(payload["broadcast"]))
    if broadcast is None or broadcast.status != BROADCAST_SENT:
        return []
    people = store.batch_recipients(
        ctx.session, broadcast_id=broadcast.id, batch=int(payload["batch"])
    )
    messages = [
        (
            user,
            DirectMessageAction(
                key=person_key(broadcast.id, user.id),
                user_id=user.external_id,
                message=recipient_message(ctx.translator_for(user), broadcast),
            ),
        )
        for user in people
    ]
    wall = payload.get(local_time.MARK)
    if wall:
        return [local_time.at_their_time(user, action, wall) for user, action in messages]
    return [action for _, action in messages]


@registry.job("broadcasts.remind")
def remind(ctx: JobContext, payload: dict[str, Any]) -> list[Action]:
    """One reminder: by DM to each recipient who has not pressed « Lu », or once in the channel's
    thread (a channel's readers are not known in advance)."""
    broadcast = ctx.session.get(Broadcast, int(payload["broadcast"]))
    if broadcast is None or broadcast.status != BROADCAST_SENT:
        return []
    if broadcast.target_kind == TARGET_CHANNEL:
        return [
            Post(
                key=f"broadcast:{broadcast.id}:remind:channel",
                channel_id=broadcast.target_ref,
                thread_key=channel_key(broadcast.id),
                message=recipient_message(ctx.t, broadcast, reminder=True),
            )
        ]
    return [
        DirectMessageAction(
            key=f"broadcast:{broadcast.id}:remind:{user.id}",
            user_id=user.external_id,
            message=recipient_message(ctx.translator_for(user), broadcast, reminder=True),
        )
        for user in store.not_acknowledged(ctx.session, broadcast_id=broadcast.id)
    ]
