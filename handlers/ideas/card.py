"""The idea's root message (the card) and its updates.

The card is posted once with the key `idea:<id>:root`; every later change replaces it through
an `UpdatePost` keyed by the idea's card version, so a retried event re-sends nothing while
successive changes all go out. It always speaks the community's default language.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from handlers.context import FeatureSettings
from handlers.i18n import Translator
from handlers.ideas.common import public_t
from handlers.ideas.statuses import label
from handlers.text import mention, quote_user
from handlers.types import Button, Message, Post, Section, UpdatePost
from store.ideas import participation, records
from store.models import Idea, User
from store.models.ideas import MERGED, OPEN_TO_SUPPORT, WITHDRAWN


def root_key(idea: Idea) -> str:
    return f"idea:{idea.id}:root"


def buttons(t: Translator, idea: Idea) -> tuple[Button, ...]:
    value = str(idea.id)
    shown = []
    if idea.status in OPEN_TO_SUPPORT:
        shown.append(
            Button(
                action_id="idea.support",
                label=t("ideas.button.support"),
                value=value,
                style="primary",
            )
        )
    shown.append(Button(action_id="idea.follow", label=t("ideas.button.follow"), value=value))
    shown.append(
        Button(action_id="idea.report", label=t("ideas.button.report"), value=value, style="danger")
    )
    return tuple(shown)


def render(session: Session, idea: Idea, t: Translator, *, with_buttons: bool = True) -> Message:
    """The whole card: title, author, the four parts, status, supports, the latest answer."""
    if idea.hidden:
        return Message(text=t("ideas.card.hidden", number=idea.id))
    author = session.get_one(User, idea.author_id)
    supports = participation.support_count(session, idea)
    header = t(
        "ideas.card.header",
        number=idea.id,
        title=quote_user(idea.title),
        author=mention(author.external_id),
        campaign=quote_user(idea.campaign.title),
    )
    body = "\n\n".join(
        f"**{t(f'ideas.field.{name}')}**\n{quote_user(value)}"
        for name, value in (
            ("probleme", idea.problem),
            ("proposition", idea.proposal),
            ("gain", idea.gain),
        )
    )
    fields = (
        (t("ideas.field.perimetre"), quote_user(idea.scope)),
        (t("ideas.card.status"), label(t, idea.status)),
        (t("ideas.card.supports"), str(supports)),
    )
    sections = [Section(body=body, fields=fields)]
    if idea.public_answer:
        sections.append(Section(title=t("ideas.card.answer"), body=quote_user(idea.public_answer)))
    if idea.successor_id is not None and idea.status in (MERGED, WITHDRAWN):
        sections.append(
            Section(body=t(f"ideas.card.successor.{idea.status}", number=idea.successor_id))
        )
    footer = t("ideas.card.footer")
    return Message(
        text=f"{header}\n{footer}",
        sections=tuple(sections),
        buttons=buttons(t, idea) if with_buttons else (),
    )


def root_post(session: Session, idea: Idea, settings: FeatureSettings) -> Post:
    return Post(
        key=root_key(idea),
        channel_id=idea.campaign.channel_id,
        message=render(session, idea, public_t(settings)),
    )


def refresh(session: Session, idea: Idea, settings: FeatureSettings) -> UpdatePost:
    """Replaces the card with its current state, under the next version's key."""
    version = records.next_card_version(session, idea)
    return UpdatePost(
        key=f"ideas:{idea.id}:card:{version}",
        channel_id=idea.campaign.channel_id,
        target_key=root_key(idea),
        message=render(session, idea, public_t(settings)),
    )
