"""Past projects: the community's knowledge base and its French question answering."""

from handlers.projects import community, personal, staff
from handlers.projects.commands import registry

__all__ = ["community", "personal", "registry", "staff"]
