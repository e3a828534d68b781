"""`/relais diffuser`: staff write, preview, confirm (now or later) or discard the draft.

Nothing is sent from the command itself: confirming schedules the job `broadcast:{id}:fanout`
(`jobs.py`), which fans out in batches through the outbox, so thousands of recipients never
hold up a chat answer and a crash never loses or doubles a message.
"""

from __future__ import annotations

from datetime import timedelta

from handlers.args import UsageError, is_row_id
from handlers.broadcasts import jobs, local_time, targets
from handlers.broadcasts.feature import registry
from handlers.broadcasts.messages import MAX_TEXT, recipient_message
from handlers.checkins.dates import when
from handlers.context import Context
from handlers.registry import Arg, Args
from handlers.text import quote_user
from handlers.types import Action, Button, ButtonPress, Message, Section
from handlers.when import describe_day, describe_moment, describe_time
from store import audit
from store import broadcasts as store
from store.models import Broadcast
from store.models.broadcasts import (
    BROADCAST_CANCELLED,
    BROADCAST_DRAFT,
    BROADCAST_SCHEDULED,
    TARGET_CHANNEL,
)

MAX_AHEAD = timedelta(days=366)


def numbered(ctx: Context, number: int) -> Broadcast:
    """The workspace's broadcast n° `number`, for the commands that name one."""
    broadcast = store.get(ctx.session, workspace=ctx.workspace, broadcast_id=number)
    if broadcast is None:
        raise UsageError("broadcasts.unknown", number=number)
    return broadcast


def record(ctx: Context, action: str, broadcast: Broadcast, detail: str | None = None) -> None:
    audit.record(
        ctx.session,
        workspace=ctx.workspace,
        actor=ctx.caller,
        action=action,
        target=f"broadcast:{broadcast.id}",
        detail=detail,
        now=ctx.now(),
    )


@registry.command(
    "diffuser",
    aliases=("broadcast",),
    help="broadcasts.help.diffuser",
    role="staff",
    args=(
        Arg("cible", kind="text"),
        Arg("message", kind="text"),
        Arg("le", kind="datetime", option=True, required=False, aliases=("at", "on")),
        Arg("accuse", kind="flag", aliases=("ack", "accusé")),
        Arg("heure-locale", kind="flag", aliases=("local", "local-time", "heure-de-chacun")),
    ),
)
def compose(ctx: Context, args: Args) -> list[Action]:
    text = args["message"].strip()
    if len(text) > MAX_TEXT:
        raise UsageError("broadcasts.compose.too_long", limit=MAX_TEXT)
    now = ctx.now()
    local = bool(args["heure-locale"])
    if local and args["le"] is None:
        raise UsageError("broadcasts.local.needs_time")
    send_at = args["le"] or now
    if send_at < now:
        raise UsageError("broadcasts.compose.past", when=when(ctx.t, send_at, ctx.zone))
    if send_at > now + MAX_AHEAD:
        raise UsageError("broadcasts.compose.too_far")
    target = targets.resolve(ctx.session, workspace=ctx.workspace, text=args["cible"])
    count = None
    if target.kind != TARGET_CHANNEL:
        people = targets.recipients(
            ctx.session,
            workspace=ctx.workspace,
            target=target,
            bot_user_id=ctx.settings.bot_user_id,
        )
        if not people:
            raise UsageError("broadcasts.compose.nobody", target=quote_user(target.label))
        count = len(people)
    broadcast = Broadcast(
        workspace_id=ctx.workspace.id,
        author_id=ctx.caller.id,
        target_kind=target.kind,
        target_ref=target.ref,
        target_label=target.label,
        text=text,
        send_at=send_at,
        acknowledge=args["accuse"],
        created_at=now,
    )
    ctx.session.add(broadcast)
    ctx.session.flush()
    record(ctx, "broadcast.draft", broadcast, detail=target.label)
    shown = _preview(ctx, broadcast, count, immediate=args["le"] is None, local=local)
    return [ctx.reply(shown)]


