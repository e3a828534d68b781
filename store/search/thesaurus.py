"""Synonym groups for query expansion, given as data (each feature chooses its own list).

A group is a list of words or expressions meaning the same thing for searching
(`[prison, pénitentiaire, "milieu carcéral", détenus]`). Expressions are analysed like any text,
so they match whatever inflection documents use; a multi-word expression is matched as a phrase.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from store.search.analysis import fold, terms

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Thesaurus:
    groups: tuple[tuple[Phrase, ...], ...] = ()
    _starts: dict[str, tuple[tuple[Phrase, int], ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _lemmas: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_groups(cls, groups: Iterable[Sequence[str]]) -> Thesaurus:
        """Builds the lookup from raw groups; expressions reduced to nothing, or to one word
        of a compound, are ignored (`_whole`)."""
        analysed: list[tuple[Phrase, ...]] = []
        lemmas: dict[str, set[str]] = {}
        for group in groups:
            analysed_group = ((str(e), tuple(terms(str(e)))) for e in group)
            phrases = tuple(dict.fromkeys(p for e, p in analysed_group if _whole(e, p)))
            if len(phrases) > 1:
                analysed.append(phrases)
                for expression in group:
                    single = terms(str(expression))
                    if len(single) == 1:
                        lemmas.setdefault(single[0], set()).add(lemma(str(expression)))
        starts: dict[str, list[tuple[Phrase, int]]] = {}
        for index, phrases in enumerate(analysed):
            for phrase in phrases:
                starts.setdefault(phrase[0], []).append((phrase, index))
        ordered = {
            first: tuple(sorted(entries, key=lambda entry: -len(entry[0])))
            for first, entries in starts.items()
        }
        return cls(
            groups=tuple(analysed),
            _starts=ordered,
            _lemmas={t: frozenset(found) for t, found in lemmas.items()},
        )

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

    def other_word(self, phrase: Phrase, typed: str) -> bool:
        """Whether a one-word match only shares its stem with the entry: « mobilité » is not
        « mobile » (both `mobil`), so it does not get the synonyms of « application mobile ».
        Only decided when the lemmatiser knows both words (an unaccented « hopitaux » keeps
        the synonyms of « hôpital »)."""
        import simplemma  # with the first question, not with the package

        entries = self._lemmas.get(phrase[0]) if len(phrase) == 1 else None
        if not entries or not simplemma.is_known(typed.casefold(), lang="fr"):
            return False
        return lemma(typed) not in entries and all(e is not None for e in entries)

    def alternatives(self, group_ids: set[int]) -> list[Phrase]:
        return [phrase for index in sorted(group_ids) for phrase in self.groups[index]]


def _whole(expression: str, phrase: Phrase) -> bool:
    """Whether an expression's analysis still says what it means: « e-administration » reduced
    to `administr` would make every administration digital, « nouveau-né » reduced to
    `nouveau` every new thing a newborn."""
    if not phrase:
        return False
    return len(phrase) > 1 or all(len(terms(word)) > word.count("-") for word in expression.split())


def lemma(word: str) -> str:
    """The folded French lemma of one word (the word itself when unknown)."""
    import simplemma  # with the first thesaurus, not with the package

    return fold(simplemma.lemmatize(word.strip().casefold(), lang="fr"))


EMPTY = Thesaurus()
