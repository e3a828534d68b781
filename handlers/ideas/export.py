"""The ideas' export for evaluation and open data (`relais idees export`).

The columns are a stable schema (French names, one line per public idea) so that evaluations
can be compared from one export to the next. Written by the one CSV writer
(`handlers.csvfile`), so a member's `=HYPERLINK(…)` proposal stays text in a spreadsheet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from handlers.csvfile import csv_bytes
from store.ideas.figures import ExportRow

COLUMNS = (
    "numero",
    "espace",
    "campagne",
    "titre",
    "probleme",
    "proposition",
    "gain",
    "perimetre",
    "auteur",
    "statut",
    "deposee_le",
    "statut_change_le",
    "soutiens",
    "commentaires",
    "reponse_publique",
    "masquee",
)
_MENTION = re.compile(r"<@[^>]+>")


class Pseudonyms:
    """`participant-1`, `participant-2`… in order of first appearance: stable within one
    export, and impossible to turn back into a person without the database."""

    def __init__(self) -> None:
        self._given: dict[int, str] = {}

    def of(self, user_id: int) -> str:
        return self._given.setdefault(user_id, f"participant-{len(self._given) + 1}")


def to_csv(rows: Iterable[ExportRow], *, pseudonymise: bool) -> tuple[bytes, int]:
    """The file and its number of ideas; pseudonymised exports leave out hidden ideas and
    strip mentions."""
    names = Pseudonyms()

    def clean(text: str | None) -> str:
        return _MENTION.sub("@…", text or "") if pseudonymise else (text or "")

    table: list[tuple[object, ...]] = []
    for row in rows:
        idea = row.idea
        if pseudonymise and idea.hidden:
            continue
        author = names.of(row.author.id) if pseudonymise else row.author.label
        table.append(
            (
                idea.id,
                f"{row.workspace.platform}:{row.workspace.external_id}",
                row.campaign.title,
                clean(idea.title),
                clean(idea.problem),
                clean(idea.proposal),
                clean(idea.gain),
                clean(idea.scope),
                author,
                idea.status,
                idea.published_at.date().isoformat() if idea.published_at else "",
                idea.status_changed_at.date().isoformat() if idea.status_changed_at else "",
                row.supports,
                row.comments,
                clean(idea.public_answer),
                "oui" if idea.hidden else "non",
            )
        )
    return csv_bytes(COLUMNS, table), len(table)
