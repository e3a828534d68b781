"""Migrations from an empty database to the newest revision of every feature, and back."""

from __future__ import annotations

import subprocess
import sys

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, select, text

from store import migrate
from store.db import make_engine, make_session_factory
from store.models import Base, SearchDocument
from store.search import index_document, search_documents
from store.search.engine import forget
from tests.conftest import reset_schema


def test_empty_to_head_creates_every_model_table(engine: Engine) -> None:
    migrate.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    reset_schema(engine)


def test_every_feature_branch_starts_from_core() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config(None))  # type: ignore[arg-type]
    bases = script.get_bases()
    assert bases == ["0001_core"]
    for head in script.get_heads():
        assert "0001_core" in {rev.revision for rev in script.walk_revisions("base", head)}


def test_two_replicas_migrating_at_once_both_succeed(postgres_url: str) -> None:
    """Replicas start together: the advisory lock makes one migrate and the other wait."""
    engine = make_engine(postgres_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    script = "import sys; from store import migrate; from store.db import make_engine; "
    script += "migrate.upgrade(make_engine(sys.argv[1]))"
    replicas = [
        subprocess.Popen([sys.executable, "-c", script, postgres_url], stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outcomes = [(replica.wait(60), replica.communicate()[1]) for replica in replicas]
    assert [code for code, _ in outcomes] == [0, 0], outcomes
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_documents_stored_before_their_passages_were_counted_keep_their_snippets(
    engine: Engine,
) -> None:
    """0008 counts the passages of the documents already stored, as indexing counts them: a
    store that had them before is answered with the same snippets."""
    body = "Un premier passage sans rapport.\nLe second parle du télétravail des agents ! Fin."
    sessions = make_session_factory(engine)
    try:
        with sessions() as session, session.begin():
            index_document(session, doc_type="note", doc_id=1, title="Note", body=body)
        with sessions() as session:
            before = search_documents(session, doc_type="note", query="télétravail")
            counted = session.scalar(select(SearchDocument.body_passages))
        migrate.downgrade(engine, "0007_search_generation")
        migrate.upgrade(engine)
        forget()
        with sessions() as session:
            assert session.scalar(select(SearchDocument.body_passages)) == counted == "3 4 1"
            after = search_documents(session, doc_type="note", query="télétravail")
        assert after == before
        assert after[0].snippet == "Le second parle du télétravail des agents !"
    finally:
        migrate.downgrade(engine, "base")
        reset_schema(engine)
