"""Issue 14, "must show": on a Mattermost where the bot is an ordinary account (no
`create_post_ephemeral`, as the strict fake enforces), every private reply of a scripted session
reaches the member. Counted from what the member sees, as the server would show it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from handlers.clock import FakeClock
from handlers.projects.importer import import_file
from handlers.projects.sample import SAMPLE
from tests.mattermost_world import World, find_action, running_world


@pytest.fixture
def world(
    engine: Engine, request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> Iterator[World]:
    with running_world(engine, request, tmp_path, clock) as built:
        with built.app.sessions() as session, session.begin():
            import_file(session, SAMPLE, now=clock.now())
        yield built


def test_five_private_replies_of_a_non_admin_bot_all_arrive(world: World) -> None:
    assert world.fake.bot["roles"] == "system_user"
    assert world.adapter.port._ephemeral_allowed is False
    seen: dict[str, bool] = {}

    def latest(user: str) -> str:
        return world.last_ephemeral(user)["message"]

    world.slash("bea", "aide")
    seen["help"] = "voici ce que vous pouvez faire" in latest("bea")

    world.slash("bea", "projets qui a fait du lean à l'hôpital ?")
    seen["q&a answer"] = "« qui a fait du lean à l'hôpital ? »" in latest("bea")

    world.slash("bea", "xyzzy")
    seen["error"] = "Je ne connais pas la commande « xyzzy »" in latest("bea")

    world.slash("bea", "langue")
    menu = world.last_ephemeral("bea")
    copied = {
        "user_id": world.users["carl"]["id"],
        "user_name": "carl",
        "channel_id": world.town["id"],
        "post_id": menu["id"],
        "trigger_id": world.trigger(world.users["carl"]["id"]),
        "type": "button",
        "context": find_action(menu, "English")["integration"]["context"],
    }
    world.send_action(copied)
    seen["button refusal"] = "affiché pour quelqu'un d'autre" in latest("carl")

    world.slash("bea", "idee")
    [opened] = world.fake.dialogs
    values = {e["name"]: "Texte" for e in opened["dialog"]["elements"]} | {"titre": " "}
    answer = world.submit("bea", opened, values)
    seen["dialog field error"] = "titre" in json.loads(answer.body).get("errors", {})

    assert seen == dict.fromkeys(seen, True), seen
    assert sum(seen.values()) == 5
    assert world.fake.dialog_errors and world.fake.dropped_answers == []
    refused = [c for c in world.fake.calls if c.status == 403]
    assert refused == []
