"""the full-text index moves into each process (tantivy, rebuilt from `search_documents`):
search_stats.generation, a token every write draws anew so that each process knows when to
rebuild; the database's own indexes (FTS5 and its triggers on SQLite, the tsvector and its GIN
index on PostgreSQL) and the document frequencies of `search_terms`, no longer read, are dropped
(a downgrade rebuilds them from the documents)

Revision ID: 0007_search_generation
Revises: 0006_alumni_details
"""

import secrets
from collections import Counter
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_search_generation"
down_revision: str | Sequence[str] | None = "0006_alumni_details"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_documents_ai",
    "DROP TRIGGER IF EXISTS search_documents_ad",
    "DROP TRIGGER IF EXISTS search_documents_au",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS ix_search_documents_tsv",
    "ALTER TABLE search_documents DROP COLUMN IF EXISTS tsv",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS relais_fr",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS relais_french_stem",
]
SQLITE_FTS = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        doc_type, title_terms, keywords_terms, body_terms,
        content='search_documents', content_rowid='id', tokenize='ascii')""",
    """CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN
        INSERT INTO search_fts(rowid, doc_type, title_terms, keywords_terms, body_terms)
        VALUES (new.id, new.doc_type, new.title_terms, new.keywords_terms, new.body_terms);
    END""",
    """CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN
        INSERT INTO search_fts(search_fts, rowid, doc_type, title_terms, keywords_terms, body_terms)
        VALUES ('delete', old.id, old.doc_type, old.title_terms, old.keywords_terms,
                old.body_terms);
    END""",
    """CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN
        INSERT INTO search_fts(search_fts, rowid, doc_type, title_terms, keywords_terms, body_terms)
        VALUES ('delete', old.id, old.doc_type, old.title_terms, old.keywords_terms,
                old.body_terms);
        INSERT INTO search_fts(rowid, doc_type, title_terms, keywords_terms, body_terms)
        VALUES (new.id, new.doc_type, new.title_terms, new.keywords_terms, new.body_terms);
    END""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
POSTGRES_FTS = [
    "CREATE TEXT SEARCH DICTIONARY relais_french_stem (TEMPLATE = snowball, Language = french)",
    "CREATE TEXT SEARCH CONFIGURATION relais_fr (COPY = french)",
    """ALTER TEXT SEARCH CONFIGURATION relais_fr
        ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
        WITH unaccent, relais_french_stem""",
    """ALTER TABLE search_documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('relais_fr'::regconfig, title_terms), 'A')
        || setweight(to_tsvector('relais_fr'::regconfig, keywords_terms), 'B')
        || setweight(to_tsvector('relais_fr'::regconfig, body_terms), 'C')
        || array_to_tsvector(ARRAY['doctype_' || doc_type])) STORED""",
    "CREATE INDEX ix_search_documents_tsv ON search_documents USING gin (tsv)",
]


def upgrade() -> None:
    with op.batch_alter_table("search_stats") as batch:
        batch.add_column(
            sa.Column("generation", sa.BigInteger(), nullable=False, server_default="0")
        )
    bind = op.get_bind()
    for (doc_type,) in bind.execute(sa.text("SELECT doc_type FROM search_stats")).all():
        bind.execute(
            sa.text("UPDATE search_stats SET generation = :g WHERE doc_type = :t"),
            {"g": secrets.randbits(62), "t": doc_type},
        )
    for statement in SQLITE_DROP if op.get_bind().dialect.name == "sqlite" else POSTGRES_DROP:
        op.execute(statement)
    op.drop_table("search_terms")


def downgrade() -> None:
    terms = op.create_table(
        "search_terms",
        sa.Column("doc_type", sa.String(length=40), nullable=False),
        sa.Column("term", sa.String(length=64), nullable=False),
        sa.Column("df", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("doc_type", "term", name="pk_search_terms"),
    )
    counts: Counter[tuple[str, str]] = Counter()
    rows = op.get_bind().execute(
        sa.text("SELECT doc_type, title_terms, keywords_terms, body_terms FROM search_documents")
    )
    for doc_type, *fields in rows:
        counts.update((doc_type, t) for t in set(" ".join(fields).split()))
    if counts:
        op.bulk_insert(
            terms, [{"doc_type": d, "term": t, "df": n} for (d, t), n in sorted(counts.items())]
        )
    for statement in SQLITE_FTS if op.get_bind().dialect.name == "sqlite" else POSTGRES_FTS:
        op.execute(statement)
    with op.batch_alter_table("search_stats") as batch:
        batch.drop_column("generation")
