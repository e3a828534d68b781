"""The author's changes (edit until the first reaction, withdraw with a reason, maybe in
favour of another idea) and the committee's refusals: each bad input changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from handlers.types import OpenForm
from store.models import Idea, IdeaStatusChange
from tests.chat import Chat, texts
from tests.fakes.recording_port import RecordingPort
from tests.ideas_world import card, direct_messages, field, grant, number, propose


def status_of(chat: Chat, idea: int) -> str:
    with chat.app.sessions() as session:
        return session.get_one(Idea, idea).status


def changes(chat: Chat) -> int:
    with chat.app.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(IdeaStatusChange)) or 0)


def test_the_author_edits_until_someone_reacts(chat: Chat, port: RecordingPort) -> None:
    root = propose(chat, "bea", "Covoiturage entre agents")[0]
    n = number(root)
    sent = chat.command(
        "bea", f'idee {n} modifier "Covoiturage domicile-travail" --gain "Moins de CO2"'
    )
    assert f"L'idée n°{n} est modifiée." in texts(sent)
    assert "Covoiturage domicile-travail" in card(port, n).text
    assert "Moins de CO2" in card(port, n).text
    assert "Seule la personne qui a proposé" in texts(
        chat.command("dan", f'idee {n} modifier "Autre"')
    )
    [form] = chat.command("bea", f"idee {n} modifier")
    assert isinstance(form.action, OpenForm) and form.action.form.form_id == "idea.edit"
    initial = {f.name: f.initial for f in form.action.form.fields}
    assert initial["titre"] == "Covoiturage domicile-travail"
    values = {**{k: v or "" for k, v in initial.items()}, "perimetre": "Toute la préfecture"}
    chat.submit("bea", "idea.edit", values, metadata=form.action.form.private_metadata)
    assert field(card(port, n), "Service ou périmètre") == "Toute la préfecture"

    chat.reply("dan", root.message_id or "", "Et le vélo ?")
    locked = texts(chat.command("bea", f'idee {n} modifier --gain "Autre"'))
    assert "ne se modifie plus" in locked and "retirer" in locked
    assert "Moins de CO2" in card(port, n).text


def test_withdrawing_in_favour_of_another_idea_tells_supporters(
    chat: Chat, port: RecordingPort
) -> None:
    kept = number(propose(chat, "dan", "Un parrain pour chaque nouvel arrivant")[0])
    root = propose(chat, "bea", "Covoiturage entre agents")[0]
    n = number(root)
    chat.press("eve", root.button("Soutenir"), on=root)
    chat.press("fred", root.button("Suivre"), on=root)
    assert "« Raison » est vide" in texts(chat.command("bea", f'idee {n} retirer "  "'))
    assert "Seule la personne qui a proposé" in texts(
        chat.command("eve", f'idee {n} retirer "Non"')
    )
    sent = chat.command("bea", f'idee {n} retirer "Doublon de la n°{kept}." --au-profit-de {kept}')
    told = direct_messages(sent)
    assert set(told) == {"eve", "fred"}
    assert f"Retirée au profit de l'idée n°{kept}" in told["eve"] and "**retirée**" in told["eve"]
    assert field(card(port, n), "Statut") == "retirée"
    assert status_of(chat, n) == "retiree"
    assert "les soutiens sont clos" in texts(chat.press("gil", root.button("Soutenir"), on=root))


def test_only_the_committee_changes_a_status_and_never_silently(chat: Chat) -> None:
    grant(chat, "carl")
    n = number(propose(chat, "bea", "Covoiturage entre agents")[0])
    assert "réservée au rôle comité" in texts(chat.command("bea", f'idee {n} statut retenue "Oui"'))
    assert "réservée au rôle comité" in texts(
        chat.command("dan", f'idee {n} statut instruction "Oui"')
    )
    assert "ne peut pas passer à « en expérimentation »" in texts(
        chat.command("carl", f'idee {n} statut experimentation "Oui"')
    )
    assert "`retenue`, `non-retenue`, `instruction`, `fusionnee`" in texts(
        chat.command("carl", f'idee {n} statut experimentation "Oui"')
    )
    assert "« Réponse publique » est vide" in texts(
        chat.command("carl", f"idee {n} statut instruction")
    )
    assert "Je ne connais pas le statut « adoptee »" in texts(
        chat.command("carl", f'idee {n} statut adoptee "Oui"')
    )
    assert "trop long" in texts(chat.command("carl", f'idee {n} statut instruction "{"x" * 2001}"'))
    assert "Je ne trouve pas d'idée n°99999" in texts(
        chat.command("carl", 'idee 99999 statut instruction "Oui"')
    )
    assert status_of(chat, n) == "publiee" and changes(chat) == 0
    chat.command("carl", f'idee {n} statut instruction "On regarde."')
    assert "le comité a déjà statué" not in texts(
        chat.command("bea", f'idee {n} retirer "Finalement non"')
    )


def test_a_decided_idea_cannot_be_withdrawn(chat: Chat) -> None:
    grant(chat, "carl")
    n = number(propose(chat, "bea", "Covoiturage entre agents")[0])
    chat.command("carl", f'idee {n} statut instruction "On regarde."')
    chat.command("carl", f'idee {n} statut retenue "Oui."')
    assert "le comité a déjà statué" in texts(
        chat.command("bea", f'idee {n} retirer "Finalement non"')
    )
    assert "ne se modifie plus" in texts(chat.command("bea", f'idee {n} modifier "Autre"'))
    assert status_of(chat, n) == "retenue"
