"""Slash command, buttons and dialogs as Mattermost sends them, through the adapter's routes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError

from bot.http import HttpServer, Response
from handlers.clock import FakeClock
from store.models import IdeaSupport, User
from tests.mattermost_world import World, find_action, running_world, text_of


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
    """Issue 20, point 5: a copied call with a fresh `trigger_id`, as another member, with a
    trigger the server did not sign, an old or a spent one, is refused with a message the
    server shows (HTTP 200, or it would show nothing)."""
    world.slash("bea", "langue")
    menu = world.last_ephemeral("bea")
    actions = menu["props"]["attachments"][0]["actions"]
    context = next(a for a in actions if a["name"] == "English")["integration"]["context"]
    french = next(a for a in actions if a["name"] != "English")["integration"]["context"]
    bea = world.users["bea"]["id"]
    base = {
        "user_id": bea,
        "user_name": "bea",
        "channel_id": world.town["id"],
        "post_id": menu["id"],
        "type": "button",
    }
    dan = world.fake.add_user("dan", locale="en")
    other_server = ec.generate_private_key(ec.SECP256R1())
    genuine = world.trigger(bea)
    first = world.send_action({**base, "trigger_id": genuine, "context": context})
    answers = {
        "new trigger": world.send_action(
            {**base, "trigger_id": world.trigger(bea), "context": context}
        ),
        "as dan": world.send_action(
            {
                **base,
                "user_id": dan["id"],
                "user_name": "dan",
                "trigger_id": world.trigger(dan["id"]),
                "context": context,
            }
        ),
        "bea's trigger, dan's name": world.send_action(
            {**base, "user_id": dan["id"], "trigger_id": world.trigger(bea), "context": context}
        ),
        "spent trigger": world.send_action({**base, "trigger_id": genuine, "context": french}),
        "another key": world.send_action(
            {**base, "trigger_id": world.fake.trigger_id(bea, key=other_server), "context": french}
        ),
        "expired": world.send_action(
            {**base, "trigger_id": world.trigger(bea, age=timedelta(minutes=5)), "context": french}
        ),
        "made up": world.send_action({**base, "trigger_id": "t-replay", "context": french}),
        "none": world.send_action({**base, "context": french}),
        "tampered": world.send_action(
            {**base, "trigger_id": world.trigger(bea), "context": {**context, "v": "fr"}}
        ),
        "forged": world.send_action(
            {
                **base,
                "trigger_id": world.trigger(bea),
                "context": {"a": "core.language", "v": "fr", "s": "00"},
            }
        ),
    }

    assert "I will speak English" in body(first)["ephemeral_text"]
    assert {name: a.status for name, a in answers.items()} == dict.fromkeys(answers, 200)
    shown = {name: body(a)["ephemeral_text"] for name, a in answers.items()}
    assert "Vous avez déjà utilisé ce bouton" in shown.pop("new trigger")
    assert "This button was shown to someone else" in shown.pop("as dan")
    for name in ("tampered", "forged"):
        assert "rien n'a été modifié" in shown.pop(name), name
    unverified = "n'a pas pu être vérifié auprès de Mattermost : rien n'a été modifié"
    assert {name: unverified in text for name, text in shown.items()} == dict.fromkeys(shown, True)
    assert locale_of(world, "bea") == "en"
    assert user_count(world) == 1  # dan never became a member through bea's button
    assert world.fake.dropped_answers == []


def test_a_shared_button_cannot_be_pressed_in_another_members_name(world: World) -> None:
    """On a post the whole channel sees, the body's `user_id` is the caller's word: only the
    server's signed trigger says who pressed. carl cannot support bea's idea as ada."""
    world.slash("bea", "idee")
    [dialog] = world.fake.dialogs
    values = {e["name"]: f"Texte pour {e['name']}" for e in dialog["dialog"]["elements"]}
    world.submit("bea", dialog, values | {"titre": "Un guichet unique pour les agents"})
    [card] = [p for p in world.public_posts() if "guichet unique" in text_of(p)]
    carl, ada = world.users["carl"]["id"], world.users["ada"]["id"]
    support = find_action(card, "Soutenir")["integration"]["context"]
    call = {
        "user_id": carl,
        "user_name": "carl",
        "channel_id": card["channel_id"],
        "post_id": card["id"],
        "type": "button",
        "context": support,
    }

    as_ada = world.send_action({**call, "user_id": ada, "trigger_id": world.trigger(carl)})
    made_up = world.send_action({**call, "user_id": ada, "trigger_id": "dHJpZ2dlcg=="})
    supports_after_forgeries = count_supports(world)
    by_carl = world.send_action({**call, "trigger_id": world.trigger(carl)})
    by_ada = world.press("ada", card, "Soutenir")

    for refused in (as_ada, made_up):
        assert refused.status == 200
        assert "rien n'a été modifié" in body(refused)["ephemeral_text"]
    assert supports_after_forgeries == 0
    assert (by_carl.status, by_ada.status) == (200, 200)
    assert count_supports(world) == 2


def count_supports(world: World) -> int:
    with world.app.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(IdeaSupport)) or 0)


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


def idea_dialog_filled(world: World) -> tuple[dict[str, Any], dict[str, str]]:
    """bea's « /relais idee » dialog, as Mattermost opened it, and a complete answer to it."""
    world.slash("bea", "idee")
    [opened] = world.fake.dialogs
    values = {e["name"]: f"Texte pour {e['name']}" for e in opened["dialog"]["elements"]}
    values["titre"] = "Un guichet unique pour les agents"
    return opened, values


def test_dialog_submission_is_recorded_before_the_answer_and_survives_an_outage(
    world: World, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 20, finding 2: the dialog closes only once the submission is recorded; the
    database failing while it is handled leaves it to the retry loop, which posts the idea
    once, even if the member submits again meanwhile."""
    opened, values = idea_dialog_filled(world)
    dispatch = world.app.runtime.router.dispatch
    calls: list[int] = []

    def down_while_handling(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:  # the check passed, the store fails under the real run
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return dispatch(*args, **kwargs)

    monkeypatch.setattr(world.app.runtime.router, "dispatch", down_while_handling)
    answer = world.submit("bea", opened, values)
    again = world.submit("bea", opened, values)
    posted_during_the_outage = ideas_posted(world)
    clock.advance(timedelta(seconds=2))
    handled = world.app.runtime.retry_due()

    assert (answer.status, body(answer)) == (200, {})
    assert again.status == 200
    assert posted_during_the_outage == 0
    assert handled == 1
    assert ideas_posted(world) == 1


def test_dialog_submitted_while_the_store_is_down_stays_open_and_passes_later(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened, values = idea_dialog_filled(world)
    dispatch = world.app.runtime.router.dispatch
    calls: list[int] = []

    def down_once(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("SELECT", {}, Exception("server closed the connection"))
        return dispatch(*args, **kwargs)

    monkeypatch.setattr(world.app.runtime.router, "dispatch", down_once)
    refused = world.submit("bea", opened, values)
    retried = world.submit("bea", opened, values)

    assert refused.status == 200 and body(refused)["error"]
    assert (retried.status, body(retried)) == (200, {})
    assert ideas_posted(world) == 1


def ideas_posted(world: World) -> int:
    return len([p for p in world.public_posts() if "guichet unique" in text_of(p)])


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
