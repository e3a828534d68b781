"""Members own their data: `/relais mes-donnees` exports it, `/relais oubliez-moi` erases it.

Each feature declares its part with `registry.personal_data(...)`; this module gathers them.
Erasure deletes what is personal and anonymises the member's account, so that campaign and
cohort totals stay right.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from handlers.context import Context
from handlers.registry import Args, Registry
from handlers.types import Action, Button, ButtonPress, DirectMessageAction, FileAttachment, Message
from store import audit
from store.models import AuditEntry, ConsoleMessage, RoleGrant, User

registry = Registry()
ERASED = "erased"


@registry.command("mes-donnees", aliases=("my-data",), help="privacy.help.export")
def export_my_data(ctx: Context, args: Args) -> list[Action]:
    data = personal_export(ctx, ctx.caller)
    content = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()
    attachment = FileAttachment(
        filename="mes-donnees-relais.json",
        title=ctx.t("privacy.export.title"),
        content=content,
        mime_type="application/json",
    )
    message = Message(text=ctx.t("privacy.export.sent"), files=(attachment,))
    return [
        DirectMessageAction(user_id=ctx.caller.external_id, message=message),
        ctx.reply(ctx.t("privacy.export.check_dm")),
    ]


@registry.command("oubliez-moi", aliases=("forget-me",), help="privacy.help.erase")
def ask_erasure(ctx: Context, args: Args) -> list[Action]:
    buttons = (
        Button(
            action_id="privacy.erase",
            label=ctx.t("privacy.erase.confirm"),
            value="yes",
            style="danger",
        ),
        Button(action_id="privacy.erase", label=ctx.t("privacy.erase.cancel"), value="no"),
    )
    return [ctx.reply(Message(text=ctx.t("privacy.erase.question"), buttons=buttons))]


@registry.button("privacy.erase")
def confirm_erasure(ctx: Context, press: ButtonPress) -> list[Action]:
    if press.value != "yes":
        return ctx.say("privacy.erase.cancelled")
    if ctx.caller.external_id.startswith(f"{ERASED}:"):
        return ctx.say("privacy.erase.done")
    erase(ctx, ctx.caller)
    return ctx.say("privacy.erase.done")


def personal_export(ctx: Context, user: User) -> dict[str, Any]:
    data: dict[str, Any] = {"profile": _profile(ctx.session, user)}
    for part in ctx.commands.personal_data():
        data[part.name] = part.export(ctx.session, user)
    return data


def erase(ctx: Context, user: User) -> None:
    """Every feature first (they may need the account to find the rows), the account last."""
    for part in ctx.commands.personal_data():
        part.erase(ctx.session, user)
    session = ctx.session
    audit.record(
        session,
        workspace=ctx.workspace,
        actor=None,
        action="privacy.erase",
        target=f"user:{user.id}",
        now=ctx.now(),
    )
    for message in session.scalars(
        select(ConsoleMessage).where(ConsoleMessage.author == user.external_id)
    ):
        message.text, message.body, message.author = "", {"kind": "user"}, ERASED
    for grant in session.scalars(select(RoleGrant).where(RoleGrant.user_id == user.id)):
        session.delete(grant)
    session.execute(
        update(RoleGrant).where(RoleGrant.granted_by == user.id).values(granted_by=None)
    )
    user.external_id = f"{ERASED}:{user.id}"
    user.username = None
    user.display_name = None
    user.locale = None
    user.timezone = None
    user.locale_chosen = user.timezone_chosen = False
    session.flush()


def _profile(session: Session, user: User) -> dict[str, Any]:
    roles = sorted(session.scalars(select(RoleGrant.role).where(RoleGrant.user_id == user.id)))
    actions = session.scalars(
        select(AuditEntry).where(AuditEntry.actor_id == user.id).order_by(AuditEntry.id)
    )
    return {
        "platform_id": user.external_id,
        "username": user.username,
        "display_name": user.display_name,
        "locale": user.locale,
        "timezone": user.timezone,
        "roles": roles,
        "since": user.created_at.isoformat(),
        "actions_logged": [
            {"action": a.action, "target": a.target, "at": a.at.isoformat()} for a in actions
        ],
    }
