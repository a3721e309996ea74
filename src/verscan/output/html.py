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
from collections.abc import Sequence
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
       margin: 1.5rem; color: #1d1d1f; background: #fff; }
h1 { font-size: 1.4rem; margin: 0 0 .3rem; }
h2 { font-size: 1.1rem; margin: 1.6rem 0 .5rem; }
p.summary { margin: .2rem 0; color: #444; }
.legend span { display: inline-block; padding: .1rem .5rem; margin-right: .4rem;
               border-radius: .25rem; font-size: .85rem; }
.wrap { overflow-x: auto; }
table { border-collapse: collapse; }
th, td { border: 1px solid #d0d0d5; padding: .25rem .55rem; text-align: left;
         vertical-align: top; white-space: nowrap; }
td.text { white-space: normal; min-width: 16rem; }
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
  document.body.setAttribute("data-ready", "1");
})();
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"


def _text(value: Any) -> str:
    """A value as the page shows it: what could act on a terminal (or hide) shown as escapes."""
    return "" if value is None else visible(str(value))


def _cell(tag: str, value: Any, extra: str = "") -> str:
    text = _text(value)
    rank = SEVERITY.get(text)
    attrs = extra
    if rank is not None:
        attrs += f' class="{_CLASSES[rank]}" data-rank="{rank}"'
    elif len(text) > 60:
        attrs += ' class="text"'
    return f"<{tag}{attrs}>{html.escape(text)}</{tag}>"


def _table(table: Table, index: int) -> str:
    heads = "".join(
        f'<th scope="col" aria-sort="none"><button type="button">{html.escape(_text(h))}</button>'
        "</th>"
        for h in table.headers
    )
    rows = []
    for row in table.rows:
        cells = [_cell("th", row[0], ' scope="row"')] if row else []
        cells += [_cell("td", value) for value in row[1:]]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    body = "\n".join(rows)
    title = f"<h2>{html.escape(_text(table.title))}</h2>\n" if table.title else ""
    return (
        f'<section>\n{title}<div class="wrap"><table class="sortable" id="table-{index}">\n'
        f"<thead><tr>{heads}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table></div>\n</section>"
    )


def _legend() -> str:
    shown = (
        (KBVerdict.MISSING.value, 0),
        (KBVerdict.UNKNOWN.value, 1),
        (KBVerdict.INSTALLED.value, 2),
        (KBVerdict.NOT_APPLICABLE.value, 3),
    )
    chips = "".join(f'<span class="{_CLASSES[r]}">{html.escape(v)}</span>' for v, r in shown)
    return f'<p class="legend">{chips}</p>'


class HtmlRenderer(Renderer):
    """One HTML page holding every table of the document."""

    def __init__(self, title: str, summary: Sequence[str] = ()) -> None:
        self.title = _text(title)
        self.summary = tuple(_text(s) for s in summary)

    def render(self, doc: Document) -> str:
        """The page, as text."""
        summary = "".join(f'<p class="summary">{html.escape(s)}</p>\n' for s in self.summary)
        tables = "\n".join(_table(t, i) for i, t in enumerate(doc.tables))
        return (
            "<!DOCTYPE html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(self.title)}</title>\n"
            f"<style>{_STYLE}</style>\n</head>\n<body>\n"
            f"<header>\n<h1>{html.escape(self.title)}</h1>\n{summary}{_legend()}\n</header>\n"
            f"<main>\n{tables}\n</main>\n"
            f"<footer>verscan {html.escape(__version__)}. Click a column heading to sort by it."
            "</footer>\n"
            f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"
        )
