"""Plain-text tables without a usable header line.

Two kinds:

- **header-less rows** whose every word has a clear shape (date, time, size
  or version, file name, optional ``(Alpha)``), as the time-stamp lists print
  them: ``09/16/97  12:08p  128,272 emsui32.dll``. Unless ``dir`` output
  surrounds them (``Volume in drive``, ``Directory of``, ``File(s)``, ``bytes
  free``): a listing of a disk is not a file table. Prose never reads as such a
  row: ``NWNP32.DLL  version 4.00.969  dated 12/20/95`` has ``version`` and
  ``dated``, which have no shape.
- **one cell a line**, as some conversions of web pages to text print tables:
  the header labels on lines of their own, then each row's cells.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from verscan.kb import pipes, values
from verscan.kb.align import Token, label_prefix, looks_like_row, tokenize
from verscan.kb.cells import CellRow, read_cells, shaped_row
from verscan.kb.columns import ATTRIBUTES, Field, field_of, is_file_table
from verscan.kb.doc import MAX_BLANKS, MAX_LINE, Doc
from verscan.kb.rows import RawRow, block_marker, finish_table

_DIR = re.compile(
    r"Volume in drive|Volume Serial Number|Directory of |<DIR>|\bFile\(s\)|\bDir\(s\)|bytes free",
    re.IGNORECASE,
)
_AMPM = re.compile(r"[AaPp]\.?[Mm]?\.?")
_UNIT = re.compile(r"bytes?|KB|MB|K|GB", re.IGNORECASE)
_PAREN = re.compile(r"\([^()]{1,40}\)")


def _merge_words(toks: Sequence[Token]) -> list[str]:
    """Join the words of one value in a header-less row: ``07- Oct-2003``, ``12:41:42 PM``."""
    out: list[str] = []
    i = 0
    while i < len(toks):
        word = toks[i].text
        if i + 1 < len(toks):
            nxt = toks[i + 1].text
            two = f"{word} {nxt}"
            if (
                (values.parse_date(two) and not values.parse_date(word))
                or (values.parse_time(word) and _AMPM.fullmatch(nxt))
                or (values.parse_size(word) is not None and _UNIT.fullmatch(nxt))
                or (values.is_name_token(word) and _PAREN.fullmatch(nxt))
            ):
                out.append(two)
                i += 2
                continue
        out.append(word)
        i += 1
    return out


def shaped_line(line: str) -> dict[Field, str] | None:
    """A header-less row read by the shapes of its words, or ``None``."""
    if len(line) > MAX_LINE:
        return None
    toks = tokenize(line)
    if not 3 <= len(toks) <= 12 or label_prefix(toks):
        return None
    if not any(values.is_name_token(t.text) or "(" in t.text for t in toks):
        return None  # a row has a file name: prose and numbers alone are turned away here
    return shaped_row(_merge_words(toks))


def read_shaped(doc: Doc, start: int) -> int:
    """Read a run of header-less rows (blank lines between blocks); returns the end."""
    section, platform = doc.scope(start)
    raws: list[RawRow] = []
    block: str | None = None
    block_no = 0
    i = start
    end = start
    blanks = 0
    while i < len(doc.lines):
        line = doc.lines[i]
        if not line.strip():
            blanks += 1
            block = None
            block_no += 1
            if blanks > MAX_BLANKS:
                break
            i += 1
            continue
        if pipes.is_pipe_row(line):
            break  # the pipe reader takes it from here
        cells = shaped_line(line)
        if cells is None:
            if blanks == 0 and looks_like_row(tokenize(line[:MAX_LINE])):
                doc.log.problem(
                    doc.numbers[i], "line looks like a file row but cannot be read", line
                )
                i += 1
                end = i
                continue
            break
        blanks = 0
        block = block_marker(cells) or block
        raws.append(
            RawRow(
                doc.numbers[i],
                line,
                cells,
                section=section,
                platform=block or platform,
                block=block_no,
            )
        )
        i += 1
        end = i
    if _dir_listing(doc, start, end):
        doc.log.note(
            doc.numbers[start],
            f"lines {doc.numbers[start]}-{doc.numbers[end - 1]} are a dir listing; "
            "not read as file rows",
            doc.lines[start],
        )
        return end
    fields = {f for r in raws for f in r.cells}
    doc.add(start, finish_table(raws, fields, doc.log), end)
    return end


def _dir_listing(doc: Doc, start: int, end: int) -> bool:
    """``dir`` output around the lines: its header or its totals."""
    lo, hi = max(0, start - 6), min(len(doc.lines), end + 4)
    return any(_DIR.search(doc.lines[k][:MAX_LINE]) for k in range(lo, hi))


def read_stacked(doc: Doc, start: int) -> int:
    """A table flattened one cell a line: the header labels, then each row's cells.

    Some conversions of web pages to text print ``File name``, ``File
    version``, ... on lines of their own, then the values the same way.
    Rows are read while each group of lines fits the header.
    """
    labels: list[tuple[int, str]] = []
    i = start
    while i < len(doc.lines) and len(labels) < 12:
        text = doc.lines[i].strip()
        if text and (len(text) > 40 or field_of(text) is None):
            break
        if text:
            labels.append((i, text))
        i += 1
    fields = [field_of(text) for _, text in labels]
    if len(labels) < 3 or not is_file_table(fields):
        return start + 1
    rows = [CellRow(doc.numbers[labels[0][0]], tuple(t for _, t in labels), "")]
    end = i
    while True:
        group = _next_cells(doc, end, len(labels))
        if group is None:
            break
        cells = tuple(doc.lines[g].strip() for g in group)
        if not _stacked_fits({f: c for f, c in zip(fields, cells) if f is not None}):
            break
        rows.append(CellRow(doc.numbers[group[0]], cells, " | ".join(cells)))
        end = group[-1] + 1
    if len(rows) == 1:
        return start + 1
    section, platform = doc.scope(start)
    doc.add(start, read_cells(rows, doc.log, section=section, platform=platform), end)
    return end


def _next_cells(doc: Doc, start: int, width: int) -> list[int] | None:
    """The next ``width`` non-blank lines from ``start``; ``None`` at two blank lines."""
    found: list[int] = []
    k = start
    blanks = 0
    while k < len(doc.lines) and len(found) < width:
        line = doc.lines[k]
        if not line.strip():
            blanks += 1
            if blanks >= 2 and not found:
                return None  # two blank lines after a whole row: the table is over
        elif len(line) > MAX_LINE:
            return None
        else:
            blanks = 0
            found.append(k)
        k += 1
    return found if len(found) == width else None


def _stacked_fits(cells: dict[Field, str]) -> bool:
    """Whether a group of one-cell lines is a row of its header: a name and shaped values."""
    name = cells.get(Field.NAME) or cells.get(Field.NAMEPATH)
    split = values.split_name(name) if name else None
    if split is None or not values.is_name_token(split.name):
        return False
    for f, text in cells.items():
        if text.lower() in values.NULL_WORDS or f not in ATTRIBUTES:
            continue
        if f is Field.VERSION and values.clean_version(text) is None:
            return False
        if f is Field.SIZE and values.parse_size(text) is None and not values.size_in_units(text):
            return False
        if f is Field.DATE and values.parse_date(text) is None:
            return False
        if f is Field.TIME and values.parse_time(text) is None:
            return False
        if f is Field.DATETIME and values.parse_datetime(text) is None:
            return False
    return True
