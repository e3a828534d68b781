"""An English speaker uses the English spellings and reads English answers; the card in the
channel stays in the community's language."""

from __future__ import annotations

from tests.chat import Chat, texts
from tests.ideas_world import direct_messages, grant, number


def test_english_commands_and_answers(chat: Chat) -> None:
    chat.command("bea", "language en")
    grant(chat, "carl")
    root, told = chat.command(
        "bea",
        'idea "Car sharing between agents" --problem "Too many cars" --proposal "A platform" '
        '--gain "Less CO2" --scope "Prefecture" --campaign box',
        channel="idees",
    )
    assert "Your idea no." in told.text and "Proposée par" in root.text
    n = number(root)
    chat.command("carl", f'idea {n} status review "We look into it."')
    sent = chat.command("carl", f'idea {n} status retained "Starting in January."')
    assert "is now **retained**" in direct_messages(sent)["bea"]
    assert "Ideas in figures" in texts(chat.command("bea", "ideas stats"))
