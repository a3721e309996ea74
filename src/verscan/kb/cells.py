"""Tables that come already split into cells: pipe rows, HTML tables, CSV lists.

A header row (every filled cell a known label, see :mod:`.columns`) says which
column holds what; the cells of each later row are then read by position. A
row whose cells do not fit their columns (a CSV size ``4,608`` split at its
comma, a pipe row without its leading bar) is refitted by shape. Without a
header, a row is read only when every cell has a clear shape and together they
make a file row (a name, a date, and a size or a version): that is how
flattened pages print ``07- Oct-2003 | 17:20 | 5.0.2195.6860 | 122,640 |
Iischema.dll | |``.

Rows between header rows may also be labels (one filled cell, no file name):
they scope the rows below them, as ``x64-based versions`` rows do in web pages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from verscan.kb import values
from verscan.kb.align import Column, Token, fit, is_typed
from verscan.kb.columns import ATTRIBUTES, FREE, Field, field_of, is_file_table, is_name_only
from verscan.kb.result import Log
from verscan.kb.rows import RawRow, block_marker, finish_table, join_section
from verscan.manifest.model import FileRow

_MAX_CELLS = 64


@dataclass(frozen=True)
class CellRow:
    """One row of cells and where it came from."""

    line: int
    """1-based line in the article (for HTML: of the row's ``<tr>``)."""
    cells: tuple[str, ...]
    text: str
    """The row as printed (for a report)."""


def header_fields(cells: Sequence[str]) -> list[Field | None] | None:
    """The field of each cell if the row is a header row, else ``None``.

    Every filled cell must be a known label, and there must be two or more;
    with three or more, one short label the vocabulary does not know (``Changed``)
    is let through as a column of free text.
    """
    fields: list[Field | None] = []
    known = unknown = 0
    for cell in cells:
        if not cell:
            fields.append(None)
            continue
        f = field_of(cell)
        if f is None:
            if len(cell.split()) > 4 or re.search(r"\d", cell):
                return None
            f = Field.OTHER
            unknown += 1
        else:
            known += 1
        fields.append(f)
    if known < 2 or unknown > 1 or (unknown and known < 3):
        return None
    return fields


def classify(cell: str) -> Field | None:
    """The field a lone cell belongs to by its shape alone, or ``None``."""
    if values.parse_date(cell):
        return Field.DATE
    if values.parse_time(cell):
        return Field.TIME
    if values.is_version_token(cell):
        return Field.VERSION
    if values.parse_size(cell) is not None or values.size_in_units(cell):
        return Field.SIZE
    if values.parse_datetime(cell):
        return Field.DATETIME
    name = values.split_name(cell)
    if name is not None and values.is_name_token(name.name):
        return Field.NAME
    if values.parse_platform(cell):
        return Field.PLATFORM
    if values.parse_branch(cell)[1] and re.fullmatch(r"\w{2,12}", cell):
        return Field.BRANCH
    if re.fullmatch(r"SP\d{1,2}a?|RTM", cell, re.IGNORECASE):
        return Field.SP
    if values.parse_sha256(cell):
        return Field.SHA256
    return None


def shaped_row(cells: Sequence[str], *, loose: bool = False) -> dict[Field, str] | None:
    """Read a header-less row by the shapes of its cells; ``None`` unless it is a file row.

    Every filled cell must have a clear shape, no shape may come twice (except
    that of two dotted numbers, the one of thousands is the size), and the row
    must hold a file name, a date, and a size or a version. With ``loose``
    (rows split at bars, whose cells are certain), up to two cells of plain
    words may follow the values (``Windows 95``, ``SP2GDR``); they are dropped.
    """
    out: dict[Field, str] = {}
    spare = 0
    for cell in cells:
        if not cell or (loose and cell.lower() in values.NULL_WORDS):
            continue
        f = classify(cell)
        if f is None:
            if loose and Field.NAME in out and spare < 2 and _plain_words(cell):
                spare += 1
                continue
            return None
        if spare:
            return None  # words between values: not a row
        if f in out:
            if f is Field.VERSION and Field.SIZE not in out:
                if values.is_dotted_size(cell):
                    out[Field.SIZE] = cell
                    continue
                if values.is_dotted_size(out[f]):
                    out[Field.SIZE] = out[f]
                    out[f] = cell
                    continue
            return None
        out[f] = cell
    has_date = Field.DATE in out or Field.DATETIME in out
    if Field.NAME in out and has_date and (Field.SIZE in out or Field.VERSION in out):
        return out
    return None


def _plain_words(cell: str) -> bool:
    """Words, perhaps with numbers after the first (``Windows 95``, ``OSR 2``)."""
    words = cell.split()
    if not 0 < len(words) <= 4 or is_typed(words[0]):
        return False
    return not any(is_typed(w) and not w.isdigit() for w in words[1:])


def _shaped_words(cells: Sequence[str]) -> dict[Field, str] | None:
    """:func:`shaped_row` over the row's words, for cells that hold two values each."""
    words = [w for c in cells for w in c.split()]
    if len(words) <= len([c for c in cells if c]) or len(words) > 16:
        return None
    merged: list[str] = []
    i = 0
    while i < len(words):
        two = f"{words[i]} {words[i + 1]}" if i + 1 < len(words) else ""
        if two and classify(two) is not None and classify(words[i]) is None:
            merged.append(two)  # "07- Oct-2003", "12:41:42 PM", "24,426 bytes"
            i += 2
            continue
        merged.append(words[i])
        i += 1
    return shaped_row(merged)


def _looks_like_row(cells: Sequence[str]) -> bool:
    """A file name and at least one value of another shape: meant as a file row."""
    kinds = {classify(c) for c in cells if c}
    return Field.NAME in kinds and bool(kinds & {Field.DATE, Field.SIZE, Field.VERSION})


def _transpose(rows: Sequence[CellRow]) -> list[CellRow] | None:
    """A table of ``File name | Value`` pairs, one property a row, as one row a file.

    Web pages list some files (manifests, catalogs) one table each, with a row
    per property: ``File name | x86_...manifest``, ``File version | Not
    applicable``, ``File size | 2,045``, ``Date (UTC) | 04-Sep-2013``. Each
    ``File name`` row starts a new file. ``None`` if the table is not such a list.
    """
    pairs: list[tuple[CellRow, Field, str, str]] = []
    for row in rows:
        filled = [c.strip() for c in row.cells if c.strip()]
        if not filled:
            continue
        fields = [field_of(c) for c in filled]
        if all(f is Field.OTHER for f in fields):
            continue  # "File property | Value"
        if len(filled) != 2 or fields[0] is None or fields[0] is Field.OTHER:
            return None
        pairs.append((row, fields[0], filled[0], filled[1]))
    found = {f for _, f, _, _ in pairs}
    if not found & {Field.NAME, Field.NAMEPATH} or not found & ATTRIBUTES or len(pairs) < 2:
        return None
    labels: dict[Field, str] = {}
    records: list[tuple[int, dict[Field, str]]] = []
    for row, f, label, value in pairs:
        labels.setdefault(f, label)
        if not records or f in (Field.NAME, Field.NAMEPATH) or f in records[-1][1]:
            records.append((row.line, {}))
        records[-1][1][f] = value
    order = list(labels)
    out = [CellRow(rows[0].line, tuple(labels[f] for f in order), "")]
    for line, record in records:
        cells = tuple(record.get(f, "") for f in order)
        out.append(CellRow(line, cells, " | ".join(cells)))
    return out


def _is_label(cells: Sequence[str]) -> bool:
    """One filled cell, the first, of plain words: a label over the rows below it."""
    filled = [i for i, c in enumerate(cells) if c]
    return (
        len(filled) == 1
        and filled[0] == 0
        and len(cells[0]) <= 150
        and classify(cells[0]) in (None, Field.PLATFORM)
    )


def _repair(cells: list[str], width: int, size_at: int | None) -> list[str]:
    """Join a size split at its thousands comma (``4``, ``608``) when a row has cells to spare."""
    if size_at is None:
        return cells
    while len(cells) > width and size_at + 1 < len(cells):
        head, tail = cells[size_at], cells[size_at + 1]
        if re.fullmatch(r"\d{1,3}(?:,\d{3})*", head) and re.fullmatch(r"\d{3}", tail):
            cells = [*cells[:size_at], f"{head},{tail}", *cells[size_at + 2 :]]
        else:
            break
    return cells


def _fits(cells: dict[Field, str]) -> bool:
    """True when the typed cells of a row have their columns' shapes."""
    for f, text in cells.items():
        if text.lower() in values.NULL_WORDS:
            continue
        if f is Field.DATE and values.parse_date(text) is None:
            if values.parse_datetime(text) is None:
                return False
        elif f is Field.TIME and values.parse_time(text) is None:
            return False
        elif f is Field.SIZE and values.parse_size(text) is None:
            if not values.size_in_units(text):
                return False
        elif f in (Field.NAME, Field.NAMEPATH) and values.split_name(text) is None:
            return False
    return True


def _by_position(cells: Sequence[str], columns: Sequence[Field | None]) -> dict[Field, str]:
    out: dict[Field, str] = {}
    for cell, f in zip(cells, columns):
        if f is not None and cell:
            out.setdefault(f, cell)
    return out


def _by_shape(cells: Sequence[str], columns: Sequence[Field | None]) -> dict[Field, str] | None:
    """Fit a row's words to the columns by shape, ignoring where its bars fell.

    For rows whose cells do not line up with the header: a missing leading
    bar, a size and a name in one cell (``380,688 W3svc.dll``).
    """
    tokens = [Token(w, i, i) for i, c in enumerate(cells) for w in c.split()]
    cols = [Column(f, 0, 0) for f in columns if f is not None]
    got = fit(tokens, cols, positions=False)
    return dict(got.cells) if got else None


def _by_kind(cells: Sequence[str], columns: Sequence[Field | None]) -> dict[Field, str] | None:
    """A row whose cells are swapped (``| 5.5.2632 | Ese.dll |`` under ``File name |
    Version``), read by the shape of each cell; ``None`` unless every filled cell has
    a shape of its own that one of the columns holds."""
    wanted = {f for f in columns if f is not None}
    out: dict[Field, str] = {}
    for cell in cells:
        if not cell:
            continue
        kind = classify(cell)
        if kind is Field.NAME and Field.NAMEPATH in wanted:
            kind = Field.NAMEPATH
        if kind is None or kind in out or kind not in wanted:
            return None
        out[kind] = cell
    if Field.NAME not in out and Field.NAMEPATH not in out:
        return None
    return out if _fits(out) else None


class _Table:
    """State while one cell table is read."""

    def __init__(self, section: str | None, platform: str | None, log: Log) -> None:
        self.section = section
        self.platform = platform
        self.log = log
        self.columns: list[Field | None] | None = None
        self.skipping = False
        self.label: str | None = None
        self.label_platform: str | None = None
        self.label_fresh = False  # a label with no row under it yet: it may title the next table
        self.block_platform: str | None = None
        self.block = 0  # blocks are separated by empty rows, labels and headers
        self.raws: list[RawRow] = []
        self.maybe: list[CellRow] = []
        self.tables: list[tuple[list[RawRow], set[Field]]] = []

    def flush(self) -> None:
        """Close the rows read under the current header as one table."""
        if self.raws:
            fields = {f for f in (self.columns or []) if f is not None}
            if self.columns is None:
                fields = {f for r in self.raws for f in r.cells}
            self.tables.append((self.raws, fields))
        self.raws = []

    def new_header(self, fields: list[Field | None], row: CellRow) -> None:
        """Start a table under a header row (or skip one that is not a file table)."""
        self.flush()
        filled = [f for f in fields if f is not None]
        if is_file_table(filled):
            self.columns, self.skipping = fields, False
        else:
            self.columns, self.skipping = None, True
            if is_name_only(filled):
                hashes = Field.HASH in filled or Field.SHA256 in filled
                what = "a table of hashes" if hashes else "a list of names"
                self.log.note(
                    row.line,
                    f"{what} without version, size or date; not read as file rows",
                    row.text,
                )
        if not self.label_fresh:
            self.label = self.label_platform = None
        self.new_block()

    def set_label(self, text: str) -> None:
        """A row of one label (``x64-based versions``) scopes the rows below it."""
        self.label = text.rstrip(":").strip()
        self.label_platform = values.platform_in_text(self.label) or values.parse_platform(
            self.label
        )
        self.new_block()
        self.label_fresh = True

    def new_block(self) -> None:
        """An empty row, a label or a header ends the current block."""
        self.block_platform = None
        self.block += 1

    def add(self, row: CellRow, cells: dict[Field, str]) -> None:
        """Take a file row, scoped by the current label and block."""
        # "(x86)" on a block's first row marks the block (see rows.block_marker).
        self.block_platform = block_marker(cells) or self.block_platform
        raw = RawRow(
            line=row.line,
            text=row.text,
            cells=cells,
            section=join_section(self.section, self.label),
            platform=self.block_platform or self.label_platform or self.platform,
            block=self.block,
        )
        self.raws.append(raw)
        self.label_fresh = False

    def continue_last(self, cells: dict[Field, str]) -> bool:
        """Join a row of free text only (a wrapped cell) to the row above it."""
        if not self.raws or any(f not in FREE for f in cells):
            return False
        last = self.raws[-1]
        merged = dict(last.cells)
        for f, text in cells.items():
            merged[f] = f"{merged[f]} {text}" if merged.get(f) else text
        self.raws[-1] = replace(last, cells=merged)
        return True


def read_cells(
    rows: Sequence[CellRow],
    log: Log,
    *,
    section: str | None = None,
    platform: str | None = None,
) -> list[FileRow]:
    """Read a run of cell rows (one table, or several under repeated headers)."""
    rows = _transpose(rows) or rows
    table = _Table(section, platform, log)
    for row in rows:
        cells = [" ".join(c.split()) for c in row.cells[:_MAX_CELLS]]
        filled = [c for c in cells if c]
        if not filled:
            table.new_block()
            continue
        fields = header_fields(cells)
        if fields is not None:
            table.new_header(fields, row)
            continue
        if table.skipping:
            continue
        if table.columns is None:
            got = shaped_row(cells, loose=True) or _shaped_words(cells)
            if got is None:
                if _looks_like_row(cells):
                    table.maybe.append(row)
                elif _is_label(cells):
                    table.set_label(cells[0])
                continue
            table.add(row, got)
            continue
        _read_row(table, row, cells)
    table.flush()
    out: list[FileRow] = []
    for raws, columns in table.tables:
        out.extend(finish_table(raws, columns, log))
    if out:
        for row in table.maybe:
            log.problem(row.line, "row does not fit the table's columns", row.text)
    return out


def _has_value(cells: dict[Field, str]) -> bool:
    """True when a row gives at least one attribute (version, size, date, time)."""
    return any(
        f in ATTRIBUTES and text.strip().lower() not in values.NULL_WORDS
        for f, text in cells.items()
    )


def _read_row(table: _Table, row: CellRow, cells: list[str]) -> None:
    columns = table.columns or []
    if _is_label(cells):
        table.set_label(cells[0])
        return
    size_at = columns.index(Field.SIZE) if Field.SIZE in columns else None
    cells = _repair(cells, len(columns), size_at)
    got = _by_position(cells, columns)
    if not _fits(got):
        refit = _by_shape(cells, columns)
        if refit is not None and _fits(refit):
            got = refit
        elif (kinds := _by_kind(cells, columns)) is not None:
            table.log.note(
                row.line, "cells are not in their columns' order; read by their shapes", row.text
            )
            got = kinds
    if Field.NAME in got or Field.NAMEPATH in got:
        if _has_value(got) or Field.VERSION in columns:
            # Under a Version column, a row whose version is empty or "N/A" is a
            # file of the fix without a version (a data file): kept, version null.
            table.add(row, got)
        else:
            table.log.note(row.line, "row gives a file name only; not read as a file", row.text)
        return
    if table.continue_last(got):
        return
    if any(f not in FREE for f in got):
        table.log.problem(row.line, "row has values but no file name", row.text)
