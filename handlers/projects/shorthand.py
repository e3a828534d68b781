"""Shorthand in a question written out before it is read: SMS forms and office
abbreviations (« pb ds les hosto », `data/sms.yaml`), elisions typed without their apostrophe
(« lhosto », « dappli »), a department's council by its number (« CD95 ») and the phonetic
« -ik » ending (« numerik »). The answer says the question as it was read whenever this
changed a word.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from handlers.projects.language import english_word
from store.search.analysis import fold

SMS = Path(__file__).parent / "data" / "sms.yaml"


@cache
def _sms() -> tuple[re.Pattern[str], dict[str, str]]:
    entries = yaml.safe_load(SMS.read_text(encoding="utf-8")) or {}
    table = {str(key).casefold(): str(value) for key, value in entries.items()}
    keys = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    after = r"(?:(?<![\w'’-])|(?<=\b[cdjlmnst]['’])|(?<=\bqu['’]))"
    return re.compile(rf"{after}({keys})(?![\w'’-])", re.IGNORECASE), table


_PHONETIC_K = re.compile(r"(?<![\w'’-])(\w{4,}i)k(?![\w'’-])", re.IGNORECASE)


_COUNCIL = re.compile(r"(?<![\w'’-])C[DG] ?(\d\d|2[AB]|97\d)(?![\w'’-])", re.IGNORECASE)
"""« le CD95 », « au CG 13 »: a department's council (« conseil général » before 2015) by its
number, as its own staff and its partners say it."""


_GLUED = re.compile(
    r"(?<![\w'’.-])(qu|j|[cdlmnst](?=[aeiouyhàâéèêîôû]))([^\W\d_]{3,})(?![\w'’-]|\.\w)",
    re.IGNORECASE,
)
SHORT_REST = 3
"""A rest this short is read only as an SMS form (« dexp »): « lile » is Lille mistyped."""
_ACCENTS = {"a": "àâ", "e": "éèê", "i": "îï", "o": "ô", "u": "ûù"}


def _unglued(match: re.Match[str]) -> str:
    """An elided article or pronoun typed without its apostrophe (« lhosto », « dappli »,
    « larmee », « jcherche »): the word as a whole is neither French (even with an accent it
    was typed without: « sante » is « santé », not « s'ante ») nor English, the rest is a
    French word (maybe typed without its accent) or an SMS form. A name, capitalised inside
    a sentence, is left alone (« Nantes »), and so is a web address (« sengager.fr »)."""
    whole, elided, rest = match.group(), match.group(1), match.group(2)
    folded = whole.casefold()
    if (whole[0].isupper() and match.start() > 0) or folded in _sms()[1]:
        return whole
    if _french(folded) or english_word(fold(whole)):
        return whole
    lowered = rest.casefold()
    if lowered in _sms()[1] or (len(lowered) > SHORT_REST and _french(lowered)):
        return f"{elided}'{rest}"
    return whole


def _french(word: str) -> bool:
    """Whether the French lemmatiser knows a word as typed or with one vowel accented."""
    from store.search.lemmas import french_word

    spellings = {word} | {
        word[:i] + accent + word[i + 1 :]
        for i, letter in enumerate(word)
        for accent in _ACCENTS.get(letter, "")
    }
    return any(french_word(w) for w in spellings)


def expand_sms(text: str) -> str:
    """SMS forms and abbreviations (« pb ds les hosto ») written out (`data/sms.yaml`), also
    after an elided article (« l'appli »), an elision typed without its apostrophe read with
    it (« dappli », `_unglued`), a department's council by its number (« CD95 »), and the
    phonetic « -ik » ending written « -ique » (« electronik », « numerik »)."""
    pattern, table = _sms()
    text = _GLUED.sub(_unglued, text)
    text = pattern.sub(lambda match: table[match.group(1).casefold()], text)
    text = _COUNCIL.sub(r"conseil départemental du \1", text)
    return _PHONETIC_K.sub(r"\1que", text)
