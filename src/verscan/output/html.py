"""A self-contained HTML page: every table of a document, sortable, verdicts coloured.

The page needs nothing but itself: styles and the sorting script are inline,
and its Content-Security-Policy forbids loading anything else, so it opens the
same from a file share, an e-mail attachment or a machine without a network.
Clicking a column heading sorts the rows by that column (again: the other way);
verdicts sort by severity, the worst first, and other text in natural order
(``KB99`` before ``KB100``). The script marks ``<body data-ready="1">`` once it
has run, which lets a test tell that it ran without error.

This renderer is not one of :class:`verscan.output.OutputFormat`: only the
commands that offer a page use it, each with its own title.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from verscan import __version__
from verscan.output.interface import Document, Renderer, Table
from verscan.output.safe import visible
from verscan.verdicts import FileVerdict, KBVerdict

SEVERITY: dict[str, int] = {
    KBVerdict.MISSING.value: 0,
    FileVerdict.OUTDATED.value: 0,
    KBVerdict.UNKNOWN.value: 1,
    FileVerdict.UNREADABLE.value: 1,
    FileVerdict.UNVERSIONED.value: 1,
    KBVerdict.INSTALLED.value: 2,
    FileVerdict.CURRENT.value: 2,
    FileVerdict.NEWER.value: 2,
    KBVerdict.NOT_APPLICABLE.value: 3,
    FileVerdict.ABSENT.value: 3,
}
"""Verdicts by severity (0 is the worst): their colour and their sort order."""

_CLASSES = ("bad", "doubt", "good", "none")

_STYLE = """
:root { color-scheme: light; }
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       margin: 1rem 1.5rem; color: #1d1d1f; background: #fff; }
h1 { font-size: 1.4rem; margin: 0 0 .3rem; }
h2 { font-size: 1.1rem; margin: 1rem 0 .4rem; }
p.summary { margin: .2rem 0; color: #444; }
.legend span { display: inline-block; padding: .1rem .5rem; margin-right: .4rem;
               border-radius: .25rem; font-size: .85rem; }
.wrap { overflow-x: auto; }
table { border-collapse: collapse; }
th, td { border: 1px solid #d0d0d5; padding: .15rem .5rem; text-align: left;
         vertical-align: top; white-space: nowrap; }
td.text { white-space: normal; min-width: 16rem; }
td.list { white-space: normal; }
.controls { margin: .5rem 0; display: flex; gap: 1.2rem; align-items: center; flex-wrap: wrap; }
.controls input[type="search"] { font: inherit; padding: .2rem .4rem; width: 18rem; }
p.headline { font-size: 1.15rem; font-weight: 600; margin: .4rem 0; }
table.matrix th, table.matrix td { padding: .15rem .35rem; font-size: .85rem; }
body.problems-only tr.fine, body.problems-only .fine-col { display: none; }
tr.filtered { display: none; }
details { margin: .4rem 0; }
thead th { background: #f2f2f5; position: sticky; top: 0; }
thead th button { all: unset; cursor: pointer; font-weight: 600; }
thead th button:focus-visible { outline: 2px solid #2463eb; }
thead th[aria-sort="ascending"] button::after { content: " \\25B2"; }
thead th[aria-sort="descending"] button::after { content: " \\25BC"; }
tbody th { font-weight: 600; background: #fafafc; }
.bad { background: #f9d2d0; color: #7a0b05; font-weight: 600; }
.doubt { background: #fde9b6; color: #634300; }
.good { background: #d3eedb; color: #0d4a1e; }
.none { background: #ececef; color: #55555c; }
footer { margin-top: 2rem; color: #777; font-size: .8rem; }
"""

_SCRIPT = """
(function () {
  "use strict";
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  function compare(a, b) {
    var ra = a.getAttribute("data-rank"), rb = b.getAttribute("data-rank");
    if (ra !== null && rb !== null && ra !== rb) { return Number(ra) - Number(rb); }
    if (ra !== null && rb === null) { return -1; }
    if (ra === null && rb !== null) { return 1; }
    return collator.compare(a.textContent.trim(), b.textContent.trim());
  }
  function sortBy(table, col, direction) {
    var body = table.tBodies[0];
    var rows = Array.prototype.map.call(body.rows, function (row, i) {
      return { row: row, i: i };
    });
    rows.sort(function (x, y) {
      var c = compare(x.row.cells[col], y.row.cells[col]);
      if (direction === "descending") { c = -c; }
      return c || x.i - y.i;
    });
    rows.forEach(function (item) { body.appendChild(item.row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.setAttribute("aria-sort", i === col ? direction : "none");
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      th.querySelector("button").addEventListener("click", function () {
        var now = th.getAttribute("aria-sort");
        sortBy(table, col, now === "ascending" ? "descending" : "ascending");
      });
    });
  });
  var filter = document.getElementById("filter");
  if (filter) {
    filter.addEventListener("input", function () {
      var words = filter.value.toLowerCase().split(/\\s+/).filter(Boolean);
      Array.prototype.forEach.call(document.querySelectorAll("table.sortable tbody tr"),
        function (row) {
          var text = row.textContent.toLowerCase();
          var keep = words.every(function (w) { return text.indexOf(w) >= 0; });
          row.classList.toggle("filtered", !keep);
        });
    });
  }
  var problems = document.getElementById("problems-only");
  if (problems) {
    var apply = function () { document.body.classList.toggle("problems-only", problems.checked); };
    problems.addEventListener("change", apply);
    apply();
  }
  document.body.setAttribute("data-ready", "1");
})();
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"


def _text(value: Any) -> str:
    """A value as the page shows it: what could act on a terminal (or hide) shown as escapes."""
    return "" if value is None else visible(str(value))


SHORT = {KBVerdict.NOT_APPLICABLE.value: "n/a"}
"""Verdicts a compact table (``class="matrix"``) shows shorter; the legend says so."""


def _cell(
    tag: str, value: Any, extra: str = "", *, tip: str | None = None, short: bool = False
) -> str:
    """One cell: a verdict coloured and ranked for sorting, a list as lines, a long text wrapped."""
    if isinstance(value, (list, tuple)):
        shown = "<br>".join(html.escape(_text(v)) for v in value)
        return f'<{tag}{extra} class="list">{shown}</{tag}>'
    text = _text(value)
    rank = SEVERITY.get(text)
    attrs = extra
    classes = []
    if rank is not None:
        classes.append(_CLASSES[rank])
        attrs += f' data-rank="{rank}" data-verdict="{html.escape(text)}"'
    elif len(text) > 60:
        classes.append("text")
    if tip:
        attrs += f' title="{html.escape(_text(tip))}"'
    label = SHORT.get(text, text) if short else text
    cls = f' class="{" ".join(classes)}"' if classes else ""
    return f"<{tag}{cls}{attrs}>{html.escape(label)}</{tag}>"


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _table(
    table: Table,
    index: int,
    *,
    compact: bool = False,
    fine_cols: frozenset[int] = frozenset(),
    fine_rows: frozenset[int] = frozenset(),
) -> str:
    """A sortable table. ``compact``: a matrix of verdicts; ``fine_cols`` and ``fine_rows``:
    the columns and rows without a problem, which "problems only" hides."""
    heads = "".join(
        _add_class(
            f'<th scope="col" aria-sort="none"><button type="button">'
            f"{html.escape(_text(h))}</button></th>",
            "fine-col",
        )
        if i in fine_cols
        else f'<th scope="col" aria-sort="none"><button type="button">'
        f"{html.escape(_text(h))}</button></th>"
        for i, h in enumerate(table.headers)
    )
    rows = []
    for r, row in enumerate(table.rows):
        tips = table.tips[r] if r < len(table.tips) else ()
        cells = []
        for i, value in enumerate(row):
            tip = tips[i] if i < len(tips) else None
            extra = ' scope="row"' if i == 0 else ""
            cell = _cell("th" if i == 0 else "td", value, extra, tip=tip, short=compact)
            cells.append(_add_class(cell, "fine-col") if i in fine_cols else cell)
        opening = '<tr class="fine">' if r in fine_rows else "<tr>"
        rows.append(opening + "".join(cells) + "</tr>")
    body = "\n".join(rows)
    title = table.title or ""
    heading = f"<h2>{html.escape(_text(title))}</h2>\n" if title else ""
    ident = _slug(title) or f"table-{index}"
    classes = "sortable matrix" if compact else "sortable"
    return (
        f'<section>\n{heading}<div class="wrap"><table class="{classes}" id="{ident}">\n'
        f"<thead><tr>{heads}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table></div>\n</section>"
    )


def _add_class(cell: str, name: str) -> str:
    """``cell`` (one tag's HTML) with ``name`` added to its classes."""
    end = cell.index(">")
    opening = cell[:end]
    if ' class="' in opening:
        opening = opening.replace(' class="', f' class="{name} ', 1)
    else:
        opening += f' class="{name}"'
    return opening + cell[end:]


def _legend(short: bool) -> str:
    shown = (
        (KBVerdict.MISSING.value, 0),
        (KBVerdict.UNKNOWN.value, 1),
        (KBVerdict.INSTALLED.value, 2),
        (KBVerdict.NOT_APPLICABLE.value, 3),
    )
    chips = "".join(
        f'<span class="{_CLASSES[r]}">{html.escape(v)}'
        + (f" ({html.escape(SHORT[v])})" if short and v in SHORT else "")
        + "</span>"
        for v, r in shown
    )
    return f'<p class="legend">{chips}</p>'


def _problem(value: Any) -> bool:
    return not isinstance(value, (list, tuple)) and SEVERITY.get(_text(value), 2) < 2


_CONTROLS = (
    '<div class="controls">'
    '<label>Filter <input type="search" id="filter" placeholder="machine, KB, file, reason"'
    ' autocomplete="off"></label>'
    '<label><input type="checkbox" id="problems-only"> problems only</label>'
    "</div>"
)


class HtmlRenderer(Renderer):
    """One HTML page holding every table of the document.

    ``headline``: the sentence that says it all, in large type; ``summary``: lines
    under it; ``notes``: paragraphs after the table of that title; ``matrices``: the
    titles of tables of verdicts shown compact, their rows and columns without a
    problem hidden by the "problems only" switch (as are other tables' rows without
    one); ``controls``: the filter box and that switch.
    """

    def __init__(
        self,
        title: str,
        summary: Sequence[str] = (),
        *,
        headline: str | None = None,
        notes: Mapping[str, Sequence[str]] | None = None,
        matrices: Collection[str] = (),
        controls: bool = False,
    ) -> None:
        self.title = _text(title)
        self.summary = tuple(_text(s) for s in summary)
        self.headline = _text(headline) if headline else None
        self.notes = dict(notes or {})
        self.matrices = frozenset(matrices)
        self.controls = controls

    def _section(self, table: Table, index: int) -> str:
        compact = table.title in self.matrices
        fine_rows: frozenset[int] = frozenset()
        fine_cols: frozenset[int] = frozenset()
        if self.controls:
            fine_rows = frozenset(
                r for r, row in enumerate(table.rows) if not any(_problem(v) for v in row[1:])
            )
        if compact:
            fine_cols = frozenset(
                i
                for i in range(1, len(table.headers))
                if not any(_problem(row[i]) for row in table.rows if i < len(row))
            )
        text = _table(table, index, compact=compact, fine_cols=fine_cols, fine_rows=fine_rows)
        notes = self.notes.get(table.title or "", ())
        if notes:
            paragraphs = "".join(f'<p class="summary">{html.escape(_text(n))}</p>' for n in notes)
            text = text.replace("</section>", paragraphs + "\n</section>")
        return text

    def render(self, doc: Document) -> str:
        """The page, as text."""
        headline = (
            f'<p class="headline">{html.escape(self.headline)}</p>\n' if self.headline else ""
        )
        summary = "".join(f'<p class="summary">{html.escape(s)}</p>\n' for s in self.summary)
        tables = "\n".join(self._section(t, i) for i, t in enumerate(doc.tables))
        controls = _CONTROLS + "\n" if self.controls else ""
        return (
            "<!DOCTYPE html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(self.title)}</title>\n"
            f"<style>{_STYLE}</style>\n</head>\n<body>\n"
            f"<header>\n<h1>{html.escape(self.title)}</h1>\n{headline}{summary}"
            f"{_legend(bool(self.matrices))}\n{controls}</header>\n"
            f"<main>\n{tables}\n</main>\n"
            f"<footer>verscan {html.escape(__version__)}. Click a column heading to sort by it;"
            " point at a verdict for its reason.</footer>\n"
            f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"
        )
