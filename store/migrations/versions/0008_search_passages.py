"""search_documents.body_passages: how many of the body's terms each of its passages holds,
counted when a document is indexed so that choosing a snippet analyses no text again; the
documents already there are counted now

Revision ID: 0008_search_passages
Revises: 0007_search_generation
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from store.search.analysis import passages

revision: str = "0008_search_passages"
down_revision: str | Sequence[str] | None = "0007_search_generation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000


def upgrade() -> None:
    op.add_column(
        "search_documents",
        sa.Column("body_passages", sa.Text(), nullable=False, server_default=""),
    )
    documents = sa.table(
        "search_documents",
        sa.column("id", sa.Integer),
        sa.column("body", sa.Text),
        sa.column("body_passages", sa.Text),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(documents.c.id, documents.c.body)).all()
    update = (
        sa.update(documents)
        .where(documents.c.id == sa.bindparam("row"))
        .values(body_passages=sa.bindparam("sizes"))
    )
    for start in range(0, len(rows), BATCH):
        batch = [
            {"row": row_id, "sizes": " ".join(str(len(part)) for part in passages(body))}
            for row_id, body in rows[start : start + BATCH]
        ]
        bind.execute(update, batch)


def downgrade() -> None:
    op.drop_column("search_documents", "body_passages")
