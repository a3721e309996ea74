"""Which heading a table sits under.

Articles scope their tables in three ways: a heading line above the table
(underlined ``Windows 2000`` / ``------------``, a short ``IIS 5.0:`` line, a
stand-alone ``Microsoft Mail for PC Networks, version 3.0``, ``For all
supported x64-based versions of ...``, or a Markdown ``#####`` heading of any
length); or only the sentence that introduces
the table (``The English Service Pack 2 (SP2) version of this fix should have
the following file attributes``, ``timestamp for Windows NT Alpha:``,
``installed by Secupd.exe:``).

The section is the nearest such heading between the previous table and this
one, not crossing the article's own parts (RESOLUTION, MORE INFORMATION, ...).
Without a heading, it is the scope the introducing sentence names, cut to that
phrase; boilerplate sentences (``The English version of this fix should have
the following file attributes``) name none, and the section is then ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

TABLE_MARK = "\x00[table]"
"""The line a web page's table leaves in the page's text: headings above it are its own."""

_LOOKBACK = 80  # lines scanned above a table for its heading
_MAX_HEADING = 100
_MAX_ATX = 300
_ATX = re.compile(r"#{1,6}\s+\S")  # a Markdown heading: "##### For all supported ..."
_ATX_LEVEL = re.compile(r"(#{1,6})\s+\S")

# The article's own parts: a heading with one of these names is not a scope,
# and the search for a table's heading stops there.
_PARTS = frozenset(
    {
        "symptoms", "symptom", "cause", "resolution", "status", "more information",
        "workaround", "summary", "introduction", "references", "applies to",
        "additional query words", "keywords", "properties", "method", "overview",
        "notes", "how to obtain the hotfix", "solution", "problem description",
    }
)  # fmt: skip

# Headings that name a kind of information, not what the table applies to.
_GENERIC = frozenset(
    {
        "file information", "hotfix information", "hotfix file information",
        "prerequisites", "prerequisite", "restart requirement", "registry information",
        "hotfix replacement information", "download information",
        "installation information", "update information", "security update information",
        "additional information", "file attributes", "more information", "note",
        "notes", "files", "file list", "the following files", "technical details",
        "update replacement information", "removal information", "files installed",
        "file details", "how to install the hotfix", "hotfix installation",
        "deployment information", "service pack information", "details",
    }
)  # fmt: skip

_STOPWORDS = (
    "the ", "this ", "these ", "that ", "to ", "if ", "when ", "note", "you ", "in ",
    "after ", "before ", "a ", "an ", "for additional", "for more", "click", "where ",
    "important", "warning", "caution", "example", "see ", "then ", "it ", "use ",
)  # fmt: skip

_MARKUP = ("[", "!", "<", ">", "|", "{%", "```")
"""How lines of markup begin (links, includes, images, tags, quotes): never a heading."""
_TABLE_HEADER = re.compile(r"\S\s{2,}\S")  # words in columns: a table header, not a heading
_REFERENCE = re.compile(r"\s*(?:Q|KB)\d{5,7}\b|\s*\d{5,7}\s")
_LIST_ITEM = re.compile(r"\s*(?:[-*\u2022\u00b7o]\s|\d{1,2}[.)]\s|[a-z][.)]\s)")
_PLATFORM_HEADING = re.compile(
    r"(?:x86|x64|itanium|ia-64|arm64|alpha|mips|powerpc)-based (?:version|edition|system|computer)",
    re.IGNORECASE,
)

_SENTENCE = re.compile(r"(?<=[.:])\s+(?=[A-Z])")
_LANGUAGE = re.compile(
    r"\b(?:english(?:-language)?|u\.s\.|us|\(united states\)|united states)\b\s*",
    re.IGNORECASE,
)
_VAGUE_SCOPE = frozenset(
    {"", "indicated", "following", "updated", "this", "the", "new", "current", "latest"}
)
_FIXWORD = r"(?:fix|hotfix|patch|update|security update|software update|service pack)"
_SCOPE_PATTERNS = (
    re.compile(r"time ?stamps? for (?P<s>.{1,80}?)\s*:?$", re.IGNORECASE),
    re.compile(r"installed by (?P<s>\S{1,60}?)\s*:?$", re.IGNORECASE),
    re.compile(rf"version of the (?P<s>.{{1,60}}?) {_FIXWORD}\b", re.IGNORECASE),
    re.compile(rf"^the (?P<s>.{{1,80}}?) versions? of (?:this|the) {_FIXWORD}\b", re.IGNORECASE),
    re.compile(
        rf"(?:{_FIXWORD}|files?) for (?P<s>.{{1,80}}?)(?: sites)? "
        r"(?:should|has|have|is|are|must|contains?|includes?)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?:files?|fix|hotfix|update|patch) (?:is |are )?(?:needed |required |available )?"
        r"for (?P<s>.{1,80}?)\s*:$",
        re.IGNORECASE,
    ),
)


def is_underline(line: str) -> bool:
    """True for a rule of dashes or equals signs (also segmented: ``----  ----``)."""
    s = line.strip()
    if len(s) < 3 or len(line) > 400:
        return False
    # Not "+----+": that is a grid's border, and the line above it is a table row.
    return all(ch in "-=_~ \t" for ch in s) and any(ch in "-=_~" for ch in s)


def _plain(text: str) -> str:
    """A heading's words without Markdown marks (``#####``, ``**``, a list item's ``- ``) or a
    final colon."""
    s = " ".join(text.split()).strip().lstrip("#").strip()
    if s[:2] in ("- ", "* ", "+ "):
        s = s[2:].strip()
    s = s.strip("*_").strip().rstrip(":").strip().strip("*_").strip()
    return s


def is_part(text: str) -> bool:
    """True for one of the article's own part headings (``RESOLUTION``, ``Status``)."""
    return _plain(text).lower() in _PARTS


