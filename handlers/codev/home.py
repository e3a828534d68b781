"""The member's co-development groups on their home page: a running session and its step, or
the next session's date."""

from __future__ import annotations

from handlers.codev.feature import registry
from handlers.codev.posts import step_title
from handlers.home import HomeContext
from handlers.text import quote_user
from handlers.types import Section
from store import codev


@registry.home(order=30)
def my_groups(ctx: HomeContext) -> list[Section]:
    lines = []
    for group in codev.groups_of(ctx.session, workspace=ctx.workspace, user=ctx.caller):
        name = quote_user(group.name, limit=80)
        running = codev.running_session(ctx.session, group=group)
        if running is not None:
            step = step_title(ctx.t, running.step)
            lines.append(ctx.t("codev.home.running", group=name, step=step))
        elif group.next_session_at is not None:
            when = group.next_session_at.astimezone(ctx.zone).strftime("%d/%m/%Y %H:%M")
            lines.append(ctx.t("codev.home.next", group=name, when=when))
        else:
            lines.append(ctx.t("codev.home.idle", group=name))
    if not lines:
        return []
    return [Section(title=ctx.t("codev.home.title"), body="\n".join(lines))]
