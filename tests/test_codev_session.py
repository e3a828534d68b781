"""A whole co-development session as a dialog, with a fake clock, and a restart in the middle."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from handlers.clock import FakeClock
from handlers.types import DirectMessageAction, Ephemeral, OpenForm, Post, UpdatePost
from store.models import DueJob
from tests.chat import Chat, texts
from tests.codev_support import (
    CHANNEL,
    COACH,
    MEMBERS,
    Group,
    choice_button,
    create_group,
    one,
    session_row,
    thread_posts,
    to,
    updates,
)
from tests.conftest import app_on
from tests.fakes.recording_port import RecordingPort

SUGGESTIONS = [
    ("carl", "Tu pourrais co-construire le planning avec deux volontaires."),
    ("dina", "Mon hypothèse : l'équipe n'a pas compris pourquoi on change."),
    ("carl", "Chez nous, un essai de quatre semaines a levé les craintes."),
    ("eric", "Présente les contraintes du service avant les solutions."),
    ("fanny", "Demande à la cadre supérieure de venir expliquer le cadre."),
]
REQUEST = "Comment obtenir l'adhésion de mon équipe au nouveau planning ?"


def pending_jobs(chat: Chat, prefix: str) -> list[DueJob]:
    with chat.app.sessions() as session:
        return list(
            session.scalars(
                select(DueJob).where(DueJob.key.startswith(prefix), DueJob.status == "pending")
            )
        )


def test_a_full_short_session_with_five_members(chat: Chat, clock: FakeClock) -> None:
    group = create_group(chat)
    everything_from = len(chat.port.sent)

    # Launching: the bot proposes the first member of the rotation; the coach confirms.
    [proposal] = group.coach("codev lancer")
    assert "Je propose <@bea> comme client" in proposal.text
    sent = chat.press(COACH, proposal.button("Confirmer : bea"), on=proposal)
    group.root = one(sent, key_end=":root")
    assert "Séance de codéveloppement n°1" in group.root.text
    assert "Étape 4 — Consultation — 25 min" in group.root.text
    step0 = one(sent, key_end=":step:0")
    assert step0.thread == group.root.message_id
    assert "fin prévue à 09:10" in step0.text
    assert group.say("bea", "Bonjour à toutes et à tous, je suis un peu fatiguée.") == []

    # Step 1 (10 min): a consultant speaking gets one private reminder, not two.
    clock.advance(timedelta(minutes=5))
    step1 = one(group.next(), key_end=":step:1")
    assert "Étape 1 — Exposé" in step1.text and "fin prévue à 09:15" in step1.text
    assert group.say("bea", "Mon équipe refuse le nouveau planning depuis un mois.") == []
    [reminder] = group.say("carl", "Tu as essayé de leur en parler ?")
    assert isinstance(reminder.action, Ephemeral) and reminder.to_user == "carl"
    assert "à l'étape 1, seul le client parle" in reminder.text
    assert group.say("carl", "Pardon.") == []

    # Timers: one minute left, an extension, the old notice silenced, then time up.
    clock.advance(timedelta(minutes=9))
    chat.app.ticker.tick()
    [warn] = thread_posts(chat.port.sent[-1:])
    assert (
        "Étape 1 — Exposé du problème, projet ou préoccupation : plus qu'une minute." in warn.text
    )
    [extended] = chat.press(COACH, warn.button("+5 min"), on=warn)
    assert "prolongée de 5 min : fin prévue à 09:20" in extended.text
    clock.advance(timedelta(minutes=1))
    before = len(chat.port.sent)
    chat.app.ticker.tick()
    assert chat.port.sent[before:] == []
    clock.advance(timedelta(minutes=4))
    chat.app.ticker.tick()
    assert "plus qu'une minute" in texts(chat.port.sent[before:])
    clock.advance(timedelta(minutes=1))
    chat.app.ticker.tick()
    [time_up] = chat.port.sent[-1:]
    assert "le temps est écoulé. <@coralie>, prolonger ou passer à l'étape suivante ?" in (
        time_up.text
    )
    clock.advance(timedelta(minutes=2))
    status = texts(group.coach("codev statut"))
    assert "Étape 1" in status and "temps dépassé de 2 min" in status

    # Step 2: a non-question gets a gentle nudge; a question and the client's answer do not.
    assert "Seul le coach du groupe" in texts(
        chat.command("carl", "codev suivant", channel=CHANNEL)
    )
    group.next()
    [nudge] = group.say("dina", "Tu devrais déléguer la conception du planning.")
    assert nudge.to_user == "dina" and "Votre message est-il une question ?" in nudge.text
    assert group.say("eric", "Depuis quand le planning a-t-il changé ?") == []
    assert group.say("bea", "Depuis le 1er novembre.") == []

    # Step 3: no contract, no step 4; the client's request is pinned on the root post.
    clock.advance(timedelta(minutes=8))
    group.next()
    refused = texts(group.coach("codev suivant"))
    assert "Le contrat n'est pas encore posé" in refused
    sent = group.say("bea", REQUEST)
    [pinned_root] = updates(sent)
    assert isinstance(pinned_root.action, UpdatePost) and REQUEST in pinned_root.text
    assert "📌 Contrat" in pinned_root.text
    assert "Contrat noté et épinglé" in texts(thread_posts(sent))

    # Step 4: suggestions; the client speaking is reminded to listen; pause keeps the time.
    clock.advance(timedelta(minutes=3))
    group.next()
    for author, text in SUGGESTIONS:
        assert group.say(author, text) == []
    [listen] = group.say("bea", "Oui mais ils ne voudront jamais.")
    assert listen.to_user == "bea" and "le client écoute" in listen.text
    clock.advance(timedelta(minutes=7))
    assert "Séance en pause ; il reste 18 min" in texts(group.coach("codev pause"))
    clock.advance(timedelta(minutes=5))
    assert "en pause, il reste 18 min" in texts(group.coach("codev statut"))
    assert "Reprise : il reste 18 min, fin prévue à 10:03" in texts(group.coach("codev reprendre"))

    # Step 5: the client gets the suggestions privately and builds the plan.
    clock.advance(timedelta(minutes=5))
    sent = group.next()
    picker = one(sent, key_end=":suggestions")
    assert isinstance(picker.action, DirectMessageAction) and picker.action.user_id == "bea"
    assert "**1.** carl : « Tu pourrais co-construire" in picker.text
    assert "**5.** fanny" in picker.text
    [form] = chat.press("bea", choice_button(picker, 0), on=picker)
    assert isinstance(form.action, OpenForm)
    done = chat.submit(
        "bea",
        form.action.form.form_id,
        {"texte": "", "echeance": "2026-12-20"},
        metadata=form.action.form.private_metadata,
    )
    assert "co-construire le planning avec deux volontaires. (échéance : 20/12/2026)" in texts(done)
    assert "échéance : 18/12/2026" in texts(
        chat.command("bea", "codev retenir 4 --echeance 2026-12-18")
    )
    added = texts(
        chat.command(
            "bea", "codev action « Faire un point d'étape en réunion » --echeance 2027-01-08"
        )
    )
    assert "Faire un point d'étape en réunion (échéance : 08/01/2027)" in added
    assert "déjà passée" in texts(chat.command("bea", "codev action Rien --echeance 2026-01-01"))
    assert "Seul le client" in texts(chat.command("carl", "codev action Mon idée"))

    # Step 6 and the end: summary to the client, learnings and ratings to everyone.
    clock.advance(timedelta(minutes=10))
    group.next()
    group.say("carl", "J'apprends à poser des questions avant de proposer.")
    group.say("bea", "Je repars avec trois pistes concrètes.")
    sent = group.next()
    summary = one(sent, key_end=":summary")
    assert isinstance(summary.action, DirectMessageAction) and summary.action.user_id == "bea"
    problem = summary.text.split("tel que le client l'a exposé")[1].split("La question")[0]
    assert "Mon équipe refuse le nouveau planning" in problem and "Pardon" not in problem
    assert "La question (contrat)" in summary.text and REQUEST in summary.text
    carl_part = summary.text.split("proposées par carl")[1].split("proposées par dina")[0]
    assert "Hypothèses et suggestions" in summary.text
    assert "co-construire" in carl_part and "essai de quatre semaines" in carl_part
    assert "Le plan d'action" in summary.text and summary.text.count("échéance : ") == 3
    assert "responsable : bea ; échéance : 20/12/2026" in summary.text
    for person in (COACH, *MEMBERS):
        [learnings] = [s for s in to(sent, person) if ":learnings:" in s.key]
        assert "J'apprends à poser des questions" in learnings.text
        assert bool(learnings.buttons) == (person != COACH)
    carl_learnings = next(s for s in to(sent, "carl") if ":learnings:" in s.key)
    assert "Merci pour votre note : 4/5" in texts(chat.press("carl", carl_learnings.button("4")))
    assert "Séance terminée" in updates(sent)[0].text
    assert "5/5" in texts(chat.command("bea", "codev noter 5"))
    assert "Seuls les membres" in texts(group.coach("codev noter 3"))
    assert "note moyenne 4,5/5 (2 notes)" in texts(group.coach("codev groupe"))
    asked = group.coach("codev synthese")
    assert "Je vous envoie « synthese-codev-" in texts(asked)
    [record] = [s for s in to(asked, COACH) if s.message and s.message.files]
    assert record.message is not None
    written = record.message.files[0].content.decode("utf-8")
    assert written.startswith("# Votre séance de codéveloppement n°1")
    assert "## Le problème, tel que le client l'a exposé" in written and REQUEST in written
    assert "Note moyenne 4,5/5 (2 note(s))" in written
    assert "Seuls le coach" in texts(chat.command("carl", "codev synthese", channel=CHANNEL))

    # Nothing left the group: posts in its channel, direct messages to its people only.
    for delivered in chat.port.sent[everything_from:]:
        if isinstance(delivered.action, Post | UpdatePost):
            assert delivered.action.channel_id == CHANNEL
        if isinstance(delivered.action, DirectMessageAction):
            assert delivered.action.user_id in (COACH, *MEMBERS)

    # Follow-up: a reminder the day before each due date, and before the next session.
    row = session_row(chat)
    assert len(pending_jobs(chat, f"codev:g{row.group_id}:s{row.id}:action:")) == 3
    clock.set(datetime(2026, 12, 17, 8, 0, tzinfo=UTC))
    before = len(chat.port.sent)
    chat.app.ticker.tick()
    [due_soon] = chat.port.sent[before:]
    assert due_soon.to_user == "bea"
    assert "à échéance demain" in due_soon.text and "Présente les contraintes" in due_soon.text
    assert "Je rappellerai" in texts(group.coach("codev prochaine 2027-01-05 14:00"))
    clock.set(datetime(2027, 1, 4, 13, 30, tzinfo=UTC))
    before = len(chat.port.sent)
    chat.app.ticker.tick()
    [reminder] = [s for s in chat.port.sent[before:] if "prochaine séance" in s.text]
    assert reminder.to_user == "bea"
    assert "« Chefs de pôle Grand Est » le 05/01/2027 à 14:00" in reminder.text
    assert "Faire un point d'étape en réunion" in reminder.text

    # The next session opens with the former client's report; the rotation moves on.
    [proposal] = group.coach("codev lancer")
    assert "Je propose <@carl>" in proposal.text
    sent = chat.press(COACH, proposal.button("Confirmer : carl"), on=proposal)
    opening = one(sent, key_end=":step:0")
    assert "<@bea>, où en êtes-vous de votre plan d'action ?" in opening.text
    assert "Faire un point d'étape en réunion" in opening.text


def _to_step_four(group: Group) -> None:
    group.launch("bea")
    for _ in range(3):
        group.next()
    group.say("bea", REQUEST)
    group.next()


def test_restart_in_step_four_resumes_with_the_right_time(
    chat: Chat, clock: FakeClock, sessions: sessionmaker[Session], port: RecordingPort
) -> None:
    group = create_group(chat)
    _to_step_four(group)
    group.say("carl", "Une suggestion avant la panne.")
    clock.advance(timedelta(minutes=10))

    app = app_on(chat.app.engine, sessions, clock, port)
    again = Chat(app=app, port=port, _ids=itertools.count(10_000))
    status = texts(again.command(COACH, "codev statut", channel=CHANNEL))
    assert "Étape 4 — Consultation" in status and "il reste 15 min (fin prévue à 09:25)" in status
    assert group.root is not None and group.root.message_id is not None
    assert again.reply("dina", group.root.message_id, "Et après la panne ?", channel=CHANNEL) == []

    clock.advance(timedelta(minutes=13))
    before = len(port.sent)
    app.ticker.tick()
    assert port.sent[before:] == []
    clock.advance(timedelta(minutes=1))
    app.ticker.tick()
    assert "Étape 4 — Consultation : plus qu'une minute" in texts(port.sent[before:])
    clock.advance(timedelta(minutes=1))
    app.ticker.tick()
    assert "le temps est écoulé" in texts(port.sent[before:])

    sent = again.command(COACH, "codev suivant", channel=CHANNEL)
    picker = one(sent, key_end=":suggestions")
    assert "Une suggestion avant la panne." in picker.text and "Et après la panne ?" in picker.text
