"""Importing and exporting project records: YAML, JSON or CSV, upsert by slug.

Every row is validated first; invalid rows are reported (row number, field, reason) and skipped,
valid rows are written in the caller's single transaction, so an import either lands whole or
not at all — never half a record. The shipped sample corpus goes through this same path.

CSV has one column per field; lists are separated by ` | `, and the parts of a person
(`name ; role ; organisation ; contact`) or a source (`document ; section ; title ; page ; url`)
by ` ; `.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy.orm import Session

from handlers.i18n import Translator
from handlers.projects.record import ProjectRecord
from store import projects as store

FORMATS = ("yaml", "json", "csv")
LIST_SEPARATOR = " | "
PART_SEPARATOR = " ; "
BATCH = 2000
LISTS = ("themes", "methods", "partners", "results", "lessons")
PARTS = {
    "people": ("name", "role", "organisation", "contact"),
    "sources": ("document", "section", "title", "page", "url"),
}
OPTIONAL = ("region", "award", "start_year", "end_year")
EXTRA_COLUMNS = "_extra_columns"
Progress = Callable[[int, int], None]
_KNOWN_REASONS = {
    "missing", "string_too_short", "string_too_long", "string_pattern_mismatch", "int_parsing",
    "int_type", "int_from_float", "greater_than_equal", "less_than_equal", "list_type",
    "extra_forbidden", "string_type", "too_short", "model_type", "dict_type", "end_before_start",
    "email", "phone", "duplicate", "extra_columns",
}  # fmt: skip


class ImportFileError(Exception):
    """The file as a whole cannot be read (missing, wrong format, not a list of records)."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class RowError:
    row: int
    path: str
    reason: str
    params: dict[str, Any] = field(default_factory=dict)

    def describe(self, t: Translator) -> str:
        reason = t(f"projects.import.reason.{self.reason}", **self.params)
        where = self.path or t("projects.import.whole_row")
        return t("projects.import.row_error", row=self.row, field=where, reason=reason)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def detect_format(path: Path, fmt: str | None) -> str:
    chosen = (fmt or path.suffix.lstrip(".")).lower()
    chosen = "yaml" if chosen == "yml" else chosen
    if chosen not in FORMATS:
        raise ImportFileError("projects.import.unknown_format", name=path.name)
    return chosen


def read_rows(path: Path, fmt: str | None = None) -> list[tuple[int, Any]]:
    """(row number, raw record) pairs: list position for YAML/JSON, line number for CSV."""
    chosen = detect_format(path, fmt)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ImportFileError("projects.import.unreadable", name=path.name) from error
    if chosen == "csv":
        return _csv_rows(text)
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = json.loads(text) if chosen == "json" else yaml.load(text, Loader=loader)
    except (ValueError, yaml.YAMLError) as error:
        raise ImportFileError("projects.import.malformed", name=path.name) from error
    if isinstance(data, dict) and isinstance(data.get("projects"), list):
        data = data["projects"]
    if not isinstance(data, list):
        raise ImportFileError("projects.import.not_a_list", name=path.name)
    return list(enumerate(data, 1))


def _csv_rows(text: str) -> list[tuple[int, Any]]:
    reader = csv.DictReader(io.StringIO(text))
    rows: list[tuple[int, Any]] = []
    previous = 1
    try:
        for raw in reader:
            rows.append((previous + 1, _from_csv(raw)))
            previous = reader.line_num
    except csv.Error as error:
        raise ImportFileError("projects.import.malformed", name="CSV") from error
    return rows


def _from_csv(raw: dict[str | None, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for name, value in raw.items():
        if name is None:
            record[EXTRA_COLUMNS] = value
            continue
        text = (value or "").strip()
        if name in LISTS:
            record[name] = _split(text, LIST_SEPARATOR)
        elif name in PARTS:
            record[name] = [
                dict(zip(PARTS[name], _parts(item, len(PARTS[name])), strict=False))
                for item in _split(text, LIST_SEPARATOR)
            ]
        elif name in OPTIONAL:
            record[name] = text or None
        else:
            record[name] = text
    return record


def _split(text: str, separator: str) -> list[str]:
    return [item.strip() for item in text.split(separator.strip()) if item.strip()]


def _parts(item: str, count: int) -> list[str]:
    """`name ; role ; organisation`: the last part keeps any further separator."""
    return [part.strip() for part in item.split(PART_SEPARATOR.strip(), count - 1)]


def validate(rows: Iterable[tuple[int, Any]]) -> tuple[list[ProjectRecord], list[RowError]]:
    """Valid records in file order (first of each slug) and the errors of the others."""
    valid: list[ProjectRecord] = []
    errors: list[RowError] = []
    first_row: dict[str, int] = {}
    for row, raw in rows:
        try:
            record = ProjectRecord.model_validate(raw)
        except ValidationError as error:
            errors.extend(_row_errors(row, error))
            continue
        if record.slug in first_row:
            errors.append(RowError(row, "slug", "duplicate", {"first": first_row[record.slug]}))
            continue
        first_row[record.slug] = row
        valid.append(record)
    return valid, errors


def _row_errors(row: int, error: ValidationError) -> list[RowError]:
    found = []
    for detail in error.errors():
        context = detail.get("ctx") or {}
        kind = detail["type"]
        name = _field_path(detail["loc"]) or str(context.get("field", ""))
        if kind == "end_before_start":
            name = "end_year"
        if detail["loc"] == (EXTRA_COLUMNS,):
            name, kind = "CSV", "extra_columns"
        reason = kind if kind in _KNOWN_REASONS else "invalid"
        params = {k: v for k, v in context.items() if isinstance(v, int | str)}
        params.setdefault("detail", detail["msg"])
        found.append(RowError(row, name, reason, params))
    return found


def _field_path(location: Sequence[int | str]) -> str:
    path = ""
    for part in location:
        path += f"[{part + 1}]" if isinstance(part, int) else ("." if path else "") + part
    return path


def import_records(
    session: Session,
    records: Sequence[ProjectRecord],
    *,
    now: datetime,
    progress: Progress | None = None,
) -> ImportReport:
    """Upserts validated records in batches, reporting progress as (done, total)."""
    report = ImportReport()
    for start in range(0, len(records), BATCH):
        batch = [r.stored() for r in records[start : start + BATCH]]
        counts = store.upsert_many(session, batch, now=now)
        report.created += counts.created
        report.updated += counts.updated
        report.unchanged += counts.unchanged
        if progress is not None:
            progress(min(start + BATCH, len(records)), len(records))
    return report


def import_file(
    session: Session,
    path: Path,
    *,
    fmt: str | None = None,
    now: datetime,
    progress: Progress | None = None,
) -> ImportReport:
    records, errors = validate(read_rows(path, fmt))
    report = import_records(session, records, now=now, progress=progress)
    report.errors = errors
    return report


def export(session: Session, fmt: str) -> str:
    """Every project, by slug, in a format `import_file` reads back unchanged."""
    records = [ProjectRecord.model_validate(store.values_of(p)).stored()
               for p in store.every(session)]  # fmt: skip
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _to_csv(records)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(records, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100)


def _to_csv(records: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=list(ProjectRecord.model_fields), lineterminator="\n"
    )
    writer.writeheader()
    for record in records:
        row = dict(record)
        for name in LISTS:
            row[name] = LIST_SEPARATOR.join(record[name])
        for name, parts in PARTS.items():
            row[name] = LIST_SEPARATOR.join(
                PART_SEPARATOR.join(item.get(part, "") for part in parts).rstrip(" ;")
                for item in record[name]
            )
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue()
