"""The phrases with which a chatty question asks rather than says what it is about.

    « who's behind the army recruitment app? I'd like to get in touch »  → the army recruitment app
    « qui appeler au sujet de la butinerie du 95 ? »                    → la butinerie du 95
    « a county council … drew up a digital roadmap, what's the story there? »
    « Bonjour, pourriez-vous m'indiquer la personne à contacter au sujet de … ? »
    « le lean à l'hôpital de Lille, ça a donné quoi ? »  « un retour d'expérience sur … stp »
    « Madame, Monsieur, quelles personnes puis-je contacter au sujet de … »  « … ? un nom stp »
    « la convention …, elle couvre quoi ? »  « … ça a marché ? »  « … I need a name »  « … too »
    « la directrice de prison qui a … »  « côté ministères sociaux »  « on the ministry's side »
    « c qui le signataire … », « qui est la référente … »
    « my boss asked me to dig up any case where … ended up … »  « what did they get out of it? »
    « how long did it take to build? »  « did something like that happen? »
    « need someone to talk to »  « on veut … », « nous voudrions … »  « the right person at … »
    « lessons learned from … » (« un retour d'expérience sur … »)
    « quels projets ont eu lieu en Bretagne ? », « se sont déroulés … », « took place in … »
    « … j'aimerais échanger avec elle », « … pr l'appeler », « lui passer un coup de fil »,
    « vous auriez le mail du DGS … », « son numéro », « qui je peux appeler pour … »

Their words are no subject: searched, « touch », « behind », « story » or « sujet » would count
as words no project has, and lower the confidence of a right answer as much as a subject the
catalogue lacks; counted as concepts the first project lacks, greetings, politeness and the
request around the subject (« quoi de neuf », « ça a pris combien de temps ») would split a
right answer. Single request words (« contacter », « anyone ») are query stop words
(`store.search.stopwords`); these are the phrases whose words may, elsewhere, say something.
"""

from __future__ import annotations

import re

