"""An article's identity: its KB number, title and products.

The KB number is taken only from places that name the article itself, never
from the body, which cites other articles freely (``Q274149 Cookies Are Not
Marked as Secure``): the ``DOCUMENT:Q251143`` header, ``Article ID: 816085``,
the number in the title (``... (235978)``, ``... (KB4012212)``), "previously
published under Q235978", the ``Keywords:`` line (``KB235978``), and in a web
page its address (canonical link, ``saved from url`` comment, meta tags).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

_HEAD_LINES = 12  # lines at the top where a KB number in a title counts

_DOCUMENT = re.compile(r"^\s*DOCUMENT\s*:\s*Q?(\d{4,7})\b", re.IGNORECASE | re.MULTILINE)
# "Article ID: 816085", "Article: Q323332", "_Original KB number:_ &nbsp; 2492386";
# not "see article 824146" in the body.
_ARTICLE_ID = re.compile(
    r"(?:Article\s{1,5}ID[\s*_:#\u00a0]{0,20}|Article\s{0,5}:[\s\u00a0]{0,20}"
    r"|(?:Original\s{1,5})?KB\s{1,5}(?:article\s{1,5})?number[\s*_:#\u00a0]{0,20})"
    r"(?:&nbsp;[\s*_:\u00a0]{0,20}){0,3}(?:KB|Q)?(\d{4,7})\b",
    re.IGNORECASE,
)
_TITLE_PREFIX = re.compile(r"^\s*(?:KB|Q)(\d{4,7})\s*[:\-\u2013\u2014]\s*", re.IGNORECASE)
_NAME_NUMBER = re.compile(r"(?:^|[^A-Za-z0-9])(?:KB|Q)[-_ ]?(\d{4,7})(?![0-9])", re.IGNORECASE)
_PUBLISHED = re.compile(r"previously\s+published\s+under\s+Q(\d{4,7})\b", re.IGNORECASE)
_KEYWORDS = re.compile(r"^\s*Keywords\s*:(.{0,2000})$", re.IGNORECASE | re.MULTILINE)
_KB_WORD = re.compile(r"\bKB\s?(\d{5,7})\b")
_TITLE_NUMBER = re.compile(r"\((?:KB\s?|Q)?(\d{5,7})\)\s*$")
_URL_NUMBER = (
    re.compile(r"support\.microsoft\.com/(?:[a-z]{2}-[a-z]{2}/)?(?:kb|help)/q?(\d{4,7})\b", re.I),
    re.compile(r"[?&;](?:scid=)?kb;[a-z-]{2,8};q?(\d{4,7})\b", re.IGNORECASE),
    re.compile(r"[?&](?:kbid|id|articleid)=q?(\d{5,7})\b", re.IGNORECASE),
    re.compile(r"/kb/q?(\d{4,7})\b", re.IGNORECASE),
    re.compile(r"/(?:Q|KB)(\d{4,7})(?:[/.?#]|$)", re.IGNORECASE),
)
_TITLE = re.compile(r"^\s*TITLE\s*:(.+)$", re.IGNORECASE | re.MULTILINE)
_MARKDOWN_TITLE = re.compile(r"#\s+(\S.{0,300}?)\s*#*\s*$")
_PRODUCT = re.compile(r"^\s*PRODUCT(?:\(S\))?\s*:(.+)$", re.IGNORECASE | re.MULTILINE)
_APPLIES = re.compile(
    r"^\s*(?:the information in this article applies to|applies to)\s*:?\s*(.*)$", re.IGNORECASE
)
_MARKDOWN_PRODUCTS = re.compile(
    r"^\s*[_*]{1,2}(?:Original product version|Applies to)\s*:\s*[_*]{1,2}\s*(.*)$", re.IGNORECASE
)
_BULLET = re.compile(r"^(\s*)(?:[-*\u2022\u00b7o]|\d{1,2}[.)])\s+(.+)$")
_PARTS = re.compile(
    r"^(?:SYMPTOMS?|CAUSE|RESOLUTION|STATUS|MORE INFORMATION|WORKAROUND|SUMMARY|INTRODUCTION|"
    r"REFERENCES|APPLIES TO|NOTES?)\s*:?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Identity:
    """What an article says about itself."""

    kb: str | None
    title: str | None
    products: tuple[str, ...]


def kb_from_text(text: str, title: str | None = None) -> str | None:
    """The article's own KB number from its text (and title), or ``None``."""
    head = text[:200_000]
    for pattern in (_DOCUMENT, _ARTICLE_ID):
        m = pattern.search(head)
        if m:
            return _digits(m.group(1))
    if title:
        m = _TITLE_NUMBER.search(title) or _TITLE_PREFIX.match(title) or _KB_WORD.search(title)
        if m:
            return _digits(m.group(1))
    first = [line for line in head.splitlines()[:200] if line.strip()][:_HEAD_LINES]
    for line in first[:3]:
        m = _TITLE_NUMBER.search(line) or _TITLE_PREFIX.match(line) or _KB_WORD.search(line)
        if m:
            return _digits(m.group(1))
    m = _PUBLISHED.search(head)
    if m:
        return _digits(m.group(1))
    for m in _KEYWORDS.finditer(head):
        found = _KB_WORD.search(m.group(1))
        if found:
            return _digits(found.group(1))
    return None


