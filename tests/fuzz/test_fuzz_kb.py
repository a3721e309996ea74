"""Fuzzing the KB article parser: any bytes give a parsed article or an ArticleError, quickly.

Inputs are the real articles under ``fixtures/kb`` with byte-level edits and
pieces of tables (headers, rows, pipes, HTML cells, CSV headers) inserted and
repeated, so that the table readers meet broken and runaway tables.
"""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.support import FIXTURES, bounded, fuzz_settings, mutated, peak_memory, read_seeds
from verscan.errors import ArticleError
from verscan.kb import ParsedArticle, parse_article, read_article
from verscan.kb.source import decode

SEEDS = read_seeds(sorted(p for p in (FIXTURES / "kb").iterdir() if p.is_file()))

TOKENS = [
    b"   Date         Time   Version        Size     File name\n   ----------\n",
    b"   28-Jun-2002  13:07  5.0.2195.5917  333,072  Asp.dll\n",
    b"File name,File version,Date,Time,File size\n",
    b'Iischema.dll,5.0.2195.6860,07-Oct-2003,17:20,"122,640"\n',
    b"07- Oct-2003 | 17:20 | 5.0.2195.6860 | 122,640 | Iischema.dll | |\n",
    b"| File name | File version | File size | Date | Time | Platform |\n",
    b"|---|---|---|---|---|---|\n",
    b"<table><tr><th>File name</th><th>File version</th></tr>",
    b"<tr><td>Asp.dll</td><td>5.0.2195.5917</td></tr>",
    b"</td></tr></table>",
    b"<td>",
    b"<!--",
    b"&nbsp;",
    b"&#x202e;",
    b"+------+------+\n",
    b"|",
    b"\t",
    b"\r\n",
    b"\n\n",
    b" " * 40,
    b"(Alpha)",
    b"x64-based versions\n",
    b"SP2QFE",
    b"Article ID: 816085\n",
    b"DOCUMENT:Q251143\n",
    b'MIME-Version: 1.0\nContent-Type: multipart/related; boundary="b"\n\n--b\n',
    b'"',
    b"\x00",
    b"\x1b[2J",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xe2\x80\xae",
    b"99999999999999999999",
    b"1.79 MB",
]


def check(parsed: object) -> ParsedArticle:
    """What every parsed article must be."""
    assert isinstance(parsed, ParsedArticle)
    assert parsed.manifest.kb.isdigit()
    for row in parsed.manifest.files:
        assert isinstance(row.name, str) and row.name
    for item in (*parsed.problems, *parsed.notes):
        assert isinstance(item.line, int) and item.line >= 0
        assert isinstance(item.message, str)
    return parsed


def parse(data: bytes, kb: str | None, kind: str | None) -> None:
    text = decode(data)
    if text is None:
        return
    try:
        parsed = bounded(parse_article, text, source="fuzz.txt", kb=kb, kind=kind)
    except ArticleError:
        assert kb is None  # only a missing KB number is an error for text
        return
    check(parsed)


@fuzz_settings(450)
@given(
    mutated(SEEDS, TOKENS, max_size=256 * 1024),
    st.sampled_from([None, None, "1"]),
    st.sampled_from([None, None, None, "text", "html", "csv"]),
)
def test_mutated_articles(data: bytes, kb: str | None, kind: str | None) -> None:
    parse(data, kb, kind)


@fuzz_settings(60)
@given(mutated(SEEDS, TOKENS, max_size=256 * 1024))
def test_reading_files(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.getbasetemp() / "fuzz-article.txt"
    path.write_bytes(data)
    try:
        check(bounded(read_article, path))
    except ArticleError as exc:
        assert str(exc)  # a one-line message naming the file
        assert "\n" not in str(exc)


@fuzz_settings(25)
@given(mutated(SEEDS, TOKENS, max_size=256 * 1024))
def test_memory_is_bounded(data: bytes) -> None:
    text = decode(data)
    if text is None:
        return
    _, peak = peak_memory(parse_article, text, source="fuzz.txt", kb="1")
    # Generous: a parsed article holds a few copies of its text and its rows.
    assert peak < 64 * 1024 * 1024 + 200 * len(data)


def test_fixture_articles_parse() -> None:
    for seed in SEEDS:
        with contextlib.suppress(ArticleError):
            check(bounded(read_article, FIXTURES / "kb" / seed.name, what=seed.name))
