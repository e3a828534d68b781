"""The coach's controls, as buttons on each step post and as commands: next step, +1/+5 min
(or `prolonger N`), pause, resume, end; and the members' «ready».

Buttons carry `session:step`, so a button left over from an earlier step cannot act on the
current one. Only the coach or a co-facilitator moves the session; the bot never does.
"""

from __future__ import annotations

from handlers.args import UsageError
from handlers.clock import zone
from handlers.codev import timer
from handlers.codev.access import (
    GROUP_ARG,
    find_running,
    group_translator,
    parse_ids,
    require_facilitator,
    require_member,
    role_in,
    scope,
    scoped_reply,
)
from handlers.codev.announce import in_thread, root_update, step_post
from handlers.codev.closing import finish
from handlers.codev.feature import registry
from handlers.codev.formatting import clock_time, duration
from handlers.codev.keys import session_prefix
from handlers.codev.method import CONTRACT, LAST_STEP, SYNTHESIS
from handlers.codev.plan import suggestions_message
from handlers.codev.posts import pause_or_resume, status_text, step_title
from handlers.context import Context
from handlers.registry import Arg, Args
from handlers.text import mention
from handlers.types import Action, Button, ButtonPress, Message
from handlers.when import WhenError, parse_duration
from store import codev, codev_content
from store.models import CodevSession
from store.models.codev import RUNNING

MAX_EXTENSION = 60


def _pressed(ctx: Context, press: ButtonPress) -> CodevSession:
    """The session a control button is about, refusing buttons of another step."""
    session_id, step = parse_ids(press.value, 2)
    row = ctx.session.get(CodevSession, session_id)
    if row is None:
        raise UsageError("codev.group.gone")
    require_member(ctx, row.group)
    if row.status != RUNNING:
        raise UsageError("codev.session.over")
    if row.step != step:
        raise UsageError("codev.control.stale", pressed=step, current=row.step)
    return row


# ---------------------------------------------------------------- next step


@registry.command(
    "codev suivant", aliases=("codev next",), help="codev.help.next", args=(GROUP_ARG,)
)
def next_command(ctx: Context, args: Args) -> list[Action]:
    return advance(ctx, find_running(ctx, args["groupe"]))


@registry.button("codev.next")
def next_button(ctx: Context, press: ButtonPress) -> list[Action]:
    return advance(ctx, _pressed(ctx, press))


def advance(ctx: Context, row: CodevSession) -> list[Action]:
    group = row.group
    require_facilitator(ctx, group)
    if row.step == CONTRACT and not row.request:
        raise UsageError("codev.contract.missing", client=mention(row.client.external_id))
    if row.step == LAST_STEP:
        return finish(ctx, row)
    now = ctx.now()
    timer.start_step(row, row.step + 1, now)
    timer.reschedule(ctx.session, row, workspace=ctx.workspace, now=now)
    t = group_translator(ctx, group)
    actions = [root_update(t, group, row), step_post(t, group, row, now=now)]
    if row.step == SYNTHESIS:
        actions.append(suggestions_message(ctx, row))
    return scope(ctx, group, actions)


# ---------------------------------------------------------------- time


