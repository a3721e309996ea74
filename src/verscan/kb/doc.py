"""The state shared by the readers of one plain-text article."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from verscan.kb import values
from verscan.kb.result import Log
from verscan.kb.sections import find_section, is_dense
from verscan.manifest.model import FileRow

MAX_LINE = 400
"""Longer lines are prose (or junk), never table rows."""

MAX_BLANKS = 2
"""Blank lines a table may have between its blocks."""


@dataclass
class Doc:
    """An article's lines, with what its readers found so far."""

    lines: Sequence[str]
    numbers: Sequence[int]
    """The article line number of each line (lines rendered from HTML keep the page's)."""
    log: Log
    rows: list[tuple[int, FileRow]] = field(default_factory=list)
    """File rows found, each with the index of the line where its table starts."""
    floor: int = 0
    """First line after the last table: headings above it belong to that table."""
    dense: bool = False
    """One paragraph a line, no blank lines (see :func:`.sections.is_dense`)."""

    @classmethod
    def of(cls, lines: Sequence[str], numbers: Sequence[int], log: Log) -> Doc:
        """A document of ``lines``."""
        return cls(lines=lines, numbers=numbers, log=log, dense=is_dense(lines))

    def scope(self, at: int) -> tuple[str | None, str | None]:
        """Section and platform of the table starting at line ``at``."""
        section = find_section(self.lines, at, self.floor, dense=self.dense)
        return section, values.platform_in_text(section) if section else None

    def add(self, at: int, rows: Sequence[FileRow], end: int) -> None:
        """Record a table's rows; headings above ``end`` are now taken."""
        self.rows.extend((at, row) for row in rows)
        if rows:
            self.floor = end

    def next_text(self, i: int) -> int | None:
        """Index of the next non-blank line within three lines after ``i``."""
        for k in range(i + 1, min(len(self.lines), i + 4)):
            if self.lines[k].strip():
                return k
        return None
