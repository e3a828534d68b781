"""Words that carry no subject: dropped from documents and queries alike, or from queries only.

French function words (the Snowball list, with the forms of être and avoir) plus the English ones
people use when they ask in English, with what is left of a contraction once its apostrophe
splits it (« we're », « I've », « we'll »). `QUESTION_WORDS` are the words of a request rather
than of its subject (« qui a fait… », « un projet à contacter ») and are dropped from queries
only.
All entries are compared accent-folded.
"""

from __future__ import annotations

_FRENCH = """
au aux avec ce ces dans de des du elle elles en et eux il ils je la le les leur leurs lui ma mais me
même mes moi mon ne nos notre nous on ou où par pas pour qu que qui sa se ses son sur ta te tes
toi ton tu un une vos votre vous c d j l à m n s t y ça cela celle celles celui ceux cet cette
dont donc or ni car si sans sous chez entre vers selon afin ainsi alors aussi tout tous toute
toutes très plus moins peu bien comme quand comment quel quelle quels quelles lequel laquelle
lesquels lesquelles auquel auxquels duquel desquels été étée étées étés étant suis es est sommes
êtes sont serai seras sera serons serez seront serais serait serions seriez seraient étais était
étions étiez étaient fus fut fûmes fûtes furent sois soit soyons soyez soient fusse fusses fût
fussions fussiez fussent ayant eu eue eues eus ai as avons avez ont aurai auras aura aurons aurez
auront aurais aurait aurions auriez auraient avais avait avions aviez avaient eut eûmes eûtes
eurent aie aies ait ayons ayez aient eusse eusses eût eussions eussiez eussent être avoir
"""

_ENGLISH = """
the of and an in on for to with by from at is are was were be been being who what which how why
where when any some this that these those it its as do does did has have had we you they our your
their my me about into there here can could would should will than then them he she his her
between among across within without during over under after before such also just very more
most other all each both every not only if but up out off because while against through like
together now several big bit else re ve ll
"""

_QUESTION_WORDS = """
qui quoi quel quelle quels quelles comment pourquoi combien quand où existe
projet projets exemple exemples cherche cherchons chercher trouver trouve connaître
connais connaissez connait connaît savoir sais contacter contact contacts joindre parler fait faite
faites faits faire fais mené menée menés menées déjà svp merci bonjour hello please project
projects example
examples anyone someone know looking find contact appeler adresser call ask reach truc trucs
chose choses machin quelque quelqu something thing things stuff
problème problèmes pb souci soucis besoin monter monté montée mettre mis mise lancer lancé
lancée lancés lancées réalisé réalisée réalisés réalisées renseigner renseignements
renseignement informer infos info peut pourrait pouvez done carried led anything related
bosser bossé bossée bossés bosse bossent travaillé travaillée travaillés occupe occupé occupent
worked démarré démarrée démarrés démarrées commencé commencée commencés commencées débuté
débutée débutés débutées started launched began begun porté portée portés portées conduit
conduits interlocuteur interlocutrice interlocuteurs interlocutrices
"""
_QUANTIFIERS = """
quelques plusieurs certains certaines divers diverses nombreux nombreuses
"""
"""How many, said vaguely (« quelques ARS », « plusieurs agences »): never what about. Dropped
from questions only, like the request words."""

_DETERMINER_WORDS = "le la les l un une des du au aux d de ce cet cette ces"
DETERMINERS = frozenset(_DETERMINER_WORDS.split())
"""French articles and demonstratives, folded: what comes before a noun. Possessives (« leur »,
« son », « nos »…) are left out: « de leur boulot » is theirs, the people's the question
already named, not someone new."""

FRENCH = tuple(_FRENCH.split())
ENGLISH = tuple(_ENGLISH.split())
QUESTION_WORDS = tuple(_QUESTION_WORDS.split() + _QUANTIFIERS.split())
