"""Every model, imported here so that `Base.metadata` is complete for Alembic and tests."""

from store.models.base import Base, UTCDateTime
from store.models.console import ConsoleButton, ConsoleMessage
from store.models.core import ROLES, AuditEntry, ProcessedEvent, RoleGrant, User, Workspace
from store.models.delivery import Delivery
from store.models.jobs import DueJob

__all__ = [
    "ROLES",
    "AuditEntry",
    "Base",
    "ConsoleButton",
    "ConsoleMessage",
    "Delivery",
    "DueJob",
    "ProcessedEvent",
    "RoleGrant",
    "UTCDateTime",
    "User",
    "Workspace",
]
