"""`/relais codev lancer`: the coach starts a session; the bot proposes the client.

Without `--client`, the bot proposes the next member of the rotation (see `rotation`) and the
coach confirms or picks another; with it, the session starts at once. One session at a time per
group, and only with a client who accepted the charter. Starting consumes the planned date of
the next session (and its pending reminder).
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from handlers.args import UsageError, is_row_id
from handlers.codev import timer
from handlers.codev.access import (
    GROUP_ARG,
    find_group,
    group_translator,
    require_facilitator,
    scope,
)
from handlers.codev.announce import root_post, step_post
from handlers.codev.feature import registry
from handlers.codev.formatting import clean, name, quoted
from handlers.codev.groups import privacy_warning
from handlers.codev.keys import next_session_prefix
from handlers.codev.method import FORMAT_ALIASES, minutes_for
from handlers.codev.rotation import not_yet_client, propose
from handlers.context import Context
from handlers.registry import Arg, Args
from handlers.text import mention, quote_user
from handlers.types import Action, Button, ButtonPress, Choice, Message, Option
from store import codev, due
from store.models import CodevGroup, User
from store.models.codev import MEMBER

SUBJECT_LIMIT = 300


@registry.command(
    "codev lancer",
    aliases=("codev start",),
    help="codev.help.start",
    args=(
        Arg("client", kind="user", option=True, required=False),
        Arg(
            "format",
            kind="choice",
            choices=tuple(FORMAT_ALIASES),
            option=True,
            required=False,
            default="court",
        ),
        Arg("sujet", kind="text", option=True, required=False, aliases=("subject",)),
        GROUP_ARG,
    ),
)
def start(ctx: Context, args: Args) -> list[Action]:
    group = find_group(ctx, args["groupe"])
    require_facilitator(ctx, group)
    _ensure_none_running(ctx, group)
    fmt = FORMAT_ALIASES[args["format"]]
    subject = quote_user(clean(args["sujet"]), limit=SUBJECT_LIMIT) if args["sujet"] else ""
    if args["client"] is not None:
        return launch(ctx, group, args["client"], fmt, subject)
    proposal = propose(ctx.session, group)
    if proposal is None:
        waiting = ", ".join(mention(m.user.external_id) for m in not_yet_client(ctx.session, group))
        raise UsageError("codev.launch.nobody", people=waiting)
    return scope(ctx, group, [ctx.reply(_proposal(ctx, group, proposal.user, fmt, subject))])


def _proposal(ctx: Context, group: CodevGroup, client: User, fmt: str, subject: str) -> Message:
    def value(user: User) -> str:
        return f"{group.id}|{user.id}|{fmt}|{subject}"

    others = [
        Option(value=value(m.user), label=name(m.user))
        for m in codev.participants(group)
        if m.user_id != client.id and m.charter_accepted_at is not None
    ]
    confirm = Button(
        action_id="codev.launch.confirm",
        label=ctx.t("codev.launch.confirm", client=name(client)),
        value=value(client),
        style="primary",
    )
    choices = (
        (
            Choice(
                action_id="codev.launch.pick",
                placeholder=ctx.t("codev.launch.pick"),
                options=tuple(others),
            ),
        )
        if others
        else ()
    )
    text = ctx.t(
        "codev.launch.proposal",
        client=mention(client.external_id),
        format=ctx.t(f"codev.format.{fmt}"),
    )
    return Message(text=text, buttons=(confirm,), choices=choices)


@registry.button("codev.launch.confirm")
@registry.button("codev.launch.pick")
def confirm(ctx: Context, press: ButtonPress) -> list[Action]:
    group_id, user_id, fmt, subject = _split(press.value)
    group = ctx.session.get(CodevGroup, group_id)
    client = ctx.session.get(User, user_id)
    if group is None or client is None:
        raise UsageError("codev.group.gone")
    require_facilitator(ctx, group)
    _ensure_none_running(ctx, group)
    return launch(ctx, group, client, fmt, subject)


def _split(value: str) -> tuple[int, int, str, str]:
    parts = value.split("|", 3)
    if len(parts) != 4 or not is_row_id(parts[0]) or not is_row_id(parts[1]):
        raise UsageError("core.error.unknown_action")
    if parts[2] not in FORMAT_ALIASES:
        raise UsageError("core.error.unknown_action")
    return int(parts[0]), int(parts[1]), FORMAT_ALIASES[parts[2]], parts[3]


def _ensure_none_running(ctx: Context, group: CodevGroup) -> None:
    running = codev.running_session(ctx.session, group=group)
    if running is not None:
        raise UsageError("codev.launch.already_running", number=running.number, step=running.step)


def launch(ctx: Context, group: CodevGroup, client: User, fmt: str, subject: str) -> list[Action]:
    member = codev.membership(group, client)
    who = mention(client.external_id)
    if member is None or member.role != MEMBER:
        raise UsageError("codev.launch.not_member", user=who, group=quoted(group.name, 120))
    if member.charter_accepted_at is None:
        raise UsageError("codev.launch.no_charter", user=who)
    if ctx.event.channel_id == group.channel_id and ctx.event.channel_is_private is not None:
        group.channel_private = ctx.event.channel_is_private
    now = ctx.now()
    previous = codev.last_done_session(ctx.session, group=group)
    try:
        with ctx.session.begin_nested():
            row = codev.start_session(
                ctx.session,
                group=group,
                client=client,
                started_by=ctx.caller,
                format=fmt,
                minutes=minutes_for(fmt, group.durations),
                subject=subject or None,
                now=now,
            )
    except IntegrityError as error:
        raise UsageError("codev.launch.just_started") from error
    timer.reschedule(ctx.session, row, workspace=ctx.workspace, now=now)
    group.next_session_at = None
    due.cancel_prefix(ctx.session, prefix=next_session_prefix(group.id))
    t = group_translator(ctx, group)
    unsigned = [m.user for m in codev.participants(group) if m.charter_accepted_at is None]
    lines = [ctx.t("codev.launch.started", number=row.number, client=who)]
    if group.channel_private is False:
        lines.append(privacy_warning(ctx, False))
    return scope(
        ctx,
        group,
        [
            root_post(t, group, row),
            step_post(t, group, row, now=now, previous=previous, unsigned=unsigned),
            ctx.reply("\n".join(lines)),
        ],
    )
