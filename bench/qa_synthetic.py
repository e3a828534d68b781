"""Synthetic past projects for load tests: plausible French records built from the sample corpus.

Sentences, results, themes and methods are drawn from the shipped projects and recombined
with invented organisations, places and people, so common words keep realistic frequencies;
the proper nouns and acronyms of reused sentences are replaced by invented ones, so that a name
like « Sundgau » stays as rare as it would be in a real collection. The 26 real projects are
always included, so the dev-set questions keep their answers among distractors. Deterministic
for a given seed.
"""

from __future__ import annotations

import random
import re
from typing import Any

import yaml

from handlers.projects.sample import SAMPLE

_CITIES = """
Lyon Marseille Toulouse Nice Nantes Strasbourg Montpellier Bordeaux Lille Rennes Reims Toulon
Grenoble Dijon Angers Nîmes Clermont-Ferrand Brest Limoges Tours Amiens Perpignan Metz Besançon
Orléans Rouen Mulhouse Caen Nancy Argenteuil Roubaix Tourcoing Avignon Poitiers Pau Calais
Dunkerque Ajaccio Bastia Cayenne Fort-de-France Pointe-à-Pitre Saint-Denis Mamoudzou Quimper
Vannes Lorient Laval Chartres Bourges Troyes Colmar Annecy Chambéry Valence Niort Rochefort
Angoulême Périgueux Agen Tarbes Albi Rodez Cahors Auch Gap Digne Carcassonne
"""
_DEPARTMENTS = """
Ain Aisne Allier Ardèche Ardennes Ariège Aube Aude Aveyron Calvados Cantal Charente Cher Corrèze
Creuse Dordogne Doubs Drôme Eure Finistère Gard Gers Gironde Hérault Indre Isère Jura Landes
Loire Loiret Lot Lozère Manche Marne Mayenne Meuse Morbihan Moselle Nièvre Nord Oise Orne Somme
Tarn Var Vaucluse Vendée Vienne Vosges Yonne Essonne
"""
CITIES, DEPARTMENTS = _CITIES.split(), _DEPARTMENTS.split()
REGIONS = [
    "Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Bretagne", "Centre-Val de Loire", "Corse",
    "Grand Est", "Hauts-de-France", "Île-de-France", "Normandie", "Nouvelle-Aquitaine", "Occitanie",
    "Pays de la Loire", "Provence-Alpes-Côte d'Azur", "Guadeloupe", "Martinique", "Guyane",
    "La Réunion", "Mayotte", "National",
]  # fmt: skip
ORGANISATIONS = [
    "Conseil départemental de {department}", "Mairie de {city}", "CHU de {city}",
    "Préfecture de {department}", "ARS {region}", "Rectorat de {city}", "CAF de {department}",
    "Métropole de {city}", "Centre hospitalier de {city}", "Direction régionale {region}",
    "Tribunal judiciaire de {city}", "Université de {city}", "Pôle emploi {region}",
]  # fmt: skip
KINDS = [
    "collectivité", "hôpital", "État - services déconcentrés", "État - administration centrale",
    "opérateur ou agence", "enseignement", "interministériel",
]  # fmt: skip
_FIRST = """
Anne Bruno Claire David Emma François Gilles Hélène Isabelle Jacques Karine Laurent Marie
Nicolas Odile Patrick Quentin Rachida Sophie Thomas Ugo Valérie William Yasmine Zoé Amadou Chloé
Driss Élodie Fatima Guillaume Hugo Inès Julien Léa Malik Nadia Olivier Pauline Rémi Sarah
"""
_LAST = """
Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefebvre
Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent
Muller Lefèvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand
Gauthier Garcia Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu Gautier Masson Marchand
Duval Denis Dumont Marie Lemaire Noël Meyer Dufour Meunier Brun Blanchard Giraud Joly Rivière
Lucas Brunet Gaillard Barbier Arnaud Martinez Gérard Roche Renard Schmitt Roy Leroux Colin Vidal
Caron Picard Roger Fabre Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe Bourgeois Pierre
"""
FIRST, LAST = _FIRST.split(), _LAST.split()
ROLES = ["cheffe de projet", "chef de projet", "directrice générale des services",
         "directeur de l'innovation", "cadre de santé", "responsable de la transformation",
         "secrétaire générale", "chargé de mission numérique"]  # fmt: skip
