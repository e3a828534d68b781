"""Putting a check-in message in the outbox ahead of time, to leave at the member's due time.

The send job runs a little before each member's local time (`planning.LEAD`) and records the
message with `not_before` = the due time, so the outbox worker, which sleeps until its next due
row, delivers at the minute even when thousands of members share it. The row is keyed like any
other delivery, so a re-run job records nothing new.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from handlers.types import DirectMessageAction
from store import outbox
from store.models import Workspace


def stage(
    session: Session,
    *,
    action: DirectMessageAction,
    workspace: Workspace,
    origin: str,
    not_before: datetime,
    now: datetime,
) -> None:
    assert action.key is not None, "a staged message needs its idempotency key"
    outbox.record(
        session,
        key=action.key,
        platform=workspace.platform,
        workspace_external_id=workspace.external_id,
        kind=action.kind,
        channel_id=f"@{action.user_id}",
        payload=action.model_dump(mode="json"),
        origin=origin,
        now=now,
        not_before=not_before,
    )
