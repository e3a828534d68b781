"""Neutral messages and forms as Block Kit: markup, escaping, broadcast mentions, Slack limits."""

from __future__ import annotations

import json

import pytest
from slack_sdk.models.views import View

from bot.adapters.slack.metadata import FormOrigin, decode_form_origin
from bot.adapters.slack.mrkdwn import to_mrkdwn
from bot.adapters.slack.render import Rendered, original_action_id, render_message, split_text
from bot.adapters.slack.views import ViewTooLarge, form_view, home_view
from handlers.text import quote_user
from handlers.types import Button, Choice, Form, FormField, Message, Option, Section


@pytest.mark.parametrize(
    ("neutral", "slack"),
    [
        ("**Idée n° 12** retenue", "*Idée n° 12* retenue"),
        ("_en cours_ et `code`", "_en cours_ et `code`"),
        ("[la charte](https://relais.gouv.fr/charte)", "<https://relais.gouv.fr/charte|la charte>"),
        ("merci <@U0BEA> !", "merci <@U0BEA> !"),
        ("dans <#C0IDEES|idees>", "dans <#C0IDEES>"),
        ("ouverte dans #C0IDEES.", "ouverte dans <#C0IDEES>."),
        ("#idees et C#CGENERAL", "#idees et C#CGENERAL"),
        ("- un\n- deux", "• un\n• deux"),
        ("> citation", "> citation"),
        ("R&D <b> a>b", "R&amp;D &lt;b&gt; a&gt;b"),
    ],
)
def test_neutral_markup_becomes_mrkdwn(neutral: str, slack: str) -> None:
    assert to_mrkdwn(neutral) == slack


@pytest.mark.parametrize(
    "written",
    [
        "<!channel> venez",
        "<!here|here> venez",
        "<!everyone>",
        "<!subteam^S0DEV|@devs>",
        "@channel",
        "@here !",
    ],
)
def test_broadcast_mentions_written_by_users_never_reach_slack(written: str) -> None:
    rendered = to_mrkdwn(quote_user(written))
    assert "<!" not in rendered
    for word in ("@channel", "@here", "@everyone"):
        assert word not in rendered


def test_fake_links_and_tags_in_user_text_are_escaped() -> None:
    rendered = to_mrkdwn("<https://phishing.example|Mot de passe> & <@U0BEA|bea>")
    assert rendered == "&lt;https://phishing.example|Mot de passe&gt; &amp; <@U0BEA>"


def test_links_to_other_schemes_stay_text() -> None:
    assert to_mrkdwn("[clic](javascript:alert)") == "clic (javascript:alert)"


def test_message_with_sections_fields_and_buttons() -> None:
    message = Message(
        text="Bonjour <@U0BEA>",
        sections=(
            Section(
                title="Idée n° 12",
                body="Un annuaire",
                fields=(("Soutiens", "4"), ("Statut", "_à l'étude_")),
                buttons=(Button(action_id="idea.support", label="Je soutiens", value="12"),),
            ),
        ),
        buttons=(
            Button(action_id="core.language", label="Français", value="fr"),
            Button(action_id="core.language", label="English", value="en", style="primary"),
        ),
        choices=(
            Choice(
                action_id="pick", placeholder="Choisir", options=(Option(value="a", label="A"),)
            ),
        ),
    )
    rendered = render_message(message, more_note="suite")
    blocks = rendered.blocks
    assert rendered.text == "Bonjour <@U0BEA>"
    assert [b["type"] for b in blocks] == [
        "section",
        "divider",
        "section",
        "section",
        "actions",
        "actions",
        "actions",
    ]
    assert blocks[2]["text"]["text"] == "*Idée n° 12*\nUn annuaire"
    assert blocks[3]["fields"][1]["text"] == "*Statut*\n_à l'étude_"
    language = blocks[5]["elements"]
    assert [e["action_id"] for e in language] == ["core.language", "core.language~2"]
    assert [e.get("style") for e in language] == [None, "primary"]
    assert blocks[6]["elements"][0]["type"] == "static_select"
    assert original_action_id("core.language~2") == "core.language"
    assert original_action_id("codev.extend.5") == "codev.extend.5"


def test_long_text_is_split_into_sections_of_3000_characters() -> None:
    paragraph = "Une phrase assez longue pour remplir la section. " * 40
    rendered = render_message(Message(text="\n".join([paragraph] * 5)), more_note="suite")
    texts = [b["text"]["text"] for b in rendered.blocks]
    assert len(texts) >= 4
    assert all(len(t) <= 3000 for t in texts)
    assert len(rendered.text) <= 3000 and rendered.text.endswith("…")


def test_a_single_huge_word_is_cut_without_breaking_an_entity() -> None:
    pieces = split_text("&amp;" * 1000, 3000)
    assert all(len(p) <= 3000 and p.endswith(";") for p in pieces)
    assert "".join(pieces) == "&amp;" * 1000


