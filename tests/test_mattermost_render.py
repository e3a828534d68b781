"""Neutral messages and forms as Mattermost posts and dialogs; the HMAC on what comes back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.adapters.mattermost.dialogs import fit, render_dialog
from bot.adapters.mattermost.render import (
    MAX_POST_CHARS,
    ActionSigning,
    markdown,
    render_message,
    split_text,
)
from bot.adapters.mattermost.signing import (
    Expired,
    SignatureError,
    Signer,
    key_binding,
    user_binding,
)
from handlers.text import quote_user
from handlers.types import Button, Choice, Form, FormField, Message, Option, Section

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
SIGNER = Signer("s" * 32)
SIGNING = ActionSigning(
    signer=SIGNER,
    url="https://relais.exemple.fr/mattermost/actions",
    binding=key_binding("k1"),
    now=NOW,
    thread_id="root1",
)
NAMES = {"U1": "bea"}


def names(user_id: str) -> str | None:
    return NAMES.get(user_id)


def test_markdown_keeps_syntax_names_users_and_neutralises_broadcasts() -> None:
    text = markdown(
        "**Bravo** <@U1> et <@U9> : `code` [lien](https://x.fr) " + quote_user("@all @here"),
        username=names,
    )
    assert text.startswith("**Bravo** @bea et @\u200bU9 : `code` [lien](https://x.fr) ")
    assert "@all" not in text and "@here" not in text
    assert "@\u200ball" in text
    assert "@\u200bchannel" in markdown("@channel", username=names)
    assert markdown("Dans <#h1d4kcw8xq3nmr7jz2yb6ep5ta|ville>", username=names) == "Dans ~ville"


def test_long_text_is_split_on_lines_under_the_limit() -> None:
    paragraph = ("mot " * 50).strip()
    text = "\n\n".join([paragraph] * 100)
    chunks = split_text(text)
    assert len(text) > MAX_POST_CHARS
    assert len(chunks) == 2
    assert all(len(chunk) <= MAX_POST_CHARS for chunk in chunks)
    assert "".join(chunks).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(
        " ", ""
    )
    assert split_text("x" * 40_000)[0] == "x" * MAX_POST_CHARS
    assert split_text("court") == ["court"]


def test_sections_become_attachments_with_fields_and_signed_buttons() -> None:
    message = Message(
        text="Idées",
        sections=(
            Section(
                title="Idée 1",
                body="Un jardin",
                fields=(("Auteur", "<@U1>"),),
                buttons=(
                    Button(action_id="idea.support", label="Soutenir", value="1", style="primary"),
                ),
            ),
        ),
        buttons=(Button(action_id="core.language", label="English", value="en"),),
        choices=(
            Choice(
                action_id="core.language",
                placeholder="Langue",
                options=(Option(value="fr", label="Français"), Option(value="en", label="English")),
            ),
        ),
    )
    rendered = render_message(message, username=names, signing=SIGNING)
    section, actions = rendered.attachments
    assert (section["title"], section["text"]) == ("Idée 1", "Un jardin")
    assert section["fields"] == [{"title": "Auteur", "value": "@bea", "short": True}]
    support = section["actions"][0]
    assert (support["type"], support["name"], support["style"]) == ("button", "Soutenir", "primary")
    assert support["integration"]["url"] == "https://relais.exemple.fr/mattermost/actions"
    ids = [a["id"] for a in [support, *actions["actions"]]]
    assert len(set(ids)) == 3 and all(i.isalnum() for i in ids)
    verified = SIGNER.verify_action(support["integration"]["context"], now=NOW)
    assert (verified.action_id, verified.value, verified.binding, verified.thread_id) == (
        "idea.support",
        "1",
        "k:k1",
        "root1",
    )
    menu = actions["actions"][1]
    assert menu["type"] == "select"
    assert menu["options"] == [
        {"text": "Français", "value": "fr"},
        {"text": "English", "value": "en"},
    ]
    chosen = SIGNER.verify_action(
        {**menu["integration"]["context"], "selected_option": "en"}, now=NOW
    )
    assert chosen.value == "en"
    assert rendered.props(relais_key="k1")["attachments"] == rendered.attachments


def test_tampered_forged_expired_and_unoffered_contexts_are_refused() -> None:
    context = SIGNER.action_context(action_id="core.language", value="en", binding="k:k1", now=NOW)
    assert SIGNER.verify_action(context, now=NOW).value == "en"
    with pytest.raises(SignatureError):
        SIGNER.verify_action({**context, "v": "fr"}, now=NOW)
    with pytest.raises(SignatureError):
        SIGNER.verify_action({**context, "a": "role.grant"}, now=NOW)
    with pytest.raises(SignatureError):
        Signer("t" * 32).verify_action(context, now=NOW)
    with pytest.raises(SignatureError):
        SIGNER.verify_action({"a": "core.language", "v": "en"}, now=NOW)
    with pytest.raises(SignatureError):
        SIGNER.verify_action("not a dict", now=NOW)
    with pytest.raises(Expired):
        SIGNER.verify_action(context, now=NOW + timedelta(days=91))
    menu = SIGNER.action_context(
        action_id="core.language", options=("fr", "en"), binding="k:k1", now=NOW
    )
    with pytest.raises(SignatureError):
        SIGNER.verify_action({**menu, "selected_option": "de"}, now=NOW)


def test_dialog_state_is_bound_to_its_user_not_to_the_channel() -> None:
    state = SIGNER.dialog_state(
        form_id="idea.submit", private_metadata="42", user_id="U1", channel_id="C1", now=NOW
    )
    verified = SIGNER.verify_dialog(state, user_id="U1", now=NOW)
    assert (verified.form_id, verified.private_metadata) == ("idea.submit", "42")
    assert verified.channel_id == "C1"  # where it was opened, whatever view submits it
    with pytest.raises(SignatureError):
        SIGNER.verify_dialog(state, user_id="U2", now=NOW)
    with pytest.raises(SignatureError):
        SIGNER.verify_dialog(state.replace("idea.submit", "idea.delete"), user_id="U1", now=NOW)
    with pytest.raises(SignatureError):
        SIGNER.verify_dialog(state.replace('"C1"', '"C2"'), user_id="U1", now=NOW)
    with pytest.raises(SignatureError):
        SIGNER.verify_dialog("{}", user_id="U1", now=NOW)
    with pytest.raises(Expired):
        SIGNER.verify_dialog(state, user_id="U1", now=NOW + timedelta(days=2))


def test_private_action_context_names_its_reader_and_lives_a_week() -> None:
    private = SIGNER.action_context(
        action_id="core.language", value="en", binding=user_binding("U1"), now=NOW
    )
    shared = SIGNER.action_context(
        action_id="idea.support", value="7", binding=key_binding("k1"), now=NOW
    )
    assert SIGNER.verify_action(private, now=NOW).user_id == "U1"
    assert SIGNER.verify_action(shared, now=NOW).user_id is None
    with pytest.raises(SignatureError):
        SIGNER.verify_action({**private, "b": user_binding("U2")}, now=NOW)
    with pytest.raises(Expired):
        SIGNER.verify_action(private, now=NOW + timedelta(days=8))
    assert SIGNER.verify_action(shared, now=NOW + timedelta(days=8)).value == "7"


def test_dialog_fits_mattermost_byte_limits() -> None:
    form = Form(
        form_id="idea.submit",
        title="Proposer une idée à la communauté",
        submit_label="Envoyer",
        fields=(
            FormField(name="titre", label="Titre", max_length=120, hint="Une phrase"),
            FormField(
                name="description",
                label="Décrivez précisément l'idée proposée",
                kind="textarea",
                required=False,
            ),
            FormField(
                name="theme",
                label="Thème",
                kind="select",
                options=(Option(value="rh", label="RH"),),
                initial="rh",
            ),
            FormField(name="date", label="Échéance", kind="date"),
            FormField(name="nombre", label="Nombre", kind="number", initial="x" * 400),
        ),
    )
    dialog = render_dialog(form, state="s")
    assert len(dialog["title"].encode()) <= 24
    assert dialog["introduction_text"] == "Proposer une idée à la communauté"
    title, description, theme, date, number = dialog["elements"]
    assert (title["type"], title["max_length"], title["optional"], title["help_text"]) == (
        "text",
        120,
        False,
        "Une phrase",
    )
    assert description["type"] == "textarea" and description["optional"] is True
    assert len(description["display_name"].encode()) <= 24
    assert description["help_text"] == "Décrivez précisément l'idée proposée"
    assert theme["options"] == [{"text": "RH", "value": "rh"}] and theme["default"] == "rh"
    assert date["placeholder"] == "2026-12-31"
    assert number["subtype"] == "number" and len(number["default"].encode()) <= 150
    assert (dialog["callback_id"], dialog["state"], dialog["submit_label"]) == (
        "idea.submit",
        "s",
        "Envoyer",
    )


def test_fit_cuts_on_character_boundaries() -> None:
    assert fit("court", 24) == "court"
    cut = fit("é" * 30, 24)
    assert len(cut.encode()) <= 24 and cut.endswith("…")
