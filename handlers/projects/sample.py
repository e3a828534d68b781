"""The sample corpus shipped with Relais, loaded into an empty store through the user importer."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from handlers.projects import importer
from store import projects as store

log = logging.getLogger(__name__)
SAMPLE = Path(__file__).parent / "data" / "sample_projects.yaml"


def load_if_empty(sessions: sessionmaker[Session], *, now: datetime) -> int:
    """Imports the sample projects when there are none yet; returns how many were created.

    Two processes starting together may both try: the loser's unique slugs collide and it
    simply finds the corpus already there.
    """
    try:
        with sessions() as session, session.begin():
            if store.count(session):
                return 0
            report = importer.import_file(session, SAMPLE, now=now)
    except IntegrityError:
        log.info("sample projects already loaded by another process")
        return 0
    log.info("sample projects loaded", extra={"projects": report.created})
    return report.created
