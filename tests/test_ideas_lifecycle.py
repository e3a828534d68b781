"""The whole life of an idea, as a dialog through the router: propose, duplicate suggestion,
support, comment, review, retain with an answer, notifications, up to « réalisée »."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from handlers.clock import FakeClock
from handlers.types import OpenForm, UpdatePost
from store.models import AuditEntry, Idea, IdeaComment, IdeaStatusChange, IdeaSupport
from tests.chat import Chat, texts
from tests.fakes.recording_port import RecordingPort
from tests.ideas_world import (
    card,
    direct_messages,
    field,
    grant,
    number,
    open_campaign,
    posts,
    propose,
)


def test_an_idea_from_proposal_to_realisation(
    chat: Chat, port: RecordingPort, clock: FakeClock
) -> None:
    grant(chat, "carl")
    open_campaign(chat)

    root, confirmation = propose(
        chat,
        "bea",
        "Dématérialiser les notes de frais",
        "Un formulaire en ligne pour les notes de frais, justificatifs photographiés.",
    )
    n = number(root)
    assert root.channel == "idees"
    assert [b.label for b in root.buttons] == ["Soutenir", "Suivre", "Signaler"]
    assert "Proposée par <@bea> · Simplifier nos démarches" in root.text
    assert "publiée dans #idees" in confirmation.text and confirmation.to_user == "bea"

    [suggestion] = propose(
        chat,
        "dan",
        "Notes de frais sans papier",
        "Saisir ses frais en ligne et photographier les justificatifs.",
    )
    assert "ces idées ressemblent à la vôtre" in suggestion.text
    assert f"n°{n} · Dématérialiser les notes de frais" in suggestion.text
    assert suggestion.to_user == "dan" and not posts([suggestion])
    replaced = chat.press("dan", suggestion.button(f"Soutenir plutôt la n°{n}"), on=suggestion)
    assert "abandonné au profit de cette idée" in texts(replaced)
    assert field(card(port, n), "Soutiens") == "1"

    chat.press("eve", root.button("Soutenir"), on=root)
    assert chat.reply("fred", root.message_id or "", "Et les frais kilométriques ?") == []
    followed = chat.press("fred", root.button("Suivre"), on=root)
    assert "je vous écrirai à chaque décision" in texts(followed)
    assert field(card(port, n), "Soutiens") == "2"

    clock.advance(timedelta(days=3))
    [listing] = chat.command("carl", "idees revue")
    assert "1 idée attend une décision" in listing.text
    assert f"n°{n} · Dématérialiser les notes de frais" in listing.text
    assert "publiée · déposée il y a 3 jours · rapporteur : non renseigné" in listing.text
    assert field(listing, "Soutiens") == "2" and field(listing, "Commentaires") == "1"

    [form] = chat.press("carl", listing.button(f"Mettre en instruction (n°{n})"), on=listing)
    assert isinstance(form.action, OpenForm) and form.action.form.form_id == "idea.status"
    sent = chat.submit(
        "carl",
        "idea.status",
        {"reponse": "Nous étudions le coût avec la DRH."},
        metadata=form.action.form.private_metadata,
    )
    assert "maintenant en instruction" in texts(sent)
    assert field(card(port, n), "Statut") == "en instruction"

    answer = "Nous l'expérimentons dès janvier à la DRH."
    sent = chat.command("carl", f'idee {n} statut retenue "{answer}"')
    written = direct_messages(sent)
    assert set(written) == {"bea", "dan", "eve", "fred"}
    assert (
        f"Votre idée n°{n} « Dématérialiser les notes de frais » est maintenant **retenue**"
        in (written["bea"])
    )
    assert "que vous soutenez ou suivez, est maintenant **retenue**" in written["eve"]
    assert all(answer in text and f"/relais idee {n}" in text for text in written.values())
    [in_thread] = [s for s in posts(sent) if s.thread is not None]
    assert in_thread.thread == root.message_id
    assert "Nouveau statut : retenue" in in_thread.text and answer in in_thread.text
    shown = card(port, n)
    assert isinstance(shown.action, UpdatePost) and shown.action.message_id == root.message_id
    assert field(shown, "Statut") == "retenue" and answer in shown.text

    for word, shown_as in (
        ("experimentation", "en expérimentation"),
        ("deploiement", "en déploiement"),
        ("réalisée", "réalisée"),
    ):
        sent = chat.command("carl", f'idee {n} statut {word} "Étape franchie : {word}."')
        assert f"maintenant {shown_as}" in texts(sent)
        assert set(direct_messages(sent)) == {"bea", "dan", "eve", "fred"}
    assert field(card(port, n), "Statut") == "réalisée"
    assert "Soutenir" not in [b.label for b in card(port, n).buttons]

    with chat.app.sessions() as session:
        idea = session.get_one(Idea, n)
        assert idea.status == "realisee" and idea.rapporteur_id is not None
        changes = session.scalars(
            select(IdeaStatusChange.to_status)
            .where(IdeaStatusChange.idea_id == n)
            .order_by(IdeaStatusChange.id)
        ).all()
        assert changes == ["instruction", "retenue", "experimentation", "deploiement", "realisee"]
        assert session.scalar(select(func.count()).where(IdeaSupport.idea_id == n)) == 2
        assert session.scalar(select(func.count()).where(IdeaComment.idea_id == n)) == 1
        assert session.scalar(select(func.count()).select_from(Idea)) == 1
        audited = session.scalars(
            select(AuditEntry.detail)
            .where(AuditEntry.action == "idea.status")
            .order_by(AuditEntry.id)
        ).all()
        assert len(audited) == 5 and audited[-1] == "deploiement->realisee"

    stats = texts(chat.command("bea", "idees stats"))
    assert "Retenues: 1" in stats and "Réalisées: 1" in stats


def test_the_review_list_shows_what_awaits_a_decision_most_supported_first(chat: Chat) -> None:
    grant(chat, "carl")
    propose(chat, "bea", "Covoiturage entre agents")
    root = propose(chat, "dan", "Un parrain pour chaque nouvel arrivant")[0]
    chat.press("eve", root.button("Soutenir"), on=root)
    listing = texts(chat.command("carl", "idees revue"))
    assert listing.index("Un parrain") < listing.index("Covoiturage")
    assert "Je ne trouve pas de campagne n°99999" in texts(
        chat.command("carl", "idees revue 99999")
    )
    assert "réservée au rôle comité" in texts(chat.command("eve", "idees revue"))


def test_a_rapporteur_is_told_and_keeps_private_notes(chat: Chat, port: RecordingPort) -> None:
    grant(chat, "carl")
    grant(chat, "gus")
    n = number(propose(chat, "bea", "Covoiturage entre agents")[0])
    sent = chat.command("carl", f'idee {n} statut instruction "On regarde." --rapporteur @gus')
    assert f"vous a désigné rapporteur de l'idée n°{n}" in direct_messages(sent)["gus"]
    [saved] = chat.command("gus", f'idee {n} note "Voir le coût des assurances."')
    assert saved.to_user == "gus" and "seul le comité la voit" in saved.text
    [notes] = chat.command("carl", f"idee {n} notes")
    assert notes.to_user == "carl" and "Voir le coût des assurances." in notes.text
    assert "réservée au rôle comité" in texts(chat.command("bea", f"idee {n} notes"))
    assert all("assurances" not in s.text for s in port.sent if s.to_user is None)


def test_merging_points_to_the_kept_idea(chat: Chat, port: RecordingPort) -> None:
    grant(chat, "carl")
    kept = number(propose(chat, "bea", "Covoiturage entre agents")[0])
    merged = number(propose(chat, "dan", "Un parrain pour chaque nouvel arrivant")[0])
    refused = chat.command("carl", f'idee {merged} statut fusionnee "Doublon."')
    assert "Indiquez l'idée concernée avec --dans" in texts(refused)
    sent = chat.command("carl", f'idee {merged} statut fusionnee "Même demande." --dans {kept}')
    assert f"Fusionnée dans l'idée n°{kept}" in direct_messages(sent)["dan"]
    assert f"Fusionnée dans l'idée n°{kept}" in card(port, merged).text
    assert "statut final" in texts(chat.command("carl", f'idee {merged} statut retenue "Non."'))


def test_show_and_list_ideas(chat: Chat) -> None:
    assert "Aucune idée pour l'instant" in texts(chat.command("bea", "idees"))
    n = number(propose(chat, "bea", "Covoiturage entre agents")[0])
    [shown] = chat.command("dan", f"idee {n}")
    assert shown.to_user == "dan" and "Covoiturage entre agents" in shown.text
    assert [b.label for b in shown.buttons] == ["Soutenir", "Suivre", "Signaler"]
    listing = texts(chat.command("dan", "idees"))
    assert f"n°{n} · Covoiturage entre agents — publiée, 0 soutien" in listing
