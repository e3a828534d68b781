"""After sending: « Lu ✅ » presses, the delivery report read from the outbox, the list."""

from __future__ import annotations

from handlers.args import UsageError, is_row_id
from handlers.broadcasts.compose import numbered, record
from handlers.broadcasts.feature import registry
from handlers.broadcasts.jobs import channel_key, people_prefix
from handlers.checkins.dates import when
from handlers.context import Context
from handlers.registry import Arg, Args
from handlers.text import mention, quote_user
from handlers.types import Action, ButtonPress, Message, Section
from store import broadcasts as store
from store.models import Broadcast, User
from store.models.broadcasts import BROADCAST_SCHEDULED, BROADCAST_SENT, TARGET_CHANNEL
from store.models.delivery import DROPPED, FAILED, PENDING, SENDING, SENT

SHOWN_FAILURES = 20
SHOWN_UNREAD = 40
MAX_REASON = 120


@registry.button("broadcasts.ack")
def acknowledge(ctx: Context, press: ButtonPress) -> list[Action]:
    broadcast = (
        store.get(ctx.session, workspace=ctx.workspace, broadcast_id=int(press.value))
        if is_row_id(press.value)
        else None
    )
    if broadcast is None or not _delivered(broadcast) or not broadcast.acknowledge:
        raise UsageError("core.error.unknown_action")
    if not store.acknowledge(ctx.session, broadcast=broadcast, user=ctx.caller, now=ctx.now()):
        return ctx.say("broadcasts.ack.already")
    return ctx.say("broadcasts.ack.done")


def _delivered(broadcast: Broadcast) -> bool:
    """Sent, or staged: a reader has the button once the outbox handed the message out, which
    at its minute comes a moment before the release job marks it sent."""
    staged = broadcast.status == BROADCAST_SCHEDULED and broadcast.fanned_out_at is not None
    return broadcast.status == BROADCAST_SENT or staged


@registry.command(
    "diffusion rapport",
    aliases=("broadcast report", "diffusion suivi"),
    help="broadcasts.help.rapport",
    role="staff",
    args=(Arg("numero", kind="int"),),
)
def report(ctx: Context, args: Args) -> list[Action]:
    broadcast = numbered(ctx, args["numero"])
    prefix = (
        channel_key(broadcast.id)
        if broadcast.target_kind == TARGET_CHANNEL
        else people_prefix(broadcast.id)
    )
    counts = store.delivery_counts(ctx.session, key_prefix=prefix)
    lines = [
        ctx.t(
            "broadcasts.report.status",
            status=ctx.t(f"broadcasts.status.{broadcast.status}"),
            target=quote_user(broadcast.target_label),
            when=when(ctx.t, broadcast.send_at, ctx.zone),
        ),
        ctx.t(
            "broadcasts.report.counts",
            sent=counts.get(SENT, 0),
            failed=counts.get(FAILED, 0),
            waiting=counts.get(PENDING, 0) + counts.get(SENDING, 0),
            total=broadcast.recipients_count
            if broadcast.recipients_count is not None
            else sum(n for status, n in counts.items() if status != DROPPED),
        ),
    ]
    if broadcast.acknowledge and broadcast.status == BROADCAST_SENT:
        read = store.acknowledged_count(ctx.session, broadcast_id=broadcast.id)
        lines.append(ctx.t("broadcasts.report.read", read=read))
        lines.append(_not_read(ctx, broadcast))
    sections = []
    failures = store.delivery_failures(ctx.session, key_prefix=prefix, limit=SHOWN_FAILURES)
    if failures:
        people = _people(ctx, [row.key for row in failures])
        body = "\n".join(
            ctx.t(
                "broadcasts.report.failure",
                person=people.get(row.key, ctx.t("broadcasts.report.unknown_person")),
                reason=(row.last_error or ctx.t("broadcasts.report.no_reason"))[:MAX_REASON],
            )
            for row in failures
        )
        sections.append(Section(title=ctx.t("broadcasts.report.failures"), body=body))
    record(ctx, "broadcast.report", broadcast)
    return [ctx.reply(Message(text="\n".join(lines), sections=tuple(sections)))]


def _not_read(ctx: Context, broadcast: Broadcast) -> str:
    """Who has not pressed « Lu ✅ » yet, by name, so staff know whom to follow up."""
    missing = store.not_acknowledged(ctx.session, broadcast_id=broadcast.id)
    if not missing:
        return ctx.t("broadcasts.report.all_read")
    names = ", ".join(mention(user.external_id) for user in missing[:SHOWN_UNREAD])
    more = len(missing) - SHOWN_UNREAD
    if more > 0:
        names = ctx.t("broadcasts.report.and_more", names=names, count=more)
    return ctx.t("broadcasts.report.unread", count=len(missing), names=names)


def _people(ctx: Context, keys: list[str]) -> dict[str, str]:
    """Delivery keys `broadcast:{id}:to:{user}` back to mentions."""
    found = {}
    for key in keys:
        user_id = key.rsplit(":", 1)[-1]
        user = ctx.session.get(User, int(user_id)) if is_row_id(user_id) else None
        if user is not None:
            found[key] = mention(user.external_id)
    return found


@registry.command(
    "diffusion liste", aliases=("broadcast list",), help="broadcasts.help.liste", role="staff"
)
def list_broadcasts(ctx: Context, args: Args) -> list[Action]:
    found = store.recent(ctx.session, workspace=ctx.workspace)
    if not found:
        return ctx.say("broadcasts.list.none")
    return [ctx.reply("\n".join([ctx.t("broadcasts.list.title"), *(_line(ctx, b) for b in found)]))]


def _line(ctx: Context, broadcast: Broadcast) -> str:
    return ctx.t(
        "broadcasts.list.line",
        number=broadcast.id,
        status=ctx.t(f"broadcasts.status.{broadcast.status}"),
        target=quote_user(broadcast.target_label),
        when=when(ctx.t, broadcast.send_at, ctx.zone),
    )
