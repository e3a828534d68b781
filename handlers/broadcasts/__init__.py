"""Broadcasts by programme staff: preview and confirm, now or later, delivery report, « Lu ✅ »
with one reminder, cancel. Importing the package registers every handler."""

from handlers.broadcasts import cancel, compose, follow_up, jobs, personal
from handlers.broadcasts.feature import registry

__all__ = ["cancel", "compose", "follow_up", "jobs", "personal", "registry"]