def _is_generic(text: str) -> bool:
    return _plain(text).lower() in _GENERIC


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _blank(lines: Sequence[str], k: int) -> bool:
    return k < 0 or k >= len(lines) or not lines[k].strip()


def scope_of_sentence(text: str) -> str | None:
    """The scope an introducing sentence names, or ``None`` for boilerplate.

    ``The English Service Pack 2 (SP2) version of this fix should have the
    following file attributes or later:`` → ``Service Pack 2 (SP2)``;
    ``The following files are installed by Secupd.exe:`` → ``Secupd.exe``;
    ``This fix should have the following timestamp for Windows NT Intel:`` →
    ``Windows NT Intel``.
    """
    s = " ".join(text.split())
    if len(s) > 600:
        return None
    for pattern in _SCOPE_PATTERNS:
        m = pattern.search(s)
        if m is None:
            continue
        scope = _LANGUAGE.sub("", m.group("s")).strip(" ,.:;-")
        if scope.lower() in _VAGUE_SCOPE or "download" in scope.lower():
            continue
        if len(scope) > 60 or len(scope.split()) > 10:
            continue
        return scope
    return None


def _heading_at(
    lines: Sequence[str], k: int, table: int, dense: bool = False
) -> tuple[str | None, bool]:
    """Whether line ``k`` is a heading: ``(text, stop)``.

    ``text`` is the heading for a scope heading; ``stop`` is true when the line
    is one of the article's own parts, which ends the search. In ``dense`` text
    (one paragraph a line, no blank lines: flattened web pages) a heading needs
    no blank lines around it.
    """
    line = lines[k]
    if line == TABLE_MARK:
        return None, True
    s = line.strip()
    if _ATX.match(s) and len(s) <= _MAX_ATX:
        # A Markdown heading is a heading whatever its length or wording; the
        # one "# " heading is the article's title, above every scope.
        text = _plain(s.rstrip("#"))
        if is_part(text) or s.startswith("# "):
            return None, True
        if not text or _is_generic(text):
            return None, False
        return text, False
    if not s or len(s) > _MAX_HEADING:
        return None, False
    # An underlined heading: text over a rule.
    if k + 1 < len(lines) and is_underline(lines[k + 1]) and not is_underline(line):
        if "=" in lines[k + 1] or is_part(s) or _TABLE_HEADER.search(s):
            # A part of the article, or the header of another table: stop here.
            return None, True
        if _is_generic(s):
            return None, False
        return _plain(s), False
    if is_part(s) and (s.isupper() or _blank(lines, k - 1)):
        return None, True
    if _PLATFORM_HEADING.search(s) and not s.endswith("."):
        return _plain(s), False
    if _REFERENCE.match(line) or _LIST_ITEM.match(line) or "://" in s:
        return None, False
    lower = s.lower()
    if _indent(line) > 0 or lower.startswith(_STOPWORDS) or "following" in lower:
        return None, False
    words = s.split()
    # A short line of its own ending in a colon, followed by prose or the table:
    # "IIS 5.0:", "Post-SP4 hotfix information:".
    if s.endswith(":") and len(words) <= 10:
        if _is_generic(s) or not _blank(lines, k - 1):
            return None, False
        nxt = k + 1
        while nxt < table and not lines[nxt].strip():
            nxt += 1
        if nxt >= table or _indent(lines[nxt]) == 0:
            return _plain(s), False
        return None, False
    # A stand-alone short line without sentence punctuation, not "Key: value":
    # between blank lines, or right above the table (copied web pages).
    if (
        len(words) <= 12
        and not s.startswith(_MARKUP)
        and ": " not in s
        and s[-1] not in ".:;,!?\"'"
        and not _TABLE_HEADER.search(s)
        and (dense or (_blank(lines, k - 1) and (_blank(lines, k + 1) or k + 1 == table)))
        and (not dense or len(words) <= 8)
        and re.search(r"[A-Za-z]", s)
        and not _is_generic(s)
    ):
        return _plain(s), False
    return None, False


