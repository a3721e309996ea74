"""Plain-text tables under a header line, their columns aligned with spaces.

The rows under a header (see :mod:`.headers`) are fitted to its columns by
shape (:mod:`.align`). Inside the table, blank lines separate blocks (a
platform printed in parentheses on a block's first row applies to the block,
and so does a bare one when the block's other rows leave the cell empty);
a line of free text under a free column (a wrapped ``Platform`` cell) joins the
row above; a short line at the table's left edge followed by rows is a label
that scopes the rows below it (``Pan-Chinese``); a line that looks like a row
but does not fit is reported as a problem, unless it begins with a label
(``Additional query words:``), which makes it prose; a bare file name is noted
and left out. The table ends at a line that is none of these, a new header, or
three blank lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from verscan.kb import pipes, values
from verscan.kb.align import (
    Column,
    Fit,
    Token,
    fit,
    is_typed,
    label_prefix,
    looks_like_row,
    tokenize,
)
from verscan.kb.columns import ATTRIBUTES, FREE, Field
from verscan.kb.doc import MAX_BLANKS, MAX_LINE, Doc
from verscan.kb.headers import header_columns
from verscan.kb.rows import RawRow, block_marker, finish_table, join_section
from verscan.kb.sections import is_underline
from verscan.kb.shaped import shaped_line


def read_aligned(doc: Doc, start: int, cols: list[Column]) -> int:
    """Read the table under the header at ``start``; returns the first line after it."""
    section, platform = doc.scope(start)
    lines, log = doc.lines, doc.log
    left = min(c.start for c in cols)
    raws: list[RawRow] = []
    spans: dict[Field, tuple[int, int]] = {}
    label: str | None = None
    label_platform: str | None = None
    block: str | None = None
    block_no = 0
    blanks = 0
    i = start + 1
    end = i
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            blanks += 1
            block = None
            block_no += 1
            if blanks > MAX_BLANKS:
                break
            i += 1
            continue
        if is_underline(line):
            nxt = doc.next_text(i)
            if not raws or (nxt is not None and _fits(lines[nxt], cols)):
                i += 1
                continue
            break
        if len(line) > MAX_LINE or header_columns(line) is not None:
            break
        if pipes.is_pipe_row(line) or pipes.is_border(line):
            break
        toks = tokenize(line)
        got = _fits(line, cols)
        if got is not None:
            blanks = 0
            cells = dict(got.cells)
            block = block_marker(cells) or block
            if not any(f in ATTRIBUTES for f in cells):
                # A name without values under a file table: nothing to check it against.
                log.note(doc.numbers[i], "row gives a file name only; not read as a file", line)
                blanks = 0
                i += 1
                end = i
                continue
            raws.append(
                RawRow(
                    doc.numbers[i],
                    line,
                    cells,
                    section=join_section(section, label),
                    platform=block or label_platform or platform,
                    block=block_no,
                )
            )
            spans = dict(got.spans)
            i += 1
            end = i
            continue
        unnamed = _unnamed(line, cols)
        if unnamed is not None:
            log.note(doc.numbers[i], f"row names no file ({unnamed!r}); not read as a file", line)
            blanks = 0
            i += 1
            end = i
            continue
        if blanks == 0 and raws and _continuation(toks, cols, spans, raws):
            i += 1
            end = i
            continue
        nxt = doc.next_text(i)
        if raws and _alternative(toks) and nxt is not None and _fits(lines[nxt], cols):
            i += 1  # "-or-" between two rows of the table
            continue
        if _label(toks, left) and nxt is not None and _fits(lines[nxt], cols):
            label = " ".join(t.text for t in toks).rstrip(":")
            label_platform = values.platform_in_text(label)
            block = None
            block_no += 1
            blanks = 0
            i += 1
            continue
        shaped = shaped_line(line) if _row_start(toks, left) else None
        if shaped is not None:
            # Every word has a clear shape, but the header has fewer columns than
            # the row ("Date  Version  File name" over rows with a size).
            log.note(
                doc.numbers[i],
                "row does not fit the table's header; read by the shapes of its values",
                line,
            )
            raws.append(
                RawRow(
                    doc.numbers[i],
                    line,
                    shaped,
                    section=join_section(section, label),
                    platform=block_marker(shaped) or block or label_platform or platform,
                    block=block_no,
                )
            )
            blanks = 0
            i += 1
            end = i
            continue
        if looks_like_row(toks) and _row_start(toks, left):
            log.problem(
                doc.numbers[i], "line looks like a file row but does not fit the table", line
            )
            blanks = 0
            i += 1
            end = i
            continue
        resume = _resume(doc, i, cols) if raws and blanks == 0 else None
        if resume is None:
            break
        for k in range(i, resume):  # a footnote between two rows of the table
            log.note(doc.numbers[k], "line inside the table is not a file row; skipped", lines[k])
        i = resume
    doc.add(start, finish_table(raws, {c.field for c in cols}, log), end)
    return max(end, start + 1)


def _fits(line: str, cols: Sequence[Column]) -> Fit | None:
    """The line fitted to the columns, if it is a row of the table."""
    if len(line) > MAX_LINE:
        return None
    toks = tokenize(line)
    if label_prefix(toks):
        return None  # "Additional query words: ...": metadata, not a row
    got = fit(toks, cols)
    if got is None or not _is_row(got, toks):
        return None
    return got


def _row_start(toks: Sequence[Token], left: int) -> bool:
    """A line that starts the way rows do: with a value, or at the table's left edge.

    Prose after a table (``NOTE: The Ntoskrnl.exe file version 5.0...``)
    names files and versions too, but starts with a word, elsewhere.
    """
    first = toks[0]
    if first.text.endswith(":") or first.text.lower().startswith("note"):
        return False
    return is_typed(first.text) or abs(first.start - left) <= 2


def _label(toks: Sequence[Token], left: int) -> bool:
    """A short line of plain words at the table's left edge (``Pan-Chinese``)."""
    if not 1 <= len(toks) <= 5 or abs(toks[0].start - left) > 4:
        return False
    if toks[0].text.lower().startswith("note") or toks[-1].text.endswith("."):
        return False
    return not any(is_typed(t.text) for t in toks)


