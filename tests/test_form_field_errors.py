"""A form submission's error goes on its field where the platform can show it there (Slack
modals, Mattermost dialogs), and nothing is recorded; elsewhere, or for a field the form did not
have, it is an ordinary private reply (issue 14, points 2 and 7)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from handlers.args import FieldErrors
from handlers.context import Capabilities
from handlers.types import FormSubmission
from store.models import Idea
from tests.chat import Chat, texts

FIELDS = {"titre": "  ", "probleme": "P", "proposition": "Q", "gain": "G", "perimetre": "S"}


def submission(chat: Chat, values: dict[str, str], event_id: str) -> FormSubmission:
    return FormSubmission(
        platform="test",
        workspace_id=chat.workspace,
        channel_id=chat.channel,
        user_id="bea",
        user_name="bea",
        event_id=event_id,
        form_id="cmd:idee",
        values=values,
    )


def ideas(chat: Chat) -> int:
    with chat.app.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Idea)) or 0)


def test_the_error_is_on_the_field_and_the_corrected_form_passes(chat: Chat) -> None:
    modal = Capabilities(forms=False, field_errors=True)
    with pytest.raises(FieldErrors) as caught:
        chat.app.runtime.handle(submission(chat, FIELDS, "view:1"), capabilities=modal)
    corrected = {**FIELDS, "titre": "Un guichet unique"}
    chat.app.runtime.handle(submission(chat, corrected, "view:1"), capabilities=modal)

    assert list(caught.value.errors) == ["titre"]
    assert "Titre" in caught.value.errors["titre"]
    assert ideas(chat) == 1  # the refused submission kept nothing, not even its event id


def test_a_field_the_form_did_not_have_gets_an_ordinary_reply(chat: Chat) -> None:
    """Slack would refuse an error naming a block the modal does not have."""
    without_title = {k: v for k, v in FIELDS.items() if k != "titre"}
    modal = Capabilities(forms=False, field_errors=True)
    before = len(chat.port.sent)
    chat.app.runtime.handle(submission(chat, without_title, "view:2"), capabilities=modal)

    assert "Titre" in texts(chat.port.sent[before:])


def test_without_field_errors_the_message_is_a_private_reply(chat: Chat) -> None:
    reply = chat.submit("bea", "cmd:idee", FIELDS)
    assert "Titre" in texts(reply) and reply[0].to_user == "bea"