def _preview(
    ctx: Context, broadcast: Broadcast, count: int | None, *, immediate: bool, local: bool
) -> Message:
    audience = (
        ctx.t("broadcasts.preview.channel", channel=quote_user(broadcast.target_label))
        if count is None
        else ctx.t.plural(
            "broadcasts.preview.people", count, target=quote_user(broadcast.target_label)
        )
    )
    moment = (
        ctx.t("broadcasts.preview.now")
        if immediate
        else ctx.t(
            "broadcasts.preview.at", when=describe_moment(ctx.t, broadcast.send_at, ctx.zone)
        )
    )
    if local:
        moment = ctx.t(
            "broadcasts.preview.local",
            day=describe_day(ctx.t, broadcast.send_at.astimezone(ctx.zone).date()),
            time=describe_time(ctx.t, broadcast.send_at, ctx.zone),
        )
    fields = [
        (ctx.t("broadcasts.preview.to"), audience),
        (ctx.t("broadcasts.preview.when"), moment),
        (
            ctx.t("broadcasts.preview.ack"),
            ctx.t("broadcasts.preview.yes" if broadcast.acknowledge else "broadcasts.preview.no"),
        ),
    ]
    shown = recipient_message(ctx.t, broadcast)
    buttons = (
        Button(
            action_id="broadcasts.confirm",
            label=ctx.t("broadcasts.preview.send"),
            value=f"{broadcast.id}:{local_time.MARK}" if local else str(broadcast.id),
            style="primary",
        ),
        Button(
            action_id="broadcasts.discard",
            label=ctx.t("broadcasts.preview.discard"),
            value=str(broadcast.id),
            style="danger",
        ),
    )
    return Message(
        text=ctx.t("broadcasts.preview.title", number=broadcast.id),
        sections=(Section(body=shown.text, fields=tuple(fields)),),
        buttons=buttons,
    )


def _draft(ctx: Context, press: ButtonPress) -> Broadcast:
    number = press.value.partition(":")[0]
    broadcast = (
        store.get(ctx.session, workspace=ctx.workspace, broadcast_id=int(number))
        if is_row_id(number)
        else None
    )
    if broadcast is None or broadcast.author_id != ctx.caller.id:
        raise UsageError("core.error.unknown_action")
    if broadcast.status != BROADCAST_DRAFT:
        raise UsageError("broadcasts.confirm.already", number=broadcast.id)
    return broadcast


@registry.button("broadcasts.confirm", role="staff")
def confirm(ctx: Context, press: ButtonPress) -> list[Action]:
    broadcast = _draft(ctx, press)
    immediate = broadcast.send_at <= broadcast.created_at
    if immediate:
        broadcast.send_at = ctx.now()
    elif broadcast.send_at < ctx.now():
        raise UsageError(
            "broadcasts.confirm.too_late", when=when(ctx.t, broadcast.send_at, ctx.zone)
        )
    broadcast.status, broadcast.confirmed_at = BROADCAST_SCHEDULED, ctx.now()
    wall = None
    if press.value.endswith(f":{local_time.MARK}"):
        wall = local_time.wall_clock(broadcast.send_at, sender_zone=ctx.caller.timezone)
    jobs.schedule_fanout(
        ctx.session, broadcast=broadcast, workspace=ctx.workspace, wall=wall, now=ctx.now()
    )
    record(ctx, "broadcast.confirm", broadcast, detail=broadcast.send_at.isoformat())
    key = "broadcasts.confirm.now" if immediate else "broadcasts.confirm.later"
    return ctx.say(
        key,
        number=broadcast.id,
        when=when(ctx.t, broadcast.send_at, ctx.zone),
        command=ctx.settings.command_name,
    )


@registry.button("broadcasts.discard", role="staff")
def discard(ctx: Context, press: ButtonPress) -> list[Action]:
    broadcast = _draft(ctx, press)
    broadcast.status, broadcast.cancelled_at = BROADCAST_CANCELLED, ctx.now()
    record(ctx, "broadcast.discard", broadcast)
    return ctx.say("broadcasts.discarded", number=broadcast.id)
