"""The one CSV writer every export uses, so that each opens the same way in a French spreadsheet.

French Excel and LibreOffice read `;` as the column separator (`,` is the decimal comma) and
need a UTF-8 byte-order mark to show accents right. A cell that a spreadsheet would evaluate
(`=`, `+`, `-`, `@`, tab, carriage return, possibly after spaces) is prefixed with `'`, the
OWASP advice against CSV injection: `=HYPERLINK(…)` in a member's proposal stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

BOM = "\ufeff"
SEPARATOR = ";"
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """One value as written: numbers as they are, any text that could run as a formula quoted."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.lstrip(" ").startswith(_FORMULA) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The file's text with its byte-order mark; write it with `encoding="utf-8"`."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerow([cell(name) for name in header])
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return buffer.getvalue()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """The file as it is attached to a message or written to disk."""
    return csv_text(header, rows).encode("utf-8")


def read_csv(content: bytes | str) -> list[list[str]]:
    """A file written here read back as rows of cells (tests and round trips)."""
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    return list(csv.reader(io.StringIO(text.removeprefix(BOM)), delimiter=SEPARATOR))
