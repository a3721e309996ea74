"""Real articles at scale: no traceback, and no table row that vanishes without a word.

A sample of the shared archive (every tenth article, about 150) runs here, and
is skipped where the archive is not (CI may not have it);
``benchmarks/bench_articles.py`` runs the same check on all of it. The fixture
articles run always.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.kb.archive import ARCHIVE, lost_rows, table_lines
from verscan.kb import read_article
from verscan.kb.source import decode

KB_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "kb"
SAMPLE_EVERY = 10


def _sample() -> list[Path]:
    articles = sorted((ARCHIVE / "txt").glob("*/Q*.TXT"))
    return articles[::SAMPLE_EVERY]


def _kb(path: Path) -> str:
    m = re.search(r"Q(\d+)", path.name)
    return str(int(m.group(1))) if m else "1"


def _lost(path: Path) -> list[str]:
    parsed = read_article(path, kb=_kb(path))  # raises on nothing: every article is read
    text = decode(path.read_bytes())
    assert text is not None
    return [f"{path.name}:{lost.line}: {lost.text.strip()}" for lost in lost_rows(text, parsed)]


def test_a_sample_of_the_archive() -> None:
    sample = _sample()
    if not sample:
        pytest.skip(f"the shared archive is not here ({ARCHIVE})")
    lost: list[str] = []
    table_rows = 0
    for path in sample:
        lost.extend(_lost(path))
        table_rows += len(table_lines(decode(path.read_bytes()) or ""))
    assert table_rows > 200  # the sample holds file tables
    assert lost == []


def test_the_plain_text_fixtures() -> None:
    lost: list[str] = []
    for path in sorted(KB_DIR.glob("Q*.TXT")):
        lost.extend(_lost(path))
    assert lost == []


def test_a_lost_row_is_seen() -> None:
    """The check itself: a row the manifest lacks and no message names is caught."""
    from verscan.kb import parse_article

    text = (
        "   File name     Version       Size\n"
        "   -------------------------------------\n"
        "   Asp.dll       5.0.2195.1    1,024\n"
        "   Iis.dll       5.0.2195.2    2,048\n"
    )
    parsed = parse_article(text, kb="1")
    assert lost_rows(text, parsed) == []
    one_row = parsed.manifest.__class__(kb="1", files=parsed.manifest.files[:1])
    lost = lost_rows(text, parsed.__class__(manifest=one_row))
    assert [(x.line, x.name) for x in lost] == [(4, "Iis.dll")]
