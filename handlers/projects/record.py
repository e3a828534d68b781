"""A past project as people write it (YAML, JSON, CSV): validated before anything is stored.

No phone number or e-mail address may appear in the text of a record; the one place for a way
to reach someone outside the chat is a person's `contact` (an e-mail address or a web page,
as the source gives it). A source names the internal file it was drawn from (`document`, kept
for traceability) and, for readers, the document's `title`, `page` and `url`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Item = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Year = Annotated[int, Field(ge=1900, le=2100)]

_REQUIRED_PARTS = ("name", "role", "organisation", "document", "section")
_URL = re.compile(r"https?://[^\s<>|]+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"(?:\+\d{2,3}\s?(?:\(0\)\s?)?|(?<![\d,.])0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")


class Person(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    role: Annotated[str, StringConstraints(max_length=300)] = ""
    organisation: Annotated[str, StringConstraints(max_length=300)] = ""
    contact: Annotated[str, StringConstraints(max_length=300)] = ""

    @field_validator("contact")
    @classmethod
    def _reachable(cls, value: str) -> str:
        if value and not (_EMAIL.fullmatch(value) or _URL.fullmatch(value)):
            raise PydanticCustomError("contact", "contact is not an e-mail address or a URL")
        return value


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    document: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    section: Annotated[str, StringConstraints(max_length=300)] = ""
    title: Annotated[str, StringConstraints(max_length=300)] = ""
    page: Annotated[str, StringConstraints(max_length=20)] = ""
    url: Annotated[str, StringConstraints(max_length=500)] = ""

    @field_validator("url")
    @classmethod
    def _link(cls, value: str) -> str:
        if value and not _URL.fullmatch(value):
            raise PydanticCustomError("url", "url must start with https:// or http://")
        return value


class ProjectRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    slug: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=120)]
    title: Text
    summary: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    description: Annotated[str, StringConstraints(max_length=20_000)] = ""
    organisation: Text
    kind: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    region: Annotated[str, StringConstraints(max_length=80)] | None = None
    start_year: Year | None = None
    end_year: Year | None = None
    people: list[Person] = []
    themes: list[Text] = []
    methods: list[Text] = []
    partners: list[Text] = []
    results: list[Item] = []
    award: Annotated[str, StringConstraints(max_length=300)] | None = None
    lessons: list[Item] = []
    sources: Annotated[list[Source], Field(min_length=1)]

    @field_validator("region", "award", "start_year", "end_year", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _consistent(self) -> ProjectRecord:
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise PydanticCustomError("end_before_start", "end_year before start_year")
        everything = self.model_dump_json(exclude={"people": {"__all__": {"contact"}}})
        for kind, pattern in (("email", _EMAIL), ("phone", _PHONE)):
            if (kind != "email" or "@" in everything) and pattern.search(everything):
                name = next(n for n, values in self.texts() if any(map(pattern.search, values)))
                raise PydanticCustomError(kind, "contact detail in {field}", {"field": name})
        return self

    def stored(self) -> dict[str, Any]:
        """The record as the store keeps it: people and sources without their empty optional
        parts, so that records written before those parts existed compare equal."""
        values = self.model_dump()
        for name in ("people", "sources"):
            values[name] = [
                {k: v for k, v in item.items() if v or k in _REQUIRED_PARTS}
                for item in values[name]
            ]
        return values

    def texts(self) -> list[tuple[str, list[str]]]:
        """Every string of the record, grouped by the field it belongs to."""
        found: list[tuple[str, list[str]]] = []
        for name in ("slug", "title", "summary", "description", "organisation", "kind"):
            found.append((name, [getattr(self, name)]))
        found.append(("region", [self.region or ""]))
        found.append(("award", [self.award or ""]))
        for name in ("themes", "methods", "partners", "results", "lessons"):
            found.append((name, list(getattr(self, name))))
        found.append(("people", [v for p in self.people for v in (p.name, p.role, p.organisation)]))
        found.append(
            ("sources", [v for x in self.sources for v in (x.document, x.section, x.title, x.page)])
        )
        return found


def years_text(start: int | None, end: int | None) -> str:
    """`2014–2016`, `2014` for a single year, `2014–` while it goes on, `` when unknown."""
    if start is None:
        return str(end) if end else ""
    if end is None:
        return f"{start}–"
    return str(start) if end == start else f"{start}–{end}"
