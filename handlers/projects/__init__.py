"""Past projects: the community's knowledge base and its French question answering."""

from handlers.projects import community, staff
from handlers.projects.commands import registry

__all__ = ["community", "registry", "staff"]
