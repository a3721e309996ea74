"""Long single lines: a page's text reaches the parser in pieces, not one character at a time.

html.parser hands over every ``<`` that starts no tag as a piece of text of its own,
and a table cell summed its pieces on every new one: a one-line page whose cell held
a million such characters took a minute. How long a parse takes is measured in
``benchmarks/bench_long_lines.py``; here, that the text comes in one piece, and that
the ``<`` characters stay in it.
"""

from __future__ import annotations

from typing import Any

import pytest

from verscan.kb import html, parse_article
from verscan.kb.result import Log


@pytest.fixture
def pieces(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The text the parser is handed, piece by piece."""
    seen: list[str] = []
    real = html._Page.handle_data

    def spy(self: Any, data: str) -> None:
        seen.append(data)
        real(self, data)

    monkeypatch.setattr(html._Page, "handle_data", spy)
    return seen


@pytest.mark.parametrize(
    "page",
    [
        "<table><tr><td>{}</td></tr></table>",
        "<p>{}</p>",
        "<pre>{}</pre>",
        "<title>{}</title>",
    ],
)
def test_stray_angle_brackets_come_in_one_piece(page: str, pieces: list[str]) -> None:
    parse_article(page.format("<" * 100_000 + " < <= <3 <<"), kb="1", kind="html")
    assert len(pieces) <= 3
    assert len(max(pieces, key=len)) == 100_011


def test_angle_brackets_stay_in_the_text() -> None:
    page = html.read_html(
        "<title>Fix: 1 < 2 <= 3</title><h1>A <b>bold</b> x<1</h1>"
        "<!-- a < b --><p>if size < 4 GB <br>then</p>",
        Log(),
    )
    assert page.raw_title == "Fix: 1 < 2 <= 3"
    assert "if size < 4 GB" in "\n".join(page.lines)
    assert "A bold x<1" in "\n".join(page.lines)
