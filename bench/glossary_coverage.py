"""Which words of the catalogue an English question can reach through the glossary.

    .venv/bin/python -m bench.glossary_coverage [--all]

An English question is searched in French: a catalogue word no glossary entry translates to
(directly, or through a synonym group of `synonyms.yaml`) can only be found when the English
happens to be spelt the same. The words that matter are those of the titles, summaries,
themes, methods, results, kinds of organisation and people's roles; names (capitalised words,
acronyms), figures and words listed in `UNREACHED` are left out. Prints each unreachable word
with the projects that use it, or with `--all` every word and the English that reaches it.
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from functools import cache

import yaml

from handlers.projects.language import GLOSSARY
from handlers.projects.sample import SAMPLE
from handlers.projects.synonyms import load_groups
from store.search.analysis import WORD, fold, term

FIELDS = ("title", "summary", "kind")
LISTS = ("themes", "methods", "results")
NAME = re.compile(r"[A-ZÀ-Ý]")
_UNREACHED = """
    grâce afin partir fois autour plus chaque toute toutes cinq première premier septième
    nouveau nouvelle nouveaux officiel lancé lancée engagée engagé mise place porté portée près
    prévue davantage conduites face côté dont dès dans depuis jusqu ensemble notamment 1er ans
    atteints auprès autres bouclées chargent coauteur concernées définis devenue déposées
    envisagée ici janvier avril mai juin juillet septembre octobre novembre mettre puis quelques
    ramenés tard servent invitant intervenant dizaine trentaine déléguée sengager butineurs
    accompagnent travailler proposent
"""
UNREACHED = frozenset(_UNREACHED.split())
"""Words no question is about (function words the stop list lacks, dates' words)."""


@cache
def reached() -> dict[str, set[str]]:
    """Each French term the glossary reaches, with the English expressions reaching it: the
    terms of each translation, and those of every synonym group one of them belongs to."""
    groups = [{t for e in g for t in _terms(e)} for g in load_groups()]
    found: dict[str, set[str]] = defaultdict(set)
    entries = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8")) or {}
    for english, french in entries.items():
        own = set(_terms(str(french)))
        for group in groups:
            if own & group:
                own |= group
        for t in own:
            found[t].add(str(english))
    return found


def catalogue_words() -> dict[str, tuple[str, set[str]]]:
    """Each term of the catalogue's salient fields: a word that spells it, and the projects."""
    words: dict[str, tuple[str, set[str]]] = {}
    for project in yaml.safe_load(SAMPLE.read_text(encoding="utf-8")):
        texts = [str(project.get(f) or "") for f in FIELDS]
        texts += [str(item) for f in LISTS for item in project.get(f) or ()]
        texts += [str(p.get("role", "")) for p in project.get("people") or ()]
        for text in texts:
            for word in WORD.findall(text):
                analysed = term(word)
                if not analysed or _skipped(word):
                    continue
                _, slugs = words.setdefault(analysed, (word.casefold(), set()))
                slugs.add(str(project["slug"]))
    return words


def unreachable() -> dict[str, tuple[str, set[str]]]:
    """The catalogue's words no English expression of the glossary reaches, nor English
    spelt the same way (« session », « audit »)."""
    import simplemma

    known = reached()
    return {
        t: (spelt, slugs)
        for t, (spelt, slugs) in catalogue_words().items()
        if t not in known
        and term(simplemma.lemmatize(spelt, lang="fr")) not in known
        and not simplemma.is_known(fold(spelt), lang="en")
    }


def _skipped(word: str) -> bool:
    return (
        word.isdigit()
        or len(word) < 3
        or fold(word) in {fold(w) for w in UNREACHED}
        or bool(NAME.match(word))
        or sum(c.isupper() for c in word) > 1
    )


def _terms(text: str) -> list[str]:
    return [t for w in WORD.findall(text) if (t := term(w))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--all", action="store_true", help="every word, reached or not")
    options = parser.parse_args()
    words = catalogue_words()
    missing = unreachable()
    print(f"{len(words)} catalogue words, {len(missing)} without an English way in\n")
    for analysed, (spelt, slugs) in sorted(words.items(), key=lambda item: item[1][0]):
        english = sorted(reached().get(analysed, ()))
        if analysed in missing or options.all:
            shown = ", ".join(english[:4]) if english else "—"
            print(f"{spelt:28} {shown:50} {' '.join(sorted(slugs))[:80]}")


if __name__ == "__main__":
    main()
