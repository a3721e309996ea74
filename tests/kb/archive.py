"""Rows that vanish: the lines of an article's file tables that its manifest does not account for.

An independent, deliberately simple reading of plain-text file tables (it shares
no code with :mod:`verscan.kb`): a header line that names a file column and a
version, size or date column, and the lines under it up to the first blank
line. Every such line that holds a file name must be accounted for by the
parser: the name is among the manifest's rows, or the parser said something
about that line (a problem or a note). A line neither read nor mentioned is a
row lost silently.

Used by ``tests/kb/test_kb_archive.py`` on a sample of the shared archive and by
``benchmarks/bench_articles.py`` on all of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from verscan.kb import ParsedArticle

ARCHIVE = Path(__file__).resolve().parents[2].parent / "shared" / "kb-archive"
"""The shared archive of real articles (``txt/NNN/QNNNNNN.TXT``), when it is there."""

_NAME_LABEL = re.compile(r"\bfile ?names?\b|\bfilenames?\b|\bfile\b|\bname\b", re.IGNORECASE)
_VALUE_LABEL = re.compile(r"\bversion\b|\bdate\b|\bsize\b|\btime\b", re.IGNORECASE)
_GAPS = re.compile(r"\S(?:\s{2,}|\t|\s?\|\s?)\S")
_RULE = re.compile(r"[\s\-=+_|:]+")
_FILE = re.compile(r"[A-Za-z0-9_$~#@!&()-]+(?:\.[A-Za-z0-9_$~-]+)*\.[A-Za-z][A-Za-z0-9_]{0,4}")
_VALUE = re.compile(
    r"\d+(?:\.\d+){1,4}\w*|\d{1,4}[-/]\w{1,3}[-/]\d{2,4}|\w{3}-\d{1,2}-\d{2,4}"
    r"|\d{1,3}(?:,\d{3})+|N/?A|not applicable",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Lost:
    """A table line whose file the manifest does not have and the parser did not mention."""

    line: int
    name: str
    text: str


def table_lines(text: str) -> list[tuple[int, str, str]]:
    """``(line number, file name, line)`` for each line under a file-table header."""
    lines = text.splitlines()
    found: list[tuple[int, str, str]] = []
    i = 0
    while i < len(lines):
        head = lines[i]
        if not (
            len(head) <= 160
            and _NAME_LABEL.search(head)
            and _VALUE_LABEL.search(head)
            and len(_GAPS.findall(head)) >= 1
            and not head.rstrip().endswith((".", ":", ","))
        ):
            i += 1
            continue
        j = i + 1
        while j < len(lines) and lines[j].strip() and _RULE.fullmatch(lines[j]):
            j += 1  # the rule under the header
        while j < len(lines) and lines[j].strip():
            line = lines[j]
            if not _RULE.fullmatch(line):
                words = line.replace("|", " ").split()
                names = [w for w in words if _FILE.fullmatch(w)]
                boxed = line.lstrip().startswith("|")
                if names and (boxed or any(_VALUE.fullmatch(w) for w in words)):
                    found.append((j + 1, names[0], line))
            j += 1
        i = j
    return found


def lost_rows(text: str, parsed: ParsedArticle) -> list[Lost]:
    """The table lines of ``text`` that ``parsed`` neither read nor mentioned."""
    names = {row.name.lower() for row in parsed.manifest.files}
    mentioned = {p.line for p in (*parsed.problems, *parsed.notes)}
    return [
        Lost(number, name, line)
        for number, name, line in table_lines(text)
        if name.lower() not in names and number not in mentioned
    ]
