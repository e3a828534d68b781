"""Past projects' part of `/relais mes-donnees` and `/relais oubliez-moi`: the questions a
member asked and the feedback they gave (issue 20: both were left behind)."""

from handlers.projects.commands import registry
from store import projects_personal

registry.personal_data(
    "projects",
    export=projects_personal.export,
    erase=projects_personal.erase,
    stores={
        "project_alumni": ("user_id",),
        "project_feedback": ("user_id",),
        "project_questions": ("user_id",),
    },
)
