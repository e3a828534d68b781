"""The curated French public-sector synonym list, as data: edit `data/synonyms.yaml` to extend it.

Each group lists words or expressions that mean the same thing when searching (prison ↔
pénitentiaire ↔ carcéral; hôpital ↔ CHU ↔ CHRU). Other features may reuse `thesaurus()`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from store.search import Thesaurus

SYNONYMS = Path(__file__).parent / "data" / "synonyms.yaml"


def load_groups(path: Path = SYNONYMS) -> list[list[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [[str(term) for term in group] for group in data if isinstance(group, list)]


@cache
def thesaurus() -> Thesaurus:
    return Thesaurus.from_groups(load_groups())
