"""Groups: size, channel privacy, charter, rotation over a cycle, confidentiality, deletion."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from handlers.types import SlashCommand
from store.models import CodevGroup, CodevMember, CodevSession, Delivery, DueJob
from tests.chat import Chat, texts
from tests.codev_support import (
    CHANNEL,
    COACH,
    GROUP,
    MEMBERS,
    choice_button,
    count_contributions,
    create_group,
    session_row,
)


def group_count(chat: Chat) -> int:
    with chat.app.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(CodevGroup)) or 0)


def test_a_group_has_four_to_eight_members_and_only_a_coach_creates_it(chat: Chat) -> None:
    for user in (COACH, *MEMBERS, "gina", "hugo", "ines", "jean"):
        chat.command(user, "moi")
    refused = texts(chat.command("bea", 'codev groupe creer "X" @carl @dina @eric @fanny'))
    assert "réservée au rôle coach" in refused
    chat.command("ada", f"role @{COACH} coach")
    three = texts(chat.command(COACH, 'codev groupe creer "Trio" @bea @carl @dina'))
    assert "de 4 à 8 membres (vous en avez indiqué 3)" in three
    nine = "@bea @carl @dina @eric @fanny @gina @hugo @ines @jean"
    assert "indiqué 9" in texts(chat.command(COACH, f'codev groupe creer "Neuf" {nine}'))
    twice = texts(chat.command(COACH, 'codev groupe creer "Doublons" @bea @bea @carl @dina'))
    assert "indiqué 3" in twice
    assert "Il manque « membres »" in texts(chat.command(COACH, 'codev groupe creer "Seul"'))
    assert group_count(chat) == 0


def test_the_coach_is_warned_when_the_channel_is_public(chat: Chat) -> None:
    for user in (COACH, *MEMBERS):
        chat.command(user, "moi")
    chat.command("ada", f"role @{COACH} coach")
    base = chat._base(COACH, "C-public", None)
    mentions = " ".join(f"@{m}" for m in MEMBERS)
    public = chat.send(
        SlashCommand(
            **{**base, "channel_is_private": False}, text=f'codev groupe creer "{GROUP}" {mentions}'
        )
    )
    reply = next(s for s in public if s.to_user == COACH)
    assert "⚠️ Ce canal est public" in reply.text
    base = chat._base(COACH, "C-prive", None)
    private = chat.send(
        SlashCommand(
            **{**base, "channel_is_private": True}, text=f'codev groupe creer "Autre" {mentions}'
        )
    )
    assert "Le canal est privé" in texts(private)
    assert "⚠️" not in texts(private)


def test_the_charter_states_no_hierarchy_and_is_accepted_once(chat: Chat) -> None:
    group = create_group(chat, accept=False)
    assert "Pas de lien hiérarchique" in group.charter.text
    assert "Confidentialité" in group.charter.text
    accept = group.charter.button("J'accepte la charte")
    assert "vous avez accepté la charte" in texts(chat.press("bea", accept, on=group.charter))
    assert "déjà accepté la charte le 07/12/2026" in texts(chat.press("bea", accept))
    assert "ne faites pas partie" in texts(chat.press("zoe", accept))
    shown = texts(chat.command("carl", "codev groupe", channel=CHANNEL))
    assert "<@bea> — charte acceptée" in shown and "<@carl> — charte à accepter" in shown


def test_a_client_must_have_accepted_the_charter(chat: Chat) -> None:
    group = create_group(chat, accept=False)
    refused = texts(group.coach("codev lancer --client @carl"))
    assert "<@carl> n'a pas encore accepté la charte" in refused
    assert "n'ont pas encore accepté la charte" in texts(group.coach("codev lancer"))
    assert "Aucune séance en cours" in texts(group.coach("codev statut"))


def test_rotation_over_a_whole_cycle_proposes_each_member_once(chat: Chat) -> None:
    group = create_group(chat)
    proposed = []
    for _ in MEMBERS:
        [proposal] = group.coach("codev lancer")
        confirm = proposal.button("codev.launch.confirm")
        proposed.append(confirm.label.removeprefix("Confirmer : "))
        chat.press(COACH, confirm, on=proposal)
        assert "Terminer la séance maintenant" in texts(group.coach("codev terminer"))
        group.coach("codev terminer --confirmer")
    assert proposed == list(MEMBERS)
    [proposal] = group.coach("codev lancer")
    assert "Je propose <@bea>" in proposal.text


def test_the_coach_picks_another_client_and_the_skipped_one_comes_next(chat: Chat) -> None:
    group = create_group(chat)
    [proposal] = group.coach("codev lancer --format long")
    assert "Je propose <@bea>" in proposal.text and "format long" in proposal.text
    options = proposal.message.choices[0].options if proposal.message else ()
    assert [o.label for o in options] == ["carl", "dina", "eric", "fanny"]
    sent = chat.press(COACH, choice_button(proposal, 1), on=proposal)
    assert "client : <@dina>" in texts(sent) and "(170 min)" in texts(sent)
    group.coach("codev terminer --confirmer")
    [proposal] = group.coach("codev lancer")
    assert "Je propose <@bea>" in proposal.text


def test_group_content_is_for_its_members_only(chat: Chat) -> None:
    group = create_group(chat)
    chat.command("zoe", "moi")
    group.launch("bea")
    assert "ne faites pas partie du groupe" in texts(
        chat.command("zoe", f'codev groupe --groupe "{GROUP}"')
    )
    assert "ne faites pas partie du groupe" in texts(
        chat.command("zoe", "codev statut", channel=CHANNEL)
    )
    [outsider] = group.say("zoe", "Je passais par là.")
    assert outsider.to_user == "zoe" and "n'est pas enregistré" in outsider.text
    assert count_contributions(chat) == 0
    group.say("carl", "Bonjour.")
    assert count_contributions(chat) == 1


def test_deleting_a_group_deletes_its_content_jobs_and_outbox_copies(chat: Chat) -> None:
    group = create_group(chat)
    group.launch("bea")
    group.say("bea", "Ma situation confidentielle.")
    prefix = f"codev:g{session_row(chat).group_id}:"
    refused = texts(chat.command("carl", "codev groupe supprimer", channel=CHANNEL))
    assert "Seul le coach du groupe" in refused
    assert group_count(chat) == 1
    [confirm] = group.coach("codev groupe supprimer")
    assert "effacés définitivement" in confirm.text
    assert "supprimé avec tout son contenu" in texts(
        chat.press(COACH, confirm.button("Supprimer définitivement"), on=confirm)
    )
    with chat.app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(CodevGroup)) == 0
        assert session.scalar(select(func.count()).select_from(CodevMember)) == 0
        kept = session.scalars(select(Delivery.key).where(Delivery.key.startswith(prefix))).all()
        assert kept == []
        jobs = session.scalars(select(DueJob.status).where(DueJob.key.startswith(prefix)))
        assert set(jobs) == {"cancelled"}
    assert count_contributions(chat) == 0
    assert "Vous ne faites partie d'aucun groupe" in texts(group.coach("codev statut"))


def test_members_are_added_and_removed_within_the_limits(chat: Chat) -> None:
    group = create_group(chat, MEMBERS[:4])
    chat.command("fanny", "moi")
    added = chat.command(COACH, "codev groupe ajouter @fanny", channel=CHANNEL)
    assert "<@fanny> a rejoint le groupe" in texts(added)
    assert "Bienvenue dans le groupe, <@fanny>" in texts(added)
    assert "fait déjà partie" in texts(group.coach("codev groupe ajouter @fanny"))
    assert "ne fait plus partie" in texts(group.coach("codev groupe retirer @fanny"))
    assert "au moins 4 membres" in texts(group.coach("codev groupe retirer @eric"))
    assert "Seul le coach du groupe" in texts(
        chat.command("bea", "codev groupe ajouter @fanny", channel=CHANNEL)
    )


def test_the_store_keeps_one_running_session_per_group(chat: Chat) -> None:
    group = create_group(chat)
    group.launch("bea")
    first = session_row(chat)
    with chat.app.sessions() as session, session.begin():
        copy = CodevSession(
            **{
                c.name: getattr(first, c.name)
                for c in CodevSession.__table__.columns
                if c.name != "id"
            }
        )
        session.add(copy)
        with pytest.raises(IntegrityError):
            session.flush()
