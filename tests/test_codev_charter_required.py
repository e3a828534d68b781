"""A participant who has not accepted the confidentiality charter cannot contribute: what they
write is not recorded, and they get the charter, privately, with its button."""

from __future__ import annotations

from tests.chat import Chat, texts
from tests.codev_support import count_contributions, create_group


def test_a_non_signatory_cannot_contribute(chat: Chat) -> None:
    group = create_group(chat, accept=False)
    accept = group.charter.button("J'accepte la charte")
    for member in ("bea", "carl", "dina", "fanny"):
        chat.press(member, accept, on=group.charter)
    group.launch("bea")
    group.next()
    before = count_contributions(chat)
    [answer] = group.say("eric", "Tu as essayé de leur en parler ?")
    assert answer.to_user == "eric"
    assert "acceptez la charte de confidentialité" in answer.text
    assert "votre message n'a pas été enregistré" in answer.text
    assert count_contributions(chat) == before
    assert "vous avez accepté la charte" in texts(chat.press("eric", answer.button(accept.label)))
    group.say("eric", "Tu as essayé de leur en parler ?")
    assert count_contributions(chat) == before + 1


def test_signatories_contribute_as_before(chat: Chat) -> None:
    group = create_group(chat)
    group.launch("bea")
    group.next()
    before = count_contributions(chat)
    assert group.say("bea", "Mon équipe refuse le nouveau planning.") == []
    assert count_contributions(chat) == before + 1
