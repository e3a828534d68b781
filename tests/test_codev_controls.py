"""Running a session: who may move it, stale buttons, speaking rules, «ready», settings."""

from __future__ import annotations

from tests.chat import Chat, texts
from tests.codev_support import CHANNEL, COACH, MEMBERS, create_group, one, session_row


def test_one_session_at_a_time_and_only_the_coach_launches(chat: Chat) -> None:
    group = create_group(chat)
    refused = texts(chat.command("carl", "codev lancer --client @bea", channel=CHANNEL))
    assert "Seul le coach du groupe (coralie)" in refused
    assert "n'est pas membre du groupe" in texts(group.coach("codev lancer --client @ada"))
    group.launch("bea")
    again = texts(group.coach("codev lancer --client @carl"))
    assert "Une séance est déjà en cours dans ce groupe (séance n°1, étape 0)" in again
    assert session_row(chat).number == 1


def test_a_non_coach_cannot_advance_and_nothing_changes(chat: Chat) -> None:
    group = create_group(chat)
    group.launch("bea")
    assert group.last_step is not None
    pressed = chat.press("carl", group.last_step.button("Étape suivante"), on=group.last_step)
    assert "Seul le coach du groupe" in texts(pressed)
    assert "Seul le coach du groupe" in texts(chat.command("bea", "codev pause", channel=CHANNEL))
    assert session_row(chat).step == 0
    assert session_row(chat).paused_at is None


def test_an_old_step_button_cannot_act_on_the_current_step(chat: Chat) -> None:
    group = create_group(chat)
    group.launch("bea")
    step0 = group.last_step
    assert step0 is not None
    group.next()
    stale = texts(chat.press(COACH, step0.button("Étape suivante"), on=step0))
    assert "Ce bouton concerne l'étape 0 ; la séance en est à l'étape 1." in stale
    assert session_row(chat).step == 1


def test_a_cofacilitator_runs_the_session_too(chat: Chat) -> None:
    group = create_group(chat)
    chat.command("gina", "moi")
    assert "co-anime désormais" in texts(group.coach("codev coanimateur @gina"))
    group.launch("bea")
    step1 = one(chat.command("gina", "codev suivant", channel=CHANNEL), key_end=":step:1")
    assert "Étape 1" in step1.text
    assert group.say("gina", "Prenez votre temps, Béa.") == []
    assert "ne co-anime plus" in texts(group.coach("codev coanimateur @gina --retirer"))
    assert "ne faites pas partie" in texts(chat.command("gina", "codev suivant", channel=CHANNEL))


def test_pause_resume_and_extension_refuse_what_makes_no_sense(chat: Chat) -> None:
    group = create_group(chat)
    group.launch("bea")
    assert "n'est pas en pause" in texts(group.coach("codev reprendre"))
    group.coach("codev pause")
    assert "déjà en pause" in texts(group.coach("codev pause"))
    assert "il restera 15 min à la reprise" in texts(group.coach("codev prolonger 5"))
    assert "de 1 à 60 minutes (reçu : 0)" in texts(group.coach("codev prolonger 0"))
    assert "Je ne comprends pas la durée « beaucoup »" in texts(
        group.coach("codev prolonger beaucoup")
    )
    assert "il restera 25 min à la reprise" in texts(group.coach("codev prolonger 10 min"))


def test_reminders_can_be_turned_off_and_speak_the_members_language(chat: Chat) -> None:
    group = create_group(chat)
    group.launch("bea")
    group.next()
    assert "désactivés" in texts(group.coach("codev rappels off"))
    assert group.say("carl", "Une question ?") == []
    assert "activés" in texts(group.coach("codev rappels on"))
    chat.command("dina", "langue en")
    [reminder] = group.say("dina", "Have you tried asking them?")
    assert "in step 1 only the client speaks" in reminder.text
    refused = texts(chat.command("dina", "codev rappels off", channel=CHANNEL))
    assert "Only the group's coach" in refused


def test_members_say_they_are_ready_and_the_coach_is_told(chat: Chat) -> None:
    group = create_group(chat)
    group.launch("bea")
    step0 = group.last_step
    assert step0 is not None
    for member in MEMBERS[:-1]:
        [noted] = chat.press(member, step0.button("Prêt"), on=step0)
        assert noted.to_user == member and "Membres prêts" in noted.text
    assert "prêts : 4/5" in texts(group.coach("codev statut"))
    sent = chat.command("fanny", "codev pret", channel=CHANNEL)
    assert "Tout le monde est prêt pour la suite, <@coralie>." in texts(sent)
    assert "Seuls les membres" in texts(chat.press(COACH, step0.button("Prêt"), on=step0))


def test_the_client_can_state_the_contract_inline(chat: Chat) -> None:
    group = create_group(chat)
    group.launch("bea")
    assert "à l'étape 3" in texts(chat.command("bea", "codev contrat Aidez-moi"))
    for _ in range(3):
        group.next()
    assert "Seuls le client et le coach" in texts(chat.command("carl", "codev contrat Autre"))
    pinned = texts(chat.command("bea", "codev contrat « Comment tenir le cap ? »"))
    assert "épinglé" in pinned and "Comment tenir le cap ?" in pinned
    assert "Étape 4" in texts(group.next())


def test_step_durations_are_set_per_group_and_format(chat: Chat) -> None:
    group = create_group(chat)
    changed = texts(group.coach("codev duree 4 30 --format court"))
    assert "10, 10, 15, 5, 30, 15, 10 min" in changed
    assert "n'existe pas" in texts(group.coach("codev duree 9 30"))
    assert "de 1 à 180 minutes" in texts(group.coach("codev duree 4 500"))
    sent = group.launch("bea")
    assert "Étape 4 — Consultation — 30 min" in texts(sent) and "(95 min)" in texts(sent)


def test_without_forms_the_action_command_explains_its_inline_use(chat: Chat) -> None:
    group = create_group(chat)
    group.launch("bea")
    chat.forms = False
    reply = texts(chat.command("bea", "codev action"))
    assert "Il manque « texte »" in reply and "/relais codev action <texte…>" in reply
    assert "se construit à l'étape 5" in texts(chat.command("bea", "codev action Appeler"))


def test_help_lists_the_codev_commands(chat: Chat) -> None:
    shown = texts(chat.command("bea", "aide codev"))
    assert "/relais codev lancer" in shown and "/relais codev suivant" in shown
    assert "/relais codev groupe creer" not in shown
