"""Saved KB web pages.

The page is read once with the standard library's HTML parser into two things:
the ``<table>`` elements, as rows of cell texts (``rowspan`` and ``colspan``
spread out), and the rest rendered as plain text lines. Headings (``h1``-``h6``
and paragraphs in bold alone) are rendered underlined, so the plain-text
section finder sees them as headings; each table leaves a marker line where it
stood. Tables are read by :mod:`.cells` under the heading found above their
marker; the text lines are read by :mod:`.text` too, for tables kept in
``<pre>`` blocks. The page's own address (canonical link, ``og:url``, the
``saved from url`` comment), its ``<title>`` and meta tags feed the article's
identity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from verscan.kb import identity, values
from verscan.kb.cells import CellRow, read_cells
from verscan.kb.result import Log
from verscan.kb.sections import TABLE_MARK, find_section
from verscan.kb.text import read_text_indexed
from verscan.manifest.model import FileRow

_BLOCK = frozenset(
    {
        "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "pre", "section", "article",
        "header", "footer", "blockquote", "hr", "tr", "table", "tbody", "thead", "tfoot",
        "caption", "form", "nav", "aside", "main", "figure", "figcaption", "address",
        "h1", "h2", "h3", "h4", "h5", "h6", "title", "center",
    }
)  # fmt: skip
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head"})
_BOLD = frozenset({"b", "strong"})
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "wbr", "area", "base", "col"})
_MAX_SPAN = 50
_MAX_CELL_TEXT = 2000
_LT = "\ud800"
"""Stands for a ``<`` that starts no tag while the page is parsed (html.parser would hand
such text over one character at a time: a line of a million of them took a minute). A lone
surrogate, which no decoded article holds (articles are decoded strictly or with
replacement characters); :meth:`_Page.handle_data` gives the ``<`` back."""
_TAG_START = re.compile(_LT + r"(?=[A-Za-z/!?])")


def _stray_lt_hidden(text: str) -> str:
    """``text`` with every ``<`` that starts no tag (nor comment, declaration) as :data:`_LT`."""
    if "<" not in text:
        return text
    return _TAG_START.sub("<", text.replace("<", _LT))


_SAVED_FROM = re.compile(r"saved from url=\(\d+\)(\S+)", re.IGNORECASE)
_GENERIC_TITLE = re.compile(
    r"^(?:Microsoft Support|Help and Support|Support|Microsoft)$|Knowledge ?Base Article", re.I
)
_TITLE_TAIL = re.compile(
    r"\s*[-|\u2013\u2014]\s*(?:Microsoft Support|Microsoft Learn|Microsoft|Support|"
    r"Help and Support)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Page:
    """What a web page gives."""

    rows: list[FileRow] = field(default_factory=list)
    """File rows of all its tables, in page order."""
    lines: list[str] = field(default_factory=list)
    """The page as text (for the title, KB number and products)."""
    title: str | None = None
    raw_title: str | None = None
    """The ``<title>`` as written (it may end with the article's number)."""
    urls: tuple[str, ...] = ()
    """The page's own addresses."""
    meta_kb: str | None = None
    """A KB number given by a meta tag."""


@dataclass
class _Table:
    line: int
    rows: list[CellRow] = field(default_factory=list)
    cells: list[tuple[str, int, int]] = field(default_factory=list)
    row_line: int = 0
    cell: list[str] | None = None
    cell_chars: int = 0
    """Characters in ``cell`` so far (counted, not summed: a cell may come in a million pieces)."""
    cell_span: tuple[int, int] = (1, 1)
    pending: dict[int, tuple[int, str]] = field(default_factory=dict)
    mark: int = 0
    caption: str | None = None
    """A ``<caption>``, or the text before the table in the cell it sits in."""
    in_caption: bool = False


class _Page(HTMLParser):
    """Walks a page once, collecting text lines and tables."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.numbers: list[int] = []
        self.current: list[str] = []
        self.current_line = 1
        self.bold_chars = 0
        self.all_chars = 0
        self.bold_depth = 0
        self.skip_depth = 0
        self.pre_depth = 0
        self.in_title = False
        self.title_parts: list[str] = []
        self.h1: str | None = None
        self.h1_parts: list[str] | None = None
        self.urls: list[str] = []
        self.meta_kb: str | None = None
        self.tables: list[_Table] = []
        self.done: list[_Table] = []

    # -- text lines -------------------------------------------------------

    def _emit(self, text: str, heading: bool = False) -> None:
        line = self.getpos()[0]
        self.lines.append(text)
        self.numbers.append(self.current_line or line)
        if heading:
            # Rendered as an underlined heading, between blank lines.
            self.lines.extend(["-" * max(3, min(len(text.strip()), 80)), ""])
            self.numbers.extend([self.current_line or line] * 2)

    def _flush(self, heading: bool = False) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            bold = self.all_chars > 0 and self.bold_chars >= 0.9 * self.all_chars
            as_heading = heading or (bold and len(text) <= 120 and not text.endswith("."))
            if as_heading and self.lines and self.lines[-1].strip():
                self._emit("")
            self._emit(text, heading=as_heading)
        self.current = []
        self.bold_chars = self.all_chars = 0
        self.current_line = 0

    def _text(self, data: str) -> None:
        if not self.current:
            self.current_line = self.getpos()[0]
        self.current.append(data)
        size = len(data.strip())
        self.all_chars += size
        if self.bold_depth:
            self.bold_chars += size

    # -- parser callbacks -------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Route a start tag: text structure, tables, cells, or the page head."""
        if tag in _SKIP:
            if tag == "head":
                return  # the title and meta tags inside it are wanted
            self.skip_depth += 1
            return
        if tag == "title":
            self.in_title = True
            return
        if tag == "meta":
            self._meta(dict(attrs))
            return
        if tag == "link":
            found = dict(attrs)
            if (found.get("rel") or "").lower() == "canonical" and found.get("href"):
                self.urls.append(found["href"] or "")
            return
        if self.skip_depth:
            return
        if tag == "table":
            self._start_table()
            return
        table = self.tables[-1] if self.tables else None
        if table is not None and tag in ("tr", "td", "th"):
            self._table_tag(table, tag, dict(attrs))
            return
        if table is not None and tag == "caption":
            table.in_caption = True
            table.caption = ""
            return
        if table is not None and table.cell is not None:
            if tag in ("br", "p", "div", "li"):
                table.cell.append(" ")
            return
        if tag in _BOLD:
            self.bold_depth += 1
        if tag == "h1" and self.h1 is None:
            self.h1_parts = []
        if tag in _HEADINGS:
            self._flush()
            return
        if tag == "pre":
            self._flush()
            self.pre_depth += 1
            return
        if tag in _BLOCK and self.pre_depth:
            self._end_pre_line()  # a <br> inside <pre>: a line break that keeps spacing
            return
        if tag in _BLOCK:
            self._flush()
            if tag == "li":
                self.current.append("- ")

    def handle_endtag(self, tag: str) -> None:
        """Close what a start tag opened."""
        if tag in _SKIP:
            if tag != "head":
                self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag == "title":
            self.in_title = False
            return
        if self.skip_depth:
            return
        if tag == "table":
            self._end_table()
            return
        table = self.tables[-1] if self.tables else None
        if table is not None and tag == "caption":
            table.in_caption = False
            table.caption = " ".join((table.caption or "").split())[:150] or None
            return
        if table is not None and tag in ("tr", "td", "th"):
            if tag == "tr":
                self._end_row(table)
            else:
                self._end_cell(table)
            return
        if table is not None and table.cell is not None:
            return
        if tag in _BOLD:
            self.bold_depth = max(0, self.bold_depth - 1)
        if tag == "h1" and self.h1_parts is not None:
            self.h1 = " ".join("".join(self.h1_parts).split()) or None
            self.h1_parts = None
        if tag in _HEADINGS:
            self._flush(heading=True)
            return
        if tag == "pre":
            self._end_pre_line()
            self.pre_depth = max(0, self.pre_depth - 1)
            return
        if tag in _BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        """Text goes to the title, the current cell, a ``<pre>`` line or the text."""
        if _LT in data:
            data = data.replace(_LT, "<")
        if self.in_title:
            self.title_parts.append(data)
            return
        if self.skip_depth:
            return
        table = self.tables[-1] if self.tables else None
        if table is not None:
            if table.in_caption and len(table.caption or "") < _MAX_CELL_TEXT:
                table.caption = (table.caption or "") + data
            elif table.cell is not None and table.cell_chars < _MAX_CELL_TEXT:
                table.cell.append(data)
                table.cell_chars += len(data)
            return
        if self.h1_parts is not None:
            self.h1_parts.append(data)
        if self.pre_depth:
            # Keep the block's lines and spacing: it may hold a plain-text table.
            parts = data.split("\n")
            for k, part in enumerate(parts):
                if k:
                    self._emit_pre("".join(self.current))
                    self.current = []
                    self.current_line = self.getpos()[0] + k
                self.current.append(part.replace("\r", ""))
            return
        self._text(data)

    def _end_pre_line(self) -> None:
        if self.current:
            self._emit_pre("".join(self.current))
        self.current = []
        self.current_line = 0

    def _emit_pre(self, text: str) -> None:
        self.lines.append(text.rstrip())
        self.numbers.append(self.current_line or self.getpos()[0])

    def handle_comment(self, data: str) -> None:
        """A ``saved from url`` comment gives the page's address."""
        m = _SAVED_FROM.search(data[:2000])
        if m:
            self.urls.append(m.group(1))

    def _meta(self, attrs: dict[str, str | None]) -> None:
        name = (attrs.get("name") or attrs.get("property") or "").lower()
        content = (attrs.get("content") or "").strip()
        if not name or not content:
            return
        if name in ("og:url", "twitter:url") or name.endswith(".url"):
            self.urls.append(content)
        elif "kb" in name or name in ("ms.articleid", "articleid", "ms.search.kbid"):
            m = re.fullmatch(r"(?:KB|Q)?(\d{4,7})", content, re.IGNORECASE)
            if m and self.meta_kb is None:
                self.meta_kb = str(int(m.group(1)))

    # -- tables -----------------------------------------------------------

    def _start_table(self) -> None:
        outer = self.tables[-1] if self.tables else None
        if outer is None:
            self._flush()
        line = self.getpos()[0]
        table = _Table(line=line)
        if outer is None:
            # Leave a marker where the table stands in the text.
            self.lines.extend(["", TABLE_MARK, ""])
            self.numbers.extend([line, line, line])
            table.mark = len(self.lines) - 2
        else:
            table.mark = outer.mark
            # A table inside a layout cell: the cell's text before it is its heading.
            if outer.cell is not None:
                before = " ".join("".join(outer.cell).split())
                if 0 < len(before) <= 150:
                    table.caption = before
                outer.cell = []
        self.tables.append(table)

    def _end_table(self) -> None:
        if not self.tables:
            return
        table = self.tables.pop()
        if table.cell is not None:
            self._end_cell(table)
        if table.cells:
            self._end_row(table)
        self.done.append(table)

    def _table_tag(self, table: _Table, tag: str, attrs: dict[str, str | None]) -> None:
        if tag == "tr":
            if table.cell is not None:
                self._end_cell(table)
            if table.cells:
                self._end_row(table)
            table.row_line = self.getpos()[0]
            return
        if table.cell is not None:
            self._end_cell(table)
        if not table.row_line:
            table.row_line = self.getpos()[0]
        table.cell = []
        table.cell_chars = 0
        table.cell_span = (_span(attrs.get("colspan")), _span(attrs.get("rowspan")))

    def _end_cell(self, table: _Table) -> None:
        if table.cell is None:
            return
        text = " ".join("".join(table.cell).split())
        table.cells.append((text, *table.cell_span))
        table.cell = None

    def _end_row(self, table: _Table) -> None:
        if table.cell is not None:
            self._end_cell(table)
        out: list[str] = []
        fresh: dict[int, tuple[int, str]] = {}
        col = 0

        def take_pending() -> None:
            # Cells of rows above that span down into this row.
            nonlocal col
            while col in table.pending:
                left, text = table.pending[col]
                out.append(text)
                if left > 1:
                    fresh[col] = (left - 1, text)
                col += 1

        for text, colspan, rowspan in table.cells:
            take_pending()
            for k in range(colspan):
                out.append(text if k == 0 else "")
                if rowspan > 1:
                    fresh[col] = (rowspan - 1, text if k == 0 else "")
                col += 1
        take_pending()
        table.pending = fresh
        if any(out):
            shown = " | ".join(out)
            table.rows.append(CellRow(table.row_line or table.line, tuple(out), shown))
        table.cells = []
        table.row_line = 0


def _span(text: str | None) -> int:
    try:
        return max(1, min(_MAX_SPAN, int(text or "1")))
    except ValueError:
        return 1


def read_html(text: str, log: Log) -> Page:
    """Read a saved web page: its tables' file rows in page order, and its text."""
    page = _Page()
    try:
        page.feed(_stray_lt_hidden(text))
        page.close()
    except (AssertionError, ValueError):  # pragma: no cover - the parser is lenient
        pass
    page._flush()
    while page.tables:
        page._end_table()
    lines, numbers = page.lines, page.numbers
    found: list[tuple[int, int, FileRow]] = []
    for order, (at, row) in enumerate(read_text_indexed(lines, log, numbers)):
        found.append((at, order, row))
    base = len(found)
    last_mark, last_section = -1, None
    for order, table in enumerate(sorted(page.done, key=lambda t: (t.mark, t.line))):
        section = find_section(lines, table.mark, dense=True)
        # Tables one after another (one per file, as pages list manifests)
        # share the heading above the first of them.
        if (
            section is None
            and last_mark >= 0
            and all(not line.strip() for line in lines[last_mark + 1 : table.mark])
        ):
            section = last_section
        last_mark, last_section = table.mark, section
        if table.caption:
            section = table.caption if section is None else f"{section} / {table.caption}"
        platform = values.platform_in_text(section) if section else None
        for row in read_cells(table.rows, log, section=section, platform=platform):
            found.append((table.mark, base + order, row))
    found.sort(key=lambda item: (item[0], item[1]))
    title = raw_title = " ".join("".join(page.title_parts).split()) or None
    if title:
        title = _TITLE_TAIL.sub("", title)
        head, bar, tail = title.rpartition(" | ")
        if bar and head and len(tail.split()) <= 5:
            title = head  # "... | KnowledgeBase Archive": the site's name
        title = identity.clean_title(title)
    if title is None or _GENERIC_TITLE.search(title):
        title = page.h1 or title
    return Page(
        rows=[row for _, _, row in found],
        lines=[line for line in lines if line != TABLE_MARK],
        title=title,
        raw_title=raw_title,
        urls=tuple(page.urls),
        meta_kb=page.meta_kb,
    )
