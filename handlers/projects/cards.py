"""Projects as chat messages: answer cards, the full record, contacts.

Built from a `Translator` rather than a context, so that `relais ask` prints exactly what the
chat would show. Every stored text goes through `quote_user`: records come from imports, which
anyone with a file can write.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from handlers.i18n import Translator
from handlers.projects.answer import Answer, Match
from handlers.text import mention, quote_user
from handlers.types import Button, Message, Section
from store.models import Project, User

SHOW, SIMILAR, USEFUL, NOT_USEFUL, COMMUNITY = (
    "projects.show",
    "projects.similar",
    "projects.useful",
    "projects.not_useful",
    "projects.community",
)
QUESTION_IN_BUTTON = 150
RELATIVE_FLOOR = 0.5
UNSURE_CANDIDATES = 2
_PAGE = re.compile(r"^\s*(?:pages?|p\.)\s*([\d]+(?:\s*[-–]\s*\d+)?)\s*(?:[—–:-]\s*)?(.*)$", re.I)


def years(t: Translator, project: Project) -> str:
    start, end = project.start_year, project.end_year
    if start is None:
        return str(end) if end else ""
    if end is None:
        return t("projects.years.since", start=start)
    return str(start) if end == start else t("projects.years.range", start=start, end=end)


def _safe(text: str | None, limit: int = 400) -> str:
    return quote_user(text or "", limit=limit)


def person_line(t: Translator, person: dict[str, str], organisation: str) -> str:
    """« **Name** — role, organisation »: never a name without both (the project's organisation
    stands in for a missing one, and a missing role is said)."""
    role = _safe(person.get("role"), 200) or t("projects.person.no_role")
    where = _safe(person.get("organisation") or organisation, 200)
    return f"**{_safe(person['name'], 120)}** — {role}, {where}"


def citation(t: Translator, source: dict[str, str]) -> str:
    """A source as a reader can follow it: the document's title and page, its link when known;
    never the internal file name it was drawn from."""
    found = _PAGE.match(source.get("section") or "")
    page = source.get("page") or (found.group(1).replace(" ", "") if found else "")
    section = found.group(2) if found else (source.get("section") or "")
    title = source.get("title") or section
    if not title:
        return t("projects.card.source_unnamed")
    shown = t("projects.card.cite", title=_safe(title, 300))
    if page:
        shown += t("projects.card.page", page=_safe(page, 20))
    if source.get("title") and section:
        shown += f" — {_safe(section, 200)}"
    return shown + (f" — {source['url']}" if source.get("url") else "")


def _source(t: Translator, project: Project) -> str:
    if not project.sources:
        return ""
    shown = citation(t, project.sources[0])
    more = len(project.sources) - 1
    return shown + (" " + t.plural("projects.card.more_sources", more) if more else "")


def _mentions(users: Sequence[User]) -> str:
    return ", ".join(mention(user.external_id) for user in users)


def feedback_buttons(t: Translator, slug: str, question: str) -> tuple[Button, Button]:
    value = f"{slug}|{question[:QUESTION_IN_BUTTON]}"
    return (
        Button(action_id=USEFUL, label=t("projects.button.useful"), value=value),
        Button(action_id=NOT_USEFUL, label=t("projects.button.not_useful"), value=value),
    )


def card(
    t: Translator, index: int, match: Match, *, alumni: Sequence[User], question: str
) -> Section:
    """One answer: what was done, results, who, where it comes from, and why it matched."""
    project = match.project
    body = [_safe(project.summary, 600)]
    if match.snippet and match.snippet not in project.summary:
        body.append("> " + _safe(match.snippet, 300))
    people = "; ".join(person_line(t, p, project.organisation) for p in project.people[:3])
    fields = [
        (t("projects.card.organisation"), _safe(project.organisation, 200)),
        (t("projects.card.years"), years(t, project)),
        (t("projects.card.results"), "; ".join(_safe(r, 200) for r in project.results[:2])),
        (t("projects.card.people"), people),
        (t("projects.card.alumni"), _mentions(alumni)),
        (t("projects.card.source"), _source(t, project)),
    ]
    buttons = (
        Button(action_id=SHOW, label=t("projects.button.show"), value=project.slug),
        Button(action_id=SIMILAR, label=t("projects.button.similar"), value=project.slug),
        *feedback_buttons(t, project.slug, question),
    )
    return Section(
        title=f"{index}. {_safe(project.title, 200)}",
        body="\n".join(body),
        fields=tuple((name, value) for name, value in fields if value),
        buttons=buttons,
    )


def reading_notes(t: Translator, answer: Answer) -> list[str]:
    """What the answer was really about: a corrected spelling, the filters applied."""
    notes = []
    if answer.read_as:
        notes.append(t("projects.answer.read_as", question=quote_user(answer.read_as, limit=200)))
    if answer.applied:
        shown = ", ".join(
            t(f"projects.filter.{kind}", value=_safe(value, 80)) for kind, value in answer.applied
        )
        notes.append(t("projects.answer.filters", filters=shown))
    if answer.truncated:
        notes.append(t("projects.answer.truncated"))
    return notes


def _distinct(matches: Sequence[Match]) -> list[Match]:
    """One card per project, whatever the ranking returned."""
    seen: set[str] = set()
    kept = []
    for match in matches:
        if match.project.slug not in seen:
            seen.add(match.project.slug)
            kept.append(match)
    return kept


def answer_message(
    t: Translator,
    answer: Answer,
    *,
    alumni: dict[int, list[User]],
    suggestions: Sequence[str] = (),
    community_question: int | None = None,
) -> Message:
    """The reply to a question: cards when confident (leaving out matches under half the best
    score, which only share a word with the question), otherwise an honest « I am not sure »
    with at most two leads and, once, the offer to ask the community."""
    question = answer.query
    shown = quote_user(question, limit=200)
    notes = reading_notes(t, answer)
    matches = _distinct(answer.matches)
    if answer.confident or (matches and not question):
        intro = (
            t("projects.answer.intro", question=shown)
            if question
            else t("projects.answer.intro_filters")
        )
        floor = matches[0].score * RELATIVE_FLOOR
        sections = tuple(
            card(t, i, m, alumni=alumni.get(m.project.id, ()), question=question)
            for i, m in enumerate((m for m in matches if m.score >= floor), 1)
        )
        return Message(text="\n".join([intro, *notes]), sections=sections, lang=t.locale)
    lines = [
        t("projects.answer.none", question=shown) if question else t("projects.answer.none_filters")
    ]
    if suggestions:
        lines.append(
            t("projects.answer.close_themes", themes=", ".join(_safe(s, 80) for s in suggestions))
        )
    leads: tuple[Section, ...] = ()
    if matches:
        lines.append(t("projects.answer.maybe"))
        leads = tuple(_maybe(t, m) for m in matches[:UNSURE_CANDIDATES])
    buttons: tuple[Button, ...] = ()
    if community_question is not None:
        lines.append(t("projects.answer.community_offer"))
        buttons = (
            Button(
                action_id=COMMUNITY,
                label=t("projects.button.community"),
                value=str(community_question),
                style="primary",
            ),
        )
    return Message(text="\n".join([*notes, *lines]), sections=leads, buttons=buttons, lang=t.locale)


def _maybe(t: Translator, match: Match) -> Section:
    project = match.project
    where = ", ".join(x for x in (_safe(project.organisation, 200), years(t, project)) if x)
    return Section(
        title=_safe(project.title, 200),
        body=where,
        buttons=(Button(action_id=SHOW, label=t("projects.button.show"), value=project.slug),),
    )


def suggestions_from(
    matches: Sequence[Match], fallback: Sequence[str], *, limit: int = 5
) -> list[str]:
    """Close themes: those of the partial matches, else the most common ones."""
    found: list[str] = []
    for match in matches:
        for theme in match.project.themes:
            if theme not in found:
                found.append(theme)
    return (found or list(fallback))[:limit]


def record_message(
    t: Translator, project: Project, *, alumni: Sequence[User], votes: tuple[int, int]
) -> Message:
    """The full record of `/relais projet <slug>`."""
    facts = [
        (t("projects.record.organisation"), _safe(project.organisation, 300)),
        (t("projects.record.kind"), _safe(project.kind, 80)),
        (t("projects.record.region"), _safe(project.region, 80)),
        (t("projects.record.years"), years(t, project)),
        (t("projects.record.award"), _safe(project.award, 300)),
        (t("projects.record.themes"), ", ".join(_safe(x, 200) for x in project.themes)),
        (t("projects.record.methods"), ", ".join(_safe(x, 200) for x in project.methods)),
        (t("projects.record.partners"), ", ".join(_safe(x, 200) for x in project.partners)),
        (t("projects.record.alumni"), _mentions(alumni)),
        (
            t("projects.record.votes"),
            t("projects.record.votes_value", up=votes[0], down=votes[1]) if any(votes) else "",
        ),
    ]
    sections = [
        Section(
            body="\n\n".join(
                x for x in (_safe(project.summary, 1000), _safe(project.description, 20_000)) if x
            ),
            fields=tuple((name, value) for name, value in facts if value),
        )
    ]
    for key, items in (
        (
            "projects.record.people",
            [person_line(t, p, project.organisation) for p in project.people],
        ),
        ("projects.record.results", [_safe(x, 500) for x in project.results]),
        ("projects.record.lessons", [_safe(x, 500) for x in project.lessons]),
        ("projects.record.sources", [citation(t, s) for s in project.sources]),
    ):
        if items:
            sections.append(Section(title=t(key), body="\n".join(f"- {item}" for item in items)))
    return Message(
        text=f"**{_safe(project.title, 300)}** (`{project.slug}`)",
        sections=tuple(sections),
        buttons=(
            Button(action_id=SIMILAR, label=t("projects.button.similar"), value=project.slug),
        ),
    )
