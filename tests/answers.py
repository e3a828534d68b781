"""What the tests of the Q&A read in an answer: how a confident one begins, its first card."""

from __future__ import annotations

from handlers.types import Message

SURE = "Voici les projets passés qui correspondent le mieux"
SURE_EN = "Here are the past projects that best match"


def first_title(message: Message | None) -> str:
    """The title of the first project's card."""
    assert message is not None and message.sections
    return message.sections[0].title or ""
