"""Planning occurrences: one wall-clock slot, one round per member in their own timezone.

Everything is a keyed row, so planning twice changes nothing:
- the occurrence of a slot is unique per schedule;
- each member's round is unique per occurrence, with a due job `checkin:{occ}:{user}:send`
  that runs `LEAD` before the member's local time and stages the message in the outbox;
- the next slot is planned by the job `checkin:plan:{schedule}:{slot}`, due 14 hours (the
  widest timezone lead) before this slot, so the next occurrence always exists before anyone
  anywhere is due, and members can answer it early.

A round whose answer window has already closed when it is planned (the bot was down) is
recorded as expired: it shows in the report as not sent, it is never sent late.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from handlers.checkins import phrases
from handlers.checkins.days_off import holiday
from handlers.checkins.questions import template_questions
from handlers.clock import zone
from store import checkin_rounds, due
from store import checkins as store
from store.models import CheckinOccurrence, CheckinRound, CheckinSchedule, Cohort, User, Workspace
from store.models.checkins import ROUND_EXPIRED, ROUND_PLANNED

LEAD = timedelta(minutes=10)
WIDEST_LEAD = timedelta(hours=14)
_LOOKAHEAD = 400


def member_due(slot: datetime, timezone: str | None) -> datetime:
    """The UTC instant at which a member living in `timezone` reaches the wall-clock slot."""
    return slot.replace(tzinfo=zone(timezone)).astimezone(UTC)


def slot_key(slot: datetime) -> str:
    return slot.isoformat(timespec="minutes")


def send_key(occurrence_id: int, user_id: int) -> str:
    return f"checkin:{occurrence_id}:{user_id}:send"


@dataclass(frozen=True)
class Slot:
    at: datetime
    holiday: str | None


def slots(
    schedule: CheckinSchedule, cohort: Cohort, *, after: datetime, locale: str
) -> Iterator[Slot]:
    """Slots after `after` (naive wall-clock), each with the holiday that cancels it, if any."""
    for index, at in enumerate(phrases.slots_after(schedule.rule, after)):
        if index >= _LOOKAHEAD:
            return
        yield Slot(at, holiday(at.date(), calendar=cohort.calendar, locale=locale))


def next_working_slot(
    schedule: CheckinSchedule, cohort: Cohort, *, after: datetime
) -> datetime | None:
    return next(
        (s.at for s in slots(schedule, cohort, after=after, locale="fr") if not s.holiday), None
    )


def start(
    session: Session,
    *,
    schedule: CheckinSchedule,
    cohort: Cohort,
    workspace: Workspace,
    now: datetime,
    local_now: datetime,
) -> CheckinOccurrence | None:
    """Plans the first occurrence: the next slot after `local_now`, the wall-clock time of
    whoever scheduled it (members whose local time has already passed get it late)."""
    return plan_after(
        session, schedule=schedule, cohort=cohort, workspace=workspace, after=local_now, now=now
    )


def plan_after(
    session: Session,
    *,
    schedule: CheckinSchedule,
    cohort: Cohort,
    workspace: Workspace,
    after: datetime,
    now: datetime,
) -> CheckinOccurrence | None:
    slot = next_working_slot(schedule, cohort, after=after)
    if slot is None:
        return None
    return plan(session, schedule=schedule, cohort=cohort, workspace=workspace, slot=slot, now=now)


def plan(
    session: Session,
    *,
    schedule: CheckinSchedule,
    cohort: Cohort,
    workspace: Workspace,
    slot: datetime,
    now: datetime,
) -> CheckinOccurrence:
    key = slot_key(slot)
    occurrence = checkin_rounds.occurrence(session, schedule=schedule, slot=key)
    if occurrence is None:
        occurrence = CheckinOccurrence(
            schedule_id=schedule.id,
            cohort_id=cohort.id,
            slot=key,
            questions=template_questions(schedule.template, list(schedule.custom_questions)),
            created_at=now,
        )
        session.add(occurrence)
        session.flush()
    for user in store.members(session, cohort=cohort):
        ensure_round(
            session,
            occurrence=occurrence,
            schedule=schedule,
            user=user,
            workspace=workspace,
            now=now,
        )
    due.schedule(
        session,
        key=f"checkin:plan:{schedule.id}:{key}",
        kind="checkins.plan",
        workspace=workspace,
        due_at=slot.replace(tzinfo=UTC) - WIDEST_LEAD - LEAD,
        now=now,
        payload={"schedule": schedule.id, "after": key},
    )
    return occurrence


def ensure_round(
    session: Session,
    *,
    occurrence: CheckinOccurrence,
    schedule: CheckinSchedule,
    user: User,
    workspace: Workspace,
    now: datetime,
) -> CheckinRound:
    found = checkin_rounds.round_of(session, occurrence_id=occurrence.id, user_id=user.id)
    if found is not None:
        return found
    due_at = member_due(occurrence.local_start, user.timezone)
    closes_at = due_at + timedelta(hours=schedule.window_hours)
    round_ = CheckinRound(
        occurrence_id=occurrence.id,
        user_id=user.id,
        due_at=due_at,
        closes_at=closes_at,
        status=ROUND_EXPIRED if closes_at <= now else ROUND_PLANNED,
    )
    session.add(round_)
    session.flush()
    if round_.status == ROUND_PLANNED:
        schedule_send(session, round_=round_, workspace=workspace, now=now)
    return round_


def schedule_send(
    session: Session, *, round_: CheckinRound, workspace: Workspace, now: datetime, suffix: str = ""
) -> None:
    due.schedule(
        session,
        key=send_key(round_.occurrence_id, round_.user_id) + suffix,
        kind="checkins.send",
        workspace=workspace,
        due_at=round_.due_at - LEAD,
        now=now,
        payload={"round": round_.id},
    )


def join(
    session: Session, *, cohort: Cohort, user: User, workspace: Workspace, now: datetime
) -> None:
    """A new member gets the occurrences already planned that they can still answer."""
    schedule = store.active_schedule(session, cohort=cohort)
    if schedule is None:
        return
    for occurrence in checkin_rounds.occurrences_of(session, cohort=cohort):
        if occurrence.schedule_id != schedule.id:
            continue
        if (
            member_due(occurrence.local_start, user.timezone)
            + timedelta(hours=schedule.window_hours)
            > now
        ):
            ensure_round(
                session,
                occurrence=occurrence,
                schedule=schedule,
                user=user,
                workspace=workspace,
                now=now,
            )


def leave(session: Session, *, cohort: Cohort, user_id: int | None = None) -> None:
    """Planned rounds of a leaving member (or of everyone) are cancelled with their jobs."""
    rounds = checkin_rounds.planned_rounds(session, cohort_id=cohort.id, user_id=user_id)
    for round_ in rounds:
        due.cancel(session, key=send_key(round_.occurrence_id, round_.user_id))
    checkin_rounds.cancel_planned(session, round_ids=[r.id for r in rounds])


def stop(session: Session, *, schedule: CheckinSchedule, cohort: Cohort, now: datetime) -> None:
    schedule.stopped_at = now
    due.cancel_prefix(session, prefix=f"checkin:plan:{schedule.id}:")
    leave(session, cohort=cohort)
