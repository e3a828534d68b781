"""Slash command, buttons and dialogs as Mattermost sends them, through the adapter's routes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import Engine, func, select

from bot.http import HttpServer, Response
from handlers.clock import FakeClock
from store.models import User
from tests.mattermost_world import World, running_world, text_of


@pytest.fixture
def world(
    engine: Engine, request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> Iterator[World]:
    with running_world(engine, request, tmp_path, clock) as built:
        yield built


def body(response: Response) -> Any:
    return json.loads(response.body) if response.body else None


def user_count(world: World) -> int:
    with world.app.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(User)) or 0)


def locale_of(world: World, name: str) -> str | None:
    with world.app.sessions() as session:
        user = session.scalar(select(User).where(User.external_id == world.users[name]["id"]))
        return user.locale if user else None


def test_wrong_slash_token_is_401_and_changes_nothing(world: World) -> None:
    response = world.slash("bea", "langue en", token="forged-token-0123456789")
    server = HttpServer(host="127.0.0.1", port=0)
    world.adapter.routes.register(server)
    server.start()
    try:
        over_the_wire = requests.post(
            f"http://127.0.0.1:{server.port}/mattermost/command",
            data={"token": "nope", "text": "aide", "user_id": world.users["bea"]["id"]},
            timeout=5,
        )
    finally:
        server.stop()

    assert response.status == 401
    assert over_the_wire.status_code == 401
    assert world.fake.ephemeral_posts == [] and world.fake.posts == []
    assert user_count(world) == 0


def test_help_answers_privately_within_the_time_budget(world: World) -> None:
    response = world.slash("bea", "aide")

    assert response.status == 200 and body(response)["response_type"] == "ephemeral"
    reply = world.last_ephemeral("bea")
    assert (reply["channel_id"], reply["sent_by"]) == (world.town["id"], "server")
    assert "voici ce que vous pouvez faire" in text_of(reply)
    assert "/relais langue" in text_of(reply)
    assert world.fake.calls_to("POST", "/api/v4/posts/ephemeral") == []


def test_language_buttons_press_answers_in_the_button_response(world: World) -> None:
    world.slash("bea", "langue")
    menu = world.last_ephemeral("bea")

    pressed = world.press("bea", menu, "English")

    assert pressed.status == 200
    assert "I will speak English" in body(pressed)["ephemeral_text"]
    assert "I will speak English" in world.last_ephemeral("bea")["message"]
    assert locale_of(world, "bea") == "en"
    assert world.fake.calls_to("POST", "/api/v4/posts/ephemeral") == []


def test_replayed_forged_and_tampered_presses_change_nothing(world: World) -> None:
    """Issue 20, point 5: a copied call with a fresh `trigger_id`, or as another member, is
    refused with a message the server shows (HTTP 200, or it would show nothing)."""
    world.slash("bea", "langue")
    menu = world.last_ephemeral("bea")
    english = next(a for a in menu["props"]["attachments"][0]["actions"] if a["name"] == "English")
    context = english["integration"]["context"]
    base = {
        "user_id": world.users["bea"]["id"],
        "user_name": "bea",
        "channel_id": world.town["id"],
        "post_id": menu["id"],
        "type": "button",
    }
    dan = world.fake.add_user("dan", locale="en")
    first = world.send_action({**base, "trigger_id": "t-first", "context": context})
    new_trigger = world.send_action({**base, "trigger_id": "t-replay", "context": context})
    as_dan = world.send_action(
        {
            **base,
            "user_id": dan["id"],
            "user_name": "dan",
            "trigger_id": "t-dan",
            "context": context,
        }
    )
    tampered = world.send_action({**base, "trigger_id": "t2", "context": {**context, "v": "fr"}})
    forged = world.send_action(
        {**base, "trigger_id": "t3", "context": {"a": "core.language", "v": "fr", "s": "00"}},
    )
    no_trigger = world.send_action({**base, "context": context})

    assert "I will speak English" in body(first)["ephemeral_text"]
    answers = [new_trigger, as_dan, tampered, forged, no_trigger]
    assert [answer.status for answer in answers] == [200] * 5
    assert "Vous avez déjà utilisé ce bouton" in body(new_trigger)["ephemeral_text"]
    assert "This button was shown to someone else" in body(as_dan)["ephemeral_text"]
    for refused in (tampered, forged, no_trigger):
        assert "rien n'a été modifié" in body(refused)["ephemeral_text"]
    assert locale_of(world, "bea") == "en"
    assert user_count(world) == 1  # dan never became a member through bea's button
    assert world.fake.dropped_answers == []


def test_admin_grants_a_role_by_mattermost_username(world: World) -> None:
    world.slash("bea", "moi")
    refused = world.slash("bea", "role @carl coach")
    granted = world.slash("ada", "role @bea coach")

    assert (refused.status, granted.status) == (200, 200)
    assert "réservée au rôle administrateur" in world.last_ephemeral("bea")["message"]
    assert world.last_ephemeral("ada")["message"] == "@bea a maintenant le rôle coach."
    world.slash("bea", "moi")
    assert "coach" in world.last_ephemeral("bea")["message"]
    looked_up = [c.body for c in world.fake.calls_to("POST", "/api/v4/users/usernames")]
    assert looked_up == [["carl"]]  # bea was already known from her own command


def test_timezone_and_bad_input_get_short_answers(world: World) -> None:
    world.slash("bea", "fuseau America/Cayenne")
    assert "America/Cayenne" in world.last_ephemeral("bea")["message"]
    world.slash("bea", "fuseau Mars/Olympus")
    assert "Fuseau horaire inconnu" in world.last_ephemeral("bea")["message"]
    world.slash("bea", "xyzzy")
    assert "Je ne connais pas la commande « xyzzy »" in world.last_ephemeral("bea")["message"]


def test_slow_work_is_acknowledged_then_delivered(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.adapters.mattermost.http as routes

    monkeypatch.setattr(routes, "COMMAND_BUDGET_SECONDS", 0.0)
    response = world.slash("bea", "aide")

    assert response.status == 200
    assert body(response) == {
        "response_type": "ephemeral",
        "text": "C'est parti : la réponse arrive dans un instant.",
    }
    from tests.mattermost_world import wait_for

    wait_for(lambda: bool(world.ephemerals("bea")), what="the help after the acknowledgement")


def test_dialog_submission_is_verified_and_counted_once(world: World) -> None:
    world.slash("bea", "idee")
    [opened] = world.fake.dialogs
    fields = {e["name"] for e in opened["dialog"]["elements"]}
    assert "titre" in fields
    values = {name: f"Texte pour {name}" for name in fields}
    values["titre"] = "Un guichet unique pour les agents"

    forged = dict(
        opened,
        dialog={
            **opened["dialog"],
            "state": opened["dialog"]["state"].replace("cmd:idee", "cmd:role"),
        },
    )
    refused = world.submit("bea", forged, values)
    accepted = world.submit("bea", opened, values)
    replayed = world.submit("bea", opened, values)
    wrong_user = world.submit("carl", opened, values)

    assert [r.status for r in (refused, accepted, replayed, wrong_user)] == [200] * 4
    assert "rien n'a été enregistré" in body(refused)["error"]
    assert body(accepted) == {}
    assert "déjà été envoyé" in body(replayed)["error"]
    assert "rien n'a été enregistré" in body(wrong_user)["error"]
    ideas = [p for p in world.public_posts() if "guichet unique" in text_of(p)]
    assert len(ideas) == 1


def test_dialog_field_error_stays_on_the_field_and_the_corrected_dialog_passes(
    world: World,
) -> None:
    """Issue 14, point 2: field errors are `{"errors": {field: message}}` with HTTP 200, and
    nothing is recorded, so the same dialog, corrected, is accepted."""
    world.slash("bea", "idee")
    [opened] = world.fake.dialogs
    values = {e["name"]: f"Texte pour {e['name']}" for e in opened["dialog"]["elements"]}

    blank = world.submit("bea", opened, {**values, "titre": "   "})
    corrected = world.submit("bea", opened, {**values, "titre": "Un guichet unique"})

    assert blank.status == 200, body(blank)
    assert list(body(blank).get("errors", {})) == ["titre"], body(blank)
    assert world.fake.dialog_errors == [body(blank)["errors"]]
    assert (corrected.status, body(corrected)) == (200, {})
    assert any("guichet unique" in text_of(p) for p in world.bot_posts())


def test_dialog_submitted_from_another_view_is_accepted(world: World) -> None:
    """Issue 14, point 3: mobile submits from another channel; the dialog is bound to the
    person and the signed state, and the reply goes where the dialog was opened."""
    world.slash("bea", "idee")
    [opened] = world.fake.dialogs
    values = {e["name"]: f"Texte pour {e['name']}" for e in opened["dialog"]["elements"]}
    values["titre"] = "Depuis le mobile"
    elsewhere = world.fake.add_channel("autre-vue", members=["bea"])

    answer = world.submit("bea", opened, values, channel=elsewhere["id"])

    assert (answer.status, body(answer)) == (200, {})
    assert any("Depuis le mobile" in text_of(p) for p in world.bot_posts())


def test_a_private_button_expires_after_a_week_with_a_message(
    world: World, clock: FakeClock
) -> None:
    world.slash("bea", "langue")
    menu = world.last_ephemeral("bea")
    clock.advance(timedelta(days=8))

    late = world.press("bea", menu, "English")

    assert late.status == 200
    assert "Ce bouton a expiré" in body(late)["ephemeral_text"]
    assert "Ce bouton a expiré" in world.last_ephemeral("bea")["message"]
    assert locale_of(world, "bea") is None
