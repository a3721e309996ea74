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
    """Columns a terminal table may cut short (long titles); other formats keep them whole."""


@dataclass(frozen=True)
class Document:
    """A command's report, independent of how it is rendered."""

    data: Any
    """JSON-compatible structure for the structured formats."""
    tables: tuple[Table, ...] = field(default_factory=tuple)
    """The same report as tables, for the tabular formats."""
    preamble: tuple[str, ...] = ()
    """Lines printed above the tables in the text and Markdown formats (``system: ...``)."""


class Renderer(ABC):
    """Turns a :class:`Document` into text."""

    @abstractmethod
    def render(self, doc: Document) -> str:
        """The document as text, ending in a newline."""