SYLLABLES = "ka ri lo ne ta mi vo sa pe lu ro da fi no ze bi gu mo la te"
ASCII = "ABCDEFGHIJKLMNOPRSTUV"


_NAME = re.compile(r"(?<=[\s(«'’-])(?:[A-ZÉÈÎ][a-zéèêëàâîïôûüç]+|[A-Z]{2,}[a-zA-Z]*)")


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.strip()) > 30]


class Generator:
    def __init__(self, seed: int = 42) -> None:
        self.random = random.Random(seed)
        self.real = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
        self.sentences = [s for r in self.real for s in _sentences(r["description"])]
        self.results = [x for r in self.real for x in r["results"]]
        self.lessons = [x for r in self.real for x in r["lessons"]]
        self.themes = sorted({x for r in self.real for x in r["themes"]})
        self.methods = sorted({x for r in self.real for x in r["methods"]})
        self.partners = sorted({x for r in self.real for x in r["partners"]})
        self.names = [self._codename(2) for _ in range(3000)] + CITIES + LAST
        self.acronyms = ["".join(self.random.sample(ASCII, k)) for k in (3, 4) for _ in range(400)]

    def _codename(self, size: int) -> str:
        return "".join(self.random.choice(SYLLABLES.split()) for _ in range(size)).capitalize()

    def _renamed(self, text: str) -> str:
        """Proper nouns and acronyms of a reused sentence replaced by invented ones."""

        def swap(match: re.Match[str]) -> str:
            word = match.group()
            pool = self.acronyms if word[1:2].isupper() else self.names
            return self.random.choice(pool)

        return _NAME.sub(swap, text)

    def records(self, count: int) -> list[dict[str, Any]]:
        made = list(self.real[:count])
        made += [self.one(index) for index in range(max(0, count - len(made)))]
        return made

    def one(self, index: int) -> dict[str, Any]:
        pick, sample = self.random.choice, self.random.sample
        city, department, region = pick(CITIES), pick(DEPARTMENTS), pick(REGIONS)
        organisation = pick(ORGANISATIONS).format(city=city, department=department, region=region)
        codename = self._codename(3)
        themes = sample(self.themes, 4)
        start = self.random.randint(2005, 2024)
        title = f"{codename} : {pick(self.methods)} et {themes[0]} à {city}"
        people = [
            {
                "name": f"{pick(FIRST)} {pick(LAST)}",
                "role": pick(ROLES),
                "organisation": organisation,
            }
            for _ in range(self.random.randint(0, 3))
        ]
        description = " ".join(
            self._renamed(x) for x in sample(self.sentences, self.random.randint(4, 8))
        )
        return {
            "slug": f"{codename.lower()}-{index}",
            "title": title,
            "summary": description.split(". ")[0][:300].rstrip(".") + ".",
            "description": description,
            "organisation": organisation,
            "kind": pick(KINDS),
            "region": region,
            "start_year": start,
            "end_year": self.random.choice([None, start + self.random.randint(0, 4)]),
            "people": people,
            "themes": themes,
            "methods": sample(self.methods, 3),
            "partners": [self._renamed(" " + p).strip() for p in sample(self.partners, 2)],
            "results": [self._renamed(r) for r in sample(self.results, self.random.randint(1, 3))],
            "award": None,
            "lessons": [self._renamed(x) for x in sample(self.lessons, self.random.randint(0, 2))],
            "sources": [{"document": f"synthetique-{index}.txt", "section": "généré"}],
        }
