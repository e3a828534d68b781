"""The end of a session: the client's summary, everyone's learnings and a 1–5 rating.

Everything goes by direct message to the group's own people; nothing leaves the group.
"""

from __future__ import annotations

from handlers.args import UsageError
from handlers.codev import summary, timer
from handlers.codev.access import (
    GROUP_ARG,
    find_group,
    group_translator,
    parse_ids,
    require_member,
    role_in,
    scope,
    scoped_reply,
)
from handlers.codev.announce import in_thread, root_update
from handlers.codev.feature import registry
from handlers.codev.followup import schedule_action_reminders
from handlers.codev.formatting import name, quoted
from handlers.codev.keys import session_prefix
from handlers.codev.method import LEARNINGS
from handlers.context import Context
from handlers.i18n import Translator
from handlers.registry import Arg, Args
from handlers.types import Action, Button, ButtonPress, DirectMessageAction, Message, Section
from store import codev, codev_content
from store.models import CodevContribution, CodevSession
from store.models.codev import DONE


def finish(ctx: Context, row: CodevSession) -> list[Action]:
    group = row.group
    now = ctx.now()
    row.status = DONE
    row.ended_at = now
    timer.reschedule(ctx.session, row, workspace=ctx.workspace, now=now)
    schedule_action_reminders(ctx.session, row, workspace=ctx.workspace, now=now)
    t = group_translator(ctx, group)
    prefix = session_prefix(row)
    actions: list[Action] = [
        root_update(t, group, row),
        in_thread(group, row, Message(text=t("codev.closing.thread")), key=prefix + "end"),
        _summary(ctx, row),
    ]
    learnings = codev_content.contributions(ctx.session, row=row, step=LEARNINGS)
    raters = {m.user_id for m in codev.participants(group)}
    people = [group.coach, *(m.user for m in group.members)]
    for person in people:
        message = learnings_message(
            ctx.translator_for(person), row, learnings, can_rate=person.id in raters
        )
        actions.append(
            DirectMessageAction(
                user_id=person.external_id, message=message, key=f"{prefix}learnings:u{person.id}"
            )
        )
    next_hint = "codev.closing.next_set" if group.next_session_at else "codev.closing.next_unset"
    actions.append(ctx.reply(ctx.t("codev.closing.coach") + "\n" + ctx.t(next_hint)))
    return scope(ctx, group, actions)


def _summary(ctx: Context, row: CodevSession) -> Action:
    """The client's record of the session, by direct message."""
    client = row.client
    t = ctx.translator_for(client)
    return DirectMessageAction(
        user_id=client.external_id,
        message=Message(
            text=summary.title(t, row, client),
            sections=tuple(summary.sections(ctx.session, t, row)),
        ),
        key=f"{session_prefix(row)}summary",
    )


def learnings_message(
    t: Translator, row: CodevSession, learnings: list[CodevContribution], *, can_rate: bool
) -> Message:
    lines = [t("codev.learnings.line", name=name(c.author), text=quoted(c.text)) for c in learnings]
    body = "\n".join(lines) or t("codev.learnings.none")
    text = t("codev.learnings.title", number=row.number, group=quoted(row.group.name, 120))
    buttons: tuple[Button, ...] = ()
    if can_rate:
        body += "\n\n" + t("codev.rating.ask")
        buttons = tuple(
            Button(action_id="codev.rate", label=str(score), value=f"{row.id}:{score}")
            for score in range(1, 6)
        )
    return Message(text=text, sections=(Section(body=body),), buttons=buttons)


@registry.button("codev.rate")
def rate_button(ctx: Context, press: ButtonPress) -> list[Action]:
    session_id, score = parse_ids(press.value, 2)
    row = ctx.session.get(CodevSession, session_id)
    if row is None:
        raise UsageError("codev.group.gone")
    return _rate(ctx, row, score)


@registry.command(
    "codev noter",
    aliases=("codev rate",),
    help="codev.help.rate",
    args=(Arg("note", kind="int"), GROUP_ARG),
)
def rate_command(ctx: Context, args: Args) -> list[Action]:
    group = find_group(ctx, args["groupe"])
    require_member(ctx, group)
    row = codev.last_done_session(ctx.session, group=group)
    if row is None:
        raise UsageError("codev.rating.nothing")
    return _rate(ctx, row, args["note"])


def _rate(ctx: Context, row: CodevSession, score: int) -> list[Action]:
    if row.status != DONE:
        raise UsageError("codev.rating.not_over")
    if role_in(row.group, row, ctx.caller) not in ("client", "consultant"):
        raise UsageError("codev.rating.members_only")
    if not 1 <= score <= 5:
        raise UsageError("codev.rating.range", score=score)
    codev_content.rate(ctx.session, row=row, user=ctx.caller, score=score, now=ctx.now())
    return scoped_reply(ctx, row.group, ctx.t("codev.rating.thanks", score=score))
