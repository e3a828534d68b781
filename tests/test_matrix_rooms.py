"""Matrix rooms on a real Synapse: invitations, `!relais` questions answered in threads, mentions
that ping nobody, servers that are not allowed."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from sqlalchemy import select

from bot.adapters.matrix import inbound
from handlers.types import Message
from store.models import ConsoleMessage
from tests.matrix_world import BotProcess, Person, Seen
from tests.synapse_server import Synapse

QUESTION = "qui a fait du lean à l'hôpital ?"
_PROJECT = re.compile(r"^\d+\. (.+)$", re.MULTILINE)


def room_with_bot(person: Person, bot: BotProcess, *others: Person) -> str:
    room = person.create_room(bot.user_id, *(o.user_id for o in others), name="Managers santé")
    for other in others:
        other.accept_invites()
    person.wait_member(room, bot.user_id)
    return room


def answer_to(person: Person, bot: BotProcess, event_id: str) -> Seen:
    return person.wait_for(lambda s: s.sender == bot.user_id and s.thread_root == event_id)


def console_projects(bot: BotProcess) -> list[str]:
    assert bot.app is not None
    bot.app.console().say("admin", f"@relais {QUESTION}", channel="general")
    with bot.app.sessions() as session:
        shown = session.scalars(select(ConsoleMessage).order_by(ConsoleMessage.id.desc())).first()
    assert shown is not None
    message = Message.model_validate(shown.body["message"])
    return _PROJECT.findall("\n".join(section.title or "" for section in message.sections))


def test_a_question_in_a_room_is_answered_in_its_thread_like_the_console(
    relais_bot: BotProcess, people: Callable[[str], Person]
) -> None:
    relais_bot.start()
    alice = people("alice")
    room = room_with_bot(alice, relais_bot)
    started = time.perf_counter()
    asked = alice.say(room, f"!relais {QUESTION}")
    answer = answer_to(alice, relais_bot, asked)
    latency = time.perf_counter() - started
    assert answer.room_id == room
    assert latency < 5.0
    projects = _PROJECT.findall(answer.body)
    assert projects and projects == console_projects(relais_bot)
    assert "Lean Santé au CHRU de Lille" in projects[0]
    assert "[1] Voir la fiche" in answer.body
    assert "Années : depuis 2014" in answer.body
    assert "Répondez par `!relais ` suivi du numéro" in answer.body
    assert answer.content["m.relates_to"]["rel_type"] == "m.thread"
    asked = alice.say(room, "!relais who did lean management in a hospital?")
    english = answer_to(alice, relais_bot, asked).body
    assert "Lean Santé au CHRU de Lille" in english
    assert "Years: since 2014" in english and "Years :" not in english
    assert "[1] View record" in english and "Answer with `!relais ` followed by" in english


def test_messages_without_the_prefix_are_left_alone_in_rooms(
    relais_bot: BotProcess, people: Callable[[str], Person]
) -> None:
    relais_bot.start()
    alice = people("alice")
    room = room_with_bot(alice, relais_bot)
    alice.say(room, QUESTION)
    asked = alice.say(room, "!relais aide")
    help_answer = answer_to(alice, relais_bot, asked)
    assert "!relais" in help_answer.body
    assert [s.event_id for s in alice.from_bot(relais_bot.user_id, room)] == [help_answer.event_id]


def answers_in_thread(person: Person, bot: BotProcess, event_id: str) -> list[Seen]:
    return [s for s in person.from_bot(bot.user_id) if s.thread_root == event_id]


def test_what_was_asked_before_the_bot_joined_is_history(
    relais_bot: BotProcess, people: Callable[[str], Person]
) -> None:
    relais_bot.start()
    alice = people("alice")
    room = alice.create_room(name="Managers santé")
    old = alice.say(room, "!relais aide")
    alice.invite(room, relais_bot.user_id)
    alice.wait_member(room, relais_bot.user_id)
    asked = alice.say(room, "!relais aide")
    answer_to(alice, relais_bot, asked)
    assert answers_in_thread(alice, relais_bot, old) == []


def test_a_restart_answers_what_came_while_down_and_nothing_twice(
    relais_bot: BotProcess, people: Callable[[str], Person]
) -> None:
    relais_bot.start()
    alice = people("alice")
    room = room_with_bot(alice, relais_bot)
    before = alice.say(room, f"!relais {QUESTION}")
    answer_to(alice, relais_bot, before)
    relais_bot.stop()
    during = alice.say(room, "!relais qui a travaillé sur la télémédecine ?")
    time.sleep(1.0)
    assert answers_in_thread(alice, relais_bot, during) == []
    relais_bot.start()
    answer_to(alice, relais_bot, during)
    after = alice.say(room, "!relais aide")
    answer_to(alice, relais_bot, after)
    assert len(answers_in_thread(alice, relais_bot, before)) == 1
    assert len(answers_in_thread(alice, relais_bot, during)) == 1


def test_people_from_a_server_not_allowed_get_no_answer(
    relais_bot: BotProcess, people: Callable[[str], Person]
) -> None:
    relais_bot.start()
    alice = people("alice")
    room = room_with_bot(alice, relais_bot)
    relais_bot.stop()
    relais_bot.allowed_servers = "agent.tchap.gouv.fr"
    relais_bot.start()
    asked = alice.say(room, "!relais aide")
    invited = alice.create_room(relais_bot.user_id, name="Autre salon")
    alice.wait_member(invited, relais_bot.user_id, present=False)
    time.sleep(3.0)
    assert answers_in_thread(alice, relais_bot, asked) == []
    assert relais_bot.user_id not in alice.members(invited)
    assert relais_bot.adapter is not None and relais_bot.adapter.inbound.healthy()


def test_at_room_in_a_question_pings_nobody(
    relais_bot: BotProcess, people: Callable[[str], Person], synapse: Synapse
) -> None:
    relais_bot.start()
    alice, bob = people("alice"), people("bob")
    room = alice.create_room(relais_bot.user_id, bob.user_id, name="Managers santé")
    bob.accept_invites()
    alice.wait_member(room, relais_bot.user_id)
    levels = synapse.api(alice.account, "GET", f"/rooms/{room}/state/m.room.power_levels")
    levels["users"][relais_bot.user_id] = 100
    synapse.api(alice.account, "PUT", f"/rooms/{room}/state/m.room.power_levels", **levels)
    asked = alice.say(room, "!relais @room lean à l'hôpital")
    answer = answer_to(alice, relais_bot, asked)
    assert "@\u200broom" in answer.body and "@room" not in answer.body
    assert answer.content["m.mentions"] == {}
    bob.sync(timeout_ms=500)
    time.sleep(0.5)
    notified = synapse.api(bob.account, "GET", "/notifications")["notifications"]
    from_bot = [n for n in notified if n["event"]["sender"] == relais_bot.user_id]
    assert from_bot, notified
    assert not any(
        action.get("set_tweak") == "highlight" and action.get("value", True)
        for n in from_bot
        for action in n["actions"]
        if isinstance(action, dict)
    )


def test_a_numbered_button_in_a_room_answers_privately_in_the_direct_room(
    relais_bot: BotProcess, people: Callable[[str], Person]
) -> None:
    relais_bot.start()
    alice = people("alice")
    room = room_with_bot(alice, relais_bot)
    asked = alice.say(room, f"!relais {QUESTION}")
    answer = answer_to(alice, relais_bot, asked)
    number = re.search(r"^\[(\d+)\] 👍 utile$", answer.body, re.MULTILINE)
    assert number, answer.body
    alice.say(room, f"!relais {number.group(1)}", thread=asked)
    direct = alice.wait_for_invite()
    thanks = alice.wait_for(lambda s: s.room_id == direct and s.sender == relais_bot.user_id)
    assert "Merci" in thanks.body, thanks.body
    assert alice.members(direct) == {alice.user_id, relais_bot.user_id}
    assert answers_in_thread(alice, relais_bot, asked) == [answer]


def test_more_messages_while_down_than_a_sync_shows_are_all_answered(
    relais_bot: BotProcess, people: Callable[[str], Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inbound, "SYNC_FILTER", {"room": {"timeline": {"limit": 2}}})
    relais_bot.start()
    alice = people("alice")
    room = room_with_bot(alice, relais_bot)
    relais_bot.stop()
    asked = [alice.say(room, f"!relais {q}") for q in ("aide", "lean", "télémédecine", "moi")]
    relais_bot.start()
    for event_id in asked:
        answer_to(alice, relais_bot, event_id)
    assert all(len(answers_in_thread(alice, relais_bot, e)) == 1 for e in asked)
