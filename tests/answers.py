"""What the tests of the Q&A read in an answer: how a confident one begins, its first card."""

from __future__ import annotations

from handlers.types import Message
from tests.fakes.recording_port import Sent

SURE = "Voici les projets passés qui correspondent le mieux"
SURE_EN = "Here are the past projects that best match"


def first_title(message: Message | None) -> str:
    """The title of the first project's card."""
    assert message is not None and message.sections
    return message.sections[0].title or ""


def assert_sure(reply: Sent, title: str, intro: str = SURE, why: str = "") -> None:
    """A confident answer (its intro in the question's language) whose first card has `title`."""
    assert reply.text.startswith(intro), why
    assert title in first_title(reply.message), why
