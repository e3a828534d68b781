"""The timer's due jobs: «one minute left» and «time is up — extend?», posted in the thread.

A notice whose clock version is no longer the session's (paused, extended, moved on since it
was planned) says nothing, nor does a «one minute left» that comes after the time is up.
"""

from __future__ import annotations

from typing import Any

from handlers.codev.access import group_translator
from handlers.codev.announce import in_thread
from handlers.codev.feature import registry
from handlers.codev.keys import timer_key
from handlers.codev.posts import notice_message
from handlers.codev.timer import END, TIMER_JOB, WARN, remaining_seconds
from handlers.context import JobContext
from handlers.types import Action
from store.models import CodevSession
from store.models.codev import RUNNING


@registry.job(TIMER_JOB)
def timer_notice(ctx: JobContext, payload: dict[str, Any]) -> list[Action]:
    row = ctx.session.get(CodevSession, int(payload["session"]))
    notice = payload.get("notice")
    if (
        row is None
        or row.status != RUNNING
        or row.paused_at is not None
        or notice not in (WARN, END)
    ):
        return []
    if row.timer_version != int(payload["version"]):
        return []
    if notice == WARN and remaining_seconds(row, ctx.now()) <= 0:
        return []
    group = row.group
    message = notice_message(group_translator(ctx, group), row, notice, group.coach, ctx.now())
    return [in_thread(group, row, message, key=timer_key(row, notice))]