def kb_from_urls(urls: Sequence[str]) -> str | None:
    """A KB number in the page's own addresses (canonical link, ``saved from url``)."""
    for url in urls:
        for pattern in _URL_NUMBER:
            m = pattern.search(url[:2000])
            if m:
                return _digits(m.group(1))
    return None


def kb_from_name(source: str | None) -> str | None:
    """A KB number in a file name (``KB5050771-files.csv``, ``Q323332.TXT``), or ``None``.

    The last resort: CSV file lists and pages saved from flattened text carry
    their number only in the name they were saved under.
    """
    if not source:
        return None
    base = re.split(r"[\\/]", source)[-1]
    m = _NAME_NUMBER.search(base[:300])
    return _digits(m.group(1)) if m else None


def _digits(text: str) -> str:
    return str(int(text))


def title_from_text(lines: Sequence[str]) -> str | None:
    """The title: a ``TITLE   :`` header (or front-matter ``title:``), a Markdown
    ``# heading``, or a first line that reads like a title."""
    head = "\n".join(lines[:60])
    m = _TITLE.search(head)
    if m:
        title = clean_title(m.group(1))
        if title:
            return title
    body = lines[_front_matter_end(lines) :]
    for line in body[:40]:
        m = _MARKDOWN_TITLE.match(line)
        if m:
            return clean_title(m.group(1))
    for line in body[:40]:
        s = line.strip().lstrip("#").strip()
        if not s:
            continue
        if len(s) > 200 or _PARTS.match(s) or s.endswith((".", ":", ",")) or "|" in s:
            return None
        if len(s.split()) < 2 or s.startswith(("<", "{", "[")):
            return None
        if re.match(r"(?:Article ID|DOCUMENT|Last Review|Revision)\b", s, re.IGNORECASE):
            continue
        return clean_title(s)
    return None


def _front_matter_end(lines: Sequence[str]) -> int:
    """The index of the first line after a Markdown page's front matter (0 if none)."""
    if not lines or lines[0].strip() != "---":
        return 0
    for k in range(1, min(len(lines), 200)):
        if lines[k].strip() in ("---", "..."):
            return k + 1
    return 0


def clean_title(text: str) -> str | None:
    """A title without surrounding quotes, entities or the article's number at its end."""
    s = " ".join(html.unescape(text).split()) if "&" in text else " ".join(text.split())
    if len(s) > 1 and s[0] == s[-1] and s[0] in "\"'":
        s = s[1:-1].strip()  # a quoted front-matter value
    s = _TITLE_NUMBER.sub("", s).strip()
    s = _TITLE_PREFIX.sub("", s).strip()  # "Q323332: ..." as archives title them
    return s or None


def products_from_text(lines: Sequence[str]) -> tuple[str, ...]:
    """Products from the ``PRODUCT :`` header, the "applies to" list, and a support
    article's ``_Original product version:_`` / ``_Applies to:_`` line."""
    out: list[str] = []
    head = "\n".join(lines[:60])
    m = _PRODUCT.search(head)
    if m and m.group(1).strip():
        out.append(" ".join(m.group(1).split()))
    for line in lines[:60]:
        m = _MARKDOWN_PRODUCTS.match(line) if len(line) <= 5000 else None
        if m is not None:
            out.extend(_product_list(m.group(1)))
    for i, line in enumerate(lines[:400]):
        m = _APPLIES.match(line) if len(line) <= 300 else None
        if m is None:
            continue
        if m.group(1).strip():
            out.append(" ".join(m.group(1).split()))
        out.extend(_bullets(lines, i + 1))
        break
    seen: list[str] = []
    for product in out:
        product = re.sub(r",?\s*used with:?$", "", product).strip().rstrip(":").strip()
        if product and product not in seen and len(product) <= 200:
            seen.append(product)
    return tuple(seen)


def _product_list(text: str) -> list[str]:
    """``A, B, Windows 10, version 1809`` as products; a ``version ...`` part stays
    with the product before it."""
    items: list[str] = []
    for part in text.replace("&nbsp;", " ").split(","):
        part = " ".join(part.split())
        if not part:
            continue
        if items and re.match(r"(?:version|update|service pack|sp\d)\b", part, re.IGNORECASE):
            items[-1] = f"{items[-1]}, {part}"
        else:
            items.append(part)
    return items


def _bullets(lines: Sequence[str], start: int) -> list[str]:
    """The bulleted list starting at ``start``; blank lines and a rule before it are skipped."""
    items: list[str] = []
    indent = -1
    stop = min(len(lines), start + 80)
    for i in range(start, stop):
        line = lines[i]
        s = line.strip()
        if not s:
            continue
        if set(s) <= set("-=_"):
            if items:
                break
            continue
        m = _BULLET.match(line)
        if m:
            items.append(m.group(2).strip())
            indent = len(m.group(1))
        elif items and lines[i - 1].strip() and len(line) - len(line.lstrip()) > indent:
            items[-1] = f"{items[-1]} {s}"  # a wrapped item
        else:
            break
    return items
