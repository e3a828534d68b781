"""Members declaring absences: no check-in reaches them then, and none counts as missed."""

from __future__ import annotations

from datetime import date, timedelta

from handlers import when
from handlers.args import UsageError
from handlers.checkins.dates import day
from handlers.checkins.feature import registry
from handlers.context import Context
from handlers.registry import Arg, Args
from handlers.types import Action
from store import checkins as store

MAX_DAYS = 366


def parse_period(text: str, *, today: date, command: str = "relais") -> tuple[date, date]:
    """`du 7 au 11 décembre`, `du 21/12 au 2/01`, `le 24/12`, ISO: the shared French parser."""
    try:
        return when.parse_period(text, today=today)
    except when.WhenError as error:
        raise UsageError("checkins.absence.syntax", command=command) from error


@registry.command(
    "absent",
    aliases=("absence", "away"),
    help="checkins.help.absent",
    args=(Arg("periode", kind="rest", required=False),),
)
def declare(ctx: Context, args: Args) -> list[Action]:
    today = ctx.now().astimezone(ctx.zone).date()
    if not args["periode"]:
        return _list(ctx, today)
    command = ctx.settings.command_name
    starts, ends = parse_period(args["periode"], today=today, command=command)
    if ends < starts:
        raise UsageError("checkins.absence.reversed")
    if ends < today:
        raise UsageError("checkins.absence.past")
    if ends - starts > timedelta(days=MAX_DAYS):
        raise UsageError("checkins.absence.too_long", days=MAX_DAYS)
    absence = store.add_absence(
        ctx.session, user=ctx.caller, starts_on=starts, ends_on=ends, now=ctx.now()
    )
    return ctx.say(
        "checkins.absence.recorded",
        number=absence.id,
        start=day(ctx.t, starts),
        end=day(ctx.t, ends),
        command=command,
    )


def _list(ctx: Context, today: date) -> list[Action]:
    found = store.absences_of(ctx.session, user=ctx.caller, from_day=today)
    if not found:
        return ctx.say("checkins.absence.none")
    lines = [
        ctx.t(
            "checkins.absence.line",
            number=a.id,
            start=day(ctx.t, a.starts_on),
            end=day(ctx.t, a.ends_on),
        )
        for a in found
    ]
    return [ctx.reply("\n".join([ctx.t("checkins.absence.list_title"), *lines]))]


@registry.command(
    "absent annuler",
    aliases=("absence cancel", "away cancel"),
    help="checkins.help.absent_annuler",
    args=(Arg("numero", kind="int"),),
)
def cancel(ctx: Context, args: Args) -> list[Action]:
    if not store.delete_absence(ctx.session, user=ctx.caller, absence_id=args["numero"]):
        raise UsageError("checkins.absence.unknown", number=args["numero"])
    return ctx.say("checkins.absence.cancelled", number=args["numero"])
