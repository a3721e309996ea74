"""What every output format renders: a :class:`Document`.

A command builds one Document: ``data`` for the structured formats (JSON, YAML)
and ``tables`` for the tabular ones (table, markdown, CSV). A format is a small
class with a ``render`` method; adding one means adding a module and a line in
:class:`verscan.output.OutputFormat`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Table:
    """One table of a report."""

    headers: tuple[str, ...]
    """Column headings."""
    rows: Sequence[Sequence[Any]]
    """Cell values, one sequence per row; None renders as an empty cell."""
    title: str | None = None
    """Heading printed above the table (tabular formats) or used as its key."""
    shorten: tuple[str, ...] = ()
    """Columns a terminal table may cut short at their end (titles); others keep them whole."""
    wrap: tuple[str, ...] = ()
    """Columns a terminal table may wrap onto more lines inside their width (reasons, notes)."""
    paths: tuple[str, ...] = ()
    """Columns of paths a terminal table may shorten in their middle, keeping the file name."""
    tips: Sequence[Sequence[str | None]] = ()
    """Per cell, a note a page shows on pointing at it (the reason under a verdict)."""
    headline: tuple[str, ...] = ()
    """Columns on the first line of each record when a terminal is too narrow for the table
    (default: the first column)."""


@dataclass(frozen=True)
class Document:
    """A command's report, independent of how it is rendered."""

    data: Any
    """JSON-compatible structure for the structured formats."""
    tables: tuple[Table, ...] = field(default_factory=tuple)
    """The same report as tables, for the tabular formats."""
    preamble: tuple[str, ...] = ()
    """Lines printed above the tables in the text and Markdown formats (``system: ...``)."""
    csv: Table | None = None
    """The one table CSV writes, headings as they are (default: the first table, its headings
    in snake_case)."""


class Renderer(ABC):
    """Turns a :class:`Document` into text."""

    @abstractmethod
    def render(self, doc: Document) -> str:
        """The document as text, ending in a newline."""
