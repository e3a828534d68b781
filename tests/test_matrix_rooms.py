"""Matrix rooms on a real Synapse: invitations, `!relais` questions answered in threads, mentions
that ping nobody, servers that are not allowed."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from sqlalchemy import select

from handlers.types import Message
from store.models import ConsoleMessage
from tests.matrix_world import BotProcess, Person, Seen

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
    assert answer.content["m.relates_to"]["rel_type"] == "m.thread"


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
