"""Staff scheduling check-ins in plain French; everyone seeing what comes next."""

from __future__ import annotations

from datetime import datetime

from handlers.args import UsageError
from handlers.checkins import phrases, planning
from handlers.checkins.cohorts import cohort_named
from handlers.checkins.dates import wall_clock, when
from handlers.checkins.feature import registry
from handlers.checkins.questions import MAX_CUSTOM, TEMPLATES
from handlers.context import Context
from handlers.registry import Arg, Args
from handlers.text import quote_user
from handlers.types import Action, Button, Message, Section
from store import audit, checkin_rounds
from store import checkins as store
from store.models import CheckinSchedule, Cohort
from store.models.checkins import ROUND_PLANNED

MAX_WINDOW_HOURS = 14 * 24
MAX_QUESTION = 200
SHOWN_SLOTS = 4


@registry.command(
    "checkin planifier",
    aliases=("checkin schedule",),
    help="checkins.help.planifier",
    role="staff",
    args=(
        Arg("cohorte", kind="text"),
        Arg("quand", kind="text"),
        Arg(
            "modele",
            kind="choice",
            choices=TEMPLATES,
            option=True,
            required=False,
            default="meteo",
            aliases=("template",),
        ),
        Arg("questions", kind="text", option=True, required=False),
        Arg("fenetre", kind="int", option=True, required=False, default=48, aliases=("window",)),
        Arg("rappel", kind="int", option=True, required=False, default=24, aliases=("reminder",)),
    ),
)
def schedule_checkins(ctx: Context, args: Args) -> list[Action]:
    cohort = cohort_named(ctx, args["cohorte"])
    local_now = ctx.now().astimezone(ctx.zone).replace(tzinfo=None)
    try:
        rule = phrases.parse(args["quand"], today=local_now.date())
    except phrases.PhraseError as error:
        raise UsageError(
            "checkins.schedule.not_understood",
            phrase=quote_user(args["quand"], limit=80),
            understood=_understood(ctx, error.understood),
        ) from error
    window, reminder = args["fenetre"], args["rappel"]
    if not 1 <= window <= MAX_WINDOW_HOURS:
        raise UsageError("checkins.schedule.bad_window", limit=MAX_WINDOW_HOURS)
    if not 0 <= reminder < window:
        raise UsageError("checkins.schedule.bad_reminder", window=window)
    custom = [q.strip() for q in (args["questions"] or "").split("|") if q.strip()]
    if len(custom) > MAX_CUSTOM or any(len(q) > MAX_QUESTION for q in custom):
        raise UsageError("checkins.schedule.bad_questions", count=MAX_CUSTOM, limit=MAX_QUESTION)
    previous = store.active_schedule(ctx.session, cohort=cohort)
    if previous is not None:
        planning.stop(ctx.session, schedule=previous, cohort=cohort, now=ctx.now())
    schedule = CheckinSchedule(
        cohort_id=cohort.id,
        phrase=" ".join(args["quand"].split())[:200],
        rule=rule,
        template=args["modele"],
        custom_questions=custom,
        window_hours=window,
        reminder_hours=reminder,
        created_by=ctx.caller.id,
        created_at=ctx.now(),
    )
    ctx.session.add(schedule)
    ctx.session.flush()
    planning.start(
        ctx.session,
        schedule=schedule,
        cohort=cohort,
        workspace=ctx.workspace,
        now=ctx.now(),
        local_now=local_now,
    )
    audit.record(
        ctx.session,
        workspace=ctx.workspace,
        actor=ctx.caller,
        action="checkin.schedule",
        target=f"cohort:{cohort.id}",
        detail=schedule.phrase,
        now=ctx.now(),
    )
    text = ctx.t(
        "checkins.schedule.done",
        name=quote_user(cohort.name),
        phrase=quote_user(schedule.phrase),
        template=ctx.t(f"checkins.template.{schedule.template}"),
        window=window,
        reminder=reminder,
    )
    if previous is not None:
        text += "\n" + ctx.t("checkins.schedule.replaced", phrase=quote_user(previous.phrase))
    upcoming = "\n".join(upcoming_lines(ctx, schedule, cohort, after=local_now))
    return [
        ctx.reply(
            Message(
                text=text, sections=(Section(title=ctx.t("checkins.next.title"), body=upcoming),)
            )
        )
    ]


def _understood(ctx: Context, understood: phrases.Understanding) -> str:
    parts = []
    if understood.days:
        parts.append(", ".join(ctx.t(f"checkins.day.{d}") for d in dict.fromkeys(understood.days)))
    if understood.frequency:
        parts.append(ctx.t(f"checkins.freq.{understood.frequency}"))
    if understood.time:
        parts.append(
            ctx.t(
                "checkins.schedule.time",
                hour=understood.time[0],
                minute=f"{understood.time[1]:02d}",
            )
        )
    missing = []
    if understood.time is None and understood.frequency != "cron":
        missing.append(ctx.t("checkins.schedule.missing_time"))
    if not understood.days and understood.frequency is None:
        missing.append(ctx.t("checkins.schedule.missing_days"))
    if understood.frequency == "fortnightly" and len(understood.days) != 1:
        missing.append(ctx.t("checkins.schedule.missing_one_day"))
    if understood.frequency == "cron":
        missing.append(ctx.t("checkins.schedule.bad_cron"))
    return ctx.t(
        "checkins.schedule.understood",
        found=", ".join(parts) or ctx.t("checkins.schedule.nothing"),
        missing=", ".join(missing) or ctx.t("common.none"),
    )


