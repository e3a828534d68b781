"""The coach's settings for a group: speaking-rule reminders on or off, step durations."""

from __future__ import annotations

from handlers.args import UsageError
from handlers.codev.access import (
    GROUP_ARG,
    find_group,
    require_coach,
    require_facilitator,
    scoped_reply,
)
from handlers.codev.feature import registry
from handlers.codev.method import FORMAT_ALIASES, MAX_MINUTES, STEPS, minutes_for, with_change
from handlers.context import Context
from handlers.registry import Arg, Args
from handlers.types import Action

SWITCH = {"on": True, "oui": True, "off": False, "non": False}


@registry.command(
    "codev rappels",
    aliases=("codev reminders",),
    help="codev.help.reminders",
    args=(Arg("etat", kind="choice", choices=tuple(SWITCH)), GROUP_ARG),
)
def reminders(ctx: Context, args: Args) -> list[Action]:
    group = find_group(ctx, args["groupe"])
    require_facilitator(ctx, group)
    group.speaking_reminders = SWITCH[args["etat"]]
    ctx.session.flush()
    key = "codev.reminders.on" if group.speaking_reminders else "codev.reminders.off"
    return scoped_reply(ctx, group, ctx.t(key))


@registry.command(
    "codev duree",
    aliases=("codev durée", "codev duration"),
    help="codev.help.duration",
    args=(
        Arg("etape", kind="int"),
        Arg("minutes", kind="int"),
        Arg(
            "format",
            kind="choice",
            choices=tuple(FORMAT_ALIASES),
            option=True,
            required=False,
            default="court",
        ),
        GROUP_ARG,
    ),
)
def set_duration(ctx: Context, args: Args) -> list[Action]:
    group = find_group(ctx, args["groupe"])
    require_coach(ctx, group)
    step, minutes = args["etape"], args["minutes"]
    if step not in STEPS:
        raise UsageError("codev.duration.bad_step", step=step, last=STEPS[-1])
    if not 1 <= minutes <= MAX_MINUTES:
        raise UsageError("codev.duration.bad_minutes", minutes=minutes, high=MAX_MINUTES)
    fmt = FORMAT_ALIASES[args["format"]]
    group.durations = with_change(fmt, group.durations, step=step, minutes=minutes)
    ctx.session.flush()
    shown = ", ".join(str(m) for m in minutes_for(fmt, group.durations))
    return scoped_reply(
        ctx, group, ctx.t("codev.duration.set", format=ctx.t(f"codev.format.{fmt}"), minutes=shown)
    )
