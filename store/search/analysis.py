"""Turning French text into index terms: words, stop words, Snowball stem, then accent folding.

Stemming comes before folding because the French stemmer knows accented suffixes: « terminée »
and « terminé » both stem to `termin`, whereas folding first would split them (`termine`,
`termin`). Documents and queries go through the same function, on SQLite and PostgreSQL alike.

    >>> terms("Les TÂCHES terminées")
    ['tach', 'termin']
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING

from store.search.stopwords import ENGLISH, FRENCH, QUESTION_WORDS

if TYPE_CHECKING:
    from snowballstemmer.basestemmer import BaseStemmer

MAX_QUERY_CHARS = 2000
MAX_WORD = 40
WORD = re.compile(r"[^\W_]+")
PASSAGE = re.compile(r"(?:[^.!?\n]+|[.!?]+(?=\S))+[.!?]*")
"""A sentence or line: runs of ordinary characters taken whole (one character per step made
splitting a long body cost more than reading its words), and stops that a word follows
(« faire-simple.gouv.fr »). Passages cut a text only between words, so the terms of its
passages, one after the other, are the text's terms."""
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "’": "'"})
_CACHE: dict[str, str] = {}
_FOLDED: dict[str, str] = {}
_CACHE_LIMIT = 200_000
_THREAD = threading.local()


def fold(text: str) -> str:
    """Lower case without accents or ligatures: `Œuvre Élue` → `oeuvre elue`."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


STOPWORDS = frozenset(fold(word) for word in FRENCH + ENGLISH)
QUERY_STOPWORDS = STOPWORDS | frozenset(fold(word) for word in QUESTION_WORDS)


def words(text: str) -> Iterator[re.Match[str]]:
    """Every word (letters and digits; apostrophes and hyphens separate) with its position."""
    return WORD.finditer(text)


def term(word: str) -> str | None:
    """The index term of one word, or None for stop words, single letters and oversized tokens."""
    cached = _CACHE.get(word)
    if cached is not None:
        return cached or None
    lowered = word.casefold()
    folded = fold(lowered)
    result = ""
    if 1 < len(folded) <= MAX_WORD and folded not in STOPWORDS:
        result = fold(_stemmer().stemWord(lowered))
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[word] = result
    return result or None


def _stemmer() -> BaseStemmer:
    """This thread's stemmer, loaded by its first word to stem (about 3 MB that a process which
    never reads text need not hold). One per thread: a stemmer keeps the word it is working on
    in its own fields, and two threads stemming with one read each other's (an IndexError in
    the question's handler, seen with the worker's threads under bench/slack_ack.py)."""
    stemmer: BaseStemmer | None = getattr(_THREAD, "stemmer", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _THREAD.stemmer = snowballstemmer.stemmer("french")
    return stemmer


def terms(text: str) -> list[str]:
    """The index terms of a text, in order (positions matter for phrases)."""
    found = WORD.findall(text)
    analysed = [_CACHE.get(word) for word in found]
    if None in analysed:
        analysed = [
            a if a is not None else (term(w) or "") for w, a in zip(found, analysed, strict=True)
        ]
    return [a for a in analysed if a]


def passages(text: str) -> list[list[str]]:
    """The terms of each passage of a text (`PASSAGE`), in order: a document's passages are
    counted once, when it is indexed, so that choosing its snippet analyses no text again."""
    return [terms(passage) for passage in PASSAGE.findall(text)]


def folded_name(word: str) -> str:
    """`fold` for names and labels (themes, places, people), cached: they repeat a lot."""
    cached = _FOLDED.get(word)
    if cached is None:
        if len(_FOLDED) >= _CACHE_LIMIT:
            _FOLDED.clear()
        cached = _FOLDED[word] = fold(word)
    return cached


def query_words(text: str) -> list[tuple[str, str]]:
    """The (folded word, term) pairs of a question, without stop words or request words."""
    return [(folded, analysed) for folded, analysed, _, _ in query_tokens(text)]


def query_tokens(text: str) -> list[tuple[str, str, str, int]]:
    """(folded word, term, word as typed, position among all the words) of each word of a
    question that says something: two of them written side by side, with no stop word
    between, have consecutive positions (« marchés publics », not « motivation des
    agents »)."""
    found = []
    for position, match in enumerate(WORD.finditer(text)):
        analysed = term(match.group())
        folded = fold(match.group())
        if analysed is not None and folded not in QUERY_STOPWORDS:
            found.append((folded, analysed, match.group(), position))
    return found
