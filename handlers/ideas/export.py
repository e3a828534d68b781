"""The ideas' export for evaluation and open data (`relais idees export`, and `/relais idees
export` for staff in the chat: the same function, the file in a direct message).

The columns are a stable schema (French names, one line per public idea) so that evaluations
can be compared from one export to the next. Written by the one CSV writer
(`handlers.csvfile`), so a member's `=HYPERLINK(…)` proposal stays text in a spreadsheet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy.orm import Session

from handlers.context import Context
from handlers.csvfile import csv_bytes
from handlers.exports import csv_attachment, send_to_caller
from handlers.ideas.common import registry
from handlers.registry import Arg, Args
from handlers.types import Action
from store import audit
from store.ideas import figures
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


def export_ideas(session: Session, *, pseudonymise: bool) -> tuple[bytes, int]:
    """`relais idees export`: every public idea, as CSV, and how many there are."""
    return to_csv(figures.export_rows(session), pseudonymise=pseudonymise)


@registry.command(
    "idees export",
    aliases=("ideas export",),
    help="ideas.help.export",
    role="staff",
    args=(Arg("pseudonymise", kind="flag", aliases=("pseudonymize", "anonyme")),),
)
def export_command(ctx: Context, args: Args) -> list[Action]:
    """The same file as `relais idees export`, for this workspace, in the caller's messages."""
    rows = (row for row in figures.export_rows(ctx.session) if row.workspace.id == ctx.workspace.id)
    content, count = to_csv(rows, pseudonymise=args["pseudonymise"])
    audit.record(
        ctx.session,
        workspace=ctx.workspace,
        actor=ctx.caller,
        action="ideas.export",
        target=f"workspace:{ctx.workspace.id}",
        detail="pseudonymised" if args["pseudonymise"] else "nominative",
        now=ctx.now(),
    )
    stamp = ctx.now().astimezone(ctx.zone).date().isoformat()
    attachment = csv_attachment(f"idees-{stamp}.csv", ctx.t("ideas.export.title"), content)
    return send_to_caller(ctx, ctx.t("ideas.export.done", count=count), attachment)
