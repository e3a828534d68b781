"""Members own their data: `/relais mes-donnees` exports it, `/relais oubliez-moi` erases it.

Each feature declares its part with `registry.personal_data(...)`, naming the tables and user
columns it answers for; this module gathers them and declares the account's own. Erasure
deletes what is personal and anonymises the member's account, so that campaign and cohort
totals stay right; the bot's own posts produced by the member's events (which may quote them)
are replaced on the platform by a short notice, their copies in the store emptied, and those
still queued in the outbox (to the member, or produced by their events) dropped unsent.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from handlers.context import Context, PersonalPart
from handlers.registry import Args, PersonalData, Registries, Registry
from handlers.types import (
    Action,
    Button,
    ButtonPress,
    DirectMessageAction,
    FileAttachment,
    Message,
    UpdatePost,
)
from store import audit
from store import outbox as deliveries
from store.models import (
    AuditEntry,
    ConsoleMessage,
    Delivery,
    InboxEvent,
    RoleGrant,
    User,
)
from store.models.delivery import PENDING, SENDING, SENT

registry = Registry()
ERASED = "erased"
REDACTABLE = ("post", "direct_message", "update_post")


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
    redactions = erase(ctx, ctx.caller)
    return [*redactions, *ctx.say("privacy.erase.done")]


def personal_export(ctx: Context, user: User) -> dict[str, Any]:
    return {part.name: part.export(ctx.session, user) for part in [ACCOUNT, *_features(ctx)]}


def erase(ctx: Context, user: User) -> list[Action]:
    """Every feature first (they may need the account to find the rows), the account last;
    returns the updates that replace the bot's posts the member's events produced."""
    audit.record(
        ctx.session,
        workspace=ctx.workspace,
        actor=None,
        action="privacy.erase",
        target=f"user:{user.id}",
        now=ctx.now(),
    )
    redactions = _redact_posts(ctx, user)
    for part in [*_features(ctx), ACCOUNT]:
        part.erase(ctx.session, user)
    return redactions


def declared_stores(commands: Registries) -> dict[str, set[str]]:
    """Every table and user column some part of the export and erasure answers for."""
    declared: dict[str, set[str]] = {}
    for part in [ACCOUNT, *commands.personal_data()]:
        for table, columns in part.stores.items():
            declared.setdefault(table, set()).update(columns)
    return declared


def _features(ctx: Context) -> list[PersonalPart]:
    return list(ctx.commands.personal_data())


def _redact_posts(ctx: Context, user: User) -> list[Action]:
    """The bot's posts produced by the member's events and its direct messages to them (both
    may quote them), replaced on the platform by a notice; their copies in the store (outbox
    payloads, console transcript) emptied. Those still waiting in the outbox are dropped: they
    would carry the member's words out after the erasure. One being sent at this very moment
    (`sending`) is left to its worker: it is out, or nearly, and stays as sent."""
    session = ctx.session
    notice = Message(text=ctx.t("privacy.erase.redacted"))
    sent_to_them = (Delivery.kind == "direct_message") & (
        Delivery.channel_id == f"@{user.external_id}"
    )
    rows = list(
        session.scalars(
            select(Delivery)
            .where(
                Delivery.platform == user.workspace.platform,
                (Delivery.quotes_user_id == user.id) | sent_to_them,
            )
            .order_by(Delivery.id)
        )
    )
    actions: list[Action] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        channel, message_id = row.message_channel_id or row.channel_id, row.message_id
        if row.status == PENDING:
            deliveries.mark_dropped(row, reason="never sent: the member asked to be forgotten")
        elif row.status != SENDING:
            row.payload = {}
        if row.status != SENT or row.kind not in REDACTABLE or not channel or not message_id:
            continue
        if (channel, message_id) not in seen:
            seen.add((channel, message_id))
            actions.append(
                UpdatePost(
                    key=f"privacy.redact:{row.id}",
                    channel_id=channel,
                    message_id=message_id,
                    message=notice,
                    erase=True,
                )
            )
    keys = [row.key for row in rows]
    for message in session.scalars(
        select(ConsoleMessage).where(ConsoleMessage.delivery_key.in_(keys))
    ):
        message.text, message.body = notice.text, {"message": notice.model_dump(mode="json")}
    return actions


def _export_account(session: Session, user: User) -> dict[str, Any]:
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


def _erase_account(session: Session, user: User) -> None:
    """The account stays (other rows point to it, counts stay right) with nothing personal:
    its id, its workspace, `erased:<id>` and the workspace's creation date instead of the day
    the member first spoke to the bot. Rows that must keep a person (a co-development group's
    coach, a session's client, ratings, supports, cohort rounds) point to this empty account;
    optional ones (a cohort's coach, who created a cohort or a campaign) are emptied by their
    feature."""
    for message in session.scalars(
        select(ConsoleMessage).where(ConsoleMessage.author == user.external_id)
    ):
        message.text, message.body, message.author = "", {"kind": "user"}, ERASED
    session.execute(
        update(ConsoleMessage)
        .where(ConsoleMessage.audience == user.external_id)
        .values(audience=ERASED)
    )
    for event in session.scalars(
        select(InboxEvent).where(
            InboxEvent.platform == user.workspace.platform,
            InboxEvent.user_external_id == user.external_id,
        )
    ):
        event.event, event.reply, event.user_external_id = {}, None, None
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
    user.created_at = user.workspace.created_at
    session.flush()


ACCOUNT = PersonalData(
    "profile",
    _export_account,
    _erase_account,
    {
        "users": ("id", "external_id", "username", "display_name"),
        "role_grants": ("user_id", "granted_by"),
        "audit_log": ("actor_id",),
        "console_messages": ("author", "audience"),
        "deliveries": ("quotes_user_id",),
        "inbox_events": ("user_external_id",),
    },
)