def _intro_scope(lines: Sequence[str], at: int, floor: int, dense: bool) -> str | None:
    """The scope named by the sentence that introduces the table at ``at``.

    That is the last sentence mentioning "following" (or ending in a colon) in
    the nearest paragraph above the table that has one; notes are skipped.
    """
    k = at - 1
    while k >= floor:
        while k >= floor and not lines[k].strip():
            k -= 1
        end = k
        while k >= floor and lines[k].strip() and end - k < 8:
            k -= 1
        para = " ".join(lines[i].strip() for i in range(k + 1, end + 1))
        if not para:
            return None
        if any(_heading_at(lines, i, at, dense)[1] for i in range(k + 1, end + 1)):
            return None
        sentences = [
            s
            for s in _SENTENCE.split(para)
            if ("following" in s.lower() or s.endswith(":")) and not s.lower().startswith("note")
        ]
        if sentences:
            return scope_of_sentence(sentences[-1])
    return None


def is_dense(lines: Sequence[str]) -> bool:
    """True for text with (almost) no blank lines: one paragraph a line."""
    filled = sum(1 for line in lines if line.strip())
    return filled >= 10 and (len(lines) - filled) * 10 < filled


def find_section(
    lines: Sequence[str], at: int, floor: int = 0, *, dense: bool = False
) -> str | None:
    """The section of the table whose first line (header or row) is ``lines[at]``.

    ``floor`` is the first line after the previous table: headings above it
    belong to that table. ``dense`` is :func:`is_dense` of the whole text.
    """
    floor = max(floor, at - _LOOKBACK, 0)
    level = 7  # below a generic Markdown heading, only the headings that enclose it count
    for k in range(at - 1, floor - 1, -1):
        atx = _ATX_LEVEL.match(lines[k].strip())
        if level < 7 and (atx is None or len(atx.group(1)) >= level):
            continue
        heading, stop = _heading_at(lines, k, at, dense)
        if stop:
            break
        if heading:
            return heading
        if atx is not None and _is_generic(lines[k]):
            level = len(atx.group(1))  # "#### File information": look to its parents
    return _intro_scope(lines, at, floor, dense)
