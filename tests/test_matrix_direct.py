"""A 1:1 room with the bot on a real Synapse: no prefix, French help, an idea proposed field by
field, a check-in received and answered by number; an encrypted room explained in the DM."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from sqlalchemy import select

from bot.app import App
from handlers.clock import FakeClock
from store import checkin_rounds
from store.models import CheckinRound, Idea
from tests.checkins_support import paris
from tests.matrix_world import BotProcess, Person, Seen
from tests.synapse_server import Synapse


def direct_room(person: Person, bot: BotProcess) -> str:
    room = person.create_room(bot.user_id, direct=True)
    person.wait_member(room, bot.user_id)
    return room


def ask(person: Person, bot: BotProcess, room: str, text: str) -> Seen:
    """Writes `text` and returns the bot's next message in that room."""
    before = {s.event_id for s in person.from_bot(bot.user_id, room)}
    person.say(room, text)
    return person.wait_for(
        lambda s: s.sender == bot.user_id and s.room_id == room and s.event_id not in before
    )


def number_of(label: str, seen: Seen) -> str:
    match = re.search(rf"^\[(\d+)\] {re.escape(label)}$", seen.body, re.MULTILINE)
    assert match, seen.body
    return match.group(1)


def test_aide_without_prefix_gets_the_french_help(
    relais_bot: BotProcess, people: Callable[[str], Person]
) -> None:
    relais_bot.start()
    alice = people("alice")
    room = direct_room(alice, relais_bot)
    answer = ask(alice, relais_bot, room, "aide")
    assert "voici ce que vous pouvez faire" in answer.body, answer.body
    assert "!relais" in answer.body and "/relais" not in answer.body
    assert "m.relates_to" not in answer.content


def test_an_idea_is_proposed_field_by_field(
    relais_bot: BotProcess, people: Callable[[str], Person]
) -> None:
    app = relais_bot.start()
    bea = people("bea")
    room = direct_room(bea, relais_bot)
    question = ask(bea, relais_bot, room, "idee")
    assert "1/5" in question.body and "Titre" in question.body, question.body
    answers = [
        "Covoiturage entre sites",
        "Les agents font 40 km seuls en voiture",
        "Une plateforme de covoiturage interne",
        "Moins de frais et de CO2",
    ]
    for position, text in enumerate(answers, start=2):
        question = ask(bea, relais_bot, room, text)
        assert f"{position}/5" in question.body, question.body
    done = ask(bea, relais_bot, room, "Direction régionale")
    assert "Covoiturage entre sites" in done.body, done.body
    with app.sessions() as session:
        idea = session.scalars(select(Idea)).one()
    assert idea.title == "Covoiturage entre sites"
    assert idea.scope == "Direction régionale"


def test_a_form_can_be_abandoned_with_a_dot(
    relais_bot: BotProcess, people: Callable[[str], Person]
) -> None:
    app = relais_bot.start()
    bea = people("bea")
    room = direct_room(bea, relais_bot)
    ask(bea, relais_bot, room, "idee")
    assert "abandonné" in ask(bea, relais_bot, room, ".").body
    with app.sessions() as session:
        assert session.scalars(select(Idea)).all() == []


def test_a_check_in_arrives_by_dm_and_its_answer_is_stored(
    relais_bot: BotProcess, people: Callable[[str], Person]
) -> None:
    staff, bea = people("ada"), people("bea")
    clock = FakeClock(paris(2026, 12, 7, 10))
    relais_bot.clock = clock
    relais_bot.extra = {"admins": [f"matrix:{staff.user_id}"]}
    app = relais_bot.start()
    staff_room, bea_room = direct_room(staff, relais_bot), direct_room(bea, relais_bot)
    ask(bea, relais_bot, bea_room, "moi")
    for command in (
        'cohorte creer "Chefs de pôle"',
        f'cohorte ajouter "Chefs de pôle" {bea.user_id}',
        'checkin planifier "Chefs de pôle" "tous les lundis à 9h"',
    ):
        answer = ask(staff, relais_bot, staff_room, command)
        assert "introuvable" not in answer.body and "inconnu" not in answer.body, answer.body
    clock.set(paris(2026, 12, 14, 9))
    app.ticker.tick()
    checkin = bea.wait_for(lambda s: "🌤️ 4" in s.body and s.room_id == bea_room)
    assert "/relais" not in checkin.body
    thanks = ask(bea, relais_bot, bea_room, number_of("🌤️ 4", checkin))
    assert "modifier votre réponse" in thanks.body, thanks.body
    assert mood_of(app) == 4


def mood_of(app: App) -> int | None:
    with app.sessions() as session:
        round_ = session.scalars(
            select(CheckinRound).where(CheckinRound.answered_at.is_not(None))
        ).one()
        answers = checkin_rounds.answers_of(session, round_id=round_.id)
        return answers["mood"].score


def test_an_encrypted_room_is_explained_in_the_direct_room(
    relais_bot: BotProcess, people: Callable[[str], Person]
) -> None:
    relais_bot.start()
    alice = people("alice")
    room = alice.create_room(relais_bot.user_id, name="Équipe chiffrée", encrypted=True)
    dm = alice.wait_for_invite()
    notice = alice.wait_for(lambda s: s.room_id == dm and s.sender == relais_bot.user_id)
    assert "salons chiffrés" in notice.body and "Équipe chiffrée" in notice.body
    assert relais_bot.user_id not in alice.members(room)


def test_erasure_redacts_the_answers_that_quoted_the_member(
    relais_bot: BotProcess, people: Callable[[str], Person], synapse: Synapse
) -> None:
    relais_bot.start()
    alice = people("alice")
    room = alice.create_room(relais_bot.user_id, name="Managers santé")
    alice.wait_member(room, relais_bot.user_id)
    asked = alice.say(room, "!relais lean à l'hôpital de Lille")
    answer = alice.wait_for(lambda s: s.sender == relais_bot.user_id and s.thread_root == asked)
    assert "Lille" in answer.body
    dm = direct_room(alice, relais_bot)
    question = ask(alice, relais_bot, dm, "oubliez-moi")
    ask(alice, relais_bot, dm, number_of("Oui, tout effacer", question))
    path = f"/rooms/{room}/event/{answer.event_id}"
    deadline = time.monotonic() + 10
    while synapse.api(alice.account, "GET", path).get("content") and time.monotonic() < deadline:
        time.sleep(0.2)
    event = synapse.api(alice.account, "GET", path)
    assert event["content"] == {}
    assert "redacted_because" in event["unsigned"]
