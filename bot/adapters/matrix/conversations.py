"""What a person may answer by typing: numbered choices on screen and the form being filled in.

Matrix messages have no buttons and no forms, so the port shows buttons as numbered choices and
asks a form field by field in the person's direct room (the console's way, `dialogue`); this
remembers what the next typed number or line answers. It is memory only: after a restart a
number typed for an older message is read as text, and an unfinished form is asked again by
running its command again.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from bot.adapters.dialogue import FieldByField, Pick, chosen
from handlers.types import Form


@dataclass(frozen=True)
class Offer:
    """The choices of one message: the event that showed them, and what each number means."""

    event_id: str
    picks: list[Pick]


@dataclass
class FormInProgress:
    filling: FieldByField
    channel_id: str
    room_id: str


class Conversations:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offers: dict[tuple[str, str | None], Offer] = {}
        self._forms: dict[str, FormInProgress] = {}

    def offer(self, room_id: str, thread: str | None, offer: Offer) -> None:
        """The newest message with choices in a room (or thread) is the one numbers answer."""
        with self._lock:
            self._offers[(room_id, thread)] = offer

    def choice(self, room_id: str, thread: str | None, text: str) -> tuple[Offer, Pick] | None:
        with self._lock:
            offer = self._offers.get((room_id, thread))
        if offer is None:
            return None
        pick = chosen(offer.picks, text)
        return (offer, pick) if pick is not None else None

    def open_form(self, user_id: str, form: Form, *, channel_id: str, room_id: str) -> FieldByField:
        filling = FieldByField(form)
        with self._lock:
            self._forms[user_id] = FormInProgress(filling, channel_id=channel_id, room_id=room_id)
        return filling

    def form_of(self, user_id: str, room_id: str) -> FormInProgress | None:
        with self._lock:
            found = self._forms.get(user_id)
        return found if found is not None and found.room_id == room_id else None

    def close_form(self, user_id: str) -> None:
        with self._lock:
            self._forms.pop(user_id, None)
