"""Windows releases named in text: KB headings, product lists, and the ``--os`` option.

Articles name releases in many ways: ``Windows Server 2008 R2``, ``Microsoft
Windows 2000 Advanced Server``, ``Windows NT Server version 4.0``, ``Windows 10,
version 1809``, ``Windows XP Professional x64 Edition``, ``For all supported
x64-based versions of Windows XP and of Windows Server 2003``. :func:`read_mentions`
finds them, longest name first (``Windows Server 2008 R2`` is not also ``Windows
Server 2008``), with the system platform and the service pack the text names.

One rule of the articles' wording is applied: in a heading about x64-based
systems ``Windows XP`` is Windows XP Professional x64 Edition, which runs Server
2003's kernel, and about Itanium-based systems it is Windows XP 64-Bit Edition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from verscan.windows.catalogue import BUILD_RELEASES, RELEASE_BY_NAME, RELEASE_NAMES

MAX_TEXT = 4000
"""Longest text searched; headings and product lists are far shorter."""

_W = r"(?:Microsoft\s+)?Windows(?:\u00ae|\(R\))?\s+"
_V10 = r"(?:1507|1511|1607|1703|1709|1803|1809|1903|1909|2004|20H2|21H1|21H2|22H2|23H2|24H2|25H2)"
_VERSIONS = (
    rf"(?:,?\s*(?:versions?|Version|Versions)?\s*(?P<vers>{_V10}(?:\s*(?:,|and|or|&)\s*{_V10})*))?"
)
_NT_VERSION = r"(?:3\.1|3\.5|3\.51|4\.0|4)"

# (pattern, release name or None when the pattern's groups decide), longest first.
_PATTERNS: tuple[tuple[re.Pattern[str], str | None], ...] = tuple(
    (re.compile(p, re.IGNORECASE), name)
    for p, name in (
        (_W + r"Server\s+2008\s+R2\b", "Windows Server 2008 R2"),
        (_W + r"Server\s+2012\s+R2\b", "Windows Server 2012 R2"),
        (_W + r"Server\s+2003\s+R2\b", "Windows Server 2003 R2"),
        (_W + r"Small\s+Business\s+Server\s+2011\b", "Windows Server 2008 R2"),
        (_W + r"(?:Small\s+Business\s+|Storage\s+|Essential\s+Business\s+)?Server\s+2008\b",
         "Windows Server 2008"),
        (_W + r"(?:Small\s+Business\s+|Storage\s+)?Server\s+2003\b", "Windows Server 2003"),
        (_W + r"Home\s+Server\b", "Windows Server 2003"),
        (_W + r"Server\s+2012\b", "Windows Server 2012"),
        (_W + r"Server\s+2016\b", "Windows Server 2016"),
        (_W + r"Server\s+2019\b", "Windows Server 2019"),
        (_W + r"Server\s+2022\b", "Windows Server 2022"),
        (_W + r"Server\s+2025\b", "Windows Server 2025"),
        (_W + r"Server,?\s+versions?\s+(?P<vers>" + _V10 + r"(?:\s*(?:,|and|or)\s*" + _V10
         + r")*)", None),
        (_W + r"(?:10|11)\s+(?:Enterprise\s+)?(?:2015\s+)?LTSB\s*2015\b|" + _W
         + r"10\s+Enterprise\s+2015\s+LTSB\b", "Windows 10 version 1507"),
        (_W + r"10\s+(?:Enterprise\s+|IoT\s+Enterprise\s+)?(?:2016\s+LTSB|LTSB\s+2016)\b",
         "Windows 10 version 1607"),
        (_W + r"10\s+(?:Enterprise\s+|IoT\s+Enterprise\s+)?LTSC\s+2019\b",
         "Windows 10 version 1809"),
        (_W + r"10\s+(?:Enterprise\s+|IoT\s+Enterprise\s+)?LTSC\s+2021\b",
         "Windows 10 version 21H2"),
        (_W + r"11\s+(?:Enterprise\s+|IoT\s+Enterprise\s+)?LTSC\s+2024\b",
         "Windows 11 version 24H2"),
        (_W + r"(?P<win>10|11)\b(?!\.)" + _VERSIONS, None),
        (_W + r"8\.1\b|" + _W + r"RT\s+8\.1\b", "Windows 8.1"),
        (_W + r"(?:Embedded\s+)?8\b(?!\.\d)|" + _W + r"RT\b(?!\s+8\.1)", "Windows 8"),
        (_W + r"(?:Embedded\s+(?:Standard\s+|POSReady\s+)?)7\b|" + _W + r"Thin\s+PC\b",
         "Windows 7"),
        (_W + r"7\b(?!\.\d)", "Windows 7"),
        (_W + r"Vista\b", "Windows Vista"),
        (_W + r"XP\s+(?:Professional\s+)?x64(?:\s+Edition)?\b", "Windows XP x64"),
        (_W + r"XP\s+64-?\s?Bit\s+Edition(?:,?\s+Version\s+2003)?", "Windows XP 64-Bit Edition"),
        (_W + r"Embedded\s+(?:POSReady|Standard)\s+2009\b|" + _W + r"(?:Embedded\s+)?XP\b",
         "Windows XP"),
        (_W + r"2000\b", "Windows 2000"),
        (_W + r"Millennium(?:\s+Edition)?\b|" + _W + r"Me\b", "Windows Me"),
        (_W + r"98\s+(?:Second\s+Edition|SE)\b", "Windows 98 SE"),
        (_W + r"98\b", "Windows 98"),
        (_W + r"95\b", "Windows 95"),
        (_W + r"NT(?:\s+(?:Server|Workstation))?(?:,?\s+(?:Enterprise|Terminal\s+Server)"
         r"(?:\s+Edition)?)?,?\s+(?:versions?\s+)?(?P<nt>" + _NT_VERSION
         + r"(?:\s*(?:,|and|or)\s*" + _NT_VERSION + r")*)\b", None),
        (_W + r"NT\s+(?:Server|Workstation)\s+(?:Enterprise\s+Edition\s+)?"
         r"(?:versions?\s+)?(?P<nt2>" + _NT_VERSION + r")\b", None),
    )
)  # fmt: skip

_SYSTEM_PLATFORMS = (
    (re.compile(r"\bx86[- ]based\b|\b32-bit\s+x86\b|\(x86\)", re.IGNORECASE), "x86"),
    (re.compile(r"\b(?:x64|AMD64)[- ]based\b|\bx64\s+Editions?\b|\(x64\)", re.IGNORECASE), "x64"),
    (re.compile(r"\b(?:IA-?64|Itanium)[- ]based\b|\bfor\s+Itanium\b", re.IGNORECASE), "ia64"),
    (re.compile(r"\bARM64[- ]based\b|\bARM64\b", re.IGNORECASE), "arm64"),
    (re.compile(r"\b32-bit\s+(?:Editions?|versions?)\b", re.IGNORECASE), "x86"),
)

# "64-bit Edition": Itanium for Windows XP and Server 2003 (their x64 editions say "x64"),
# x64 for Vista and later.
_SIXTY_FOUR = re.compile(r"\b64-bit\s+(?:Editions?|versions?)\b", re.IGNORECASE)
_ITANIUM_ERA = frozenset(
    {"Windows XP", "Windows XP 64-Bit Edition", "Windows Server 2003", "Windows Server 2003 R2"}
)

# "OS Build 19045.5371", "OS Builds 19044.5371 and 19045.5371".
_OS_BUILDS = re.compile(
    r"\bOS\s+Builds?\s+(\d{5})\.\d+(?:\s*(?:,|and)\s*(\d{5})\.\d+)*", re.IGNORECASE
)
_BUILD = re.compile(r"\b(\d{5})\.\d+")

# A service pack of the release named just before it: "Windows XP SP2", "Windows Server 2003
# with Service Pack 1", "Windows 2000 Server Service Pack 4". A service pack named on its own
# ("SMS Service Pack 3") is another product's.
_SP_AFTER = re.compile(
    r"\s*(?:\(?(?:\d\d-bit|x86|x64|Itanium)[^)]{0,20}\)?\s*)?,?\s*"
    r"(?:(?:Professional|Server|Advanced\s+Server|Datacenter\s+Server|Home\s+Edition|"
    r"Standard\s+Edition|Enterprise\s+Edition|Workstation)\s+)?"
    r"(?:with\s+|\()?(?:Service\s+Pack\s+|SP)([1-6])[a]?\b(?!\.)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Mentions:
    """What a text says about the systems it is for."""

    releases: tuple[str, ...]
    """Release names (catalogue names), in the order the text names them, without repeats."""
    platform: str | None
    """The one system platform named (``x64-based``), or None for none or several."""
    service_packs: tuple[int, ...]
    """Service-pack numbers named right after a release (``Windows XP SP2``), without repeats."""


def read_mentions(text: str) -> Mentions:
    """The releases, system platform and service packs ``text`` names."""
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
    flat = " ".join(text.replace("\u00a0", " ").split())
    platform = system_platform(flat)
    found: list[tuple[int, str]] = []
    packs: list[int] = []
    taken = [False] * len(flat)
    for pattern, name in _PATTERNS:
        for m in pattern.finditer(flat):
            if any(taken[m.start() : m.end()]):
                continue
            names = _names(m, name)
            if not names:
                continue
            for k in range(m.start(), m.end()):
                taken[k] = True
            found.extend((m.start(), n) for n in names)
            sp = _SP_AFTER.match(flat, m.end())
            if sp is not None and int(sp.group(1)) not in packs:
                packs.append(int(sp.group(1)))
    for m in _OS_BUILDS.finditer(flat):
        for build in _BUILD.findall(m.group(0)):
            found.extend((m.start(), name) for name in BUILD_RELEASES.get(int(build), ()))
    found.sort(key=lambda item: item[0])
    if platform is None and _SIXTY_FOUR.search(flat):
        named = {name for _, name in found}
        platform = "ia64" if named and named <= _ITANIUM_ERA else "x64" if named else None
    releases: list[str] = []
    for _, name in found:
        name = _on_platform(name, platform)
        if name not in releases:
            releases.append(name)
    return Mentions(tuple(releases), platform, tuple(packs))


def system_platform(text: str) -> str | None:
    """The one system platform a text names (``x64-based versions``), or None."""
    found = {platform for pattern, platform in _SYSTEM_PLATFORMS if pattern.search(text)}
    return found.pop() if len(found) == 1 else None


def _names(m: re.Match[str], name: str | None) -> list[str]:
    if name is not None:
        return [name]
    groups = m.groupdict()
    if groups.get("win"):
        versions = _split(groups.get("vers"))
        base = f"Windows {groups['win']}"
        if not versions:
            return [base]
        return [n for v in versions if (n := f"{base} version {v.upper()}") in RELEASE_BY_NAME]
    if groups.get("nt") or groups.get("nt2"):
        out = []
        for v in _split(groups.get("nt") or groups.get("nt2")):
            v = "4.0" if v == "4" else v
            if f"Windows NT {v}" in RELEASE_BY_NAME:
                out.append(f"Windows NT {v}")
        return out
    if groups.get("vers"):
        return [
            n
            for v in _split(groups["vers"])
            if (n := f"Windows Server version {v.upper()}") in RELEASE_BY_NAME
        ]
    return []


def _split(text: str | None) -> list[str]:
    if not text:
        return []
    return [p for p in re.split(r"\s*(?:,|\band\b|\bor\b|&)\s*", text) if p]


def _on_platform(name: str, platform: str | None) -> str:
    """``Windows XP`` about x64-based or Itanium-based systems is one of XP's 64-bit editions."""
    if name == "Windows XP" and platform == "x64":
        return "Windows XP x64"
    if name == "Windows XP" and platform == "ia64":
        return "Windows XP 64-Bit Edition"
    return name


def suggest_release(name: str) -> str | None:
    """The catalogue name ``name`` was probably meant to be, or None."""
    import difflib

    folded = {n.casefold(): n for n in RELEASE_NAMES}
    if name.casefold() in folded:
        return folded[name.casefold()]
    found = read_mentions(name).releases
    if len(found) == 1:
        return found[0]
    close = difflib.get_close_matches(name, RELEASE_NAMES, n=1, cutoff=0.6)
    return close[0] if close else None
