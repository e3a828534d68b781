"""Check-ins' part of `/relais mes-donnees` and `/relais oubliez-moi`, and the retention rule
that deletes answers older than `RELAIS_CHECKIN_RETENTION_MONTHS`."""

from __future__ import annotations

from datetime import timedelta

from handlers.checkins.feature import registry
from handlers.context import JobContext
from store import checkins_personal

DAYS_PER_MONTH = 30.44

registry.personal_data(
    "checkins",
    export=checkins_personal.export,
    erase=checkins_personal.erase,
    stores={
        "cohorts": ("coach_id", "created_by"),
        "cohort_members": ("user_id",),
        "checkin_schedules": ("created_by",),
        "checkin_rounds": ("user_id",),
        "checkin_absences": ("user_id",),
    },
)


@registry.retention_rule
def forget_old_answers(ctx: JobContext) -> int:
    months = ctx.settings.checkins.retention_months
    if months <= 0:
        return 0
    cutoff = ctx.now() - timedelta(days=months * DAYS_PER_MONTH)
    return checkins_personal.forget_answers_before(ctx.session, cutoff=cutoff)
