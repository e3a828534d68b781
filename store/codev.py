"""Queries about co-development groups, their members and sessions. The caller owns the
transaction. What sessions produced is queried in `store.codev_content`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from store.models import (
    CodevGroup,
    CodevMember,
    CodevSession,
    Delivery,
    User,
    Workspace,
)
from store.models.codev import COFACILITATOR, DONE, MEMBER, RUNNING
from store.models.delivery import SENDING

# ---------------------------------------------------------------- groups and members


def create_group(
    session: Session,
    *,
    workspace: Workspace,
    name: str,
    channel_id: str,
    channel_private: bool | None,
    coach: User,
    members: Sequence[User],
    now: datetime,
) -> CodevGroup:
    group = CodevGroup(
        workspace_id=workspace.id,
        name=name,
        name_key=name.casefold(),
        channel_id=channel_id,
        channel_private=channel_private,
        coach_id=coach.id,
        speaking_reminders=True,
        durations={},
        created_at=now,
    )
    session.add(group)
    session.flush()
    for user in members:
        add_member(session, group=group, user=user, now=now)
    return group


def add_member(
    session: Session, *, group: CodevGroup, user: User, now: datetime, role: str = MEMBER
) -> CodevMember:
    member = CodevMember(group_id=group.id, user_id=user.id, role=role, joined_at=now)
    session.add(member)
    session.flush()
    session.refresh(group, ["members"])
    return member


def remove_member(session: Session, *, member: CodevMember) -> None:
    group = member.group
    session.delete(member)
    session.flush()
    session.refresh(group, ["members"])


def group_by_name(session: Session, *, workspace: Workspace, name: str) -> CodevGroup | None:
    return session.scalar(
        select(CodevGroup).where(
            CodevGroup.workspace_id == workspace.id, CodevGroup.name_key == name.casefold()
        )
    )


def group_by_channel(
    session: Session, *, workspace: Workspace, channel_id: str
) -> CodevGroup | None:
    return session.scalar(
        select(CodevGroup).where(
            CodevGroup.workspace_id == workspace.id, CodevGroup.channel_id == channel_id
        )
    )


def groups_of(session: Session, *, workspace: Workspace, user: User) -> list[CodevGroup]:
    """Groups the user coaches, co-facilitates or belongs to."""
    member_of = select(CodevMember.group_id).where(CodevMember.user_id == user.id)
    return list(
        session.scalars(
            select(CodevGroup)
            .where(
                CodevGroup.workspace_id == workspace.id,
                (CodevGroup.coach_id == user.id) | CodevGroup.id.in_(member_of),
            )
            .order_by(CodevGroup.id)
        )
    )


def membership(group: CodevGroup, user: User) -> CodevMember | None:
    return next((m for m in group.members if m.user_id == user.id), None)


def participants(group: CodevGroup) -> list[CodevMember]:
    """The peers (not the co-facilitators), in the order they joined."""
    return [m for m in group.members if m.role == MEMBER]


def facilitator_ids(group: CodevGroup) -> set[int]:
    return {group.coach_id} | {m.user_id for m in group.members if m.role == COFACILITATOR}


def delete_group(session: Session, *, group: CodevGroup, delivery_prefix: str) -> None:
    """Deletes the group and, through the cascades, all it produced; the outbox copies of what
    was sent to the group (keys under `delivery_prefix`) go too, except those in flight."""
    session.execute(
        delete(Delivery).where(Delivery.key.startswith(delivery_prefix), Delivery.status != SENDING)
    )
    session.delete(group)
    session.flush()


# ---------------------------------------------------------------- sessions


def running_session(session: Session, *, group: CodevGroup) -> CodevSession | None:
    return session.scalar(
        select(CodevSession).where(
            CodevSession.group_id == group.id, CodevSession.status == RUNNING
        )
    )


def last_done_session(session: Session, *, group: CodevGroup) -> CodevSession | None:
    return session.scalars(
        select(CodevSession)
        .where(CodevSession.group_id == group.id, CodevSession.status == DONE)
        .order_by(CodevSession.id.desc())
        .limit(1)
    ).first()


def start_session(
    session: Session,
    *,
    group: CodevGroup,
    client: User,
    started_by: User,
    format: str,
    minutes: list[int],
    subject: str | None,
    now: datetime,
) -> CodevSession:
    number = session.scalar(
        select(func.coalesce(func.max(CodevSession.number), 0)).where(
            CodevSession.group_id == group.id
        )
    )
    row = CodevSession(
        group_id=group.id,
        number=int(number or 0) + 1,
        format=format,
        client_id=client.id,
        started_by=started_by.id,
        subject=subject,
        status=RUNNING,
        minutes=minutes,
        step=0,
        step_started_at=now,
        paused_seconds=0,
        extra_seconds=0,
        timer_version=0,
        revision=0,
        started_at=now,
    )
    session.add(row)
    session.flush()
    return row


def times_client(session: Session, *, group: CodevGroup) -> dict[int, int]:
    """How many sessions each user has been the client of in this group."""
    rows = session.execute(
        select(CodevSession.client_id, func.count())
        .where(CodevSession.group_id == group.id)
        .group_by(CodevSession.client_id)
    )
    return {int(user_id): int(count) for user_id, count in rows}
