"""The French lemmatiser, asked the same way by the reading of a question and the scoring."""

from __future__ import annotations

import simplemma

from store.search.analysis import fold


def known_lemma(word: str) -> str:
    """The folded lemma of a word the lemmatiser knows; empty for an unknown word (an
    unaccented « medicaux », a name), which then cannot be told from its stem's other words."""
    if not word or not simplemma.is_known(word.casefold(), lang="fr"):
        return ""
    return fold(simplemma.lemmatize(word.casefold(), lang="fr"))
