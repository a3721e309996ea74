"""Tables whose cells are separated by ``|``.

Three kinds look alike: Markdown tables (``| File name | File version |`` over
``|---|---|``), boxed grids drawn with ``+-----+-----+`` rules, and rows of web
pages flattened to text (``07- Oct-2003 | 17:20 | 5.0.2195.6860 | 122,640 |
Iischema.dll | |``, often with no header row at all). This module finds such
lines and splits them into cells; :mod:`.cells` reads the cells.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from verscan.kb.cells import CellRow

MAX_LINE = 4000
"""Longer lines are not table rows."""

_BORDER = re.compile(r"\s*\+[-=+:\s]*\+?\s*|\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*")
_SPLIT = re.compile(r"(?<!\\)\|")
# Inline HTML that Markdown cells carry; "<snaroot>" in a path is not one of them.
_TAG = re.compile(
    r"</?(?:br|p|b|i|u|s|em|strong|code|span|sup|sub|a|font|div|small|big|tt|nobr)\b[^<>]{0,200}>",
    re.IGNORECASE,
)
_LINK = re.compile(r"\[([^\[\]]{0,300})\]\([^()\s]{0,500}\)")


def is_border(line: str) -> bool:
    """True for a grid rule (``+----+----+``) or a Markdown separator (``|---|:--:|``)."""
    if len(line) > MAX_LINE or not line.strip():
        return False
    return _BORDER.fullmatch(line) is not None and ("+" in line or "|" in line)


def is_pipe_row(line: str) -> bool:
    """True for a line of ``|``-separated cells (or a lone ``|``, as flattened pages print)."""
    if len(line) > MAX_LINE:
        return False
    s = line.strip()
    if not s or "|" not in s:
        return False
    if s == "|":
        return True
    count = len(_SPLIT.findall(s))
    return count >= 2 or (count == 1 and (s.startswith("|") or s.endswith("|")))


def split_cells(line: str) -> tuple[str, ...]:
    """The cells of a pipe row, stripped; the outer ``|`` of ``| a | b |`` opens no cell.

    Only the leading bar is dropped as a frame: a trailing ``| |`` may be an
    empty last cell, and empty cells keep the others in their columns.
    """
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return tuple(_plain_cell(c.replace("\\|", "|")) for c in _SPLIT.split(s))


def _plain_cell(cell: str) -> str:
    """A Markdown cell's text: no ``<br/>``, entities, emphasis, code marks or link targets."""
    if "<" in cell or "&" in cell:
        cell = html.unescape(_TAG.sub(" ", cell))
    if "[" in cell:
        cell = _LINK.sub(r"\1", cell)
    cell = cell.replace("**", "").replace("__", "").replace("`", "")
    return " ".join(cell.split())


def pipe_group(lines: Sequence[str], start: int) -> int:
    """The end (exclusive) of the run of pipe rows and grid rules starting at ``start``.

    A plain rule of dashes or a single blank line between two pipe rows stays
    in the run (some grids draw their separators without ``|``).
    """
    i = start
    n = len(lines)
    while i < n:
        line = lines[i]
        if is_pipe_row(line) or is_border(line):
            i += 1
            continue
        s = line.strip()
        if i + 1 < n and is_pipe_row(lines[i + 1]) and (not s or set(s) <= set("-=")):
            # A rule drawn without bars, or one blank line, inside the table.
            i += 1
            continue
        break
    return i


def rows_of(lines: Sequence[str], start: int, end: int, numbers: Sequence[int]) -> list[CellRow]:
    """The cell rows of lines ``start:end``; rules and lone bars are left out."""
    return [
        CellRow(numbers[i], split_cells(lines[i]), lines[i])
        for i in range(start, end)
        if is_pipe_row(lines[i]) and not is_border(lines[i]) and lines[i].strip() != "|"
    ]
