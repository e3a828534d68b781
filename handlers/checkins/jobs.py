"""Due jobs of check-ins: plan the next occurrence, send, remind, close.

Each job re-reads its round and acts only from the state it expects, so a job that runs late,
twice, or after the cohort changed does the right thing or nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from handlers.checkins import planning
from handlers.checkins.closing import summary_if_last
from handlers.checkins.dates import when
from handlers.checkins.feature import registry
from handlers.checkins.questions import checkin_message
from handlers.clock import zone
from handlers.context import JobContext
from handlers.text import mention, quote_user
from handlers.types import Action, DirectMessageAction, Message
from store import checkin_rounds, due
from store import checkins as store
from store.models import CheckinRound, CheckinSchedule
from store.models.checkins import (
    ROUND_ABSENT,
    ROUND_CANCELLED,
    ROUND_CLOSED,
    ROUND_EXPIRED,
    ROUND_OPEN,
    ROUND_PLANNED,
)


@registry.job("checkins.plan")
def plan_next(ctx: JobContext, payload: dict[str, Any]) -> list[Action]:
    schedule = ctx.session.get(CheckinSchedule, int(payload["schedule"]))
    if schedule is None or schedule.stopped_at or schedule.cohort.archived_at:
        return []
    planning.plan_after(
        ctx.session,
        schedule=schedule,
        cohort=schedule.cohort,
        workspace=ctx.workspace,
        after=datetime.fromisoformat(payload["after"]),
        now=ctx.now(),
    )
    return []


def _still_wanted(ctx: JobContext, round_: CheckinRound) -> bool:
    schedule = round_.occurrence.schedule
    return (
        schedule.stopped_at is None
        and schedule.cohort.archived_at is None
        and store.is_member(ctx.session, cohort_id=schedule.cohort_id, user_id=round_.user_id)
    )


@registry.job("checkins.send")
def send(ctx: JobContext, payload: dict[str, Any]) -> list[Action]:
    """One member's check-in, or why it is not sent. The job runs a little before the member's
    local time (`planning.LEAD`) and the message carries `not_before` = that time, so the outbox
    worker, which sleeps until its next due row, delivers at the minute even when thousands of
    members share it; the key makes a re-run record nothing new."""
    round_ = ctx.session.get(CheckinRound, int(payload["round"]))
    if round_ is None or round_.status != ROUND_PLANNED:
        return []
    if not _still_wanted(ctx, round_):
        round_.status = ROUND_CANCELLED
        return []
    occurrence, user, now = round_.occurrence, round_.user, ctx.now()
    schedule = occurrence.schedule
    due_at = planning.member_due(occurrence.local_start, user.timezone)
    if due_at != round_.due_at:
        round_.due_at, round_.closes_at = due_at, due_at + timedelta(hours=schedule.window_hours)
        if due_at - planning.LEAD > now:
            suffix = f":{due_at:%Y%m%dT%H%M}"
            planning.schedule_send(
                ctx.session, round_=round_, workspace=ctx.workspace, now=now, suffix=suffix
            )
            return []
    if now >= round_.closes_at:
        round_.status = ROUND_EXPIRED
        return []
    if store.is_absent(ctx.session, user_id=user.id, day=occurrence.local_start.date()):
        round_.status = ROUND_ABSENT
        return []
    round_.status, round_.opened_at = ROUND_OPEN, max(due_at, now)
    staged: list[Action] = []
    if round_.answered_at is None:
        staged.append(
            DirectMessageAction(
                key=f"checkin:{occurrence.id}:{user.id}",
                user_id=user.external_id,
                message=_message(ctx, round_),
                not_before=round_.opened_at,
            )
        )
    _schedule_follow_ups(ctx, round_)
    return staged


def _schedule_follow_ups(ctx: JobContext, round_: CheckinRound) -> None:
    schedule, now = round_.occurrence.schedule, ctx.now()
    prefix = f"checkin:{round_.occurrence_id}:{round_.user_id}"
    reminder_at = round_.closes_at - timedelta(hours=schedule.reminder_hours)
    if schedule.reminder_hours > 0 and reminder_at > now:
        due.schedule(
            ctx.session,
            key=f"{prefix}:remind",
            kind="checkins.remind",
            workspace=ctx.workspace,
            due_at=reminder_at,
            now=now,
            payload={"round": round_.id},
        )
    due.schedule(
        ctx.session,
        key=f"{prefix}:close",
        kind="checkins.close",
        workspace=ctx.workspace,
        due_at=round_.closes_at,
        now=now,
        payload={"round": round_.id},
    )


def _message(ctx: JobContext, round_: CheckinRound, *, reminder: bool = False) -> Message:
    user, occurrence = round_.user, round_.occurrence
    cohort = occurrence.schedule.cohort
    t = ctx.translator_for(user)
    return checkin_message(
        t,
        cohort_name=cohort.name,
        nominative=cohort.nominative,
        questions=occurrence.questions,
        round_id=round_.id,
        deadline=when(t, round_.closes_at, zone(user.timezone)),
        command=ctx.settings.command_name,
        reminder=reminder,
    )


@registry.job("checkins.remind")
def remind(ctx: JobContext, payload: dict[str, Any]) -> list[Action]:
    """One reminder, only to a member who has not answered yet."""
    round_ = ctx.session.get(CheckinRound, int(payload["round"]))
    if round_ is None or round_.status != ROUND_OPEN or round_.answered_at is not None:
        return []
    if ctx.now() >= round_.closes_at or not _still_wanted(ctx, round_):
        return []
    round_.reminded_at = ctx.now()
    return [
        DirectMessageAction(
            key=f"checkin:{round_.occurrence_id}:{round_.user_id}:reminder",
            user_id=round_.user.external_id,
            message=_message(ctx, round_, reminder=True),
        )
    ]


@registry.job("checkins.close")
def close(ctx: JobContext, payload: dict[str, Any]) -> list[Action]:
    """Closes the answer window; after the cohort's number of misses in a row, tells the coach;
    after the occurrence's last window, sends its summary to the coach and staff."""
    round_ = ctx.session.get(CheckinRound, int(payload["round"]))
    if round_ is None or round_.status != ROUND_OPEN:
        return []
    round_.status = ROUND_CLOSED
    ctx.session.flush()
    summary = summary_if_last(ctx, round_.occurrence)
    return [*_missed_note(ctx, round_), *summary]


def _missed_note(ctx: JobContext, round_: CheckinRound) -> list[Action]:
    cohort = round_.occurrence.schedule.cohort
    if round_.answered_at is not None or not cohort.missed_alert or cohort.coach is None:
        return []
    missed = checkin_rounds.missed_in_a_row(
        ctx.session, cohort_id=cohort.id, user_id=round_.user_id
    )
    if missed != cohort.missed_alert:
        return []
    t = ctx.translator_for(cohort.coach)
    text = t(
        "checkins.coach.missed",
        member=mention(round_.user.external_id),
        count=missed,
        cohort=quote_user(cohort.name, limit=120),
    )
    return [
        DirectMessageAction(
            key=f"checkin:{round_.occurrence_id}:{round_.user_id}:coach",
            user_id=cohort.coach.external_id,
            message=Message(text=text),
        )
    ]
