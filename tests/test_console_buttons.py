"""Console button references stay valid when the bot edits its message (`b12` printed earlier
still presses the same button)."""

from __future__ import annotations

from sqlalchemy import Select, select

from bot.app import App
from handlers.types import Button, Message, Post, UpdatePost
from store.models import ConsoleButton


def _buttons(*pairs: tuple[str, str]) -> tuple[Button, ...]:
    return tuple(Button(action_id=a, label=label, value=a) for a, label in pairs)


def _of(message_id: str | None) -> Select[tuple[ConsoleButton]]:
    assert message_id is not None
    return select(ConsoleButton).where(ConsoleButton.message_id == int(message_id))


def test_an_edit_keeps_the_button_numbers(app: App) -> None:
    port = app.console_port
    port.show = lambda shown: None
    first = Message(
        text="Idée n°1", buttons=_buttons(("support", "Soutenir"), ("follow", "Suivre"))
    )
    posted = port.deliver(Post(channel_id="idees", message=first), key="k1", workspace_id="w")
    with app.sessions() as session:
        before = {b.action_id: b.id for b in session.scalars(_of(posted.message_id))}
    edited = Message(
        text="Idée n°1 (2 soutiens)",
        buttons=_buttons(("support", "Soutenir (2)"), ("follow", "Suivre"), ("report", "Signaler")),
    )
    port.deliver(
        UpdatePost(channel_id="idees", message_id=posted.message_id, message=edited),
        key="k2",
        workspace_id="w",
    )
    with app.sessions() as session:
        after = {b.action_id: (b.id, b.label) for b in session.scalars(_of(posted.message_id))}
    assert after["support"] == (before["support"], "Soutenir (2)")
    assert after["follow"][0] == before["follow"]
    assert after["report"][0] > max(before.values())
