"""Follow-up between sessions: reminders to the client the day before each action's due date and
before the next session, which opens with their report (step 7 of the method).

Reminders are due jobs keyed under the group's prefix; their text is built when they fire, from
what the store says then, so a changed plan or date is never announced stale.
"""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from handlers.args import UsageError, convert
from handlers.clock import zone
from handlers.codev.access import GROUP_ARG, find_group, require_facilitator, scoped_reply
from handlers.codev.feature import registry
from handlers.codev.formatting import action_line, clock_time, day, quoted
from handlers.codev.keys import action_job_key, group_prefix, next_session_prefix, session_prefix
from handlers.context import Context, JobContext
from handlers.registry import Arg, Args
from handlers.types import Action, DirectMessageAction, Message
from handlers.when import describe_moment
from store import codev, due
from store.models import CodevAction, CodevGroup, CodevSession, Workspace

ACTION_JOB = "codev.action_due"
NEXT_SESSION_JOB = "codev.next_session"
REMIND_AT = time(9, 0)
NEXT_SESSION_LEAD = timedelta(days=1)


def schedule_action_reminders(
    session: Session, row: CodevSession, *, workspace: Workspace, now: datetime
) -> None:
    """One reminder per dated action, at 9:00 (client's time) the day before it is due; one
    that could only run on the due date or later (the bot was down) stays silent."""
    client_zone = zone(row.client.timezone)
    for action in row.actions:
        if action.due_on is None:
            continue
        moment = datetime.combine(action.due_on - timedelta(days=1), REMIND_AT, client_zone)
        if moment <= now:
            continue
        due.schedule(
            session,
            key=action_job_key(row, action.id),
            kind=ACTION_JOB,
            workspace=workspace,
            due_at=moment,
            now=now,
            payload={"action": action.id},
        )


@registry.job(ACTION_JOB)
def remind_action(ctx: JobContext, payload: dict[str, Any]) -> list[Action]:
    action = ctx.session.get(CodevAction, int(payload["action"]))
    row = ctx.session.get(CodevSession, action.session_id) if action is not None else None
    if action is None or row is None or action.due_on is None:
        return []
    if ctx.now().astimezone(zone(row.client.timezone)).date() >= action.due_on:
        return []
    t = ctx.translator_for(row.client)
    text = t(
        "codev.followup.action_due",
        line=action_line(t, action),
        number=row.number,
        group=quoted(row.group.name, 120),
    )
    return [
        DirectMessageAction(
            user_id=row.client.external_id,
            message=Message(text=text),
            key=f"{session_prefix(row)}due:a{action.id}",
        )
    ]


@registry.command(
    "codev prochaine",
    aliases=("codev next-session", "codev schedule"),
    help="codev.help.next_session",
    args=(Arg("quand", kind="rest"), GROUP_ARG),
)
def next_session(ctx: Context, args: Args) -> list[Action]:
    group = find_group(ctx, args["groupe"])
    require_facilitator(ctx, group)
    when: datetime = convert(ctx, Arg("quand", kind="datetime"), args["quand"])
    now = ctx.now()
    if when <= now:
        raise UsageError("codev.next.past")
    group.next_session_at = when
    due.cancel_prefix(ctx.session, prefix=next_session_prefix(group.id))
    stamp = int(when.timestamp())
    due.schedule(
        ctx.session,
        key=f"{next_session_prefix(group.id)}{stamp}:{uuid.uuid4().hex[:8]}",
        kind=NEXT_SESSION_JOB,
        workspace=ctx.workspace,
        due_at=max(now, when - NEXT_SESSION_LEAD),
        now=now,
        payload={"group": group.id, "at": stamp},
    )
    ctx.session.flush()
    text = ctx.t("codev.next.set", when=describe_moment(ctx.t, when, ctx.zone))
    return scoped_reply(ctx, group, text)


@registry.job(NEXT_SESSION_JOB)
def remind_next_session(ctx: JobContext, payload: dict[str, Any]) -> list[Action]:
    """Tells the former client the next session opens with their report on the plan."""
    group = ctx.session.get(CodevGroup, int(payload["group"]))
    if group is None or group.next_session_at is None:
        return []
    if int(group.next_session_at.timestamp()) != int(payload["at"]):
        return []
    previous = codev.last_done_session(ctx.session, group=group)
    if previous is None:
        return []
    client = previous.client
    t = ctx.translator_for(client)
    client_zone = zone(client.timezone)
    lines = [
        t(
            "codev.followup.next_session",
            group=quoted(group.name, 120),
            date=day(t, group.next_session_at.astimezone(client_zone)),
            time=clock_time(t, group.next_session_at, client_zone),
        )
    ]
    lines.extend(action_line(t, action) for action in previous.actions)
    if not previous.actions:
        lines.append(t("codev.plan.empty_plan"))
    key = f"{group_prefix(group.id)}next:{payload['at']}:dm"
    return [
        DirectMessageAction(
            user_id=client.external_id, message=Message(text="\n".join(lines)), key=key
        )
    ]
