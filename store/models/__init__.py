"""Every model, imported here so that `Base.metadata` is complete for Alembic and tests."""

from store.models.base import Base, UTCDateTime
from store.models.broadcasts import Broadcast, BroadcastRecipient
from store.models.checkins import (
    Absence,
    CheckinAnswer,
    CheckinOccurrence,
    CheckinRound,
    CheckinSchedule,
    Cohort,
    CohortMember,
)
from store.models.codev import (
    CodevAction,
    CodevContribution,
    CodevGroup,
    CodevMember,
    CodevRating,
    CodevReady,
    CodevSession,
)
from store.models.console import ConsoleButton, ConsoleMessage
from store.models.core import ROLES, AuditEntry, ProcessedEvent, RoleGrant, User, Workspace
from store.models.cursors import StreamCursor
from store.models.delivery import Delivery
from store.models.ideas import (
    Idea,
    IdeaCampaign,
    IdeaComment,
    IdeaFollower,
    IdeaNote,
    IdeaReport,
    IdeaStatusChange,
    IdeaSupport,
)
from store.models.inbox import InboxEvent
from store.models.jobs import DueJob
from store.models.projects import Project, ProjectAlumnus, ProjectFeedback, ProjectQuestion
from store.models.search import SearchDocument, SearchStat, SearchWord

__all__ = [
    "ROLES",
    "Absence",
    "AuditEntry",
    "Base",
    "Broadcast",
    "BroadcastRecipient",
    "CheckinAnswer",
    "CheckinOccurrence",
    "CheckinRound",
    "CheckinSchedule",
    "CodevAction",
    "CodevContribution",
    "CodevGroup",
    "CodevMember",
    "CodevRating",
    "CodevReady",
    "CodevSession",
    "Cohort",
    "CohortMember",
    "ConsoleButton",
    "ConsoleMessage",
    "Delivery",
    "DueJob",
    "Idea",
    "IdeaCampaign",
    "IdeaComment",
    "IdeaFollower",
    "IdeaNote",
    "IdeaReport",
    "IdeaStatusChange",
    "IdeaSupport",
    "InboxEvent",
    "ProcessedEvent",
    "Project",
    "ProjectAlumnus",
    "ProjectFeedback",
    "ProjectQuestion",
    "RoleGrant",
    "SearchDocument",
    "SearchStat",
    "SearchWord",
    "StreamCursor",
    "UTCDateTime",
    "User",
    "Workspace",
]
