"""Dialogs through the router and the recording port: help, errors, roles, language."""

from __future__ import annotations

from tests.chat import Chat, texts


def test_help_lists_only_what_the_caller_may_use(chat: Chat) -> None:
    member = texts(chat.command("bea", "aide"))
    assert "/relais langue" in member
    assert "/relais role" not in member
    admin = texts(chat.command("ada", "aide"))
    assert "/relais role" in admin


def test_help_is_private_and_in_french_by_default(chat: Chat) -> None:
    [reply] = chat.command("bea", "")
    assert reply.to_user == "bea"
    assert "voici ce que vous pouvez faire" in reply.text


def test_help_on_one_command(chat: Chat) -> None:
    assert "fuseau horaire" in texts(chat.command("bea", "aide fuseau"))
    assert "Aucune commande « zzz »" in texts(chat.command("bea", "aide zzz"))


def test_unknown_command_suggests_the_closest(chat: Chat) -> None:
    assert "Vouliez-vous dire `langue`" in texts(chat.command("bea", "langeu en"))
    assert "Je ne connais pas la commande « xyzzy »" in texts(chat.command("bea", "xyzzy"))


def test_role_refusal_names_the_role(chat: Chat) -> None:
    chat.command("carl", "moi")
    reply = texts(chat.command("bea", "role @carl coach"))
    assert "réservée au rôle administrateur" in reply
    assert "coach" not in texts(chat.command("carl", "moi")).split("Rôles")[1].split(".")[0]


def test_admin_grants_and_removes_a_role(chat: Chat) -> None:
    chat.command("carl", "moi")
    assert "<@carl> a maintenant le rôle coach." in texts(chat.command("ada", "role @carl coach"))
    assert "coach" in texts(chat.command("carl", "moi"))
    assert "a déjà le rôle" in texts(chat.command("ada", "role <@carl> coach"))
    assert "n'a plus le rôle coach" in texts(chat.command("ada", "role @carl coach --retirer"))


def test_bad_arguments_get_a_usage_line(chat: Chat) -> None:
    chat.command("carl", "moi")
    reply = texts(chat.command("ada", "role @carl pilote"))
    assert "Je ne connais pas le rôle « pilote »" in reply
    assert "membre, coach, équipe du programme, comité, administrateur" in reply
    assert "Je ne connais pas @nobody" in texts(chat.command("ada", "role @nobody coach --retirer"))
    assert "Il manque « role »" in texts(chat.command("ada", "role @carl"))
    assert "guillemet" in texts(chat.command("ada", 'role "@carl coach'))


def test_language_switch_changes_every_later_reply(chat: Chat) -> None:
    assert "I will speak English" in texts(chat.command("bea", "langue en"))
    reply = texts(chat.command("bea", "help"))
    assert "here is what you can do" in reply
    assert "/relais language" in reply
    assert "reserved to the administrator role" in texts(chat.command("bea", "role @bea coach"))
    assert "je vous parlerai en français" in texts(chat.command("bea", "language fr"))


def test_timezone_is_validated(chat: Chat) -> None:
    assert "Fuseau horaire inconnu" in texts(chat.command("bea", "fuseau Mars/Olympus"))
    assert "America/Cayenne" in texts(chat.command("bea", "fuseau America/Cayenne"))
    assert "America/Cayenne" in texts(chat.command("bea", "moi"))


def test_mention_without_command_gets_a_hint_in_thread(chat: Chat) -> None:
    [reply] = chat.mention("bea", "")
    assert "Tapez `/relais aide`" in reply.text
    assert reply.thread is not None


def test_mention_with_command_runs_it(chat: Chat) -> None:
    assert "voici ce que vous pouvez faire" in texts(chat.mention("bea", "aide"))
