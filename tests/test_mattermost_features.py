"""Every Relais command, and the features' buttons, forms and threads, through Mattermost."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from handlers.clock import FakeClock
from handlers.i18n import Translator
from store.models import CheckinAnswer, IdeaComment, IdeaSupport
from tests.mattermost_world import World, find_action, running_world, text_of, wait_for

INTERNAL_ERROR = Translator("fr")("core.error.internal")


@pytest.fixture
def world(
    engine: Engine, request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> Iterator[World]:
    with running_world(engine, request, tmp_path, clock) as built:
        yield built


def count(world: World, model: type) -> int:
    with world.app.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_every_command_answers_through_mattermost(world: World) -> None:
    """Each registered command, typed bare by an admin: an answer, a dialog or a post, and
    never the internal-error message."""
    world.slash("bea", "moi")
    names = sorted({spec.name for spec in world.app.runtime.router.commands.commands()})
    assert {"aide", "langue", "role", "idee"} <= set(names)
    silent = []
    for name in names:
        seen = (len(world.ephemerals("ada")), len(world.fake.dialogs), len(world.bot_posts()))
        response = world.slash("ada", name)
        assert response.status == 200, name
        ephemerals = world.ephemerals("ada")[seen[0] :]
        posts = world.bot_posts()[seen[2] :]
        if not (ephemerals or posts or len(world.fake.dialogs) > seen[1]):
            silent.append(name)
        for post in ephemerals + posts:
            assert INTERNAL_ERROR not in text_of(post), name
    assert silent == []


def test_my_data_arrives_as_a_file_in_a_direct_message(world: World) -> None:
    world.slash("bea", "mes-donnees")

    direct = world.fake.direct_channel("bea")
    [export] = [p for p in world.bot_posts() if p["channel_id"] == direct["id"]]
    [file_id] = export["file_ids"]
    assert world.fake.files[file_id]["name"] == "mes-donnees-relais.json"
    assert b'"' in world.fake.files[file_id]["content"]
    assert world.last_ephemeral("bea")["message"]


def test_idea_proposed_by_dialog_supported_by_button_and_discussed_in_its_thread(
    world: World,
) -> None:
    world.slash("bea", "idee")
    [dialog] = world.fake.dialogs
    values = {e["name"]: f"Texte pour {e['name']}" for e in dialog["dialog"]["elements"]}
    values["titre"] = "Un guichet unique pour les agents"
    assert world.submit("bea", dialog, values).status == 200
    [card] = [p for p in world.public_posts() if "guichet unique" in text_of(p)]
    assert card["props"]["relais_key"].startswith("idea:")

    pressed = world.press("carl", card, "Soutenir")
    updated = world.fake.posts[[p["id"] for p in world.fake.posts].index(card["id"])]
    follow = world.press("ada", updated, "Suivre")

    assert (pressed.status, follow.status) == (200, 200)
    assert count(world, IdeaSupport) == 1
    assert updated["edit_at"] > 0
    assert "1" in [f["value"] for a in updated["props"]["attachments"] for f in a.get("fields", [])]
    assert find_action(updated, "Suivre")["integration"]["context"]["b"] == f"p:{card['id']}"

    world.adapter.stream.start()
    world.fake.wait_websocket_client()
    world.fake.user_posts(
        "carl", card["channel_id"], "Excellente idée, je soutiens", root_id=card["id"]
    )
    wait_for(lambda: count(world, IdeaComment) == 1, what="the comment in the idea's thread")


def test_checkin_sent_by_direct_message_and_answered_in_a_dialog(
    world: World, clock: FakeClock
) -> None:
    world.slash("bea", "moi")
    for command in (
        'cohorte creer "Cohorte A"',
        'cohorte ajouter "Cohorte A" @bea',
        'checkin planifier "Cohorte A" "tous les lundis à 10h"',
    ):
        world.slash("ada", command)
        assert INTERNAL_ERROR not in world.last_ephemeral("ada")["message"]
    clock.advance(timedelta(hours=2))

    world.app.ticker.tick()

    direct = world.fake.direct_channel("bea")
    write = "✍️ Répondre par écrit"
    [checkin] = [
        p
        for p in world.bot_posts()
        if p["channel_id"] == direct["id"] and write in str(p["props"].get("attachments"))
    ]
    assert world.press("bea", checkin, write).status == 200
    [dialog] = world.fake.dialogs
    values = {e["name"]: "" for e in dialog["dialog"]["elements"]}
    first_scale = next(e for e in dialog["dialog"]["elements"] if e["type"] == "select")
    values[first_scale["name"]] = first_scale["options"][-1]["value"]
    assert world.submit("bea", dialog, values, channel=direct["id"]).status == 200
    assert count(world, CheckinAnswer) == 1


def test_broadcast_previewed_confirmed_sent_to_a_channel_and_acknowledged(world: World) -> None:
    world.slash("ada", 'diffuser "~ville" "Réunion des managers jeudi à 14h" --accuse')
    preview = world.last_ephemeral("ada")
    assert "rien n'est encore parti" in text_of(preview)
    assert "le canal #ville" in text_of(preview)

    assert world.press("ada", preview, "Envoyer").status == 200
    world.app.ticker.tick()

    [sent] = [p for p in world.bot_posts() if "Réunion des managers" in text_of(p)]
    assert sent["channel_id"] == world.town["id"]
    assert world.press("bea", sent, "Lu ✅").status == 200
    assert "lecture confirmée" in world.last_ephemeral("bea")["message"]
