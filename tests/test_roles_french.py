"""Roles in French (English accepted), given to anyone by mention or handle, even before they
ever wrote to the bot."""

from __future__ import annotations

import pytest

from tests.chat import Chat, texts


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("comité", "comité"),
        ("comite", "comité"),
        ("équipe programme", "équipe du programme"),
        ("equipe du programme", "équipe du programme"),
        ("membre", "membre"),
        ("coach", "coach"),
        ("admin", "administrateur"),
        ("committee", "comité"),
        ("staff", "équipe du programme"),
    ],
)
def test_a_role_by_its_french_name(chat: Chat, typed: str, shown: str) -> None:
    chat.command("carl", "moi")
    reply = texts(chat.command("ada", f"role @carl {typed}"))
    assert f"<@carl> a maintenant le rôle {shown}." in reply
    assert shown in texts(chat.command("carl", "moi"))


def test_a_role_given_before_the_person_ever_wrote(chat: Chat) -> None:
    reply = texts(chat.command("ada", "role @dora comité"))
    assert "@dora a maintenant le rôle comité." in reply
    assert "@dora ne m'a encore jamais écrit" in reply
    assert "Rôles : membre, comité." in texts(chat.command("dora", "moi"))


def test_a_platform_mention_of_someone_who_never_wrote(chat: Chat) -> None:
    reply = texts(chat.command("ada", "role <@U0EVE> équipe programme"))
    assert "<@U0EVE> a maintenant le rôle équipe du programme." in reply
    assert "jamais écrit" not in reply
    assert "équipe du programme" in texts(chat.command("U0EVE", "moi"))


def test_removing_a_role_in_french(chat: Chat) -> None:
    chat.command("ada", "role @dora comité")
    chat.command("dora", "moi")
    assert "n'a plus le rôle comité" in texts(chat.command("ada", "role @dora comite --retirer"))


def test_a_handle_with_a_broadcast_name_pings_nobody(chat: Chat) -> None:
    reply = texts(chat.command("ada", "role @channel coach"))
    assert "@channel" not in reply and "@\u200bchannel" in reply


def test_help_shows_the_french_role_names(chat: Chat) -> None:
    shown = texts(chat.command("ada", "aide role"))
    assert "role @bea comité" in shown and "équipe programme" in shown


def test_a_broadcast_to_a_role_named_in_french(chat: Chat) -> None:
    chat.command("ada", "role @dora comité")
    chat.command("dora", "moi")
    shown = texts(chat.command("ada", 'diffuser comité "Réunion du comité jeudi"'))
    assert "« comité », soit 1 personne" in shown, shown
