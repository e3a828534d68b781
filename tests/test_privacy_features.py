"""A member's data across features: exported whole, then erased from every table while the
campaign totals stay right."""

from __future__ import annotations

import json

from sqlalchemy import MetaData, Text, cast, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.app import App
from handlers.clock import FakeClock
from store.models import Idea, IdeaSupport
from tests.chat import Chat, texts
from tests.checkins_support import STAFF, cohort, paris, tick_at
from tests.codev_support import create_group
from tests.fakes.recording_port import RecordingPort
from tests.ideas_world import propose

MARK = "Zorglub"


def leftovers(sessions: sessionmaker[Session], *needles: str) -> dict[str, int]:
    """For every table of the live database (by reflection, not the models), the rows whose
    columns, read as text, still hold one of the needles."""
    found: dict[str, int] = {}
    with sessions() as session:
        live = MetaData()
        live.reflect(bind=session.connection())
        for table in live.sorted_tables:
            columns = [cast(c, Text) for c in table.columns]
            match = or_(*(c.contains(n) for c in columns for n in needles))
            count = session.scalar(select(func.count()).select_from(table).where(match))
            if count:
                found[table.name] = int(count)
    return found


def test_export_then_erasure_across_features(
    app: App, chat: Chat, sessions: sessionmaker[Session], clock: FakeClock, port: RecordingPort
) -> None:
    cohort(chat, "Chefs de pôle 2026", ["bea", "carl"])
    clock.set(paris(2026, 12, 7, 10))
    chat.command(STAFF, 'checkin planifier "Chefs de pôle 2026" "tous les lundis à 9h"')
    tick_at(app, clock, port, paris(2026, 12, 14, 9))
    assert "Merci" in texts(chat.command("bea", f"checkin repondre 4 le soutien {MARK} | rien"))
    group = create_group(chat, ("bea", "carl", "dina", "eric"))
    group.launch("carl")
    group.say("bea", f"Mon ressenti {MARK} en ouverture.")
    [root, *_] = propose(chat, "carl", "Covoiturage entre agents")
    propose(chat, "bea", f"Idée {MARK} de dématérialisation", problem=f"Problème {MARK}")
    chat.press("bea", root.button("Soutenir"), on=root)
    assert root.message_id is not None
    chat.reply("bea", root.message_id, f"Bravo {MARK} !", channel=root.channel)

    [dm] = [s for s in chat.command("bea", "mes-donnees") if s.action.kind == "direct_message"]
    assert dm.message is not None
    data = json.loads(dm.message.files[0].content)
    assert [i["title"] for i in data["ideas"]["ideas"]] == [f"Idée {MARK} de dématérialisation"]
    assert data["ideas"]["comments"][0]["text"] == f"Bravo {MARK} !"
    assert len(data["ideas"]["supports"]) == 1
    assert data["codev"]["contributions"][0]["text"] == f"Mon ressenti {MARK} en ouverture."
    [answered] = [c for c in data["checkins"]["checkins"] if c["answers"]]
    assert {a["score"] for a in answered["answers"]} >= {4}
    assert f"le soutien {MARK}" in {a["text"] for a in answered["answers"]}

    with sessions() as session:
        ideas_before = session.scalar(select(func.count()).select_from(Idea))
        supports_before = session.scalar(select(func.count()).select_from(IdeaSupport))
    [question] = chat.command("bea", "oubliez-moi")
    assert "effacées" in texts(chat.press("bea", question.button("Oui, tout effacer"), on=question))

    assert leftovers(sessions, MARK) == {}
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Idea)) == ideas_before
        assert session.scalar(select(func.count()).select_from(IdeaSupport)) == supports_before
    stats = texts(chat.command("ada", "idees stats"))
    assert "Propositions: 2" in stats and "Soutiens: 1" in stats
    bilan = texts(chat.command(STAFF, 'cohorte bilan "Chefs de pôle 2026"'))
    assert "Réponses : 1/2" in bilan, "the erased member's answer still counts"


def test_check_in_answers_are_deleted_after_the_retention(
    app: App, chat: Chat, sessions: sessionmaker[Session], clock: FakeClock, port: RecordingPort
) -> None:
    cohort(chat, "Cohorte courte", ["bea", "carl"])
    clock.set(paris(2026, 12, 7, 10))
    chat.command(STAFF, 'checkin planifier "Cohorte courte" "tous les lundis à 9h"')
    tick_at(app, clock, port, paris(2026, 12, 14, 9))
    chat.command("bea", f"checkin repondre 4 {MARK}")
    tick_at(app, clock, port, paris(2028, 11, 6, 9))
    assert leftovers(sessions, MARK) == {"checkin_answers": 1}, "24 months have not passed"
    tick_at(app, clock, port, paris(2029, 1, 20, 9))
    assert leftovers(sessions, MARK) == {}
