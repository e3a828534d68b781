"""Where a platform cannot open forms, a decision button still acts: the committee member gets
a direct message asking for the public answer, and their reply in its thread decides.

    [Retenir (n°12)] → « Répondez dans ce fil par la réponse publique… » → « Adoptée en séance. »
"""

from __future__ import annotations

import re

from handlers.args import UsageError
from handlers.context import Context
from handlers.ideas.common import live_idea, registry, require_committee
from handlers.ideas.lifecycle import DECIDE_PREFIX, change_status
from handlers.ideas.statuses import TYPED
from handlers.types import Action, ThreadReply
from store.models.ideas import MERGED

_KEY = re.compile(rf"^{DECIDE_PREFIX}(\d+):([a-z-]+):u(\d+):")
_INTO = re.compile(r"^\s*(?:n°|#)?(\d{1,9})\s*[:,.-]?\s*(.*)$", re.DOTALL)


@registry.thread(DECIDE_PREFIX)
def answer_in_thread(ctx: Context, reply: ThreadReply, root_key: str) -> list[Action]:
    match = _KEY.match(root_key)
    if match is None or int(match.group(3)) != ctx.caller.id or match.group(2) not in TYPED:
        return []
    require_committee(ctx)
    idea = live_idea(ctx, int(match.group(1)))
    target, answer, into = match.group(2), reply.text, None
    if target == MERGED:
        found = _INTO.match(answer)
        if found is None:
            raise UsageError("ideas.decide.merge_needs_number")
        into, answer = int(found.group(1)), found.group(2)
    return change_status(ctx, idea, target, answer, into=into)
