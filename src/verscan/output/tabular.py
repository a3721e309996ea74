"""Tabular renderers: terminal tables, Markdown and CSV.

Tables and Markdown are read by people: every cell, heading and title goes through
:func:`~verscan.output.safe.visible`. CSV keeps the exact values, except when it
is printed at a terminal (``CsvRenderer(terminal=True)``).
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from tabulate import tabulate

from verscan.output.fit import fit_lines, painted
from verscan.output.interface import Document, Renderer, Table
from verscan.output.safe import visible


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return visible(value)
    return "" if value is None else value


class TextTableRenderer(Renderer):
    """Aligned plain-text tables, any ``tabulate`` style (``simple`` by default).

    With a ``width`` (the report goes to a terminal that wide) every line fits it:
    see :mod:`verscan.output.fit`; ``colour`` marks verdicts there. Without one
    (a pipe, a file) every value is written whole, one line per row.
    """

    def __init__(self, style: str = "simple", *, width: int | None = None, colour: bool = False):
        self.style = style
        self.width = width
        self.colour = colour

    def render(self, doc: Document) -> str:
        """Each table with its title above it, separated by blank lines."""
        parts = []
        for table in doc.tables:
            body = self._body(table) if table.rows else "(none)"
            if table.title:
                title = visible(table.title)
                if self.width is not None:
                    title = "\n".join(fit_lines([title], self.width))
                body = f"{title}\n{body}"
            parts.append(body)
        if doc.preamble:
            lines = [visible(line) for line in doc.preamble]
            if self.width is not None:
                lines = fit_lines(lines, self.width)
            parts.insert(0, "\n".join(lines))
        return "\n\n".join(parts) + "\n"

    def _body(self, table: Table) -> str:
        if self.width is not None and self.style == "simple":
            from verscan.output.fit import fit_table

            cells = [[_text(c) for c in row] for row in table.rows]
            return fit_table(table, cells, self.width, self.colour)
        return tabulate(
            [
                [painted(c, self.colour) if isinstance(c, str) else c for c in map(_cell, row)]
                for row in table.rows
            ],
            headers=[visible(h) for h in table.headers],
            tablefmt=self.style,
            disable_numparse=True,
        )


def _text(value: Any) -> str:
    """A cell as the text a terminal shows."""
    return "" if value is None else visible(str(value))


class MarkdownRenderer(TextTableRenderer):
    """GitHub-flavoured Markdown tables under ``###`` headings."""

    def __init__(self) -> None:
        super().__init__("github")

    def render(self, doc: Document) -> str:
        """Markdown tables, each under its title as a heading."""
        titled = tuple(
            Table(t.headers, t.rows, f"### {t.title}" if t.title else None) for t in doc.tables
        )
        # One paragraph per line: a blank line between them keeps Markdown from joining them.
        return super().render(Document(doc.data, titled, tuple(_md_lines(doc.preamble))))


def _md_lines(lines: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if out:
            out.append("")
        out.append(line.replace("|", "\\|"))
    return out


class CsvRenderer(Renderer):
    """CSV: one table, one header line of snake_case names, one line per row.

    The table is the document's ``csv`` table, else its first. Values are written
    exactly, unless ``terminal``: CSV printed at a terminal is read there, and shows
    what could act on the terminal as escapes, as a table does.
    """

    def __init__(self, *, terminal: bool = False) -> None:
        self.terminal = terminal

    def render(self, doc: Document) -> str:
        """The table as CSV text."""
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        shown = _cell if self.terminal else _exact
        table = doc.csv
        headers = list(table.headers) if table is not None else []
        if table is None and doc.tables:
            table = doc.tables[0]
            headers = [snake_case(h) for h in table.headers]
        if table is not None:
            writer.writerow([shown(h) for h in headers])
            for row in table.rows:
                writer.writerow([shown(c) for c in row])
        return buf.getvalue()


def snake_case(header: str) -> str:
    """A heading as a CSV column name: ``file version`` → ``file_version``."""
    return re.sub(r"[^0-9a-z]+", "_", header.lower()).strip("_")


def _exact(value: Any) -> Any:
    return "" if value is None else value
