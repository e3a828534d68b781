"""Only the controls that apply are offered, and a form sent twice stores one record."""

from __future__ import annotations

from sqlalchemy import func, select

from handlers.types import OpenForm
from store.models import CodevAction
from tests.chat import Chat, texts
from tests.codev_support import COACH, create_group, one


def test_pause_then_resume_are_offered_one_at_a_time(chat: Chat) -> None:
    group = create_group(chat)
    group.launch("bea")
    assert group.last_step is not None
    labels = [b.label for b in group.last_step.buttons]
    assert "Pause" in labels and "Reprendre" not in labels
    paused = chat.press(COACH, group.last_step.button("Pause"), on=group.last_step)
    notice = one(paused, key_end=":pause:v2")
    assert [b.label for b in notice.buttons] == ["Reprendre"]
    assert "Reprise" in texts(chat.press(COACH, notice.button("Reprendre"), on=notice))


def test_the_same_action_form_sent_twice_stores_one_action(chat: Chat) -> None:
    group = create_group(chat)
    group.launch("bea")
    for _ in range(3):
        group.next()
    group.say("bea", "Comment faire accepter le nouveau planning ?")
    group.next()
    group.say("carl", "Tu pourrais co-construire le planning avec deux volontaires.")
    picker = one(group.next(), key_end=":suggestions")
    [form] = chat.press("bea", picker.button("Ajouter ma propre action"), on=picker)
    assert isinstance(form.action, OpenForm)
    values = {"texte": "Réunir l'équipe jeudi", "echeance": "18/12"}
    metadata = form.action.form.private_metadata
    first = texts(chat.submit("bea", form.action.form.form_id, values, metadata=metadata))
    again = texts(chat.submit("bea", form.action.form.form_id, values, metadata=metadata))
    assert "Réunir l'équipe jeudi (échéance : 18/12/2026)" in first
    assert again.count("Réunir l'équipe jeudi") == 1
    with chat.app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(CodevAction)) == 1
