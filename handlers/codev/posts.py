"""What a running session shows in its channel: the root post, step posts, timer notices.

The root post carries the plan, the client and the contract once stated (it is the session's
pinned summary: every change redraws it); the step posts carry the coach's controls.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.codev.formatting import action_line, clock_time, duration, name, quoted
from handlers.codev.method import CONTRACT, LAST_STEP, OPENING, STEPS
from handlers.codev.timer import ends_at, remaining_seconds
from handlers.i18n import Translator
from handlers.text import mention
from handlers.types import Button, Message, Section
from store.models import CodevGroup, CodevSession, User
from store.models.codev import RUNNING


def step_title(t: Translator, step: int) -> str:
    return t("codev.step.title", number=step, name=t(f"codev.step.{step}.name"))


def root_message(t: Translator, group: CodevGroup, row: CodevSession) -> Message:
    total = sum(row.minutes)
    lines = [
        t("codev.root.title", number=row.number, group=quoted(group.name, 120)),
        t(
            "codev.root.client",
            format=t(f"codev.format.{row.format}"),
            total=total,
            client=mention(row.client.external_id),
        ),
    ]
    if row.subject:
        lines.append(t("codev.root.subject", subject=quoted(row.subject, 300)))
    plan = "\n".join(_plan_line(t, row, step) for step in STEPS)
    sections = [Section(title=t("codev.root.plan"), body=plan)]
    if row.request:
        sections.append(
            Section(title=t("codev.root.contract"), body=t("codev.quote", text=quoted(row.request)))
        )
    if row.status == RUNNING:
        state = t("codev.root.current", step=step_title(t, row.step))
        if row.paused_at is not None:
            state += " " + t("codev.root.paused")
        state += "\n" + t("codev.root.footer")
    else:
        state = t("codev.root.done")
    sections.append(Section(body=state))
    return Message(text="\n".join(lines), sections=tuple(sections))


def _plan_line(t: Translator, row: CodevSession, step: int) -> str:
    if row.status != RUNNING or step < row.step:
        mark = "✓"
    elif step == row.step:
        mark = "▶"
    else:
        mark = "·"
    return t(
        "codev.root.plan_line",
        mark=mark,
        title=step_title(t, step),
        minutes=row.minutes[step],
        who=t(f"codev.step.{step}.who"),
    )


def pause_or_resume(t: Translator, row: CodevSession) -> Button:
    """Only the control that applies: « Pause » while the clock runs, « Reprendre » once paused."""
    value = f"{row.id}:{row.step}"
    if row.paused_at is None:
        return Button(action_id="codev.pause", label=t("codev.button.pause"), value=value)
    return Button(action_id="codev.resume", label=t("codev.button.resume"), value=value)


def controls(t: Translator, row: CodevSession) -> tuple[Button, ...]:
    value = f"{row.id}:{row.step}"
    advance = "codev.button.finish" if row.step == LAST_STEP else "codev.button.next"
    return (
        Button(action_id="codev.next", label=t(advance), value=value, style="primary"),
        Button(action_id="codev.extend.1", label=t("codev.button.extend", minutes=1), value=value),
        Button(action_id="codev.extend.5", label=t("codev.button.extend", minutes=5), value=value),
        pause_or_resume(t, row),
        Button(action_id="codev.end", label=t("codev.button.end"), value=value, style="danger"),
        Button(action_id="codev.ready", label=t("codev.button.ready"), value=value),
    )


def step_message(
    t: Translator,
    row: CodevSession,
    *,
    zone: ZoneInfo,
    now: datetime,
    previous: CodevSession | None = None,
    unsigned: list[User] | None = None,
) -> Message:
    """The announcement of the step the session has just entered."""
    client = mention(row.client.external_id)
    lines = [
        t(
            "codev.step.announce",
            title=step_title(t, row.step),
            minutes=row.minutes[row.step],
            end=clock_time(t, ends_at(row, now), zone),
        ),
        t(f"codev.step.{row.step}.intro", client=client),
    ]
    if row.step == OPENING:
        lines.extend(_opening_lines(t, row, previous, unsigned or []))
    if row.step == CONTRACT and row.request:
        lines.append(t("codev.contract.current", request=quoted(row.request)))
    return Message(text="\n".join(lines), buttons=controls(t, row))


def _opening_lines(
    t: Translator, row: CodevSession, previous: CodevSession | None, unsigned: list[User]
) -> list[str]:
    lines = []
    if previous is not None:
        former = mention(previous.client.external_id)
        if previous.actions:
            lines.append(t("codev.followup.opening", client=former))
            lines.extend(action_line(t, action) for action in previous.actions)
        else:
            lines.append(t("codev.followup.opening_no_plan", client=former))
    if row.subject:
        lines.append(
            t(
                "codev.opening.subject",
                client=mention(row.client.external_id),
                subject=quoted(row.subject, 300),
            )
        )
    if unsigned:
        people = ", ".join(mention(user.external_id) for user in unsigned)
        lines.append(t("codev.opening.charter_pending", people=people))
    return lines


def notice_message(
    t: Translator, row: CodevSession, notice: str, coach: User, now: datetime
) -> Message:
    """The one-minute warning or the end-of-step notice; it asks, it never advances."""
    value = f"{row.id}:{row.step}"
    title = step_title(t, row.step)
    if notice == "warn":
        text = t("codev.notice.warn", title=title)
    else:
        text = t("codev.notice.end", title=title, coach=mention(coach.external_id))
    advance = "codev.button.finish" if row.step == LAST_STEP else "codev.button.next"
    buttons = (
        Button(action_id="codev.extend.1", label=t("codev.button.extend", minutes=1), value=value),
        Button(action_id="codev.extend.5", label=t("codev.button.extend", minutes=5), value=value),
        Button(action_id="codev.next", label=t(advance), value=value, style="primary"),
    )
    return Message(text=text, buttons=buttons)


def status_text(
    t: Translator, row: CodevSession, *, zone: ZoneInfo, now: datetime, ready: int, members: int
) -> str:
    left = remaining_seconds(row, now)
    if row.paused_at is not None:
        clock = t("codev.status.paused", left=duration(t, left))
    elif left >= 0:
        clock = t(
            "codev.status.left", left=duration(t, left), end=clock_time(t, ends_at(row, now), zone)
        )
    else:
        clock = t("codev.status.over", over=duration(t, -left))
    return t(
        "codev.status.line",
        number=row.number,
        title=step_title(t, row.step),
        clock=clock,
        client=name(row.client),
        ready=ready,
        members=members,
    )
