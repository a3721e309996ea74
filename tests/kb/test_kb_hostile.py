"""Hostile input: the parser never crashes and stays roughly linear."""

from __future__ import annotations

import contextlib
import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verscan.errors import ArticleError
from verscan.kb import parse_article, values
from verscan.kb.source import decode

HEADER = "   Date         Time   Version        Size     File name\n   ----------\n"
ROW = "   28-Jun-2002  13:07  5.0.2195.5917  333,072  Asp.dll\n"

# Pieces of real tables, shuffled into nonsense by the property tests.
PIECES = [
    HEADER,
    ROW,
    "|",
    " | ",
    "+----+\n",
    "\n",
    "\t",
    "07- Oct-2003",
    "12:41:42 PM",
    "(Alpha)",
    "<table><tr><td>",
    "</td></tr></table>",
    "<th>File name</th>",
    "File name,File version,Date,Time,File size\n",
    "1,234",
    "Iischema.dll",
    "Pan-Chinese\n",
    "RESOLUTION\n==========\n",
    "x64-based versions\n",
    "Article ID:",
    "&nbsp;",
]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_any_text(text: str) -> None:
    for kind in (None, "text", "html", "csv"):
        parse_article(text, kb="1", kind=kind)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=80))
def test_shuffled_table_pieces(pieces: list[str]) -> None:
    text = "".join(pieces)
    for kind in (None, "html", "csv"):
        parsed = parse_article(text, kb="1", kind=kind)
        for row in parsed.manifest.files:
            assert row.name
            assert row.platform in (None, "x86", "x64", "ia64", "arm64", "alpha", "mips", "ppc")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_value_parsers_never_raise(text: str) -> None:
    values.parse_date(text)
    values.parse_time(text)
    values.parse_datetime(text)
    values.parse_size(text)
    values.size_in_units(text)
    values.clean_version(text)
    values.parse_platform(text)
    values.platform_in_text(text)
    values.parse_branch(text)
    values.split_name(text)
    values.is_name_token(text)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes(data: bytes) -> None:
    text = decode(data)
    if text is not None:
        with contextlib.suppress(ArticleError):
            parse_article(text)


def _timed(text: str, kind: str | None = None) -> float:
    """Processor seconds the parse takes: a busy machine's clock would say more."""
    start = time.process_time()
    parse_article(text, kb="1", kind=kind)
    return time.process_time() - start


@pytest.mark.parametrize(
    ("name", "text", "kind"),
    [
        ("one huge line", "a" * 2_000_000, None),
        ("huge line of values", "1,234 5.0.1 Asp.dll 28-Jun-2002 " * 60_000, None),
        ("a long run of spaces", "Article ID" + " " * 500_000 + "x", None),
        ("many pipes", "|" * 500_000, None),
        ("nested tables", "<table><tr><td>" * 5000 + "x", "html"),
        ("many headers", HEADER * 3000, None),
        ("broken quotes", '"' * 200_000 + "\n" + "," * 200_000, "csv"),
        ("nul bytes", "\x00" * 500_000, None),
    ],
)
def test_pathological_inputs_are_fast(name: str, text: str, kind: str | None) -> None:
    assert _timed(text, kind) < 10, name


def test_big_tables_are_linear() -> None:
    small = _timed(HEADER + ROW * 1000)
    big = _timed(HEADER + ROW * 8000)
    assert big < 20 * max(small, 0.01)
    parsed = parse_article(HEADER + ROW * 8000, kb="1")
    assert len(parsed.manifest.files) == 8000


def test_junk_bytes_decode_to_nothing_or_text() -> None:
    rng = random.Random(7)
    data = bytes(rng.getrandbits(8) for _ in range(50_000))
    text = decode(data)
    assert text is None or isinstance(text, str)
