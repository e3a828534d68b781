"""What staff see of the past-projects base: members' 👍/👎 on answers, and the alumni registry.

    /relais projets retours              the latest feedback and the most voted projects
    /relais projets alumni               the alumni registry as a CSV file (one CSV writer)

`relais projets alumni import|export` do the same from a script, with `rows_of`,
`registry_csv` and `import_registry`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from handlers.context import Context
from handlers.csvfile import csv_bytes, read_csv
from handlers.projects.commands import answer, registry
from handlers.registry import Arg, Args
from handlers.text import quote_user
from handlers.types import Action, FileAttachment, Message, Section
from store import identity
from store import project_members as members
from store import projects as store
from store.models import Workspace
from store.projects import Filters

RECENT = 10
MOST_VOTED = 5
COLUMNS = ("projet", "membre", "nom", "role", "organisation", "declare_le")


@registry.command(
    "projets retours",
    aliases=("projects feedback",),
    help="projects.help.retours",
    role="staff",
    args=(Arg("question", kind="rest", required=False),),
)
def feedback_command(ctx: Context, args: Args) -> list[Action]:
    """Staff's view of the 👍/👎; « /relais projets retours d'expérience… » stays a question."""
    if args["question"]:
        return answer(ctx, "retours " + args["question"], Filters())
    totals = members.feedback_totals(ctx.session, limit=MOST_VOTED)
    if not totals:
        return ctx.say("projects.feedback.none")
    voted = "\n".join(
        ctx.t("projects.feedback.total", title=quote_user(p.title, limit=200), up=up, down=down)
        for p, up, down in totals
    )
    recent = "\n".join(
        ctx.t(
            "projects.feedback.line",
            date=feedback.created_at.date().isoformat(),
            vote="👍" if feedback.useful else "👎",
            title=quote_user(project.title, limit=120),
            question=quote_user(feedback.question or ctx.t("common.not_given"), limit=150),
        )
        for feedback, project in members.recent_feedback(ctx.session, limit=RECENT)
    )
    sections = (
        Section(title=ctx.t("projects.feedback.most_voted"), body=voted),
        Section(title=ctx.t("projects.feedback.recent"), body=recent),
    )
    return [ctx.reply(Message(text=ctx.t("projects.feedback.intro"), sections=sections))]


@registry.command(
    "projets alumni",
    aliases=("projects alumni",),
    help="projects.help.alumni",
    role="staff",
)
def alumni_command(ctx: Context, args: Args) -> list[Action]:
    rows = rows_of(ctx.session, ctx.workspace)
    attachment = FileAttachment(
        filename="alumni-projets.csv",
        title=ctx.t("projects.registry.title"),
        content=registry_csv(rows),
    )
    text = ctx.t("projects.registry.exported", count=len(rows))
    return [ctx.reply(Message(text=text, files=(attachment,)))]


def rows_of(session: Session, workspace: Workspace) -> list[tuple[str, ...]]:
    """The registry as exported: one line per member and project."""
    return [
        (
            project.slug,
            user.external_id,
            user.display_name or user.username or "",
            row.role or "",
            row.organisation or "",
            row.created_at.date().isoformat(),
        )
        for project, user, row in members.registry(session, workspace=workspace)
    ]


def registry_csv(rows: Iterable[Sequence[object]]) -> bytes:
    return csv_bytes(COLUMNS, rows)


@dataclass
class RegistryImport:
    added: int = 0
    updated: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)


def import_registry(
    session: Session, workspace: Workspace, content: bytes | str, *, now: datetime
) -> RegistryImport:
    """Adds or updates alumni from a CSV with the exported columns (`projet`, `membre` — an
    id or a user name — `role`, `organisation`); lines naming an unknown project or member
    are reported (line number, value) and skipped."""
    report = RegistryImport()
    table = read_csv(content)
    header = [name.strip().lower() for name in table[0]] if table else []
    for number, cells in enumerate(table[1:], start=2):
        row = {name: value.strip() for name, value in zip(header, cells, strict=False)}
        if not any(row.values()):
            continue
        project = store.by_slug(session, row.get("projet", ""))
        if project is None:
            report.skipped.append((number, row.get("projet", "")))
            continue
        who = row.get("membre", "").removeprefix("@")
        user = identity.find_user(session, workspace=workspace, external_id=who) or (
            identity.find_user_by_name(session, workspace=workspace, name=who) if who else None
        )
        if user is None:
            report.skipped.append((number, who))
            continue
        added = members.declare_alumnus(
            session,
            project=project,
            user=user,
            now=now,
            role=row.get("role", "")[:300] or None,
            organisation=row.get("organisation", "")[:300] or None,
        )
        report.added += added
        report.updated += not added
    return report
