"""Tables that fit a terminal: long cells shortened or wrapped inside their column, never the line.

A report printed at a terminal must be read there without its lines wrapping. Given
the terminal's width, :func:`fit_table` lays a table out in one of two ways:

- **columns**, when the table fits, or can be made to fit by narrowing the columns
  its :class:`~verscan.output.interface.Table` calls flexible: a title is cut at its
  end (``shorten``), a path in its middle, keeping the file name (``paths``), a
  reason or a note wrapped onto more lines inside its column (``wrap``). The other
  columns (verdicts, versions, counts) keep their width. The wrapping is tabulate's
  own (``maxcolwidths``), so the table looks as it does in a pipe, only narrower;
- **records**, when even the flexible columns at their narrowest leave no room: one
  block per row, its ``headline`` columns on the first line, the short values packed
  after it as ``name value`` pairs, each long one on its own lines.

Output to a pipe or a file never comes here: it stays whole, one line per row.
Colours (``colour=True``) mark verdicts and decisions, the worst in red; they are
added after the layout, which measures text without them.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence

from tabulate import tabulate

from verscan.output.interface import Table
from verscan.output.safe import visible

GAP = 2
"""Spaces between two columns (tabulate's ``simple`` format)."""
HEADER_PADDING = 2
"""tabulate's ``simple`` format makes a column at least its heading and two spaces wide."""
NARROWEST = 12
"""The narrowest a column cut at its end is made before the table turns into records."""
NARROWEST_WRAPPED = 20
"""The narrowest a column wrapped or cut in its middle is made."""
SHORT_VALUE = 24
"""Values at most this long are packed side by side in a record."""
INDENT = "  "

_SGR = {
    "red": "\x1b[1;31m",
    "yellow": "\x1b[33m",
    "green": "\x1b[32m",
    "dim": "\x1b[2m",
    "cyan": "\x1b[36m",
}
_RESET = "\x1b[0m"

STYLES: dict[str, str] = {
    "MISSING": "red",
    "OUTDATED": "red",
    "downgrade": "red",
    "keep": "cyan",
    "UNKNOWN": "yellow",
    "UNREADABLE": "yellow",
    "UNVERSIONED": "yellow",
    "unknown": "yellow",
    "INSTALLED": "green",
    "CURRENT": "green",
    "NEWER": "green",
    "overwrite": "green",
    "upgrade": "green",
    "NOT_APPLICABLE": "dim",
    "ABSENT": "dim",
}
"""The colour of each verdict, decision and action word when a terminal shows colours."""

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def plain_width(text: str) -> int:
    """The columns ``text`` takes on a terminal, its colour codes left out."""
    return len(_ANSI.sub("", text))


def painted(text: str, colour: bool) -> str:
    """``text`` in its colour (see :data:`STYLES`) when ``colour``, else as it is."""
    style = STYLES.get(text) if colour else None
    return f"{_SGR[style]}{text}{_RESET}" if style else text


def shorten_end(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns, an ellipsis at its end."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def shorten_middle(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns in its middle: a path keeps its start and its file name."""
    if len(text) <= width:
        return text
    if width < 4:
        return shorten_end(text, width)
    head = (width - 1) // 3
    tail = width - 1 - head
    return text[:head] + "…" + text[len(text) - tail :]


def wrapped(text: str, width: int, indent: str = "") -> list[str]:
    """``text`` in lines of at most ``width`` columns; lines after the first get ``indent``."""
    return textwrap.wrap(
        text,
        width=max(width, len(indent) + 1),
        subsequent_indent=indent,
        break_long_words=True,
        break_on_hyphens=False,
    ) or [""]


def fit_lines(lines: Sequence[str], width: int) -> list[str]:
    """Lines of prose (a preamble, a title) wrapped to ``width``, continuations indented."""
    out: list[str] = []
    for line in lines:
        out.extend(wrapped(line, width, INDENT) if len(line) > width else [line])
    return out


def fit_table(table: Table, cells: Sequence[Sequence[str]], width: int, colour: bool) -> str:
    """``table`` (its ``cells`` already made visible, as text) laid out in ``width`` columns."""
    headers = list(table.headers)
    widths = _column_widths(table, cells, width)
    if widths is None:
        return _records(table, cells, width, colour)
    shown = [visible(h) for h in headers]
    limits: list[int | None] = []
    rows = [list(row) for row in cells]
    for i, header in enumerate(headers):
        limit = widths[i]
        natural = _natural(header, (row[i] for row in rows))
        if limit >= natural:
            limits.append(None)
            continue
        if header in table.wrap:
            limits.append(limit)
            continue
        cut = shorten_middle if header in table.paths else shorten_end
        for row in rows:
            row[i] = cut(row[i], limit)
        limits.append(None)
    text = tabulate(
        [[painted(c, colour) for c in row] for row in rows],
        headers=shown,
        tablefmt="simple",
        disable_numparse=True,
        maxcolwidths=limits if any(w is not None for w in limits) else None,
    )
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _natural(header: str, column: Iterable[str]) -> int:
    return max([len(header) + HEADER_PADDING, *(plain_width(v) for v in column)])


def _flexible(table: Table) -> set[str]:
    return set(table.wrap) | set(table.paths) | set(table.shorten)


def _column_widths(table: Table, cells: Sequence[Sequence[str]], width: int) -> list[int] | None:
    """Each column's width in a table ``width`` wide, or None when only records fit."""
    headers = table.headers
    natural = [_natural(h, (row[i] for row in cells)) for i, h in enumerate(headers)]
    room = width - GAP * (len(headers) - 1)
    if sum(natural) <= room:
        return natural
    flexible = _flexible(table)
    flex = [i for i, h in enumerate(headers) if h in flexible]
    fixed = sum(n for i, n in enumerate(natural) if i not in flex)
    left = room - fixed
    least = {
        i: min(natural[i], max(_narrowest(table, headers[i]), len(headers[i]) + 2)) for i in flex
    }
    if not flex or sum(least.values()) > left:
        return None
    weight = {i: 1 if headers[i] in table.shorten else 2 for i in flex}
    widths = list(natural)
    pending = sorted(flex, key=lambda i: natural[i] / weight[i])
    while pending:
        total = sum(weight[i] for i in pending)
        share = {i: left * weight[i] // total for i in pending}
        settled = [i for i in pending if natural[i] <= share[i] or least[i] >= share[i]]
        if not settled:
            for i in pending:
                widths[i] = share[i]
            widths[pending[-1]] += left - sum(share.values())
            break
        for i in settled:
            widths[i] = natural[i] if natural[i] <= share[i] else least[i]
            left -= widths[i]
            pending.remove(i)
    return widths


def _narrowest(table: Table, header: str) -> int:
    return NARROWEST if header in table.shorten else NARROWEST_WRAPPED


def _records(table: Table, cells: Sequence[Sequence[str]], width: int, colour: bool) -> str:
    """One block per row: the headline, then the other values by name."""
    headers = list(table.headers)
    headline = [h for h in (table.headline or headers[:1]) if h in headers]
    flexible = _flexible(table)
    blocks = []
    for row in cells:
        values = dict(zip(headers, row))
        lead = [values[h] for h in headline if values[h]]
        first = _headline(lead, headline, values, table, width, colour)
        lines = [first]
        packed: list[str] = []
        long: list[tuple[str, str]] = []
        for h in headers:
            value = values[h]
            if h in headline or not value:
                continue
            if h in flexible or len(value) > SHORT_VALUE:
                long.append((h, value))
            else:
                packed.append(f"{visible(h)} {painted(value, colour)}")
        lines.extend(_packed(packed, width))
        for h, value in long:
            if h in table.paths and len(value) + len(INDENT) + len(h) + 2 > width:
                room = width - len(INDENT) - len(h) - 2
                lines.append(f"{INDENT}{visible(h)}: {shorten_middle(value, room)}")
            else:
                lines.extend(wrapped(f"{INDENT}{visible(h)}: {value}", width, INDENT * 2))
        blocks.append("\n".join(lines))
    header = visible("  ".join(headline))
    return header + "\n" + "-" * min(len(header), width) + "\n" + "\n".join(blocks)


def _headline(
    lead: list[str],
    names: list[str],
    values: dict[str, str],
    table: Table,
    width: int,
    colour: bool,
) -> str:
    """The first line of a record: its headline values, the last cut to fit."""
    shown = list(lead)
    while shown and len("  ".join(shown)) > width:
        last = shown[-1]
        room = width - len("  ".join(shown[:-1])) - (2 if len(shown) > 1 else 0)
        if room >= 4:
            name = next((n for n in names if values[n] == last), "")
            cut = shorten_middle if name in table.paths else shorten_end
            shown[-1] = cut(last, room)
            break
        shown.pop()
    return "  ".join(painted(v, colour) for v in shown)


def _packed(pairs: list[str], width: int) -> list[str]:
    """``name value`` pairs side by side, as many to a line as ``width`` holds."""
    lines: list[str] = []
    line = ""
    for pair in pairs:
        candidate = f"{line}  {pair}" if line else f"{INDENT}{pair}"
        if line and plain_width(candidate) > width:
            lines.append(line)
            candidate = f"{INDENT}{pair}"
        line = candidate
    if line:
        lines.append(line)
    return lines
