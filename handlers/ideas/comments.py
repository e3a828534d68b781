"""The idea's thread is its discussion: every reply there is kept as a comment.

Comment texts are stored for the figures and the export, never logged.
"""

from __future__ import annotations

import re

from handlers.context import Context
from handlers.ideas.common import registry
from handlers.types import Action, ThreadReply
from store.ideas import participation, records
from store.models.ideas import DRAFT

_ROOT = re.compile(r"idea:(\d+):root")


@registry.thread("idea:")
def on_reply(ctx: Context, reply: ThreadReply, root_key: str) -> list[Action]:
    match = _ROOT.fullmatch(root_key)
    if match is None:
        return []
    idea = records.by_id(ctx.session, int(match.group(1)))
    if idea is None or idea.workspace_id != ctx.workspace.id or idea.status == DRAFT:
        return []
    if idea.hidden:
        return ctx.say("ideas.error.hidden", number=idea.id)
    participation.add_comment(
        ctx.session,
        idea=idea,
        author=ctx.caller,
        text=reply.text,
        message_id=reply.message_id,
        now=ctx.now(),
    )
    return []
