"""Synonym groups for query expansion, given as data (each feature chooses its own list).

A group is a list of words or expressions meaning the same thing for searching
(`[prison, pénitentiaire, "milieu carcéral", détenus]`). Expressions are analysed like any text,
so they match whatever inflection documents use; a multi-word expression is matched as a phrase.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from store.search.analysis import terms

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Thesaurus:
    groups: tuple[tuple[Phrase, ...], ...] = ()
    _starts: dict[str, tuple[tuple[Phrase, int], ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def from_groups(cls, groups: Iterable[Sequence[str]]) -> Thesaurus:
        """Builds the lookup from raw groups; expressions reduced to nothing are ignored."""
        analysed: list[tuple[Phrase, ...]] = []
        for group in groups:
            phrases = tuple(dict.fromkeys(p for p in (tuple(terms(str(e))) for e in group) if p))
            if len(phrases) > 1:
                analysed.append(phrases)
        starts: dict[str, list[tuple[Phrase, int]]] = {}
        for index, phrases in enumerate(analysed):
            for phrase in phrases:
                starts.setdefault(phrase[0], []).append((phrase, index))
        ordered = {
            first: tuple(sorted(entries, key=lambda entry: -len(entry[0])))
            for first, entries in starts.items()
        }
        return cls(groups=tuple(analysed), _starts=ordered)

    def match(self, sequence: Sequence[str], start: int) -> tuple[Phrase, set[int]] | None:
        """The longest expression starting at `start`, with every group it belongs to."""
        entries = self._starts.get(sequence[start], ())
        best: Phrase | None = None
        for phrase, _ in entries:
            if tuple(sequence[start : start + len(phrase)]) == phrase:
                best = phrase
                break
        if best is None:
            return None
        return best, {index for phrase, index in entries if phrase == best}

    def alternatives(self, group_ids: set[int]) -> list[Phrase]:
        return [phrase for index in sorted(group_ids) for phrase in self.groups[index]]


EMPTY = Thesaurus()
