"""Erasure that reaches every copy (issue 20, finding 3).

Every table and column of the *live* database is read by reflection, not from the models, so a
table a migration adds without telling the privacy registry is caught twice: its user column
is undeclared, and the marker the member wrote there survives `oubliez-moi`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, MetaData, Text, cast, func, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from bot.app import App
from handlers.clock import FakeClock
from handlers.privacy import declared_stores
from handlers.projects.importer import import_file
from handlers.projects.sample import SAMPLE
from handlers.types import DirectMessageAction, Post, SlashCommand, UpdatePost
from store.models import ConsoleButton, ConsoleMessage
from tests.chat import Chat, texts
from tests.checkins_support import STAFF, cohort, paris, tick_at
from tests.codev_support import create_group
from tests.conftest import app_on
from tests.fakes.recording_port import RecordingPort
from tests.ideas_world import open_campaign, propose

MARK = "zorglub"
# A column that points to a person: a foreign key to `users`, or a name that says so.
PERSON_COLUMN = re.compile(
    r"(^|_)(user|author|actor|member|reporter|rapporteur|coach|client|owner|audience|"
    r"recipient|person|contact)(_id|_external_id|s)?$|_by$"
)


def user_columns(connection: Connection) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    inspector = inspect(connection)
    for table in inspector.get_table_names():
        if table == "alembic_version":
            continue
        for key in inspector.get_foreign_keys(table):
            if key["referred_table"] == "users":
                found.setdefault(table, set()).update(key["constrained_columns"])
        for column in inspector.get_columns(table):
            if PERSON_COLUMN.search(column["name"]):
                found.setdefault(table, set()).add(column["name"])
    return found


def copies(sessions: sessionmaker[Session], needle: str) -> dict[str, list[str]]:
    """Every table and column of the live database holding `needle`, whatever its type."""
    found: dict[str, list[str]] = {}
    with sessions() as session:
        connection = session.connection()
        live = MetaData()
        live.reflect(bind=connection)
        for table in live.sorted_tables:
            for column in table.columns:
                text = func.lower(cast(column, Text))
                hits = connection.scalar(
                    select(func.count()).select_from(table).where(text.contains(needle))
                )
                if hits:
                    found.setdefault(table.name, []).append(column.name)
    return found


def test_every_user_column_of_the_live_database_is_declared(
    app: App, sessions: sessionmaker[Session]
) -> None:
    declared = declared_stores(app.runtime.router.commands)
    with sessions() as session:
        live = user_columns(session.connection())
        tables = set(inspect(session.connection()).get_table_names())
    undeclared = {
        table: sorted(columns - declared.get(table, set()))
        for table, columns in live.items()
        if columns - declared.get(table, set())
    }
    assert undeclared == {}, "declare these in a feature's registry.personal_data(stores=…)"
    stale = {t: sorted(c) for t, c in declared.items() if t not in tables}
    assert stale == {}
    assert {"project_questions", "project_feedback", "inbox_events"} <= set(declared)


@pytest.fixture
def community(
    engine: Engine, sessions: sessionmaker[Session], clock: FakeClock, port: RecordingPort
) -> Iterator[Chat]:
    with sessions() as session, session.begin():
        import_file(session, SAMPLE, now=clock.now())
    app = app_on(engine, sessions, clock, port, community_channel="C-community")
    yield Chat(app=app, port=port)


def write_everywhere(chat: Chat, clock: FakeClock, port: RecordingPort) -> None:
    """bea writes a marker in every feature: ideas, comments, co-development, check-ins,
    a question to the projects base, its feedback, the community channel."""
    app = chat.app
    cohort(chat, "Chefs de pôle 2026", ["bea", "carl"])
    clock.set(paris(2026, 12, 7, 10))
    chat.command(STAFF, 'checkin planifier "Chefs de pôle 2026" "tous les lundis à 9h"')
    tick_at(app, clock, port, paris(2026, 12, 14, 9))
    assert "Merci" in texts(chat.command("bea", f"checkin repondre 4 {MARK}checkin | rien"))
    group = create_group(chat, ("bea", "carl", "dina", "eric"))
    group.launch("carl")
    group.say("bea", f"Mon ressenti {MARK}codev en ouverture.")
    open_campaign(chat)
    [root, *_] = propose(chat, "carl", "Covoiturage entre agents")
    propose(chat, "bea", f"Idée {MARK}idee de dématérialisation", problem=f"{MARK}probleme")
    chat.press("bea", root.button("Soutenir"), on=root)
    assert root.message_id is not None
    chat.reply("bea", root.message_id, f"Bravo {MARK}commentaire !", channel=root.channel)
    [answer] = chat.command("bea", "projets logement social")
    useful = answer.button("👍 utile")
    slug = useful.value.partition("|")[0]
    chat.press("bea", useful.model_copy(update={"value": f"{slug}|logement {MARK}avis"}))
    [unanswered] = chat.command("bea", f"projets recette {MARK}question de la tarte tatin")
    posted = chat.press("bea", unanswered.button("Poser la question à la communauté"))
    community_post = next(s for s in posted if isinstance(s.action, Post))
    assert MARK in community_post.text
    chat.reply("carl", community_post.message_id or "", "Essayez la cuisine centrale.")


def test_oubliez_moi_leaves_no_copy_in_any_table_and_redacts_the_posts(
    community: Chat, sessions: sessionmaker[Session], clock: FakeClock, port: RecordingPort
) -> None:
    chat = community
    write_everywhere(chat, clock, port)
    [dm] = [s for s in chat.command("bea", "mes-donnees") if s.action.kind == "direct_message"]
    assert dm.message is not None
    exported = dm.message.files[0].content.decode()
    for written in ("checkin", "codev", "idee", "commentaire", "avis", "question"):
        assert f"{MARK}{written}" in exported, written
    before = copies(sessions, MARK)
    assert {"project_questions", "project_feedback", "ideas", "codev_contributions"} <= set(before)
    quoting = {
        s.message_id
        for s in port.sent
        if isinstance(s.action, Post | DirectMessageAction | UpdatePost) and MARK in s.text
    }
    assert len(quoting) >= 3

    waiting = chat.queued("bea", f"projets recette {MARK}attente de la tarte")
    waiting += chat.queued("bea", "mes-donnees")  # her export, every marker, still queued
    assert len(waiting) >= 2 and "deliveries" in copies(sessions, MARK)
    unhandled = SlashCommand(
        platform="test", workspace_id=chat.workspace, channel_id="C1", user_id="bea",
        user_name="bea", text="moi", event_id="Ev-unhandled",
    )  # fmt: skip
    reply = {"response_url": f"https://hooks.slack.com/commands/{MARK}url"}
    assert chat.app.runtime.accept(unhandled, reply=reply, elsewhere=True) is not None
    assert "reply" in copies(sessions, MARK)["inbox_events"], "recorded for a worker, not done"

    [question] = chat.command("bea", "oubliez-moi")
    erased = chat.press("bea", question.button("Oui, tout effacer"), on=question)
    assert "effacées" in texts(erased)

    assert copies(sessions, MARK) == {}
    before_flush = len(port.sent)
    chat.app.outbox.deliver()
    assert [s.key for s in port.sent[before_flush:] if s.key in waiting] == []
    redacted = {s.message_id for s in erased if isinstance(s.action, UpdatePost)}
    assert quoting - redacted == set(), "bot posts still quoting the member on the platform"
    assert all("Message retiré" in s.text for s in erased if isinstance(s.action, UpdatePost))


def test_the_anonymised_account_holds_nothing_personal_and_nothing_names_it(
    community: Chat, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    """Issue 20: rows that keep a person after erasure point to an empty account; a cohort
    bea coached has no coach any more, and nothing says she created it or the campaign."""
    chat = community
    chat.command("ada", "moi")
    clock.set(paris(2026, 12, 7, 10))
    chat.command("bea", "moi")  # her first day: the account would keep it
    chat.command("ada", "role @bea staff")
    chat.command("bea", 'cohorte creer "Cadres de santé" --coach @bea')
    chat.command("bea", 'checkin planifier "Cadres de santé" "tous les lundis à 9h"')
    chat.command("bea", 'campagne ouvrir "Moins de papier" --jusqu-au 2027-01-31')
    listed = texts(chat.command("ada", "cohorte liste"))
    assert "Cadres de santé" in listed and "<@bea>" in listed

    [question] = chat.command("bea", "oubliez-moi")
    chat.press("bea", question.button("Oui, tout effacer"), on=question)

    with sessions() as session:
        connection = session.connection()
        live = MetaData()
        named = ("cohorts", "checkin_schedules", "idea_campaigns")
        live.reflect(bind=connection, only=["users", "workspaces", *named])
        users, workspaces = live.tables["users"], live.tables["workspaces"]
        [account] = connection.execute(
            select(users).where(users.c.external_id.startswith("erased:"))
        ).mappings()
        workspace_created = connection.scalar(
            select(workspaces.c.created_at).where(workspaces.c.id == account["workspace_id"])
        )
        pointers = {
            (table, column): connection.scalar(
                select(func.count()).where(live.tables[table].c[column] == account["id"])
            )
            for table, column in (
                ("cohorts", "coach_id"),
                ("cohorts", "created_by"),
                ("checkin_schedules", "created_by"),
                ("idea_campaigns", "created_by"),
            )
        }
    kept = {
        name: value
        for name, value in account.items()
        if value not in (None, False) and name not in ("id", "workspace_id")
    }
    assert kept == {"external_id": f"erased:{account['id']}", "created_at": workspace_created}
    assert pointers == dict.fromkeys(pointers, 0)
    listed = texts(chat.command("ada", "cohorte liste"))
    assert "Cadres de santé" in listed and "erased" not in listed and "<@bea>" not in listed


def test_the_console_transcript_keeps_no_copy(app: App, sessions: sessionmaker[Session]) -> None:
    """The console stores every line shown: the member's own and the bot's answers that quote
    them (here an echo of their question) are both gone after `oubliez-moi`."""
    console = app.console()
    console.say("bea", f"Bonjour {MARK}console", channel="general")
    console.say("bea", f"/relais projets recette {MARK}echo de la tarte", channel="general")
    with sessions() as session:
        shown = session.scalars(
            select(ConsoleMessage.text).where(ConsoleMessage.author == "relais")
        )
        assert any(f"{MARK}echo" in text for text in shown), "the bot quoted the question"
    console.say("bea", "/relais oubliez-moi", channel="general")
    with sessions() as session:
        [confirm] = session.scalars(
            select(ConsoleButton.id).where(
                ConsoleButton.action_id == "privacy.erase", ConsoleButton.value == "yes"
            )
        )
    console.press("bea", f"b{confirm}")
    assert copies(sessions, MARK) == {}