def test_more_than_50_blocks_continue_in_further_chunks_with_a_note() -> None:
    sections = tuple(Section(title=f"Idée {n}", body="…") for n in range(60))
    rendered = render_message(Message(text="Liste", sections=sections), more_note="voir la suite")
    first, *rest = rendered.chunks
    assert len(first) == 50
    assert first[-1] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": "voir la suite"}],
    }
    assert rest and all(len(c) <= 50 for c in rest)
    assert sum(len(c) for c in rendered.chunks) == 1 + 60 * 2 + len(rendered.chunks) - 1


def test_many_buttons_and_fields_are_spread_over_blocks() -> None:
    buttons = tuple(Button(action_id=f"b{n}", label="x" * 100) for n in range(30))
    fields = tuple((f"f{n}", "v" * 2500) for n in range(12))
    blocks = render_message(
        Message(text="", sections=(Section(fields=fields, buttons=buttons),)), more_note=""
    ).blocks
    assert [len(b.get("fields") or b.get("elements") or []) for b in blocks] == [10, 2, 25, 5]
    assert all(len(e["text"]["text"]) <= 75 for b in blocks[2:] for e in b["elements"])
    assert all(len(f["text"]) <= 2000 for b in blocks[:2] for f in b["fields"])


def test_empty_text_falls_back_to_the_first_section() -> None:
    message = Message(text="", sections=(Section(title="Bilan du mois"),))
    assert render_message(message, more_note="").text == "Bilan du mois"


def test_form_becomes_a_modal_within_limits() -> None:
    form = Form(
        form_id="idea.report",
        title="Signaler une idée à l'équipe d'animation",
        submit_label="Envoyer le signalement maintenant",
        private_metadata="12",
        fields=(
            FormField(
                name="motif",
                label="Motif",
                kind="select",
                options=(Option(value="off_topic", label="Hors sujet"),),
                initial="off_topic",
            ),
            FormField(
                name="details",
                label="Détails",
                kind="textarea",
                required=False,
                max_length=5000,
                hint="Restez factuel",
            ),
            FormField(name="quand", label="Date", kind="date", initial="pas une date"),
            FormField(name="nombre", label="Nombre", kind="number", initial="3"),
        ),
    )
    view = form_view(form, origin=FormOrigin("C0IDEES", None, ""), close_label="Annuler")
    assert View(**view).validate_json() is None
    assert view["callback_id"] == "idea.report"
    assert len(view["title"]["text"]) <= 24 and view["title"]["text"].endswith("…")
    assert len(view["submit"]["text"]) <= 24
    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert blocks["motif"]["element"]["initial_option"]["value"] == "off_topic"
    assert blocks["details"]["optional"] is True
    assert blocks["details"]["element"]["multiline"] is True
    assert blocks["details"]["element"]["max_length"] == 3000
    assert "initial_date" not in blocks["quand"]["element"]
    assert blocks["nombre"]["element"]["type"] == "number_input"
    origin = decode_form_origin(view["private_metadata"])
    assert origin == FormOrigin("C0IDEES", None, "12")


def test_form_too_large_for_slack_is_refused() -> None:
    fields = tuple(
        FormField(
            name=f"f{n}",
            label="é" * 2000,
            kind="select",
            options=tuple(Option(value=str(i), label="o" * 75) for i in range(100)),
        )
        for n in range(20)
    )
    form = Form(form_id="big", title="Gros", submit_label="OK", fields=fields)
    with pytest.raises(ViewTooLarge):
        form_view(form, origin=FormOrigin(None, None, ""), close_label="Annuler")


def test_home_view_keeps_to_100_blocks() -> None:
    sections = [Section(title=f"Session {n}", body="ouverte") for n in range(150)]
    view = home_view(sections, more_note="voir la suite avec `/relais aide`")
    assert view["type"] == "home"
    assert len(view["blocks"]) == 100
    assert view["blocks"][-1]["elements"][0]["text"] == "voir la suite avec `/relais aide`"
    assert len(json.dumps(view)) < 250_000


def test_a_message_rendered_again_keeps_its_own_buttons_and_note() -> None:
    """Renderings are remembered: two messages that differ only in a button's value, or one
    cut with another note, still render their own."""

    def message(value: str) -> Message:
        return Message(
            text="Idée 4", buttons=(Button(action_id="idea.support", label="+1", value=value),)
        )

    def values(rendered: Rendered) -> list[str]:
        return [
            e["value"] for b in rendered.blocks if b["type"] == "actions" for e in b["elements"]
        ]

    assert values(render_message(message("4"), more_note="suite")) == ["4"]
    assert values(render_message(message("5"), more_note="suite")) == ["5"]
    assert values(render_message(message("4"), more_note="suite")) == ["4"]
    long = Message(text="x", sections=tuple(Section(body=f"ligne {n}") for n in range(60)))
    first = render_message(long, more_note="voir la suite")
    second = render_message(long, more_note="see below")
    assert "voir la suite" in json.dumps(first.chunks[0][-1])
    assert "see below" in json.dumps(second.chunks[0][-1])