def upcoming_lines(
    ctx: Context, schedule: CheckinSchedule, cohort: Cohort, *, after: datetime
) -> list[str]:
    """The next slots, holidays included (marked), until `SHOWN_SLOTS` real ones are listed."""
    lines, real = [], 0
    for slot in planning.slots(schedule, cohort, after=after, locale=ctx.t.locale):
        if slot.holiday:
            lines.append(
                ctx.t(
                    "checkins.next.holiday", when=wall_clock(ctx.t, slot.at), holiday=slot.holiday
                )
            )
            continue
        lines.append(ctx.t("checkins.next.slot", when=wall_clock(ctx.t, slot.at)))
        real += 1
        if real >= SHOWN_SLOTS:
            break
    lines.append(ctx.t("checkins.next.local_time"))
    return lines


@registry.command(
    "checkin prochain",
    aliases=("checkin next",),
    help="checkins.help.prochain",
    args=(Arg("cohorte", kind="text", required=False),),
)
def next_checkins(ctx: Context, args: Args) -> list[Action]:
    local_now = ctx.now().astimezone(ctx.zone).replace(tzinfo=None)
    if args["cohorte"]:
        if not ctx.has_role("coach"):
            raise UsageError("checkins.next.staff_only")
        section = _cohort_section(ctx, cohort_named(ctx, args["cohorte"]), local_now)
        return [ctx.reply(Message(text=ctx.t("checkins.next.heading"), sections=(section,)))]
    mine = _my_rounds(ctx)
    sections = [mine] if mine is not None else []
    if ctx.has_role("staff"):
        for cohort in store.active_cohorts(ctx.session, workspace=ctx.workspace):
            sections.append(_cohort_section(ctx, cohort, local_now))
    if not sections:
        return ctx.say("checkins.next.nothing")
    return [ctx.reply(Message(text=ctx.t("checkins.next.heading"), sections=tuple(sections)))]


def _my_rounds(ctx: Context) -> Section | None:
    rounds = checkin_rounds.answerable_rounds(ctx.session, user=ctx.caller, now=ctx.now())
    if not rounds:
        return None
    lines, buttons = [], []
    for round_ in sorted(rounds, key=lambda r: r.due_at)[:SHOWN_SLOTS]:
        name = quote_user(round_.occurrence.schedule.cohort.name)
        key = (
            "checkins.next.mine_planned"
            if round_.status == ROUND_PLANNED
            else "checkins.next.mine_open"
        )
        lines.append(
            ctx.t(
                key,
                cohort=name,
                when=when(ctx.t, round_.due_at, ctx.zone),
                deadline=when(ctx.t, round_.closes_at, ctx.zone),
                answered=ctx.t("checkins.next.answered") if round_.answered_at else "",
            ).rstrip()
        )
        buttons.append(
            Button(
                action_id="checkins.early",
                label=ctx.t(
                    "checkins.next.answer_now",
                    cohort=quote_user(round_.occurrence.schedule.cohort.name, limit=40),
                ),
                value=str(round_.id),
            )
        )
    return Section(
        title=ctx.t("checkins.next.mine_title"), body="\n".join(lines), buttons=tuple(buttons)
    )


def _cohort_section(ctx: Context, cohort: Cohort, local_now: datetime) -> Section:
    schedule = store.active_schedule(ctx.session, cohort=cohort)
    if schedule is None:
        return Section(title=quote_user(cohort.name), body=ctx.t("checkins.cohort.no_schedule"))
    body = "\n".join(
        [quote_user(schedule.phrase), *upcoming_lines(ctx, schedule, cohort, after=local_now)]
    )
    return Section(title=quote_user(cohort.name), body=body)


@registry.command(
    "checkin arreter",
    aliases=("checkin arrêter", "checkin stop"),
    help="checkins.help.arreter",
    role="staff",
    args=(Arg("cohorte", kind="text"),),
)
def stop_checkins(ctx: Context, args: Args) -> list[Action]:
    cohort = cohort_named(ctx, args["cohorte"])
    schedule = store.active_schedule(ctx.session, cohort=cohort)
    if schedule is None:
        raise UsageError("checkins.schedule.none", name=quote_user(cohort.name))
    planning.stop(ctx.session, schedule=schedule, cohort=cohort, now=ctx.now())
    audit.record(
        ctx.session,
        workspace=ctx.workspace,
        actor=ctx.caller,
        action="checkin.stop",
        target=f"cohort:{cohort.id}",
        now=ctx.now(),
    )
    return ctx.say("checkins.schedule.stopped", name=quote_user(cohort.name))
