"""Importing cohort members from a CSV of usernames or e-mail addresses (`relais cohorte importer`).

One identifier per line (first column, or the column named username / identifiant / email);
`,`, `;` and tabs are all accepted, and a header line is recognised. People are matched by
username (or display name); an e-mail address by its local part when that is a username. Where
a member *is* their name (the console), the caller asks for unknown names to be created
(`create_unknown`). Whoever cannot be matched is listed, never guessed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from handlers.checkins import planning
from handlers.checkins.cohorts import welcome
from handlers.i18n import Translator
from handlers.types import Action
from store import audit, identity
from store import checkins as store
from store.models import Cohort, User, Workspace

HEADERS = frozenset(
    {"username", "identifiant", "utilisateur", "email", "e-mail", "courriel", "mail"}
)
MAX_LINES = 5000


@dataclass
class ImportReport:
    added: list[User] = field(default_factory=list)
    already: list[User] = field(default_factory=list)
    by_email: list[tuple[str, User]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def identifiers(text: str) -> list[str]:
    """The identifiers of a CSV text, in order, without duplicates or blanks: per line, the
    first filled column among the recognised ones (or among all, without a header)."""
    lines = [line for line in text.lstrip("\ufeff").splitlines() if line.strip()][:MAX_LINES]
    if not lines:
        return []
    delimiter = max((",", ";", "\t"), key=lambda d: lines[0].count(d))
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    header = [cell.strip().lower() for cell in rows[0]]
    columns = [i for i, cell in enumerate(header) if cell in HEADERS]
    if columns:
        rows = rows[1:]
    found = []
    for row in rows:
        cells = [row[i] for i in columns if i < len(row)] if columns else row
        value = next((c.strip().lstrip("@") for c in cells if c.strip()), "")
        if value:
            found.append(value)
    return list(dict.fromkeys(found))


def resolve(
    session: Session, *, workspace: Workspace, value: str, now: datetime, create_unknown: bool
) -> tuple[User | None, bool]:
    """The user an identifier names, and whether an e-mail was matched through its local part."""
    user = identity.find_user_by_name(session, workspace=workspace, name=value)
    if user is not None:
        return user, False
    local, at, _domain = value.partition("@")
    if at:
        user = identity.find_user_by_name(session, workspace=workspace, name=local)
        if user is not None:
            return user, True
    if create_unknown:
        name = (local if at else value).lower()
        return identity.ensure_user(
            session, workspace=workspace, external_id=name, username=name, now=now
        ), False
    return None, False


def import_members(
    session: Session,
    *,
    workspace: Workspace,
    cohort: Cohort,
    text: str,
    now: datetime,
    create_unknown: bool = False,
) -> ImportReport:
    report = ImportReport()
    for value in identifiers(text):
        user, through_email = resolve(
            session, workspace=workspace, value=value, now=now, create_unknown=create_unknown
        )
        if user is None:
            report.unknown.append(value)
            continue
        if through_email:
            report.by_email.append((value, user))
        if store.add_member(session, cohort=cohort, user=user, now=now):
            planning.join(session, cohort=cohort, user=user, workspace=workspace, now=now)
            report.added.append(user)
        else:
            report.already.append(user)
    if report.added:
        audit.record(
            session,
            workspace=workspace,
            actor=None,
            action="cohort.import",
            target=f"cohort:{cohort.id}",
            detail=",".join(u.external_id for u in report.added),
            now=now,
        )
    return report


def welcomes(
    report: ImportReport, cohort: Cohort, *, default_locale: str, command: str
) -> list[Action]:
    """The welcome message of each member the import added, in their language."""
    return [
        welcome(Translator(user.locale or default_locale), cohort, user, command=command)
        for user in report.added
    ]
