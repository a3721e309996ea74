"""Header lines of plain-text file tables.

A header line names its columns with the words of :mod:`.columns`
(``Date  Time  Version  Size  File name``), in any order and spelling; this
module finds such lines and where each column's label sits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from verscan.kb.align import Column, Token, tokenize
from verscan.kb.columns import ATTRIBUTES, LONGEST, Field, field_of, is_file_table

MAX_LINE = 400
"""Longer lines are prose (or junk), never headers."""

_NAME_WORD = re.compile(r"name|file|module|binary|path", re.IGNORECASE)


def _labels(toks: Sequence[Token]) -> list[Column] | None:
    """Read a group of header words as labels, longest first; ``None`` if a word is unknown."""
    cols: list[Column] = []
    i = 0
    while i < len(toks):
        found = None
        for k in range(min(len(toks), i + LONGEST), i, -1):
            label = " ".join(t.text for t in toks[i:k])
            f = field_of(label)
            if f is not None:
                found = (k, f, label)
                break
        if found is None:
            return None
        k, f, label = found
        cols.append(Column(f, toks[i].start, toks[k - 1].end, label))
        i = k
    return cols


def header_columns(line: str) -> list[Column] | None:
    """The columns of a file table if ``line`` is its header, else ``None``.

    The header's words fall into groups at gaps of two or more spaces (or
    tabs); each group is read as labels, longest first (``File name and path``
    before ``File name``). One group of up to four plain words may be a label
    the vocabulary does not know (``Control``, ``Component``), or two
    (``ActiveX Control  FileName  Version  Edition``): each becomes a column
    of free text.
    """
    if len(line) > MAX_LINE or not _NAME_WORD.search(line):
        return None  # every label of a name column has one of these words
    toks = tokenize(line)
    if len(toks) > 24:
        return None
    groups: list[list[Token]] = []
    for tok in toks:
        if groups and tok.start - groups[-1][-1].end <= 1:
            groups[-1].append(tok)
        else:
            groups.append([tok])
    cols: list[Column] = []
    unknown = 0
    for group in groups:
        got = _labels(group)
        if got is None:
            words = [t.text for t in group]
            if len(words) > 4 or any(re.search(r"\d|\.\w", w) for w in words):
                return None
            unknown += 1
            got = [Column(Field.OTHER, group[0].start, group[-1].end, " ".join(words))]
        cols.extend(got)
    known = len(cols) - unknown
    if known < 2 or unknown > min(2, known):
        return None
    if not is_file_table([c.field for c in cols]):
        return None
    return cols


def name_only_header(line: str) -> bool:
    """A header naming files but no attribute (``NIC Driver Name   New Files``)."""
    if len(line) > MAX_LINE:
        return False
    groups = [g for g in re.split(r"\s{2,}|\t", line.strip()) if g]
    if len(groups) < 2 or len(groups) > 6:
        return False
    fields = [field_of(g) for g in groups]
    return any(f in (Field.NAME, Field.NAMEPATH) for f in fields) and not any(
        f in ATTRIBUTES for f in fields
    )
