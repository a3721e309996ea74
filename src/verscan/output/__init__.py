"""Pluggable output formats.

:class:`OutputFormat` names every format; :meth:`OutputFormat.renderer` maps
each to its renderer, and a test checks that every member maps to one.
"""

from __future__ import annotations

import enum
from typing import NoReturn

from verscan.output.interface import Document, Renderer, Table

__all__ = ["Document", "OutputFormat", "Renderer", "Table", "counted", "render"]


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``1 file``, ``2 files``, ``1,462 articles``: a count with its noun in the right number."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def _assert_never(value: NoReturn) -> NoReturn:  # pragma: no cover - unreachable by typing
    raise AssertionError(f"unhandled output format: {value!r}")


class OutputFormat(str, enum.Enum):
    """The output formats verscan's reports can be written in."""

    TABLE = "table"
    JSON = "json"
    YAML = "yaml"
    CSV = "csv"
    MARKDOWN = "markdown"

    def renderer(
        self, *, terminal: bool = False, width: int | None = None, colour: bool = False
    ) -> Renderer:
        """The renderer for this format (its module, and tabulate or PyYAML, load on first use).

        ``terminal``: the text goes to a terminal (CSV then shows escapes, see
        :class:`~verscan.output.tabular.CsvRenderer`); ``width``: the terminal's width,
        which a table fits (see :mod:`verscan.output.fit`); ``colour``: verdicts in colour.
        """
        from verscan.output.structured import JsonRenderer, YamlRenderer
        from verscan.output.tabular import CsvRenderer, MarkdownRenderer, TextTableRenderer

        if self is OutputFormat.TABLE:
            return TextTableRenderer(width=width, colour=colour)
        if self is OutputFormat.JSON:
            return JsonRenderer()
        if self is OutputFormat.YAML:
            return YamlRenderer()
        if self is OutputFormat.CSV:
            return CsvRenderer(terminal=terminal)
        if self is OutputFormat.MARKDOWN:
            return MarkdownRenderer()
        _assert_never(self)


def render(
    doc: Document,
    fmt: OutputFormat | str,
    *,
    terminal: bool = False,
    width: int | None = None,
    colour: bool = False,
) -> str:
    """Render ``doc`` in the named format (``terminal``: for a terminal ``width`` wide to show)."""
    renderer = OutputFormat(fmt).renderer(terminal=terminal, width=width, colour=colour)
    return renderer.render(doc)
