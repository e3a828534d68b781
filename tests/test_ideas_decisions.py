"""The committee decides on a published idea in one step (a command, or a button and its form),
always with a public answer; the author, supporters and followers are told. Ideas can be
searched with the Q&A's engine."""

from __future__ import annotations

from handlers.types import OpenForm
from tests.chat import Chat, texts
from tests.fakes.recording_port import RecordingPort
from tests.ideas_world import card, direct_messages, field, grant, number, open_campaign, propose


def published(chat: Chat) -> tuple[int, str]:
    grant(chat, "carl")
    open_campaign(chat)
    root, _ = propose(chat, "bea", "Dématérialiser les notes de frais", "Un formulaire en ligne.")
    chat.press("eve", root.button("Soutenir"), on=root)
    chat.press("fred", root.button("Suivre"), on=root)
    assert root.message_id is not None
    return number(root), root.message_id


def test_a_committee_member_retains_a_published_idea_in_one_command(
    chat: Chat, port: RecordingPort
) -> None:
    n, _ = published(chat)
    answer = "Nous l'expérimentons dès janvier à la DRH."
    sent = chat.command("carl", f'idee {n} retenir "{answer}"')
    assert f"L'idée n°{n} est maintenant retenue" in texts(sent), texts(sent)
    written = direct_messages(sent)
    assert set(written) == {"bea", "eve", "fred"}
    assert f"Votre idée n°{n}" in written["bea"] and "**retenue**" in written["bea"]
    assert all(answer in text for text in written.values())
    assert field(card(port, n), "Statut") == "retenue"


def test_declining_needs_the_public_answer(chat: Chat, port: RecordingPort) -> None:
    n, _ = published(chat)
    refused = texts(chat.command("carl", f"idee {n} refuser"))
    assert "réponse" in refused.lower() and field(card(port, n), "Statut") == "publiée"
    sent = chat.command("carl", f'idee {n} refuser "Déjà prévu par le ministère en 2027."')
    assert set(direct_messages(sent)) == {"bea", "eve", "fred"}
    assert field(card(port, n), "Statut") == "non retenue"


def test_a_member_cannot_decide(chat: Chat, port: RecordingPort) -> None:
    n, _ = published(chat)
    assert "réservée au rôle comité" in texts(chat.command("dan", f'idee {n} retenir "Oui"'))
    assert field(card(port, n), "Statut") == "publiée"


def test_the_review_buttons_decide_through_one_form(chat: Chat, port: RecordingPort) -> None:
    n, _ = published(chat)
    [listing] = chat.command("carl", "idees revue")
    labels = [b.label for b in listing.buttons]
    assert f"Retenir (n°{n})" in labels and f"Ne pas retenir (n°{n})" in labels
    [form] = chat.press("carl", listing.button(f"Retenir (n°{n})"), on=listing)
    assert isinstance(form.action, OpenForm)
    metadata = form.action.form.private_metadata
    empty = texts(chat.submit("carl", "idea.status", {"reponse": "  "}, metadata=metadata))
    assert "réponse" in empty.lower() and field(card(port, n), "Statut") == "publiée"
    sent = chat.submit("carl", "idea.status", {"reponse": "Adoptée en séance."}, metadata=metadata)
    assert set(direct_messages(sent)) == {"bea", "eve", "fred"}
    assert field(card(port, n), "Statut") == "retenue"


def test_search_among_ideas_as_people_type(chat: Chat) -> None:
    published(chat)
    propose(chat, "dan", "Covoiturage entre agents", "Une plateforme de covoiturage.")
    for typed in (
        "idees cherche notes de frais",
        "idées cherche NOTE DE FRAIS",
        "idees cherche frais dematerialises",
        "ideas search expense notes de frais",
    ):
        shown = texts(chat.command("gus", typed))
        assert "Dématérialiser les notes de frais" in shown, (typed, shown)
        assert "Covoiturage" not in shown
    assert "Aucune idée ne parle de « piscine »" in texts(
        chat.command("gus", "idees cherche piscine")
    )
    assert "Dites ce que vous cherchez" in texts(chat.command("gus", "idees cherche le la"))


def test_without_forms_the_decision_button_still_acts(chat: Chat, port: RecordingPort) -> None:
    n, _ = published(chat)
    chat.forms = False
    [listing] = chat.command("carl", "idees revue")
    pressed = chat.press("carl", listing.button(f"Retenir (n°{n})"), on=listing)
    assert "Je vous écris en message privé" in texts(pressed)
    [question] = [s for s in pressed if s.to_user == "carl" and "fil de ce message" in s.text]
    assert question.message_id is not None
    assert chat.reply("dan", question.message_id, "Oui !", channel=question.channel) == []
    sent = chat.reply("carl", question.message_id, "Adoptée en séance.", channel=question.channel)
    assert set(direct_messages(sent)) == {"bea", "eve", "fred"}
    assert field(card(port, n), "Statut") == "retenue"
    assert "Adoptée en séance." in card(port, n).text
