"""Which language a question is written in, and English questions read in French.

The projects are French; an English question is answered about them, in English: its words are
looked up in a bilingual glossary of the field (`data/glossary.yaml`, longest expression first)
and the French translation is what the search reads. Detection combines the function words of
each language (decisive on short questions, where statistical detectors hesitate: lingua gives
« qui a fait de la telemedicne ? » to English) with lingua's French/English model otherwise.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import yaml

from store.search.analysis import WORD, fold
from store.search.stopwords import ENGLISH, FRENCH

if TYPE_CHECKING:
    from lingua import LanguageDetector

Lang = Literal["fr", "en"]
GLOSSARY = Path(__file__).parent / "data" / "glossary.yaml"
ENGLISH_CONFIDENCE = 0.85
MIN_WORDS = 3
TYPO_MIN, TYPO_LONG = 5, 7
_ENGLISH_ONLY = frozenset(fold(w) for w in ENGLISH) - frozenset(fold(w) for w in FRENCH)
_FRENCH_ONLY = frozenset(fold(w) for w in FRENCH if len(w) > 1) - frozenset(
    fold(w) for w in ENGLISH
)
_ENGLISH_REQUEST = frozenset({"who", "what", "which", "how", "anyone", "someone", "projects"})


@cache
def _detector() -> LanguageDetector:
    """lingua, its models and the lemmatiser and edit distance below are imported when a
    question first needs them, not with the feature: a process that answers no question
    does not hold them."""
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.FRENCH, Language.ENGLISH).build()


def detect(text: str) -> Lang:
    """`en` for a question written in English, `fr` otherwise (the default language)."""
    words = [fold(w) for w in WORD.findall(text)]
    english = sum(w in _ENGLISH_ONLY or w in _ENGLISH_REQUEST for w in words)
    french = sum(w in _FRENCH_ONLY for w in words)
    if english != french:
        return "en" if english > french else "fr"
    if len(words) < MIN_WORDS:
        return "fr"
    from lingua import Language

    value = _detector().compute_language_confidence(text, Language.ENGLISH)
    return "en" if value >= ENGLISH_CONFIDENCE else "fr"


@cache
def _glossary() -> tuple[re.Pattern[str], dict[str, str]]:
    entries = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8")) or {}
    table = {fold(str(key)): str(value) for key, value in entries.items()}
    ordered = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(re.escape(k) for k in ordered) + r")\b")
    return pattern, table


def to_french(text: str) -> str:
    """The question with every glossary expression replaced by its French translation; a word
    the glossary lacks is looked up by its English lemma (« reducing » → reduce); other words,
    names included, stay as written."""
    pattern, table = _glossary()
    translated = pattern.sub(lambda match: "\0" + table[match.group(1)] + "\0", fold(text))
    parts = translated.split("\0")
    for index in range(0, len(parts), 2):
        parts[index] = WORD.sub(_by_lemma, parts[index])
    return "".join(parts)


def english_corrections(text: str) -> dict[str, str]:
    """Misspelt English words (« telemedicne ») read as the closest word of the glossary
    (« telemedicine »), folded typed word → glossary word: only words that neither English
    nor French knows, of five letters or more, within one edit (two from seven letters), with
    the same first letter. The question is then translated as corrected, and the answer can
    say so in English."""
    import simplemma
    from rapidfuzz.distance import DamerauLevenshtein

    words = _glossary_words()
    found: dict[str, str] = {}
    for word in WORD.findall(fold(text)):
        if len(word) < TYPO_MIN or word in words or word in found or word.isdigit():
            continue
        if simplemma.is_known(word, lang="en") or simplemma.is_known(word, lang="fr"):
            continue
        limit = 1 if len(word) < TYPO_LONG else 2
        close = [
            (DamerauLevenshtein.distance(word, known, score_cutoff=limit), known)
            for known in words.get(word[0], ())
            if abs(len(known) - len(word)) <= limit
        ]
        close = [pair for pair in close if pair[0] <= limit]
        if close:
            found[word] = min(close)[1]
    return found


def correct(text: str, corrections: dict[str, str]) -> str:
    """`text` with each corrected word (by its folded form) replaced, the rest as typed."""
    if not corrections:
        return text
    return WORD.sub(lambda match: corrections.get(fold(match.group()), match.group()), text)


@cache
def _glossary_words() -> dict[str, tuple[str, ...]]:
    """The single English words of the glossary, by first letter."""
    _, table = _glossary()
    words = sorted({w for key in table for w in WORD.findall(key) if len(w) >= TYPO_MIN - 1})
    grouped: dict[str, list[str]] = {}
    for word in words:
        grouped.setdefault(word[0], []).append(word)
    return {letter: tuple(found) for letter, found in grouped.items()}


@cache
def _english_of() -> dict[str, str]:
    """The French translations of the glossary back to the shortest English expression."""
    _, table = _glossary()
    back: dict[str, str] = {}
    for english, french in sorted(table.items(), key=lambda item: (len(item[0]), item[0])):
        back.setdefault(fold(french), english)
    return back


def in_english(french_word: str) -> str:
    """A French word of the collection as the glossary says it in English, when it does."""
    return _english_of().get(fold(french_word), french_word)


def _by_lemma(match: re.Match[str]) -> str:
    import simplemma

    word = match.group()
    lemma = fold(simplemma.lemmatize(word, lang="en"))
    return _glossary()[1].get(lemma, word)


SMS = Path(__file__).parent / "data" / "sms.yaml"


@cache
def _sms() -> tuple[re.Pattern[str], dict[str, str]]:
    entries = yaml.safe_load(SMS.read_text(encoding="utf-8")) or {}
    table = {str(key).casefold(): str(value) for key, value in entries.items()}
    keys = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    return re.compile(rf"(?<![\w'’-])({keys})(?![\w'’-])", re.IGNORECASE), table


_PHONETIC_K = re.compile(r"(?<![\w'’-])(\w{4,}i)k(?![\w'’-])", re.IGNORECASE)


def expand_sms(text: str) -> str:
    """SMS forms and abbreviations (« pb ds les hosto ») written out (`data/sms.yaml`), and
    the phonetic « -ik » ending written « -ique » (« electronik », « numerik »)."""
    pattern, table = _sms()
    text = pattern.sub(lambda match: table[match.group(1).casefold()], text)
    return _PHONETIC_K.sub(r"\1que", text)
