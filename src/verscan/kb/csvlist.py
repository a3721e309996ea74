"""Microsoft's CSV file lists (``File name,File version,Date,Time,File size``).

Cumulative updates publish their file information as CSV downloads, one file
per update and architecture, sometimes with a title line above the header
(``Windows 10 Version 1607 for x64-based Systems``) and several header rows
when architectures are combined. Each line is split on its own, so a broken
quote cannot swallow the rest of the file; the delimiter is the one the header
uses (comma, semicolon or tab).
"""

from __future__ import annotations

import csv

from verscan.kb.cells import CellRow, header_fields, read_cells
from verscan.kb.result import Log
from verscan.manifest.model import FileRow

MAX_LINE = 20_000
"""Longer lines are not CSV rows of a file list."""

_DELIMITERS = (",", ";", "\t")


def _delimiter(lines: list[str]) -> str:
    """The delimiter of the first line that splits into a header row."""
    for line in lines[:20]:
        for delimiter in _DELIMITERS:
            if delimiter in line and header_fields(_split(line, delimiter)) is not None:
                return delimiter
    return ","


def _split(line: str, delimiter: str) -> list[str]:
    if len(line) > MAX_LINE:
        return []
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return [line]


def read_csv(text: str, log: Log) -> list[FileRow]:
    """Every file row of a CSV file list, in file order."""
    lines = text.splitlines()
    delimiter = _delimiter(lines)
    rows = [
        CellRow(number, tuple(cells), line)
        for number, line in enumerate(lines, start=1)
        if (cells := _split(line, delimiter))
    ]
    return read_cells(rows, log)
