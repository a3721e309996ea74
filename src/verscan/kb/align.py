"""Fitting the words of a plain-text row to the columns of its table.

Column positions in the articles are only roughly right: values are right- or
left-aligned at will, a column drifts a few characters from its header, and a
row may print a cell with a single space before the next one. So a row is read
by the *shapes* of its words, in the order the header gives: a small dynamic
program assigns consecutive words to consecutive columns (a column may be empty
or take several words, as ``12:41:42 PM`` or ``Windows 98`` do), each word must
fit its column's shape, and header positions only break ties.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from verscan.kb import values
from verscan.kb.columns import FREE, Field

MAX_TOKENS = 40
"""Rows with more words than this are prose, not table rows."""

_EMPTY = 1.0  # cost of a column left empty
_JUNK = 1.6  # cost of a malformed value in a typed column (kept, with a note later)
_NEAR = 0.02  # cost per character between a value and its header
_NEAR_MAX = 0.4
_PAREN = re.compile(r"\([^()]{1,40}\)")
_AMPM = re.compile(r"[AaPp]\.?[Mm]?\.?")
_SUFFIX = re.compile(r"[A-Za-z]{1,5}")
_BUILD = re.compile(r"\d{1,6}")
_NAME_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_'&-]{0,30}")
_LABEL_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'-]{0,30}")


@dataclass(frozen=True)
class Token:
    """A word (or, in a tab-separated line, a cell) and where it sits."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Column:
    """A table column: what it holds and where its header label sits."""

    field: Field
    start: int
    end: int
    label: str = ""


@dataclass(frozen=True)
class Fit:
    """A row fitted to its columns."""

    cells: dict[Field, str]
    """Cell text by field (only filled columns)."""
    spans: dict[Field, tuple[int, int]]
    """Where each filled cell sits in the line."""
    cost: float


