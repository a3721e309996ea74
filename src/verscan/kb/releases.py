"""Which Windows releases, and which system platform, each table of an article is for.

A row is for the releases its section (the heading its table sits under) names:
``For all supported x64-based versions of Windows 7 and of Windows Server 2008
R2`` gives Windows 7 and Windows Server 2008 R2 on x64-based systems. When the
section names no release, the article's own product list does, if it names
releases of one kernel line only (the ``PRODUCT`` and ``PROD/VER`` header, an
"applies to" list, ``Original product version``), else its title on the same
terms. An article about several releases whose table says nothing leaves the
row's releases unknown: verdicts then go by the row's version line.

The system platform is the *system's*: the platform in the heading
(``x64-based``), or the one platform the releases exist for (Windows XP
Professional x64 Edition). A WOW64 row of an x64 package keeps its own file
platform (x86) and gets the system platform x64.

A heading that names exactly one service pack (``Windows Server 2003 with
Service Pack 1, x64-based versions``) gives the rows that have no SP
requirement of their own that one.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence

from verscan.manifest.model import FileRow
from verscan.windows.catalogue import RELEASE_BY_NAME, lines_of
from verscan.windows.names import Mentions, read_mentions

_PROD_VER = re.compile(r"^\s*PROD/VER\s*:+\s*(.*)$", re.IGNORECASE)
_PRODUCT = re.compile(r"^\s*PRODUCT\s*:+\s*(.*)$", re.IGNORECASE)
_HEAD_LINES = 60

# PROD/VER names a product's versions by platform ("winnt:4.0,2000; WINDOWS:98").
# They are Windows releases only when the PRODUCT is Windows itself.
_NT_VERSIONS = {
    "3.1": "Windows NT 3.1",
    "3.5": "Windows NT 3.5",
    "3.51": "Windows NT 3.51",
    "4.0": "Windows NT 4.0",
    "5.0": "Windows 2000",
    "2000": "Windows 2000",
    "5.1": "Windows XP",
    "xp": "Windows XP",
}
_WINDOWS_VERSIONS = {
    "95": "Windows 95",
    "98": "Windows 98",
    "98se": "Windows 98 SE",
    "me": "Windows Me",
    "2000": "Windows 2000",
    "xp": "Windows XP",
}


def scope_rows(
    rows: Iterable[FileRow],
    *,
    lines: Sequence[str],
    products: Sequence[str],
    title: str | None,
) -> list[FileRow]:
    """``rows`` with ``releases``, ``system_platform`` and (from a heading) ``sp_requirement``."""
    article = article_releases(lines, products, title)
    cache: dict[str | None, Mentions] = {}
    out: list[FileRow] = []
    for row in rows:
        if row.section not in cache:
            cache[row.section] = read_mentions(row.section or "")
        scope = cache[row.section]
        releases = scope.releases or article
        platform = scope.platform or _implied_platform(releases)
        sp = row.sp_requirement
        if sp is None and releases and len(scope.service_packs) == 1:
            sp = f"SP{scope.service_packs[0]}"
        out.append(
            dataclasses.replace(
                row,
                releases=tuple(releases),
                system_platform=platform,
                sp_requirement=sp,
            )
        )
    return out


def article_releases(
    lines: Sequence[str], products: Sequence[str], title: str | None
) -> tuple[str, ...]:
    """The releases the article as a whole is for, when they are of one kernel line only."""
    named: list[str] = []
    for product in (*products, *_prod_ver(lines)):
        named.extend(read_mentions(product).releases)
    found = _one_line(named)
    if found or named:
        return found
    return _one_line(read_mentions(title or "").releases)


def _one_line(names: Sequence[str]) -> tuple[str, ...]:
    unique = tuple(dict.fromkeys(names))
    return unique if unique and len(lines_of(unique)) == 1 else ()


def _implied_platform(releases: Sequence[str]) -> str | None:
    platforms = {RELEASE_BY_NAME[r].platform for r in releases if r in RELEASE_BY_NAME}
    if len(platforms) == 1:
        return platforms.pop()
    return None


def _prod_ver(lines: Sequence[str]) -> list[str]:
    """Release names from the ``PROD/VER`` header, when ``PRODUCT`` is Windows itself."""
    product = None
    values = None
    for line in lines[:_HEAD_LINES]:
        if len(line) > 300:
            continue
        if product is None and (m := _PRODUCT.match(line)):
            product = m.group(1)
        if values is None and (m := _PROD_VER.match(line)):
            values = m.group(1)
    if not product or not values or not re.search(r"\bwindows\b", product, re.IGNORECASE):
        return []
    if re.search(r"\b(?:exchange|sql|office|proxy|site server|sms|iis)\b", product, re.I):
        return []
    names: list[str] = []
    for part in values.split(";"):
        key, colon, versions = part.partition(":")
        if not colon:  # "PROD/VER::4.0": the product's own versions
            key, versions = product, part
        table = _NT_VERSIONS if re.search(r"nt\b", key, re.IGNORECASE) else _WINDOWS_VERSIONS
        for version in re.split(r"[,\s]+", versions):
            v = re.sub(r"sp\d.*$", "", version.strip().lower()).rstrip(".")
            if v in table:
                names.append(table[v])
    return names
