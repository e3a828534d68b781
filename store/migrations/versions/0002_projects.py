"""past projects and the shared full-text index

The index keeps each document's analysed text (stemmed, accent-folded terms computed in Python).
SQLite indexes it with FTS5 (external content, kept in step by triggers; the doc_type is indexed
too, so filtering by type never reads the wide content rows); PostgreSQL with a
generated tsvector under a `french`-derived configuration (unaccent, then a Snowball French
stemmer without stop list) and a GIN index; the type is the lexeme `doctype_<type>`, which the
analyser never produces (`_` separates words), so the GIN index filters by type as well.

Revision ID: 0002_projects
Revises: 0001_core
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_projects"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = ("projects",)
depends_on: str | Sequence[str] | None = None

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
]

POSTGRES_FTS = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
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


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("doc_type", sa.String(length=40), nullable=False),
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("title_terms", sa.Text(), nullable=False),
        sa.Column("keywords_terms", sa.Text(), nullable=False),
        sa.Column("body_terms", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_search_documents"),
        sa.UniqueConstraint("doc_id", "doc_type", name="uq_search_documents_doc_id_doc_type"),
    )
    op.create_table(
        "search_terms",
        sa.Column("doc_type", sa.String(length=40), nullable=False),
        sa.Column("term", sa.String(length=64), nullable=False),
        sa.Column("df", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("doc_type", "term", name="pk_search_terms"),
    )
    op.create_table(
        "search_words",
        sa.Column("doc_type", sa.String(length=40), nullable=False),
        sa.Column("word", sa.String(length=64), nullable=False),
        sa.Column("term", sa.String(length=64), nullable=False),
        sa.Column("df", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("doc_type", "word", name="pk_search_words"),
    )
    op.create_table(
        "search_stats",
        sa.Column("doc_type", sa.String(length=40), nullable=False),
        sa.Column("documents", sa.BigInteger(), nullable=False),
        sa.Column("title_tokens", sa.BigInteger(), nullable=False),
        sa.Column("keywords_tokens", sa.BigInteger(), nullable=False),
        sa.Column("body_tokens", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("doc_type", name="pk_search_stats"),
    )
    for statement in SQLITE_FTS if op.get_bind().dialect.name == "sqlite" else POSTGRES_FTS:
        op.execute(statement)

    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("organisation", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=80), nullable=False),
        sa.Column("region", sa.String(length=80), nullable=True),
        sa.Column("start_year", sa.Integer(), nullable=True),
        sa.Column("end_year", sa.Integer(), nullable=True),
        sa.Column("people", sa.JSON(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("methods", sa.JSON(), nullable=False),
        sa.Column("partners", sa.JSON(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("award", sa.String(length=300), nullable=True),
        sa.Column("lessons", sa.JSON(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("facets", sa.Text(), nullable=False),
        _at("created_at"),
        _at("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_projects"),
        sa.UniqueConstraint("slug", name="uq_projects_slug"),
    )
    op.create_index("ix_projects_organisation", "projects", ["organisation"])
    op.create_index("ix_projects_kind", "projects", ["kind"])
    op.create_index("ix_projects_region", "projects", ["region"])
    op.create_table(
        "project_alumni",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        _at("created_at"),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"],
            name="fk_project_alumni_project_id_projects", ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_project_alumni_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_project_alumni"),
        sa.UniqueConstraint("project_id", "user_id", name="uq_project_alumni_project_id_user_id"),
    )
    op.create_index("ix_project_alumni_user_id", "project_alumni", ["user_id"])
    op.create_table(
        "project_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("useful", sa.Boolean(), nullable=False),
        sa.Column("question", sa.String(length=300), nullable=True),
        _at("created_at"),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"],
            name="fk_project_feedback_project_id_projects", ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_project_feedback_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_project_feedback"),
        sa.UniqueConstraint("project_id", "user_id", name="uq_project_feedback_project_id_user_id"),
    )
    op.create_index("ix_project_feedback_user_id", "project_feedback", ["user_id"])
    op.create_table(
        "project_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _at("created_at"),
        _at("posted_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"],
            name="fk_project_questions_workspace_id_workspaces", ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_project_questions_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_project_questions"),
    )
    op.create_index("ix_project_questions_user_id", "project_questions", ["user_id"])


def downgrade() -> None:
    op.drop_table("project_questions")
    op.drop_table("project_feedback")
    op.drop_table("project_alumni")
    op.drop_table("projects")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts")
    op.drop_table("search_stats")
    op.drop_table("search_words")
    op.drop_table("search_terms")
    op.drop_table("search_documents")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TEXT SEARCH CONFIGURATION relais_fr")
        op.execute("DROP TEXT SEARCH DICTIONARY relais_french_stem")
