"""The console's chat history: lines and their buttons. The caller owns the transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import ConsoleButton, ConsoleMessage


def add_message(
    session: Session,
    *,
    channel: str,
    thread_id: int | None,
    author: str,
    audience: str | None,
    text: str,
    body: dict[str, object],
    now: datetime,
    delivery_key: str | None = None,
) -> ConsoleMessage:
    message = ConsoleMessage(
        channel=channel,
        thread_id=thread_id,
        author=author,
        audience=audience,
        delivery_key=delivery_key,
        text=text,
        body=body,
        created_at=now,
    )
    session.add(message)
    session.flush()
    return message


def replace_buttons(
    session: Session, message: ConsoleMessage, found: list[tuple[str, str, str]]
) -> list[ConsoleButton]:
    """The message's buttons become `found` (action id, value, label), in order. A button that
    does the same thing as before (same action and value) keeps its number, so `b12` printed
    before an edit still presses it; only new buttons get new numbers."""
    earlier = {
        (row.action_id, row.value): row
        for row in session.scalars(
            select(ConsoleButton)
            .where(ConsoleButton.message_id == message.id)
            .order_by(ConsoleButton.id)
        )
    }
    buttons = []
    for action_id, value, label in found:
        row = earlier.pop((action_id, value), None)
        if row is None:
            row = ConsoleButton(
                message_id=message.id, action_id=action_id, value=value, label=label
            )
            session.add(row)
        row.label = label
        buttons.append(row)
    for gone in earlier.values():
        session.delete(gone)
    session.flush()
    return buttons


def message(session: Session, number: int) -> ConsoleMessage | None:
    return session.get(ConsoleMessage, number)


def button(session: Session, number: int) -> ConsoleButton | None:
    return session.get(ConsoleButton, number)


def by_delivery_key(session: Session, key: str) -> ConsoleMessage | None:
    return session.scalar(select(ConsoleMessage).where(ConsoleMessage.delivery_key == key))
