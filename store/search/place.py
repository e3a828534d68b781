"""Where each process keeps its search indexes between runs (`RELAIS_SEARCH_INDEX_DIR`; none:
in RAM only). Apart from `engine` so that the wiring sets it at start without loading tantivy,
which only the first question or index build needs."""

from __future__ import annotations

from pathlib import Path

_directory: list[Path] = []


def configure(directory: Path | None) -> None:
    """Where indexes are kept between processes (None: in RAM only)."""
    _directory[:] = [directory] if directory is not None else []


def directory() -> Path | None:
    return _directory[0] if _directory else None
