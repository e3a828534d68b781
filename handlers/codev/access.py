"""Which group or session a command is about, and who may do what in it.

A command names its group with `--groupe`; otherwise the session thread it was typed in, the
group's channel, or the caller's only group decides. Every refusal is a `UsageError`, so the
router rolls back and answers in the caller's language.
"""

from __future__ import annotations

from handlers.args import UsageError, is_row_id
from handlers.codev.keys import scoped, session_id_of_root
from handlers.codev.method import Role
from handlers.context import Context, JobContext
from handlers.i18n import Translator
from handlers.registry import Arg
from handlers.text import quote_user
from handlers.types import Action, Message
from store import codev
from store import outbox as deliveries
from store.models import CodevGroup, CodevSession, User
from store.models.codev import MEMBER, RUNNING

GROUP_ARG = Arg("groupe", kind="text", option=True, required=False, aliases=("group",))


def group_translator(ctx: Context | JobContext, group: CodevGroup) -> Translator:
    """What is posted to the whole group speaks the coach's language."""
    return ctx.translator_for(group.coach)


def session_from_thread(ctx: Context) -> CodevSession | None:
    thread = ctx.event.thread_id
    if not thread:
        return None
    root = deliveries.by_message(ctx.session, platform=ctx.event.platform, message_id=thread)
    session_id = session_id_of_root(root.key) if root is not None else None
    row = ctx.session.get(CodevSession, session_id) if session_id is not None else None
    if row is None or row.group.workspace_id != ctx.workspace.id:
        return None
    return row


def find_group(ctx: Context, name: str | None) -> CodevGroup:
    if name:
        group = codev.group_by_name(ctx.session, workspace=ctx.workspace, name=name)
        if group is None:
            raise UsageError("codev.group.unknown", name=quote_user(name, limit=60))
        return group
    row = session_from_thread(ctx)
    if row is not None:
        return row.group
    here = codev.group_by_channel(
        ctx.session, workspace=ctx.workspace, channel_id=ctx.event.channel_id
    )
    if here is not None:
        return here
    mine = codev.groups_of(ctx.session, workspace=ctx.workspace, user=ctx.caller)
    if len(mine) == 1:
        return mine[0]
    if not mine:
        raise UsageError("codev.group.none")
    running = [g for g in mine if codev.running_session(ctx.session, group=g) is not None]
    if len(running) == 1:
        return running[0]
    names = ", ".join(ctx.t("codev.quote", text=quote_user(g.name)) for g in mine)
    raise UsageError("codev.group.which", names=names)


def find_running(ctx: Context, name: str | None) -> CodevSession:
    row = session_from_thread(ctx) if not name else None
    if row is not None and row.status == RUNNING:
        require_member(ctx, row.group)
        return row
    group = find_group(ctx, name)
    require_member(ctx, group)
    running = codev.running_session(ctx.session, group=group)
    if running is None:
        raise UsageError("codev.session.none", group=quote_user(group.name))
    return running


def is_member(group: CodevGroup, user: User) -> bool:
    return group.coach_id == user.id or codev.membership(group, user) is not None


def require_member(ctx: Context, group: CodevGroup) -> None:
    """Confidentiality: only the group (coach, co-facilitators, members) sees its content."""
    if not is_member(group, ctx.caller):
        raise UsageError("codev.group.not_member", group=quote_user(group.name))


def require_facilitator(ctx: Context, group: CodevGroup) -> None:
    if ctx.caller.id not in codev.facilitator_ids(group):
        raise UsageError("codev.control.facilitator_only", coach=quote_user(group.coach.label))


def require_coach(ctx: Context, group: CodevGroup) -> None:
    """Changing the group itself: its coach, or an administrator."""
    if group.coach_id != ctx.caller.id and not ctx.has_role("admin"):
        raise UsageError("codev.group.coach_only")


def role_in(group: CodevGroup, row: CodevSession, user: User) -> Role | None:
    if user.id in codev.facilitator_ids(group):
        return "facilitator"
    if user.id == row.client_id:
        return "client"
    member = codev.membership(group, user)
    if member is not None and member.role == MEMBER:
        return "consultant"
    return None


def parse_ids(value: str, count: int) -> list[int]:
    """A button value such as `12:3`; a malformed one is a stale or forged button."""
    parts = value.split(":")
    if len(parts) != count or not all(is_row_id(part) for part in parts):
        raise UsageError("core.error.unknown_action")
    return [int(part) for part in parts]


def scope(ctx: Context, group: CodevGroup, actions: list[Action]) -> list[Action]:
    """Keys the actions under the group's prefix (see `keys.scoped`)."""
    return scoped(group.id, ctx.event.event_id, actions)


def scoped_reply(ctx: Context, group: CodevGroup, message: Message | str) -> list[Action]:
    return scope(ctx, group, [ctx.reply(message)])