def tokenize(line: str) -> list[Token]:
    """Split a line into words with their columns (tabs expanded to stops of 8).

    Tabs separate words like spaces do: tab-separated cells copied from web
    pages hold several words (``Not applicable``, ``07- Oct-2003``), which the
    fit joins again, and lines indented by a tab are common.
    """
    if "\t" in line:
        line = line.expandtabs(8)
    return [Token(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", line)]


def is_typed(text: str) -> bool:
    """True for a word with the shape of a date, time, version, size or file name."""
    return (
        values.parse_date(text) is not None
        or values.parse_time(text) is not None
        or values.is_version_token(text)
        or values.parse_size(text) is not None
        or values.is_name_token(text)
    )


def _fit_cost(field: Field, toks: Sequence[Token], stems: bool = False) -> float | None:
    """How well a run of words fits a column, or ``None`` if it cannot be its value.

    With ``stems``, the table has an Extension column and names come without one.
    """
    n = len(toks)
    text = " ".join(t.text for t in toks)
    first = toks[0].text
    if field is Field.DATE:
        if n <= 4 and values.parse_date(text):
            return 0.0
        if n <= 5 and values.parse_datetime(text):
            return 0.3  # "1/07/99 06:04pm": the time printed in the Date column
        if n == 1 and re.fullmatch(r"\d{1,4}[-/][\w-]{1,12}[-/]?\d{0,4}", first):
            return _JUNK
        return None
    if field is Field.TIME:
        if n <= 2 and values.parse_time(text):
            return 0.0
        if n == 1 and re.fullmatch(r"[xX?]{1,2}[:.][xX?]{2}[aApP]?", first):
            return 0.2  # "xx:xx": a time the article does not give
        if n == 1 and values.parse_time(first.replace(".", ":", 1)) and "." in first:
            return 0.5  # "22.36": read as 22:36, with a note
        if n == 1 and re.fullmatch(r"\d{1,2}:\d{1,2}[\w:]{0,6}", first):
            return _JUNK
        return None
    if field is Field.DATETIME:
        if n <= 4 and values.parse_datetime(text):
            return 0.0
        return None
    if field is Field.VERSION:
        return _version_cost(toks, text)
    if field is Field.SIZE:
        if n <= 2 and (values.parse_size(text) is not None or values.size_in_units(text)):
            return 0.0
        return None
    if field in (Field.NAME, Field.NAMEPATH):
        if stems and n == 1 and re.fullmatch(r"[A-Za-z0-9_$~!#@&-]{1,64}", first):
            return None if is_typed(first) else 0.0
        return _name_cost(toks)
    if field is Field.EXT:
        if n == 1 and re.fullmatch(r"\.?[A-Za-z0-9_$~]{1,5}", first) and not first.isdigit():
            return 0.0
        return None
    if field in (Field.SHA256, Field.HASH):
        if n == 1 and re.fullmatch(r"[0-9A-Fa-f]{32,128}", first):
            return 0.0
        return None
    if field in FREE:
        return _free_cost(field, toks, text)
    return None


def _version_cost(toks: Sequence[Token], text: str) -> float | None:
    n = len(toks)
    first = toks[0].text
    if text.lower() in values.NULL_WORDS:
        return 0.2
    if n <= 4 and values.comma_version(text):
        return 0.3  # "1, 0, 0, 72": a version as resource compilers print it
    if n == 1:
        if values.is_version_token(first):
            return 0.0
        if _BUILD.fullmatch(first):
            return 0.5  # a bare build number ("786"): kept, its version left empty
        if values.clean_version(first) and not values.parse_size(first):
            return 0.3  # "1.00/1.00", "5.0.2195.4555shp"
        if re.fullmatch(r"[A-Za-z]?\.?\d{1,5}(?:\.\d{1,5}){1,4}[A-Za-z]?", first):
            return _JUNK  # "A.03.01": a version of a kind, kept with a note
        return None
    if n == 2 and _SUFFIX.fullmatch(first) and values.is_version_token(toks[1].text):
        return 0.3  # "Gen 1.35"
    if n == 2 and _AMPM.fullmatch(toks[1].text):
        return None  # a time's half of the day, not a build tag
    version = values.clean_version(text)
    if (
        n <= 4
        and version is not None
        and text.startswith(version)
        and values.version_qualifier(text[len(version) :])
    ):
        # "5.0.2195.4555 shp", "6.1.7601.17514 (win7sp1_rtm.101119-1850)",
        # "2.20.4054 or greater", "1.2(build 786)"
        return 0.2 if text[len(version) :].lstrip().startswith("(") else 0.3
    return None


def _name_cost(toks: Sequence[Token]) -> float | None:
    n = len(toks)
    first = toks[0].text
    if n == 1:
        if values.is_name_token(first):
            return 0.0
        m = re.fullmatch(r"(.+?)(\([^()]{1,40}\))", first)
        if m and values.is_name_token(m.group(1)):
            return 0.1  # "EXTERNAL.EXE(MS-DOS)"
        return None
    if not values.is_name_token(first):
        if n <= 4 and _spaced_name(toks):
            return 0.6  # "3d Flower Box.scr": a file name with spaces
        return None
    rest = " ".join(t.text for t in toks[1:])
    if n <= 3 and _PAREN.fullmatch(rest):
        return 0.1  # "EXTERNAL.EXE (MS-DOS)"
    return None


def _spaced_name(toks: Sequence[Token]) -> bool:
    """Words one space apart ending in a file name: one name with spaces in it."""
    if not values.is_name_token(toks[-1].text) or "\\" in toks[-1].text:
        return False
    if any(b.start - a.end != 1 for a, b in itertools.pairwise(toks)):
        return False
    return all(_NAME_WORD.fullmatch(t.text) and not is_typed(t.text) for t in toks[:-1])


def _free_cost(field: Field, toks: Sequence[Token], text: str) -> float | None:
    if len(toks) > 12:
        return None
    extra = 0.0
    described = field in (Field.OTHER, Field.LOCALE)
    if field is Field.OTHER and len(toks) == 1 and values.is_name_token(toks[0].text):
        return 0.3  # another file named in the row ("Online file  MAILUPD.EXE")
    for i, tok in enumerate(toks):
        word = tok.text
        if values.is_name_token(word) or values.parse_date(word) or values.parse_time(word):
            return None
        if values.is_version_token(word):
            # A description may name a version ("ADO Data Control 6.0"), after a word.
            if not described or i == 0:
                return None
            extra += 0.3
        # A number may go on words ("Windows 98"), but cannot start a free cell:
        # it is then a size or a version in the wrong place. A locale may start
        # with its number ("001036 French (France)").
        if i == 0 and values.parse_size(word) is not None:
            if field is not Field.LOCALE or len(toks) == 1:
                return None
            extra += 0.3
    if field is Field.PLATFORM and values.parse_platform(text):
        return 0.0
    if field is Field.SP and values.parse_sp(text):
        return 0.0
    if field is Field.BRANCH and values.parse_branch(text)[1]:
        return 0.0
    if field in (Field.PATH, Field.LOCALE, Field.OTHER):
        return extra + 0.05 * (len(toks) - 1)
    return extra + 0.3 + 0.05 * (len(toks) - 1)


def _near(col: Column, toks: Sequence[Token], weight: float) -> float:
    start, end = toks[0].start, toks[-1].end
    if end < col.start:
        gap = col.start - end
    elif start > col.end:
        gap = start - col.end
    else:
        gap = 0
    return min(_NEAR_MAX, gap * _NEAR) * weight


def fit(
    tokens: Sequence[Token], columns: Sequence[Column], *, positions: bool = True
) -> Fit | None:
    """Assign the row's words to the columns in order; ``None`` if they do not fit.

    Every word must land in a column whose shape it has. Among the ways that
    fit, the one with fewest empty columns wins, then the one whose values sit
    nearest their headers (only when ``positions`` is true).
    """
    n, c = len(tokens), len(columns)
    if n == 0 or n > MAX_TOKENS:
        return None
    weight = 1.0 if positions else 0.0
    stems = any(col.field is Field.EXT for col in columns)
    inf = float("inf")
    # best[j][i]: cheapest way for the first j columns to take the first i words.
    best = [[inf] * (n + 1) for _ in range(c + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (n + 1) for _ in range(c + 1)]
    best[0][0] = 0.0
    for j in range(c):
        col = columns[j]
        for i in range(n + 1):
            here = best[j][i]
            if here == inf:
                continue
            if here + _EMPTY < best[j + 1][i]:
                best[j + 1][i] = here + _EMPTY
                back[j + 1][i] = (i, i)
            for k in range(i + 1, min(n, i + 12) + 1):
                cost = _fit_cost(col.field, tokens[i:k], stems)
                if cost is None:
                    continue
                total = here + cost + _near(col, tokens[i:k], weight)
                if total < best[j + 1][k]:
                    best[j + 1][k] = total
                    back[j + 1][k] = (i, k)
    if best[c][n] == inf:
        return None
    cells: dict[Field, str] = {}
    spans: dict[Field, tuple[int, int]] = {}
    i = n
    for j in range(c, 0, -1):
        step = back[j][i]
        if step is None:  # pragma: no cover - every reachable cell has a back link
            return None
        lo, hi = step
        if hi > lo:
            field = columns[j - 1].field
            cells[field] = " ".join(t.text for t in tokens[lo:hi])
            spans[field] = (tokens[lo].start, tokens[hi - 1].end)
        i = lo
    return Fit(cells=cells, spans=spans, cost=best[c][n])


def label_prefix(toks: Sequence[Token]) -> bool:
    """A line that begins with a label of one to four words and a colon.

    ``Additional query words: 6.22 drvspace drvspace.exe``, ``Keywords : kbfile``,
    ``NOTE: The Ntoskrnl.exe file version 5.0...``: metadata or prose that
    may name files and versions, never a table row (rows begin with a value
    or a file name).
    """
    for k, tok in enumerate(toks[:5]):
        text = tok.text
        if text == ":" and k > 0:
            return True  # "Keywords          : kbfile"
        if k == 4:
            return False
        if text.endswith(":") and _LABEL_WORD.fullmatch(text[:-1]):
            return True
        if not _LABEL_WORD.fullmatch(text):
            return False
    return False


def looks_like_row(toks: Sequence[Token]) -> bool:
    """A file name next to a date, a size with separators, or a version.

    Not a line that begins with a label (:func:`label_prefix`).
    """
    if len(toks) > MAX_TOKENS or label_prefix(toks):
        return False
    words = [t.text for t in toks]
    if not any(values.is_name_token(w) for w in words):
        return False
    return any(
        values.parse_date(w) or values.is_version_token(w) or re.fullmatch(r"\d{1,3}(?:,\d{3})+", w)
        for w in words
    )
