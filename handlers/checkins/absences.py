"""Members declaring absences: no check-in reaches them then, and none counts as missed."""

from __future__ import annotations

import re
from datetime import date, timedelta

from handlers.args import UsageError
from handlers.checkins.dates import day
from handlers.checkins.feature import registry
from handlers.context import Context
from handlers.registry import Arg, Args
from handlers.types import Action
from store import checkins as store

MAX_DAYS = 366
_DATE = r"(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})"
_RANGE = re.compile(
    rf"^(?:(?:du|from)\s+)?{_DATE}\s+(?:au|jusqu'au|-|to|until)\s+{_DATE}$", re.IGNORECASE
)
_SINGLE = re.compile(rf"^(?:le\s+|on\s+)?{_DATE}$", re.IGNORECASE)


def _date(raw: str) -> date:
    try:
        if "/" in raw:
            day_, month, year = (int(part) for part in raw.split("/"))
            return date(year, month, day_)
        return date.fromisoformat(raw)
    except ValueError as error:
        raise UsageError("checkins.absence.bad_date", value=raw) from error


def parse_period(text: str, *, command: str = "relais") -> tuple[date, date]:
    """`du 2026-12-21 au 2027-01-02`, `le 2026-12-24`, or French dates `21/12/2026`."""
    cleaned = " ".join(text.replace("’", "'").split())
    ranged = _RANGE.match(cleaned)
    if ranged:
        return _date(ranged.group(1)), _date(ranged.group(2))
    single = _SINGLE.match(cleaned)
    if single:
        only = _date(single.group(1))
        return only, only
    raise UsageError("checkins.absence.syntax", command=command)


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
    starts, ends = parse_period(args["periode"], command=command)
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
