"""Every message in a session's thread is kept with its step and author, and the speaking rules
are recalled softly, in private, once per person and step.

In step 3, what the client writes becomes the contract, pinned on the root post. Messages from
people outside the group are not kept. Texts are never logged.
"""

from __future__ import annotations

from handlers.args import UsageError
from handlers.codev.access import (
    GROUP_ARG,
    find_running,
    group_translator,
    role_in,
    scope,
)
from handlers.codev.announce import in_thread, root_update
from handlers.codev.charter import charter_message
from handlers.codev.feature import registry
from handlers.codev.formatting import clean, quoted
from handlers.codev.keys import session_id_of_root, session_prefix
from handlers.codev.method import CONTRACT, reminder_for
from handlers.context import Context
from handlers.registry import Arg, Args
from handlers.types import Action, Ephemeral, Message, ThreadReply
from store import codev, codev_content
from store.models import CodevGroup, CodevSession
from store.models.codev import RUNNING

TEXT_LIMIT = 8000
REQUEST_LIMIT = 1500


@registry.thread("codev:")
def on_thread_reply(ctx: Context, reply: ThreadReply, root_key: str) -> list[Action]:
    session_id = session_id_of_root(root_key)
    row = ctx.session.get(CodevSession, session_id) if session_id is not None else None
    if row is None or row.status != RUNNING or row.group.workspace_id != ctx.workspace.id:
        return []
    text = clean(reply.text)
    group = row.group
    role = role_in(group, row, ctx.caller)
    if role is None:
        return [_private(group, reply, ctx.t("codev.capture.outsider"))]
    if not text:
        return []
    member = codev.membership(group, ctx.caller)
    if role != "facilitator" and member is not None and member.charter_accepted_at is None:
        return scope(ctx, group, [_charter_first(ctx, group, reply)])
    contribution = codev_content.add_contribution(
        ctx.session,
        row=row,
        author=ctx.caller,
        text=text[:TEXT_LIMIT],
        message_id=reply.message_id,
        now=ctx.now(),
    )
    actions: list[Action] = []
    if row.step == CONTRACT and role == "client":
        actions.extend(_pin_contract(ctx, row, text))
    reminder = reminder_for(row.step, role, text) if group.speaking_reminders else None
    if reminder and not codev_content.was_reminded(ctx.session, row=row, author=ctx.caller):
        contribution.reminded = True
        ctx.session.flush()
        actions.append(_private(group, reply, ctx.t(reminder)))
    return scope(ctx, group, actions)


def _private(group: CodevGroup, reply: ThreadReply, text: str) -> Action:
    """Only the author sees it, under the session thread of the group's channel."""
    return Ephemeral(
        channel_id=group.channel_id,
        user_id=reply.user_id,
        thread_id=reply.thread_id,
        message=Message(text=text),
    )


def _charter_first(ctx: Context, group: CodevGroup, reply: ThreadReply) -> Action:
    """The charter, privately, to a participant who writes before accepting it: what they
    wrote is not kept, so nothing said before the promise of confidentiality is on record."""
    message = charter_message(ctx.t, group, intro=ctx.t("codev.capture.charter_first"))
    return Ephemeral(
        channel_id=group.channel_id,
        user_id=reply.user_id,
        thread_id=reply.thread_id,
        message=message,
    )


def _pin_contract(ctx: Context, row: CodevSession, text: str) -> list[Action]:
    """The client's request becomes the contract: pinned on the root post, echoed in the thread."""
    row.request = text[:REQUEST_LIMIT]
    group = row.group
    t = group_translator(ctx, group)
    update = root_update(t, group, row)
    echo = Message(text=t("codev.contract.pinned", request=quoted(row.request)))
    return [
        update,
        in_thread(group, row, echo, key=f"{session_prefix(row)}contract:r{row.revision}"),
    ]


@registry.command(
    "codev contrat",
    aliases=("codev contract",),
    help="codev.help.contract",
    args=(Arg("demande", kind="rest"), GROUP_ARG),
)
def set_contract(ctx: Context, args: Args) -> list[Action]:
    """The inline way to state or reword the contract (client or facilitator, from step 3)."""
    row = find_running(ctx, args["groupe"])
    role = role_in(row.group, row, ctx.caller)
    if role not in ("client", "facilitator"):
        raise UsageError("codev.contract.who")
    if row.step < CONTRACT:
        raise UsageError("codev.contract.not_yet")
    return scope(ctx, row.group, _pin_contract(ctx, row, clean(args["demande"])))
