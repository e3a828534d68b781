"""Figures checked against the rows, the chart as a real PNG, the CSV export (plain and
pseudonymised, also through `relais idees export`), and the weekly digest job."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, distinct, func, select, union
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.app import build
from bot.cli import cli
from handlers.clock import FakeClock
from handlers.csvfile import read_csv
from handlers.ideas.export import to_csv
from handlers.types import Post
from store import due
from store.ideas import figures
from store.models import Idea, IdeaComment, IdeaSupport
from tests.chat import Chat, texts
from tests.conftest import make_settings
from tests.fakes.recording_port import RecordingPort
from tests.ideas_world import field, grant, number, open_campaign, propose

PNG = b"\x89PNG\r\n\x1a\n"
TITLES = (
    "Covoiturage entre agents",
    "Un parrain pour chaque nouvel arrivant",
    "Dématérialiser les notes de frais",
    "Réunions de trente minutes au plus",
    "Badge unique pour tous les sites",
)


def as_dicts(content: bytes) -> list[dict[str, str]]:
    header, *rows = read_csv(content)
    return [dict(zip(header, row, strict=True)) for row in rows]


def small_campaign(chat: Chat) -> list[int]:
    """Three people, five ideas, supports and comments, one retained, one withdrawn."""
    grant(chat, "carl")
    open_campaign(chat)
    roots = [
        propose(chat, ("bea", "dan", "eve")[i % 3], title)[0] for i, title in enumerate(TITLES)
    ]
    numbers = [number(root) for root in roots]
    for supporter, root in (
        ("dan", roots[0]),
        ("eve", roots[0]),
        ("bea", roots[1]),
        ("bea", roots[2]),
    ):
        chat.press(supporter, root.button("Soutenir"), on=root)
    chat.reply("eve", roots[0].message_id or "", "Oui, avec une appli <@bea> !")
    chat.reply("dan", roots[2].message_id or "", "Et les justificatifs ?")
    chat.command("carl", f'idee {numbers[0]} statut instruction "On regarde."')
    chat.command("carl", f'idee {numbers[0]} statut retenue "Lancé en janvier."')
    chat.command("dan", f'idee {numbers[1]} retirer "Finalement pas prioritaire."')
    return numbers


def test_stats_are_the_rows_counted(chat: Chat) -> None:
    small_campaign(chat)
    [answer] = chat.command("bea", "idees stats")
    assert answer.to_user is None and answer.channel == chat.channel
    with chat.app.sessions() as session:
        public = select(Idea.id).where(Idea.status != "brouillon")
        expected = {
            "Propositions": session.scalar(select(func.count()).where(Idea.id.in_(public))),
            "Commentaires": session.scalar(select(func.count()).select_from(IdeaComment)),
            "Soutiens": session.scalar(select(func.count()).select_from(IdeaSupport)),
            "Participants": session.scalar(
                select(
                    func.count(
                        distinct(
                            union(
                                select(Idea.author_id.label("who")),
                                select(IdeaComment.author_id),
                                select(IdeaSupport.user_id),
                            )
                            .subquery()
                            .c.who
                        )
                    )
                )
            ),
            "Retenues": session.scalar(
                select(func.count()).where(Idea.status.in_(["retenue", "realisee"]))
            ),
            "Réalisées": session.scalar(select(func.count()).where(Idea.status == "realisee")),
        }
    assert expected == {
        "Propositions": 5,
        "Commentaires": 2,
        "Soutiens": 4,
        "Participants": 3,
        "Retenues": 1,
        "Réalisées": 0,
    }
    for name, value in expected.items():
        assert field(answer, name) == str(value), name
    assert answer.message is not None
    [chart] = answer.message.files
    assert chart.mime_type == "image/png" and chart.content.startswith(PNG)
    assert len(chart.content) > 2000


def test_stats_of_one_campaign_and_of_nothing(chat: Chat) -> None:
    [empty] = chat.command("bea", "idees stats")
    assert field(empty, "Propositions") == "0" and empty.message is not None
    assert empty.message.files == ()
    propose(chat, "bea", "Covoiturage entre agents")
    open_campaign(chat, title="Campagne vide")
    listing = texts(chat.command("bea", "campagnes"))
    assert "Campagne vide" in listing
    with chat.app.sessions() as session:
        campaign = session.scalar(select(func.max(Idea.campaign_id)))
    [scoped] = chat.command("bea", f"idees stats {campaign}")
    assert "Boîte à idées" in scoped.text and field(scoped, "Propositions") == "1"


def test_csv_export_plain_and_pseudonymised(chat: Chat, sessions: sessionmaker[Session]) -> None:
    numbers = small_campaign(chat)
    with sessions() as session:
        rows = list(figures.export_rows(session))
        plain, written = to_csv(rows, pseudonymise=False)
        pseudo, pseudonymised = to_csv(rows, pseudonymise=True)
    assert written == pseudonymised == 5
    lines = as_dicts(plain)
    assert [int(line["numero"]) for line in lines] == numbers
    first = lines[0]
    assert first["auteur"] == "bea" and first["statut"] == "retenue"
    assert first["soutiens"] == "2" and first["commentaires"] == "1"
    assert first["reponse_publique"] == "Lancé en janvier." and first["masquee"] == "non"
    hidden = as_dicts(pseudo)
    assert [line["auteur"] for line in hidden] == [
        "participant-1",
        "participant-2",
        "participant-3",
        "participant-1",
        "participant-2",
    ]
    assert b"bea" not in pseudo and b"<@" not in pseudo


def test_the_cli_exports_and_refuses_other_formats(
    engine: Engine, committed: sessionmaker[Session], clock: FakeClock, tmp_path: Path
) -> None:
    app = build(
        make_settings(engine), clock=clock, engine=engine, sessions=committed, upgrade=False
    )
    console = app.console()
    console.say(
        "ada",
        '/relais idee "Covoiturage entre agents" --probleme "p" --proposition "q" '
        '--gain "g" --perimetre "s"',
        channel="general",
    )
    env = {
        "RELAIS_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "RELAIS_SAMPLE_DATA": "false",
    }
    runner = CliRunner()
    target = tmp_path / "idees.csv"
    result = runner.invoke(
        cli,
        ["idees", "export", "--format", "csv", "--pseudonymise", "--sortie", str(target)],
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert "1 idée exportée" in result.output
    exported = as_dicts(target.read_bytes())
    assert exported[0]["titre"] == "Covoiturage entre agents"
    assert exported[0]["auteur"] == "participant-1"
    refused = runner.invoke(cli, ["idees", "export", "--format", "xml"], env=env)
    assert refused.exit_code == 2 and "seul csv" in refused.output
    digest = runner.invoke(cli, ["idees", "digest"], env=env)
    assert digest.exit_code == 0 and "Digest : 1 message publié." in digest.output


def test_the_weekly_digest_runs_once_a_week(
    chat: Chat, port: RecordingPort, clock: FakeClock
) -> None:
    open_campaign(chat)
    propose(chat, "bea", "Covoiturage entre agents")
    root = propose(chat, "dan", "Un parrain pour chaque nouvel arrivant")[0]
    chat.press("eve", root.button("Soutenir"), on=root)
    clock.advance(timedelta(days=7))
    before = len(port.sent)
    report = chat.app.ticker.tick()
    assert report.jobs == 1 and report.failed == 0
    [digest] = [s for s in port.sent[before:] if isinstance(s.action, Post)]
    assert (
        digest.channel == "idees"
        and "La semaine des idées — Simplifier nos démarches" in digest.text
    )
    assert "2 nouvelles idées" in digest.text and "Covoiturage entre agents" in digest.text
    assert "Les plus soutenues" in digest.text and "1 soutien" in digest.text
    assert chat.app.ticker.tick().jobs == 0
    with chat.app.sessions() as session:
        [following] = due.pending(session, prefix="ideas.digest:")
    assert following.due_at == clock.now() + timedelta(days=7)
    clock.advance(timedelta(days=7))
    before = len(port.sent)
    assert chat.app.ticker.tick().jobs == 1
    assert [s for s in port.sent[before:] if isinstance(s.action, Post)] == []
