"""Tabular renderers: terminal tables, Markdown and CSV.

Tables and Markdown are read by people: every cell, heading and title goes through
:func:`~verscan.output.safe.visible`. CSV keeps the exact values, except when it
is printed at a terminal (``CsvRenderer(terminal=True)``).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from tabulate import tabulate

from verscan.output.interface import Document, Renderer, Table
from verscan.output.safe import visible


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return visible(value)
    return "" if value is None else value


TERMINAL_CELL = 60
"""Longest cell the plain-text table shows in a column its table lets it shorten."""


def _short(value: Any) -> Any:
    value = _cell(value)
    if isinstance(value, str) and len(value) > TERMINAL_CELL:
        return value[: TERMINAL_CELL - 1] + "…"
    return value


class TextTableRenderer(Renderer):
    """Aligned plain-text tables, any ``tabulate`` style (``simple`` by default)."""

    def __init__(self, style: str = "simple", *, shorten: bool = True) -> None:
        self.style = style
        self.shorten = shorten

    def render(self, doc: Document) -> str:
        """Each table with its title above it, separated by blank lines."""
        parts = []
        for table in doc.tables:
            body = (
                tabulate(
                    [
                        [
                            _short(c) if self.shorten and h in table.shorten else _cell(c)
                            for h, c in zip(table.headers, row)
                        ]
                        for row in table.rows
                    ],
                    headers=[visible(h) for h in table.headers],
                    tablefmt=self.style,
                    disable_numparse=True,
                )
                if table.rows
                else "(none)"
            )
            parts.append(f"{visible(table.title)}\n{body}" if table.title else body)
        if doc.preamble:
            parts.insert(0, "\n".join(visible(line) for line in doc.preamble))
        return "\n\n".join(parts) + "\n"


class MarkdownRenderer(TextTableRenderer):
    """GitHub-flavoured Markdown tables under ``###`` headings."""

    def __init__(self) -> None:
        super().__init__("github", shorten=False)

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
    """CSV: one header line and the rows of each table.

    Several tables are written one after another with a blank line between
    them; a report whose tables are titled gets a leading ``table`` column so that
    rows stay attributable when the file is loaded as one.

    Values are written exactly, unless ``terminal``: CSV printed at a terminal is read
    there, and shows what could act on the terminal as escapes, as a table does.
    """

    def __init__(self, *, terminal: bool = False) -> None:
        self.terminal = terminal

    def render(self, doc: Document) -> str:
        """The tables as CSV text."""
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        titled = len(doc.tables) > 1
        shown = _cell if self.terminal else _exact
        for i, table in enumerate(doc.tables):
            if i:
                buf.write("\n")
            writer.writerow([shown(h) for h in (["table"] if titled else []) + list(table.headers)])
            for row in table.rows:
                cells = ([table.title or ""] if titled else []) + list(row)
                writer.writerow([shown(c) for c in cells])
        return buf.getvalue()


def _exact(value: Any) -> Any:
    return "" if value is None else value
