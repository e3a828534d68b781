"""Who to call about a topic: the people who carried the matching projects, each with role,
organisation, the project and how to reach them.

    /relais contacts télémédecine
    « qui contacter pour le lean à l'hôpital ? », « who should I contact about telemedicine? »

A way to reach someone is, in this order: their chat handle when they are a member who
declared the project (`/relais profil projet <slug>`), the contact the source gives (e-mail or
page), the source's page, else their organisation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from handlers.context import Context
from handlers.i18n import Translator
from handlers.projects import cards
from handlers.projects.answer import Match, ask
from handlers.projects.chatter import quiet
from handlers.text import mention, quote_user
from handlers.types import Action, Button, Message, Section
from store import project_members as members
from store.models import Project, User
from store.search.analysis import fold

CONTACT_PROJECTS = 5
_ASKS_WHO = re.compile(
    r"^\s*(?:a\s+)?qui\s+(?:(?:dois[- ]je|puis[- ]je|peut[- ]on|je peux|faut[- ]il)\s+)?"
    r"(?:contacter|appeler|joindre|demander|m'adresser|s'adresser|ecrire)\b"
    r"|\b(?:quelqu'un|une personne|un contact|des contacts|qqn)\s+(?:a|pour)\s+"
    r"(?:contacter|joindre|appeler)\b"
    r"|\bwho\s+(?:should|can|could|do|would)\s+i\s+(?:contact|call|ask|talk to|reach|write to)\b"
    r"|\bwho\s+to\s+(?:contact|call|ask|talk to)\b"
    r"|\bwho(?:'s|\s+is)\s+the\s+(?:contact|person\s+to\s+(?:contact|call|ask))\b"
    r"|^\s*qui\s+(?:peut|pourrait|saurait)\s+(?:me|nous)\s+(?:renseigner|informer|aider)\b"
    r"|\b(?:someone|anyone|a person|a contact)\s+to\s+(?:contact|call|talk to)\b"
    r"|^\s*contacts?\s+(?:pour|sur|about|for|on)\b"
    r"|\bwho(?:'s|\s+is|\s+was)\s+behind\b|\bget\s+in\s+touch\b"
)


def asks_for_contacts(text: str) -> bool:
    """« qui contacter pour… », « who should I contact about… »: a request for people."""
    return bool(_ASKS_WHO.search(fold(text).replace("’", "'")))


_SUBJECT = re.compile(
    r"\b(?:pour|sur|about|for|on|concernant|regarding|au\s+sujet\s+d(?:e|u|es)"
    r"|[àa]\s+propos\s+d(?:e|u|es)|who(?:'s|\s+is|\s+was)\s+behind)"
    r"\s+(?:(?:le|la|les|the)\s+|l['’])?(.+)$",
    re.IGNORECASE,
)


def subject(text: str) -> str:
    """What a « qui contacter pour le lean ? » question is about (« lean »), for the intro,
    without a request phrase said after it (« … ? I'd like to get in touch »)."""
    found = _SUBJECT.search(text) if asks_for_contacts(text) else None
    return quiet(found.group(1) if found else text).strip().rstrip(" ?!.")


def answer_contacts(ctx: Context, topic: str) -> list[Action]:
    found = ask(ctx.session, topic, limit=CONTACT_PROJECTS)
    t = Translator("en") if found.language == "en" else ctx.t
    if found.status == "empty":
        return [ctx.reply(t("projects.contacts.empty"))]
    if found.status == "no_terms":
        return [ctx.reply(t("projects.answer.no_terms"))]
    shown = quote_user(found.query, limit=200)
    if not found.confident:
        return [ctx.reply(t("projects.contacts.none", topic=shown))]
    matches = [m for m in found.matches if m.score >= found.matches[0].score / 2]
    alumni = members.alumni(
        ctx.session, project_ids=[m.project.id for m in matches], workspace=ctx.workspace
    )
    given = members.details(
        ctx.session, project_ids=[m.project.id for m in matches], workspace=ctx.workspace
    )
    message = contacts_message(t, subject(found.query), matches, alumni=alumni, details=given)
    notes = cards.reading_notes(t, found)
    if notes:
        message = message.model_copy(update={"text": "\n".join([*notes, message.text])})
    return [ctx.reply(message)]


def _member_named(name: str, users: Sequence[User]) -> User | None:
    wanted = fold(name)
    return next(
        (u for u in users if wanted in (fold(u.display_name or ""), fold(u.username or ""))), None
    )


def _reach(t: Translator, project: Project, person: dict[str, str], member: User | None) -> str:
    if member is not None:
        return mention(member.external_id)
    if person.get("contact"):
        return quote_user(person["contact"], limit=300)
    url = next((s["url"] for s in project.sources if s.get("url")), "")
    if url:
        return t("projects.contacts.via_page", url=url)
    return t("projects.contacts.via_org", organisation=quote_user(project.organisation, limit=200))


def contacts_message(
    t: Translator,
    topic: str,
    matches: Sequence[Match],
    *,
    alumni: dict[int, list[User]],
    details: dict[tuple[int, int], tuple[str, str]] | None = None,
) -> Message:
    """One section per project: its people (role, organisation, how to reach them), then the
    members who declared having worked on it."""
    sections = []
    for match in matches:
        project = match.project
        declared = alumni.get(project.id, [])
        lines = []
        named: set[int] = set()
        for person in project.people:
            member = _member_named(person["name"], declared)
            if member is not None:
                named.add(member.id)
            reach = _reach(t, project, person, member)
            lines.append(
                "- "
                + cards.person_line(t, person, project.organisation)
                + " · "
                + t("projects.contacts.reach", how=reach)
            )
        for user in declared:
            if user.id not in named:
                role, organisation = (details or {}).get((project.id, user.id), ("", ""))
                lines.append(
                    "- "
                    + t(
                        "projects.contacts.alumnus",
                        user=mention(user.external_id),
                        role=quote_user(role, limit=200) or t("projects.contacts.alumnus_role"),
                        organisation=quote_user(organisation or project.organisation, limit=200),
                    )
                )
        if not lines:
            lines.append(
                t(
                    "projects.contacts.nobody_named",
                    organisation=quote_user(project.organisation, limit=200),
                )
            )
        sections.append(
            Section(
                title=quote_user(project.title, limit=200),
                body="\n".join(lines),
                buttons=(
                    Button(
                        action_id=cards.SHOW, label=t("projects.button.show"), value=project.slug
                    ),
                ),
            )
        )
    text = t("projects.contacts.intro", topic=quote_user(topic, limit=200))
    return Message(
        text=text + "\n" + t("projects.contacts.hint"), sections=tuple(sections), lang=t.locale
    )