def _resume(doc: Doc, at: int, cols: Sequence[Column]) -> int | None:
    """Where the table goes on after one or two lines that are not rows (a footnote).

    Only when the lines run on without a blank line and the next one is a row.
    """
    for k in range(at + 1, min(len(doc.lines), at + 3)):
        if not doc.lines[k].strip():
            return None
        if _fits(doc.lines[k], cols) is not None:
            return k
    return None


def _alternative(toks: Sequence[Token]) -> bool:
    """A line of ``-or-`` (or ``and``) between two rows: the table goes on."""
    return len(toks) <= 2 and all(t.text.strip("-()").lower() in ("or", "and") for t in toks)


def _continuation(
    toks: Sequence[Token],
    cols: Sequence[Column],
    spans: dict[Field, tuple[int, int]],
    raws: list[RawRow],
) -> bool:
    """Join a wrapped free-text cell (``Second Edition``) to the row above."""
    free = [c for c in cols if c.field in FREE]
    if not free or len(toks) > 12:
        return False
    if any(is_typed(t.text) and not t.text.isdigit() for t in toks):
        return False
    starts = {c.field: spans.get(c.field, (c.start, c.end))[0] for c in free}
    first = toks[0].start
    if first < min(starts.values()) - 4:
        return False
    target = min(starts, key=lambda f: abs(starts[f] - first))
    text = " ".join(t.text for t in toks)
    last = raws[-1]
    cells = dict(last.cells)
    cells[target] = f"{cells[target]} {text}" if cells.get(target) else text
    raws[-1] = replace(last, cells=cells)
    return True


def _is_row(got: Fit, toks: Sequence[Token]) -> bool:
    """A fitted line is a row when it has a name (and attributes, or words in free columns)."""
    return Field.NAME in got.cells or Field.NAMEPATH in got.cells


def _unnamed(line: str, cols: Sequence[Column]) -> str | None:
    """The words in the name column of a row that names no file, else ``None``.

    Some tables list products among their files (``Microsoft FoxPro  2.5b  Sat,
    Dec 4, 1993  1:34:18 PM``): plain words where the file name goes, then two
    or more values that fit their columns.
    """
    named = [c for c in cols if c.field in (Field.NAME, Field.NAMEPATH)]
    if len(line) > MAX_LINE or not named:
        return None
    toks = tokenize(line)
    if label_prefix(toks):
        return None
    free = [replace(c, field=Field.OTHER) if c in named else c for c in cols]
    got = fit(toks, free)
    if got is None or any(c.field is Field.OTHER for c in cols):
        return None
    if sum(f in ATTRIBUTES for f in got.cells) < 2:
        return None
    return got.cells.get(Field.OTHER)