@registry.command(
    "codev prolonger",
    aliases=("codev extend",),
    help="codev.help.extend",
    args=(Arg("duree", kind="rest"), GROUP_ARG),
)
def extend_command(ctx: Context, args: Args) -> list[Action]:
    """`prolonger 5`, `prolonger 10 min`, `prolonger 1h`: the shared duration parser."""
    try:
        extra = parse_duration(args["duree"], unit="minutes")
    except WhenError as error:
        raise UsageError("when.error.duration", value=args["duree"][:40]) from error
    minutes = int(extra.total_seconds() // 60)
    return extend(ctx, find_running(ctx, args["groupe"]), minutes)


@registry.button("codev.extend.1")
def extend_one(ctx: Context, press: ButtonPress) -> list[Action]:
    return extend(ctx, _pressed(ctx, press), 1)


@registry.button("codev.extend.5")
def extend_five(ctx: Context, press: ButtonPress) -> list[Action]:
    return extend(ctx, _pressed(ctx, press), 5)


def extend(ctx: Context, row: CodevSession, minutes: int) -> list[Action]:
    group = row.group
    require_facilitator(ctx, group)
    if not 1 <= minutes <= MAX_EXTENSION:
        raise UsageError("codev.control.bad_extension", minutes=minutes, high=MAX_EXTENSION)
    now = ctx.now()
    timer.extend(row, minutes, now)
    timer.reschedule(ctx.session, row, workspace=ctx.workspace, now=now)
    t = group_translator(ctx, group)
    if row.paused_at is not None:
        text = t(
            "codev.control.extended_paused",
            minutes=minutes,
            left=duration(t, timer.remaining_seconds(row, now)),
        )
    else:
        end = clock_time(t, timer.ends_at(row, now), zone(group.coach.timezone))
        text = t("codev.control.extended", minutes=minutes, title=step_title(t, row.step), end=end)
    key = f"{session_prefix(row)}extend:v{row.timer_version}"
    return scope(ctx, group, [in_thread(group, row, Message(text=text), key=key)])


@registry.command("codev pause", help="codev.help.pause", args=(GROUP_ARG,))
def pause_command(ctx: Context, args: Args) -> list[Action]:
    return pause(ctx, find_running(ctx, args["groupe"]))


@registry.button("codev.pause")
def pause_button(ctx: Context, press: ButtonPress) -> list[Action]:
    return pause(ctx, _pressed(ctx, press))


def pause(ctx: Context, row: CodevSession) -> list[Action]:
    group = row.group
    require_facilitator(ctx, group)
    if row.paused_at is not None:
        raise UsageError("codev.control.already_paused")
    now = ctx.now()
    timer.pause(row, now)
    timer.reschedule(ctx.session, row, workspace=ctx.workspace, now=now)
    t = group_translator(ctx, group)
    text = t("codev.control.paused", left=duration(t, timer.remaining_seconds(row, now)))
    key = f"{session_prefix(row)}pause:v{row.timer_version}"
    notice = Message(text=text, buttons=(pause_or_resume(t, row),))
    return scope(ctx, group, [root_update(t, group, row), in_thread(group, row, notice, key=key)])


@registry.command(
    "codev reprendre", aliases=("codev resume",), help="codev.help.resume", args=(GROUP_ARG,)
)
def resume_command(ctx: Context, args: Args) -> list[Action]:
    return resume(ctx, find_running(ctx, args["groupe"]))


@registry.button("codev.resume")
def resume_button(ctx: Context, press: ButtonPress) -> list[Action]:
    return resume(ctx, _pressed(ctx, press))


def resume(ctx: Context, row: CodevSession) -> list[Action]:
    group = row.group
    require_facilitator(ctx, group)
    if row.paused_at is None:
        raise UsageError("codev.control.not_paused")
    now = ctx.now()
    timer.resume(row, now)
    timer.reschedule(ctx.session, row, workspace=ctx.workspace, now=now)
    t = group_translator(ctx, group)
    text = t(
        "codev.control.resumed",
        left=duration(t, timer.remaining_seconds(row, now)),
        end=clock_time(t, timer.ends_at(row, now), zone(group.coach.timezone)),
    )
    key = f"{session_prefix(row)}resume:v{row.timer_version}"
    return scope(
        ctx, group, [root_update(t, group, row), in_thread(group, row, Message(text=text), key=key)]
    )


# ---------------------------------------------------------------- end


@registry.command(
    "codev terminer",
    aliases=("codev end", "codev finish"),
    help="codev.help.end",
    args=(GROUP_ARG, Arg("confirmer", kind="flag", aliases=("confirm",))),
)
def end_command(ctx: Context, args: Args) -> list[Action]:
    return end(ctx, find_running(ctx, args["groupe"]), confirmed=args["confirmer"])


@registry.button("codev.end")
def end_button(ctx: Context, press: ButtonPress) -> list[Action]:
    return end(ctx, _pressed(ctx, press), confirmed=False)


@registry.button("codev.end.confirm")
def end_confirmed(ctx: Context, press: ButtonPress) -> list[Action]:
    return end(ctx, _pressed(ctx, press), confirmed=True)


def end(ctx: Context, row: CodevSession, *, confirmed: bool) -> list[Action]:
    """Ends the session; before the last step the coach confirms first, since it cannot be
    undone."""
    require_facilitator(ctx, row.group)
    if confirmed or row.step == LAST_STEP:
        return finish(ctx, row)
    button = Button(
        action_id="codev.end.confirm",
        label=ctx.t("codev.control.end_now"),
        value=f"{row.id}:{row.step}",
        style="danger",
    )
    text = ctx.t("codev.control.end_confirm", title=step_title(ctx.t, row.step))
    return scoped_reply(ctx, row.group, Message(text=text, buttons=(button,)))


# ---------------------------------------------------------------- ready and status


@registry.command(
    "codev pret", aliases=("codev prêt", "codev ready"), help="codev.help.ready", args=(GROUP_ARG,)
)
def ready_command(ctx: Context, args: Args) -> list[Action]:
    return ready(ctx, find_running(ctx, args["groupe"]))


@registry.button("codev.ready")
def ready_button(ctx: Context, press: ButtonPress) -> list[Action]:
    return ready(ctx, _pressed(ctx, press))


def ready(ctx: Context, row: CodevSession) -> list[Action]:
    group = row.group
    if role_in(group, row, ctx.caller) not in ("client", "consultant"):
        raise UsageError("codev.ready.members_only")
    codev_content.mark_ready(ctx.session, row=row, user=ctx.caller, now=ctx.now())
    members = {m.user_id for m in codev.participants(group)}
    count = len(codev_content.ready_ids(ctx.session, row=row) & members)
    actions: list[Action] = [ctx.reply(ctx.t("codev.ready.noted", count=count, total=len(members)))]
    if count == len(members):
        t = group_translator(ctx, group)
        text = t("codev.ready.everyone", coach=mention(group.coach.external_id))
        key = f"{session_prefix(row)}ready:{row.step}"
        actions.append(in_thread(group, row, Message(text=text), key=key))
    return scope(ctx, group, actions)


@registry.command(
    "codev statut", aliases=("codev status",), help="codev.help.status", args=(GROUP_ARG,)
)
def status(ctx: Context, args: Args) -> list[Action]:
    row = find_running(ctx, args["groupe"])
    require_member(ctx, row.group)
    members = {m.user_id for m in codev.participants(row.group)}
    text = status_text(
        ctx.t,
        row,
        zone=ctx.zone,
        now=ctx.now(),
        ready=len(codev_content.ready_ids(ctx.session, row=row) & members),
        members=len(members),
    )
    return scoped_reply(ctx, row.group, text)
