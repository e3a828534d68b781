"""Fan-out of a confirmed broadcast, ahead of its time, and the one reminder to those who have
not read.

A scheduled broadcast is staged `LEAD` before it is due, as check-ins are: the fan-out job
freezes the recipient list (one row each, numbered into batches) and schedules one job per
batch; each batch job records one keyed delivery per person (`broadcast:{id}:to:{user}`) that
carries `not_before` = its due moment, so the outbox, asleep until then, sends at the minute
however many recipients share it. The release job, at the due moment, marks it sent (until
then staff may still cancel it: `cancel.py` withdraws the queued rows) and plans the reminder.
Every step commits with its job, so after a crash a batch either recorded all its deliveries
or none, and the outbox sends each key once, paced.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from handlers.broadcasts import local_time, targets
from handlers.broadcasts.feature import registry
from handlers.broadcasts.messages import recipient_message
from handlers.context import JobContext
from handlers.types import Action, DirectMessageAction, Post
from store import audit, due
from store import broadcasts as store
from store.models import Broadcast, Workspace
from store.models.broadcasts import BROADCAST_SCHEDULED, BROADCAST_SENT, TARGET_CHANNEL

BATCH_SIZE = 200
REMINDER_AFTER = timedelta(hours=24)
# How long before its moment a broadcast is staged: the check-ins' lead (their send jobs), ample
# for staging thousands of messages even on a busy machine, short enough that the recipients
# are those of the moment.
LEAD = timedelta(minutes=10)


def fanout_key(broadcast_id: int) -> str:
    return f"{store.delivery_prefix(broadcast_id)}fanout"


def release_key(broadcast_id: int) -> str:
    return f"{store.delivery_prefix(broadcast_id)}release"


def batch_prefix(broadcast_id: int) -> str:
    return f"{store.delivery_prefix(broadcast_id)}batch:"


def channel_key(broadcast_id: int) -> str:
    return f"{store.delivery_prefix(broadcast_id)}channel"


def people_prefix(broadcast_id: int) -> str:
    """What the keys of its direct messages start with (the report counts them by it)."""
    return f"{store.delivery_prefix(broadcast_id)}to:"


def person_key(broadcast_id: int, user_id: int) -> str:
    return f"{people_prefix(broadcast_id)}{user_id}"


def due_moment(broadcast: Broadcast, wall: str | None) -> datetime:
    """When its first recipient may get it: its time, or, in each recipient's local time, when
    that wall-clock time first comes on Earth (never before it was confirmed)."""
    if wall is None:
        return broadcast.send_at
    return max(broadcast.confirmed_at or broadcast.send_at, local_time.first_on_earth(wall))


def schedule_fanout(
    session: Session, *, broadcast: Broadcast, workspace: Workspace, wall: str | None, now: datetime
) -> None:
    """The fan-out job of a confirmed broadcast, `LEAD` before it is due (now if sooner)."""
    payload: dict[str, Any] = {"broadcast": broadcast.id}
    if wall:
        payload[local_time.MARK] = wall
    due.schedule(
        session,
        key=fanout_key(broadcast.id),
        kind="broadcasts.fanout",
        workspace=workspace,
        due_at=max(now, due_moment(broadcast, wall) - LEAD),
        now=now,
        payload=payload,
    )


@registry.job("broadcasts.fanout")
def fan_out(ctx: JobContext, payload: dict[str, Any]) -> list[Action]:
    broadcast = ctx.session.get(Broadcast, int(payload["broadcast"]))
    if broadcast is None or broadcast.status != BROADCAST_SCHEDULED:
        return []
    now = ctx.now()
    wall = payload.get(local_time.MARK)
    due_at = due_moment(broadcast, wall)
    broadcast.fanned_out_at = now
    actions: list[Action] = []
    if broadcast.target_kind == TARGET_CHANNEL:
        message = recipient_message(ctx.t, broadcast)
        actions.append(
            Post(
                key=channel_key(broadcast.id),
                channel_id=broadcast.target_ref,
                message=message,
                not_before=due_at,
            )
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
                key=f"{batch_prefix(broadcast.id)}{batch}",
                kind="broadcasts.batch",
                workspace=ctx.workspace,
                due_at=now,
                now=now,
                payload={"broadcast": broadcast.id, "batch": batch, local_time.MARK: wall},
            )
    if due_at <= now:
        _release(ctx, broadcast, wall)
    else:
        due.schedule(
            ctx.session,
            key=release_key(broadcast.id),
            kind="broadcasts.release",
            workspace=ctx.workspace,
            due_at=due_at,
            now=now,
            payload={"broadcast": broadcast.id, local_time.MARK: wall},
        )
    return actions


@registry.job("broadcasts.batch")
def send_batch(ctx: JobContext, payload: dict[str, Any]) -> list[Action]:
    broadcast = ctx.session.get(Broadcast, int(payload["broadcast"]))
    if broadcast is None or broadcast.status not in (BROADCAST_SCHEDULED, BROADCAST_SENT):
        return []
    people = store.batch_recipients(
        ctx.session, broadcast_id=broadcast.id, batch=int(payload["batch"])
    )
    wall = payload.get(local_time.MARK)
    messages = [
        (
            user,
            DirectMessageAction(
                key=person_key(broadcast.id, user.id),
                user_id=user.external_id,
                message=recipient_message(ctx.translator_for(user), broadcast),
                not_before=due_moment(broadcast, wall),
            ),
        )
        for user in people
    ]
    if wall:
        return [local_time.at_their_time(user, action, wall) for user, action in messages]
    return [action for _, action in messages]


@registry.job("broadcasts.release")
def release(ctx: JobContext, payload: dict[str, Any]) -> list[Action]:
    broadcast = ctx.session.get(Broadcast, int(payload["broadcast"]))
    if broadcast is not None and broadcast.status == BROADCAST_SCHEDULED:
        _release(ctx, broadcast, payload.get(local_time.MARK))
    return []


def _release(ctx: JobContext, broadcast: Broadcast, wall: str | None) -> None:
    """Its moment has come: it is sent (no longer cancellable) and its reminder is planned."""
    now = ctx.now()
    broadcast.status = BROADCAST_SENT
    if broadcast.acknowledge:
        due.schedule(
            ctx.session,
            key=f"{store.delivery_prefix(broadcast.id)}remind",
            kind="broadcasts.remind",
            workspace=ctx.workspace,
            due_at=(local_time.last_on_earth(wall) if wall else broadcast.send_at) + REMINDER_AFTER,
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
                key=f"{store.delivery_prefix(broadcast.id)}remind:channel",
                channel_id=broadcast.target_ref,
                thread_key=channel_key(broadcast.id),
                message=recipient_message(ctx.t, broadcast, reminder=True),
            )
        ]
    return [
        DirectMessageAction(
            key=f"{store.delivery_prefix(broadcast.id)}remind:{user.id}",
            user_id=user.external_id,
            message=recipient_message(ctx.translator_for(user), broadcast, reminder=True),
        )
        for user in store.not_acknowledged(ctx.session, broadcast_id=broadcast.id)
    ]
