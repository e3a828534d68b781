"""`/relais diffusion annuler`: staff call off a scheduled broadcast until its moment comes.

It may already be staged (fanned out `LEAD` ahead, its messages queued with `not_before`): then
its queued messages are withdrawn (`dropped`, never sent) in the same transaction. The gate is
its pending job, fan-out or release: claiming that job and cancelling it lock the same row, so
a cancel and the moment it falls due cannot both win. A message already handed to the platform
(the release job runs a moment after the outbox) makes it too late, and nothing changes.
"""

from __future__ import annotations

from handlers.args import UsageError
from handlers.broadcasts import jobs
from handlers.broadcasts.compose import numbered, record
from handlers.broadcasts.feature import registry
from handlers.context import Context
from handlers.registry import Arg, Args
from handlers.types import Action
from store import broadcasts as store
from store import due
from store.models.broadcasts import BROADCAST_CANCELLED, BROADCAST_SCHEDULED

WITHDRAWN = "never sent: the broadcast was cancelled"


@registry.command(
    "diffusion annuler",
    aliases=("broadcast cancel",),
    help="broadcasts.help.annuler",
    role="staff",
    args=(Arg("numero", kind="int"),),
)
def cancel(ctx: Context, args: Args) -> list[Action]:
    broadcast = numbered(ctx, args["numero"])
    too_late = UsageError("broadcasts.cancel.too_late", number=broadcast.id)
    if broadcast.status != BROADCAST_SCHEDULED:
        raise too_late
    if not (
        due.cancel(ctx.session, key=jobs.fanout_key(broadcast.id))
        or due.cancel(ctx.session, key=jobs.release_key(broadcast.id))
    ):
        raise too_late
    due.cancel_prefix(ctx.session, prefix=jobs.batch_prefix(broadcast.id))
    if not store.withdraw(ctx.session, broadcast=broadcast, reason=WITHDRAWN):
        raise too_late
    broadcast.status, broadcast.cancelled_at = BROADCAST_CANCELLED, ctx.now()
    record(ctx, "broadcast.cancel", broadcast)
    return ctx.say("broadcasts.cancelled", number=broadcast.id)
