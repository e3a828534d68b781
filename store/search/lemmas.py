"""The French lemmatiser, asked the same way by the reading of a question and the scoring."""

from __future__ import annotations

import simplemma

from store.search.analysis import fold


def french_word(word: str) -> bool:
    """Whether the French lemmatiser knows a word (any case)."""
    return bool(word) and simplemma.is_known(word.casefold(), lang="fr")


def known_lemma(word: str) -> str:
    """The folded lemma of a word the lemmatiser knows; empty for an unknown word (an
    unaccented « medicaux », a name), which then cannot be told from its stem's other words."""
    if not french_word(word):
        return ""
    return fold(simplemma.lemmatize(word.casefold(), lang="fr"))
