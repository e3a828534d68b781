"""The phrases with which a chatty question asks rather than says what it is about.

    « who's behind the army recruitment app? I'd like to get in touch »  → the army recruitment app
    « qui appeler au sujet de la butinerie du 95 ? »                    → la butinerie du 95
    « a county council … drew up a digital roadmap, what's the story there? »

Their words are no subject: searched, « touch », « behind », « story » or « sujet » would count
as words no project has, and lower the confidence of a right answer as much as a subject the
catalogue lacks. Single request words (« contacter », « anyone ») are query stop words
(`store.search.stopwords`); these are the phrases whose words may, elsewhere, say something.
"""

from __future__ import annotations

import re

_APOSTROPHE = r"[’']"
_ENGLISH = (
    rf"\b(?:i|we){_APOSTROPHE}?d\s+(?:like|love)\s+to\b",
    r"\b(?:i|we)\s+(?:would|want|wanted)\s+(?:like\s+|love\s+)?to\b",
    r"\b(?:get|getting|be|keep|put\s+me)\s+in\s+touch(?:\s+with\s+(?:them|him|her|someone|"
    r"somebody|anyone|the\s+(?:team|people)))?\b",
    r"\breach\s+out(?:\s+to\s+(?:them|him|her|someone|somebody|anyone))?\b",
    rf"\bwho{_APOSTROPHE}?s\s+behind\b|\bwho\s+(?:is|was|were|are)\s+behind\b",
    rf"\bwhat{_APOSTROPHE}?s\s+the\s+(?:story|deal)\b(?:\s+(?:there|here|behind\s+(?:it|that|this)))?",
    r"\bwhat\s+(?:is|was)\s+the\s+(?:story|deal)\b(?:\s+(?:there|here|behind\s+(?:it|that|this)))?",
    r"\b(?:can|could)\s+(?:you|someone|anyone)\s+tell\s+me(?:\s+more)?\b",
    r"\btell\s+me\s+more\b",
    rf"\b(?:i\s+was|i{_APOSTROPHE}m)\s+wondering(?:\s+(?:if|whether))?\b",
    r"\bany\s+(?:info|information|details|pointers|leads)\s+(?:on|about)\b",
)
_FRENCH = (
    r"\bau\s+sujet\s+(?=d)",
    r"\b[àa]\s+propos\s+(?=d)",
    r"\ben\s+ce\s+qui\s+concerne\b",
    r"\bconcernant\b",
    rf"\by\s+a[\s-]+t[\s-]+(?:il|elle)\b|\bil\s+y\s+a(?:urait)?\b|\best[\s-]+ce\s+qu(?:e|{_APOSTROPHE})",
    rf"\b(?:quelqu{_APOSTROPHE}\s*un|qqn|qq1|on|vous|tu)\s+"
    r"(?:sait|saurait|savez|sauriez|sais|saurais|conna[iî]t|conna[iî]trait|connaissez|connais)\b",
    rf"\b(?:je\s+voudrais|j{_APOSTROPHE}\s*aimerais|je\s+souhaite|je\s+souhaiterais)"
    r"(?:\s+(?:bien|beaucoup))?\b",
    r"\b(?:me\s+mettre|entrer|prendre)\s+(?:en\s+)?(?:contact|relation)\b",
    rf"\b(?:en\s+savoir\s+plus|plus\s+d{_APOSTROPHE}\s*infos?|des\s+infos?)\b",
)
_CHATTER = re.compile("|".join(f"(?:{p})" for p in (*_ENGLISH, *_FRENCH)), re.IGNORECASE)


def quiet(text: str) -> str:
    """`text` without its request phrases (« I'd like to get in touch », « au sujet de »)."""
    return " ".join(_CHATTER.sub(" ", text).split())
