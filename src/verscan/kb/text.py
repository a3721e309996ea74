"""File tables in plain text (and in the text of web pages).

The walker goes down the article's lines and hands each table to its reader:

- a run of pipe rows or grid rules (``| a | b |``, ``+---+``) to :mod:`.cells`;
- a header line (:mod:`.headers`) to :mod:`.aligned`;
- a header-less row, or header labels one a line, to :mod:`.shaped`.

Everything else is prose and is skipped. Each reader returns the first line
after its table; the walker goes on from there.
"""

from __future__ import annotations

from collections.abc import Sequence

from verscan.kb import pipes
from verscan.kb.aligned import read_aligned
from verscan.kb.cells import read_cells
from verscan.kb.columns import field_of
from verscan.kb.doc import Doc
from verscan.kb.headers import header_columns, name_only_header
from verscan.kb.result import Log
from verscan.kb.sections import is_underline
from verscan.kb.shaped import read_shaped, read_stacked, shaped_line
from verscan.manifest.model import FileRow


def _walk(doc: Doc) -> None:
    lines = doc.lines
    i = 0
    while i < len(lines):
        line = lines[i]
        if len(line) > pipes.MAX_LINE or not line.strip():
            i += 1
        elif pipes.is_pipe_row(line) or pipes.is_border(line):
            i = _pipes(doc, i)
        elif (cols := header_columns(line)) is not None:
            i = read_aligned(doc, i, cols)
        elif name_only_header(line) and i + 1 < len(lines) and is_underline(lines[i + 1]):
            doc.log.note(
                doc.numbers[i],
                "table lists file names without version, size or date; not read as file rows",
                line,
            )
            i += 2
        elif shaped_line(line) is not None:
            i = read_shaped(doc, i)
        elif field_of(line.strip()) is not None:
            i = read_stacked(doc, i)
        else:
            i += 1


def _pipes(doc: Doc, start: int) -> int:
    """Read a run of pipe rows and grid rules; returns the first line after it."""
    end = pipes.pipe_group(doc.lines, start)
    cell_rows = pipes.rows_of(doc.lines, start, end, doc.numbers)
    section, platform = doc.scope(start)
    doc.add(start, read_cells(cell_rows, doc.log, section=section, platform=platform), end)
    return max(end, start + 1)


def read_text_indexed(
    lines: Sequence[str], log: Log, numbers: Sequence[int] | None = None
) -> list[tuple[int, FileRow]]:
    """Like :func:`read_text`, with the index of the line where each row's table starts."""
    if numbers is None:
        numbers = range(1, len(lines) + 1)
    doc = Doc.of(lines, numbers, log)
    _walk(doc)
    return doc.rows


def read_text(
    lines: Sequence[str], log: Log, numbers: Sequence[int] | None = None
) -> list[FileRow]:
    """Every file row in the lines of a plain-text article, in article order.

    ``numbers`` gives each line's number in the original document (for text
    rendered from HTML); by default line ``i`` is number ``i + 1``.
    """
    return [row for _, row in read_text_indexed(lines, log, numbers)]
