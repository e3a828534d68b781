"""Cohort check-ins: cohorts and members, schedules in each member's timezone, answers,
reminders, reports with k-anonymity. Importing the package registers every handler."""

from handlers.checkins import absences, answers, cohorts, jobs, personal, report, schedules
from handlers.checkins.feature import registry

__all__ = [
    "absences",
    "answers",
    "cohorts",
    "jobs",
    "personal",
    "registry",
    "report",
    "schedules",
]