from handlers.projects.asker import HERE, unasked

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
    r"\b(?:hi|hello|hey|dear\s+all|thanks|thank\s+you|cheers|good\s+(?:morning|afternoon|evening))\b"
    r"(?:\s+(?:in\s+advance|a\s+lot))?",
    r"\b(?:has|have|did)\s+(?:anyone|anybody|someone|somebody|any\s+\w+)\s+"
    r"(?:run|done|tried|try|do|had)\s+(?:something|anything)\s+like\s+(?:that|this|it)\b",
    r"\b(?:see|know|hear|learn)\s+how\s+(?:they|it|you)\s+\w+\s+(?:it|that|this|them)\b",
    rf"\b(?:who{_APOSTROPHE}?s\s+|who\s+is\s+)?the\s+(?:person|people|contact)\s+in\s+charge\b",
    r"\bthe\s+(?:right|best|correct|appropriate)\s+(?:person|people|contact)\b",
    r"\bhow\s+(?:long|much\s+time)\s+did\s+(?:it|that|this)\s+take(?:\s+(?:them|you))?"
    r"(?:\s+to\s+(?:build|do|set\s+up|deliver|roll\s+out|finish|complete|make))?\b",
    r"\bwhat\s+(?:did|do)\s+(?:they|you|we|people)\s+get\s+out\s+of\s+(?:it|that|this)\b",
    r"\b(?:(?:was|is|has)\s+(?:it|that|this)\s+(?:been\s+)?)?worth\s+(?:it|the\s+effort)\b",
    r"\bwhat\s+did\s+(?:the\s+)?(?:they|staff|people|agents|employees|users|teams?)\s+gain"
    r"(?:\s+from\s+(?:it|that|this))?\b",
    r"\b(?:did|has|have)\s+(?:something|anything)\s+like\s+(?:that|this|it)\s+"
    r"(?:happen(?:ed)?|been\s+done)\b",
    r"\bmy\s+(?:boss|manager|director|supervisor|team|colleagues?)\s+(?:asked|wants|told)\s+me\s+to\b",
    r"\b(?:dig|look)\s+up\b(?:\s+(?:any|a|some)\s+(?:case|example|project)s?\s+(?:where|of))?",
    r"\bend(?:ed|s)?\s+up\b",
    r"\b(?:know|hear|learn)\s+what\s+(?:worked|went\s+well)\b",
    r"\b(?:what\s+came\s+of|how\s+did)\s+(?:it|that|this)(?:\s+(?:go|turn\s+out|work\s+out))?\b",
    r"\b(?:i\s+)?need\s+(?:a|the|their|his|her)\s+(?:name|contact|number|email)\b",
    r"\b(?:i\s+)?need\s+(?:someone|somebody|a\s+person|a\s+contact)\s+to\s+(?:talk|speak)\s+"
    r"(?:to|with)\b",
    r"\bwhat\s+(?:did|does)\s+(?:it|that|this|they)\s+(?:actually\s+|really\s+)?"
    r"(?:cover|include|involve)\b",
    r"\b(?:too|as\s+well)(?=\s*[.?!]*\s*$)",
    r"\b(?:any\s+)?lessons?\s+learn(?:ed|t)\b(?:\s+(?:from|on|about|with))?",
    r"\b(?:took|take|takes|taken|taking)\s+place\b",
)
_FRENCH = (
    r"\bau\s+sujet\s+(?=d)",
    r"\b[àa]\s+propos\s+(?=d)",
    r"\ben\s+ce\s+qui\s+concerne\b",
    r"\bconcernant\b",
    rf"\by\s+a[\s-]+t[\s-]+(?:il|elle)\b|\bil\s+y\s+a(?:urait)?\b|\best[\s-]+ce\s+qu(?:e|{_APOSTROPHE})",
    rf"\b(?:quelqu{_APOSTROPHE}\s*un|qqn|qq1|on|vous|tu)\s+"
    r"(?:sait|saurait|savez|sauriez|sais|saurais|conna[iî]t|conna[iî]trait|connaissez|connais)\b",
    rf"\b(?:je\s+voudrais|j(?:{_APOSTROPHE}\s*|\s+)aimerais|je\s+souhaite|je\s+souhaiterais"
    r"|(?:je|on|nous)\s+(?:veux|veut|voulons|voudrait|voudrions|souhaitons|souhaiterions))"
    r"(?:\s+(?:bien|beaucoup))?\b",
    r"\b(?:me\s+mettre|entrer|prendre)\s+(?:en\s+)?(?:contact|relation)\b",
    rf"\b(?:en\s+savoir\s+plus|plus\s+d{_APOSTROPHE}\s*infos?|des\s+infos?)\b",
    rf"\b(?:bonjour|bonsoir|salut|coucou|cordialement|merci(?:\s+(?:d{_APOSTROPHE}\s*avance|beaucoup))?)\b",
    rf"\bs{_APOSTROPHE}\s*il\s+(?:te|vous)\s+pla[iî]t\b",
    rf"\b(?:pourriez|pouvez|pourrais|peux|pourrait|peut)[\s-]+(?:vous|tu|on)\s+"
    rf"(?:me\s+|m{_APOSTROPHE}\s*|nous\s+)?(?:indiquer|dire|donner|communiquer|trouver|envoyer)\b",
    r"\b(?:la|une|les|des|quelles?)\s+(?:bonnes?\s+)?personnes?\s+"
    r"(?:[àa]\s+|(?:puis|pourrais|peux|dois)[\s-]+je\s+)?(?:contacter|joindre|appeler)\b",
    r"\b(?:la|les)\s+personnes?\s+qui\b",
    rf"\b(?:qui\s+(?:est|[ée]tait|sont|c{_APOSTROPHE}\s*est)|c(?:{_APOSTROPHE}\s*est)?\s+qui)\s+"
    rf"(?:le|la|les|l{_APOSTROPHE})\s*(?:signataire|porteu(?:r|se)|pilote|responsable|"
    r"r[ée]f[ée]rente?|cheff?e?|direct(?:eur|rice)|coordinat(?:eur|rice)|interlocut(?:eur|rice))s?\b",
    r"\b(?<=l[ae]\s)(?:direct(?:eur|rice)|responsable|cheff?e?|pilote|r[ée]f[ée]rente?)"
    rf"(?=(?:\s+d[eu]s?\s+\w+|\s+d{_APOSTROPHE}\s*\w+)?\s+qui\b)",
    rf"\bc[oô]t[ée]\s+(?!d[eu]s?\b|d{_APOSTROPHE})",
    r"\b(?:je\s+cherche\s+[àa]\s+|j\s*e?\s*cherche\s+[àa]\s+)?parler\s+(?:avec|[àa])\b",
    r"\b(?:madame|mesdames),?\s+(?:monsieur|messieurs)\b",
    rf"\b(?:son|leur|un|le)\s+nom(?=\s*(?:[?.!]|$|s{_APOSTROPHE}\s*il|stp|svp|merci))",
    rf"\b(?:j{_APOSTROPHE}\s*ai\s+)?besoin\s+d{_APOSTROPHE}?\s*(?:un|une)\s+"
    r"(?:nom|contact|interlocut(?:eur|rice)|r[ée]f[ée]rent(?:e)?|num[ée]ro)\b",
    rf"\b(?:un\s+|des\s+|le\s+|les\s+)?retours?\s+d{_APOSTROPHE}?\s*exp[ée]riences?\b",
    rf"\bj(?:e\s+|{_APOSTROPHE}\s*)?cherche\s+(?:un|des)\s+retours?\b|\b(?:un|des)\s+retours?(?=\s+sur\b)",
    r"\b(?:[çc]a|cela)\s+a\s+(?:bien\s+)?(?:march[ée]|fonctionn[ée])\b",
    r"\b(?:elle|il|[çc]a|cela)\s+(?:couvr\w*|port\w*\s+sur|comprend\w*)\s+(?:quoi|koi)\b",
    r"\b(?:quoi|koi)\s+de\s+neuf\b",
    r"\b(?:la|les)\s+personnes?\s+(?:en\s+charge|responsables?)\b",
    rf"\b(?:[çc]a|cela)\s+(?:a\s+)?donn[ée]\s+(?:quoi|koi)\b|\bqu{_APOSTROPHE}\s*est[\s-]+ce\s+que\s+"
    r"(?:[çc]a|cela)\s+a\s+donn[ée]\b",
    r"\b(?:[çc]a|cela)\s+a\s+(?:pris|dur[ée])\s+(?:combien|cmb|cb)\s+de\s+temps\b|"
    r"\b(?:combien|cmb|cb)\s+de\s+temps\s+(?:[çc]a|cela)\s+a\s+(?:pris|dur[ée])\b",
    r"\b(?:[çc]a|cela)\s+existe(?:\s+(?:dans|ds)\s+(?:la|ta|votre)\s+base)?\b",
    r"\b(?:a|ont|avait|avaient|aura|auront|aurait|auraient)\s+eu\s+lieu\b|\bavoir\s+lieu\b",
    rf"\b(?:se\s+|s{_APOSTROPHE}\s*)(?:(?:est|sont|soit|soient)\s+)?d[ée]roul\w*",
    r"\b(?:[ée]changer|discuter|parler)\s+avec\s+(?:elle|lui|eux|elles)\b",
    rf"\b(?:pour\s+|pr\s+)?(?:l{_APOSTROPHE}\s*|l[ae]s?\s+)"
    r"(?:appeler|contacter|joindre|rappeler)\b",
    r"\b(?:(?:lui|leur)\s+)?(?:passer|donner)\s+un\s+(?:petit\s+)?coup\s+de\s+"
    r"(?:fil|t[ée]l[ée]phone)\b",
    r"\b(?:son|leur|ses|leurs)\s+"
    r"(?:e-?mails?|mails?|courriels?|num[ée]ros?|t[ée]l[ée]phones?|t[ée]l)\b",
    rf"\b(?:le|les|un|l{_APOSTROPHE}\s*adresse)\s+(?:e-?mails?|mails?|courriels?)\s+"
    rf"(?:d[eu]s?\b|d{_APOSTROPHE})",
    r"\b(?:le|un)\s+num[ée]ro\s+de\s+(?:t[ée]l[ée]phone|t[ée]l|portable)(?:\s+d[eu]s?\b)?",
    r"\bqui\s+(?:je\s+(?:peux|pourrais|dois)|(?:puis|pourrais|dois)[\s-]+je)\s+"
    r"(?:appeler|contacter|joindre)\b",
)
_INSTEAD = re.compile(
    rf"\b(?:instead\s+of|rather\s+than|au\s+lieu\s+d(?:e|u|es|{_APOSTROPHE})|plut[oô]t\s+que"
    r"|(?<=,\s)pas\s+(?:en|[àa]|au|aux|dans|chez)\s|\bmais\s+pas\s+(?:en|[àa]|au|aux|dans|chez)\s"
    r"|sauf|except[ée]?|excluding|other\s+than|(?<=,\s)not\s+(?:in|at)\s|\bbut\s+not\s+(?:in|at)\s)"
    r"[^.?!,;:]*",
    re.IGNORECASE,
)
"""« … online instead of at the tobacco shop », « … au lieu de passer au guichet »: what was
not done, or done before; the project asked about need not mention it. So with what the
question leaves out, after a comma or « mais » (« dans les services déconcentrés, pas en
administration centrale », « except hospitals »): read, it was a kind of office to look in.
Within a clause, « pas en » says something else (« pour qu'ils ne lâchent pas en route »)."""
_SIDE = re.compile(
    rf"\bon\s+(?:the|their|its)\s+((?:\S+\s+){{0,3}}?\S+?)(?:{_APOSTROPHE}s?)?\s+side\b",
    re.IGNORECASE,
)
"""« on the social affairs ministries' side »: whose side, not a subject « side »."""
_US = re.compile(r"\bus\b")
"""« … force us to change our tools »: the asker, in lower case; « the US army » is a country."""
_CHATTER = re.compile("|".join(f"(?:{p})" for p in (*_ENGLISH, *_FRENCH)), re.IGNORECASE)


def quiet(text: str) -> str:
    """`text` without its request phrases (« I'd like to get in touch », « au sujet de »),
    nor what it says was done otherwise (`_INSTEAD`), nor who asks (`asker.py`) and the words
    pointing back to where they are (« du coin »)."""
    kept = HERE.sub(" ", _INSTEAD.sub(" ", _SIDE.sub(r"\1", _US.sub(" ", unasked(text)))))
    return " ".join(_CHATTER.sub(" ", kept).split())
