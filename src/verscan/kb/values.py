"""Cell values of KB file tables: dates, times, sizes, versions, platforms, names.

Pure functions over short strings. Each parser returns ``None`` for text that is
not of its kind, so the table readers can also use them to classify a token by
its shape. Every pattern is anchored and has no nested repetition, and inputs
longer than :data:`MAX_CELL` are refused outright, so hostile text cannot make
them slow.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

MAX_CELL = 300
"""Longest cell text worth looking at; anything longer is not a table value."""

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10,
    "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip

# Day-month-year with a month name: 28-Jun-2002, 10-JUN-2001, 02-May-01, 28 Jun 2002.
_DMY_NAME = re.compile(r"(\d{1,2})[-\s]([A-Za-z]{3,9})\.?[-\s,]{1,2}(\d{4}|\d{2})")
# Month name first: Jun 28, 2002 / June 28 2002 / Aug-12-2000 / JUL-10-2002.
_MDY_NAME = re.compile(
    r"([A-Za-z]{3,9})\.?\s(\d{1,2}),?\s(\d{4})|([A-Za-z]{3,9})-(\d{1,2})-(\d{4}|\d{2})"
)
# A weekday before a date: "Sat, Dec 4, 1993", "Wed 05-Jan-1994".
_WEEKDAY = re.compile(
    r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|urday)?\.?,?\s",
    re.IGNORECASE,
)
# Numeric: 09-25-1998, 7/29/97, 5/17/2000 (US order, as most articles print them;
# see numeric_day_first for tables printed day first). Never with dots:
# "4.10.1998" is a Windows 98 version, not a date.
_NUMERIC = re.compile(r"(\d{1,2})([/-])(\d{1,2})\2(\d{4}|\d{2})")
# ISO: 2016-10-05, 2016/10/05.
_ISO = re.compile(r"(\d{4})([/-])(\d{1,2})\2(\d{1,2})")

_DIGIT = re.compile(r"\d")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s?([AaPp])\.?(?:[Mm]\.?)?)?")

_SIZE_COMMA = re.compile(r"\d{1,3}(?:,\d{3})+")
_SIZE_DOT = re.compile(r"\d{1,3}(?:\.\d{3})+")
_SIZE_SPACE = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+")
_SIZE_PLAIN = re.compile(r"\d{1,15}")
_SIZE_UNIT = re.compile(
    r"(\d[\d,.]{0,20})\s?(bytes?|b|kb|k|kib|mb|mib|gb|m)\.?",
    re.IGNORECASE,
)

_VERSION = re.compile(r"[vV]?(\d{1,10}(?:\.\d{1,10}){1,5})")
_VERSION_LONE = re.compile(r"\d{1,10}")
_VERSION_PREFIX = re.compile(r"[A-Za-z]{1,8}\.?\s(\d{1,10}(?:\.\d{1,10}){1,5})")

NULL_WORDS = frozenset(
    {
        "", "-", "--", "---", "n/a", "na", "n.a.", "none", "not applicable",
        "not available", "notapplicable", "(none)", "\u2014", "\u2013",
    }
)  # fmt: skip
"""Cell texts that mean "no value"."""

# A file name as a token: no spaces, no characters Windows forbids, and an
# extension. Names of pure digits and dots are versions or sizes, not names.
_NAME = re.compile(r"[^\s\\/:*?\"<>|,;]{0,200}\.[A-Za-z0-9_$~#!-]{1,16}")
_NAME_CELL = re.compile(r"[^\\/:*?\"<>|]{1,255}")
_PAREN_TAIL = re.compile(r"(.*?)\s?\(([^()]{1,40})\)")

_PLATFORM_WORDS = {
    "x86": "x86", "i386": "x86", "i486": "x86", "i586": "x86", "intel": "x86",
    "ia32": "x86", "ia-32": "x86", "32-bit": "x86", "32bit": "x86", "x32": "x86",
    "win32": "x86", "wow": "x86", "wow64": "x86",
    "x64": "x64", "amd64": "x64", "x86-64": "x64", "x86_64": "x64", "em64t": "x64",
    "64-bit": "x64", "64bit": "x64", "x8664": "x64",
    "ia64": "ia64", "ia-64": "ia64", "itanium": "ia64", "ipf": "ia64",
    "arm64": "arm64", "aarch64": "arm64",
    "alpha": "alpha", "axp": "alpha",
    "mips": "mips", "r4000": "mips", "r4x00": "mips",
    "ppc": "ppc", "powerpc": "ppc",
}  # fmt: skip
"""Words that name a CPU platform, lower case, and the manifest's name for each."""

# CPU models that name their platform's family: the MIPS R-series (R3000,
# R4100, R4300), PowerPC models (PPC403, PPC821), Intel's x86 line (i486,
# Pentium). Windows CE tables list their builds by model.
_CPU_MODELS = (
    (re.compile(r"r\d{4,5}"), "mips"),
    (re.compile(r"ppc\s?\d{3,4}"), "ppc"),
    (re.compile(r"i[3-6]86|pentium(?:\s?(?:pro|mmx|ii|iii|4))?"), "x86"),
)
# Build flavours after (or before) a CPU: "R3000 (Debug)", "x86 checked", "Alpha free build".
_BUILD_QUALIFIER = re.compile(
    r"\(\s?(?:debug|retail|checked|free|chk|fre)(?:\s?build)?\s?\)"
    r"|\b(?:debug|retail|checked|free|chk|fre)(?:\s?build)?\b",
    re.IGNORECASE,
)

_BRANCHES = ("GDR", "QFE", "LDR", "WOW")
# "SP6a" keeps its letter; the "G" of "SP2GDR" is the branch, not part of the SP.
_SP = re.compile(r"(?:SP|SERVICE\s?PACK\s?)(\d{1,2})(a(?![A-Za-z]))?|(RTM)", re.IGNORECASE)
_HEX64 = re.compile(r"[0-9A-Fa-f]{64}")


def _clean(text: str) -> str | None:
    """Collapse white space; ``None`` for text too long to be a cell."""
    if len(text) > MAX_CELL:
        return None
    return " ".join(text.split())


def _year(text: str) -> int | None:
    """Four-digit years as written; two-digit ones 70-99 → 19xx, 00-69 → 20xx."""
    year = int(text)
    if len(text) == 2:
        year += 1900 if year >= 70 else 2000
    if not 1970 <= year <= 2099:
        return None
    return year


def _iso(year: int | None, month: int, day: int) -> str | None:
    if year is None:
        return None
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def _unwrap(text: str) -> str | None:
    """A cell's text with blanks collapsed and closed up around date separators."""
    s = _clean(text)
    if not s:
        return None
    # A wrapped cell leaves blanks around the separators: "07- Oct-2003".
    return re.sub(r"\s?([-/])\s?", r"\1", s)


def parse_date(text: str, *, day_first: bool = False) -> str | None:
    """A table date as ``YYYY-MM-DD``, or ``None`` when ``text`` is not a date.

    Reads ``28-Jun-2002``, ``07- Oct-2003`` (a date broken by a line wrap),
    ``10-JUN-2001``, ``20-Sep-01``, ``28 Jun 2002``, ``Jun 28, 2002``,
    ``Aug-12-2000``, ``Sat, Dec 4, 1993`` (a weekday before the date is
    dropped), ``09-25-1998``, ``7/29/97``, ``2016-10-05``. Numeric dates are month first,
    as most English articles print them, or day first with ``day_first`` (the
    order a whole table prints, see :func:`numeric_day_first`); either way a
    date that cannot be read in that order is read in the other
    (``25/09/1998``).
    """
    if not _DIGIT.search(text):
        return None  # every date has digits: most words are turned away here
    s = _unwrap(text)
    if not s:
        return None
    weekday = _WEEKDAY.match(s)
    if weekday and weekday.end() < len(s):
        s = s[weekday.end() :]
    m = _DMY_NAME.fullmatch(s)
    if m:
        month = _MONTHS.get(m.group(2).lower())
        if month is None:
            return None
        return _iso(_year(m.group(3)), month, int(m.group(1)))
    m = _MDY_NAME.fullmatch(s)
    if m:
        name, day, year = m.group(1, 2, 3) if m.group(1) else m.group(4, 5, 6)
        month = _MONTHS.get(name.lower())
        if month is None:
            return None
        return _iso(_year(year), month, int(day))
    m = _ISO.fullmatch(s)
    if m:
        return _iso(_year(m.group(1)), int(m.group(3)), int(m.group(4)))
    m = _NUMERIC.fullmatch(s)
    if m:
        first, second = int(m.group(1)), int(m.group(3))
        month, day = (second, first) if day_first else (first, second)
        if month > 12 >= day:
            month, day = day, month  # the other order is the only possible one
        return _iso(_year(m.group(4)), month, day)
    return None


def numeric_date_parts(text: str) -> list[tuple[int, int]]:
    """The first two numbers of each numeric date in a cell (``21/09/1999`` → ``(21, 9)``).

    For a Date or a Date/Time cell; dates with a month name or a four-digit
    year first say nothing about the order of the numbers and are left out.
    """
    s = _unwrap(text)
    if not s:
        return []
    parts: list[tuple[int, int]] = []
    for word in s.split(" "):
        m = _NUMERIC.fullmatch(word)
        if m:
            parts.append((int(m.group(1)), int(m.group(3))))
    return parts


def numeric_day_first(texts: Iterable[str]) -> bool:
    """Whether a table's numeric dates are printed day first.

    They are when one of them can only be read day first (its first number is
    over 12: ``21/09/1999``) and none can only be read month first (its second
    number over 12). Then ``08/06/2000`` in the same table is 8 June, not
    August 6. Otherwise the order is month first, the usual one, and a date
    that cannot be month first is still read day first on its own.
    """
    day = month = False
    for text in texts:
        for first, second in numeric_date_parts(text):
            day = day or first > 12
            month = month or second > 12
    return day and not month


def parse_time(text: str) -> str | None:
    """A table time as 24-hour ``HH:MM``, or ``None`` when ``text`` is not a time.

    Reads ``13:07``, `` 9:37``, ``3:12p``, ``10:12p``, ``4:53pm``, ``12:00AM``,
    ``12:41:42 PM``, ``7:45:31PM``; seconds are dropped, not rounded.
    """
    if ":" not in text:
        return None
    s = _clean(text)
    if not s:
        return None
    m = _TIME.fullmatch(s)
    if m is None:
        return None
    hour, minute = int(m.group(1)), int(m.group(2))
    if minute > 59 or (m.group(3) is not None and int(m.group(3)) > 59):
        return None
    half = m.group(4)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half in "Pp" else 0)
    elif hour > 23:
        return None
    return f"{hour:02d}:{minute:02d}"


def parse_datetime(text: str, *, day_first: bool = False) -> tuple[str | None, str | None] | None:
    """A combined ``Date/Time`` cell as ``(date, time)``; ``None`` if it holds no date.

    ``5/17/2000 7:45:31PM`` → ``("2000-05-17", "19:45")``; the time may come
    first (``12:00p 10/13/95``) or be missing (then it is ``None``). An ISO
    timestamp with ``T`` (``2016-10-05T04:12:00``) is read too. ``day_first``
    is as for :func:`parse_date`.
    """
    s = _clean(text)
    if not s:
        return None
    s = s.replace("T", " ", 1) if re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+Z?", s) else s
    s = s.rstrip("Z")
    whole = parse_date(s, day_first=day_first)
    if whole is not None:
        return whole, None
    words = s.split(" ")
    if len(words) > 5:
        return None
    # Try every split into a date part and a time part, either way round.
    for cut in range(1, len(words)):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        date, time = parse_date(head, day_first=day_first), parse_time(tail)
        if date is not None and time is not None:
            return date, time
        date, time = parse_date(tail, day_first=day_first), parse_time(head)
        if date is not None and time is not None:
            return date, time
    return None


def parse_size(text: str) -> int | None:
    """A size in bytes, or ``None`` when ``text`` is not an exact byte count.

    Reads ``122,640``, ``147.010`` (a dot as thousands separator), ``352528``,
    ``24,426 bytes``, ``185,760b``, ``122 640``. Sizes given in other units (``1.79 MB``,
    ``685 KB``) are not byte counts: see :func:`size_in_units`.
    """
    s = _clean(text)
    if not s:
        return None
    m = re.fullmatch(r"(.+?)\s?(?:bytes?|b)", s, re.IGNORECASE)
    if m:
        s = m.group(1)
    if _SIZE_COMMA.fullmatch(s) or _SIZE_DOT.fullmatch(s) or _SIZE_SPACE.fullmatch(s):
        return int(re.sub(r"[^\d]", "", s))
    if _SIZE_PLAIN.fullmatch(s):
        return int(s)
    return None


def size_in_units(text: str) -> bool:
    """True for a size written in kilo- or megabytes (``685 KB``, ``1.79 MB``)."""
    s = _clean(text)
    if not s:
        return False
    m = _SIZE_UNIT.fullmatch(s)
    return m is not None and m.group(2).lower() not in ("byte", "bytes", "b")


def clean_version(text: str) -> str | None:
    """The dotted numeric version in a Version cell, as printed; ``None`` if none.

    ``5.0.2195.6860`` and ``4.02.0752`` stay as they are (leading zeros are
    kept); ``5.0.2195.4555 shp`` → ``5.0.2195.4555``; ``6.1.7601.17514
    (win7sp1_rtm.101119-1850)`` → ``6.1.7601.17514``; ``Gen 1.35`` → ``1.35``;
    ``1.00/1.00`` → ``1.00``; a lone number (``4``) is kept. ``Not applicable``,
    ``N/A`` and ``A.03.01`` → ``None``.
    """
    s = _clean(text)
    if not s or s.lower() in NULL_WORDS:
        return None
    m = _VERSION.match(s)
    if m:
        rest = s[m.end() :]
        # "5.0.2195.4555shp" or "1.1.1b" keep the digits; "4.10.1512.3" is whole.
        if not rest or not rest[0].isdigit():
            return m.group(1)
        return None
    if _VERSION_LONE.fullmatch(s):
        return s
    m = _VERSION_PREFIX.match(s)
    if m:
        return m.group(1)
    return None


_VERSION_QUALIFIER = re.compile(
    r"(?:\s?[A-Za-z]{1,8}|\s?\(.{0,60}\)|,?\s(?:or|and)\s(?:later|greater|higher|newer|above))",
    re.IGNORECASE,
)


def version_qualifier(text: str) -> bool:
    """True for what may follow a dotted version in its cell and be dropped.

    A build tag (``shp``, ``(win7sp1_rtm.101119-1850)``, ``(build 786)``) or a
    floor (``or greater``, ``or later``): the version is the number before it.
    """
    return len(text) <= 80 and _VERSION_QUALIFIER.fullmatch(text) is not None


_COMMA_VERSION = re.compile(r"(\d{1,5}),\s?(\d{1,5}),\s?(\d{1,5}),\s?(\d{1,5})")


def comma_version(text: str) -> str | None:
    """A four-part version written with commas (``1, 0, 0, 72``, ``3,1,0,2124``), dotted.

    Resource compilers print string versions so; sizes (``1,024``) never have
    four parts of which one is shorter than three digits after the first.
    """
    s = _clean(text)
    if not s:
        return None
    m = _COMMA_VERSION.fullmatch(s)
    if m is None or _SIZE_COMMA.fullmatch(s):
        return None
    return ".".join(str(int(part)) for part in m.groups())


def is_version_token(text: str) -> bool:
    """True for a token shaped like a dotted version (``4.00.1112``, ``2.0.92.01``)."""
    return len(text) <= 60 and _VERSION.fullmatch(text) is not None


def is_dotted_size(text: str) -> bool:
    """True for ``1.854.736``: a size written with dots, or a version of that shape."""
    return _SIZE_DOT.fullmatch(text.strip()) is not None


def parse_platform(text: str) -> str | None:
    """The CPU platform a Platform cell names, or ``None``.

    ``I386``, ``x86``, ``Intel``, ``(x86)`` → ``x86``; ``Alpha``, ``ALPHA`` →
    ``alpha``; ``IA-64``, ``Itanium`` → ``ia64``; ``x64``, ``AMD64``,
    ``x64-based`` → ``x64``; ``MIPS``; ``PPC``, ``PowerPC``; ``ARM64``. A build
    flavour (``(Debug)``, ``(Retail)``, ``checked``, ``free``) is not part of
    the platform; CPU models give their family (``R4100`` → ``mips``,
    ``PPC821`` → ``ppc``, ``i486``, ``Pentium`` → ``x86``). CPUs without a
    manifest platform (``ARM720``, ``SA1100``, ``SH3``) give ``None``, as do
    operating system names (``Windows 98``, ``Windows``): Windows 9x ran only on
    x86, but the tables that name them list 16-bit and VxD files whose headers
    carry no PE machine type to compare.
    """
    s = _clean(text)
    if not s:
        return None
    s = " ".join(_BUILD_QUALIFIER.sub(" ", s).split())
    key = s.lower().strip("()[]. ")
    key = re.sub(r"[-\s]?based$", "", key)
    found = _PLATFORM_WORDS.get(key) or _PLATFORM_WORDS.get(key.replace(" ", ""))
    if found:
        return found
    for pattern, platform in _CPU_MODELS:
        if pattern.fullmatch(key):
            return platform
    return None


def platform_detail(text: str) -> str | None:
    """What a Platform cell says beyond its platform: a CPU model or a build flavour.

    ``R4100 (Debug)`` → ``R4100 (Debug)`` (the platform is ``mips``; the cell
    tells builds of one file apart); ``x86``, ``(Alpha)``, ``x64-based`` and
    cells that name no platform → ``None``.
    """
    s = _clean(text)
    if not s or parse_platform(s) is None:
        return None
    key = s.lower().strip("()[]. ")
    key = re.sub(r"[-\s]?based$", "", key)
    if _PLATFORM_WORDS.get(key) or _PLATFORM_WORDS.get(key.replace(" ", "")):
        return None
    return s


def platform_in_text(text: str) -> str | None:
    """The one CPU platform a heading or sentence names, or ``None``.

    ``For all supported x64-based versions of Windows Server 2003`` → ``x64``;
    ``timestamp for Windows NT Alpha`` → ``alpha``. A text that names two
    platforms (``x86 and x64``) or none gives ``None``.
    """
    if len(text) > 4 * MAX_CELL:
        return None
    found: set[str] = set()
    for word in re.findall(r"[A-Za-z0-9_]+(?:-[A-Za-z0-9]+)*", text):
        key = re.sub(r"-based$", "", word.lower())
        if key in ("32-bit", "64-bit", "wow", "win32", "x32", "ipf", "axp"):
            continue  # too loose in prose to scope a table
        platform = _PLATFORM_WORDS.get(key)
        if platform:
            found.add(platform)
    if len(found) == 1:
        return found.pop()
    return None


def parse_branch(text: str) -> tuple[str | None, str | None]:
    """A Service branch cell as ``(sp_requirement, branch)``.

    ``SP2GDR`` → ``("SP2", "GDR")``; ``SP2QFE`` → ``("SP2", "QFE")``; ``WOW`` →
    ``(None, "WOW")``; ``RTMLDR`` → ``("RTM", "LDR")``.
    """
    s = _clean(text)
    if not s:
        return None, None
    upper = s.upper()
    branch = None
    first = len(upper) + 1
    for name in _BRANCHES:
        at = upper.find(name)
        if at >= 0 and at < first:
            branch, first = name, at
    return parse_sp(s), branch


def parse_sp(text: str) -> str | None:
    """A service-pack requirement as printed: ``SP2``, ``Service Pack 1`` → ``SP1``, ``RTM``."""
    s = _clean(text)
    if not s or s.lower() in NULL_WORDS:
        return None
    m = _SP.search(s)
    if m is None:
        return None
    if m.group(3):
        return "RTM"
    return "SP" + m.group(1) + (m.group(2) or "").lower()


def parse_sha256(text: str) -> str | None:
    """A SHA-256 digest in lower-case hex, or ``None``."""
    s = text.strip()
    if _HEX64.fullmatch(s):
        return s.lower()
    return None


@dataclass(frozen=True)
class Name:
    """A file-name cell taken apart."""

    name: str
    """The bare file name (``Imcmsg.dll``)."""
    path: str | None = None
    """The folder printed before it (``%EXSRVROOT%\\Bin``), if any."""
    hint: str | None = None
    """A parenthetical printed after it (``MS-DOS`` in ``EXTERNAL.EXE (MS-DOS)``)."""


def is_name_token(text: str) -> bool:
    """True for a token shaped like a file name, optionally with a folder.

    ``Iischema.dll``, ``Vip.386``, ``54831.sql``, ``iischema.dl_``,
    ``<snaroot>\\system\\snaservr.exe``, ``%EXSRVROOT%\\Bin\\Imcmsg.dll``. Not
    versions (``4.10.1512``), dotted sizes (``1.854.736``), sentence words
    (``file.``, ``Asp.dll,``) or addresses (``http://...``).
    """
    if len(text) > MAX_CELL or "://" in text or "@" in text:
        return False
    base = re.split(r"[\\/]", text)[-1]
    if not _NAME.fullmatch(base):
        return False
    stem, _, ext = base.rpartition(".")
    if not stem.strip("."):
        return False
    if not re.search(r"[A-Za-z_$~]", base):
        return False  # all digits and dots: a version or a size
    if not re.search(r"[A-Za-z_$~]", stem) and not re.match(r"[A-Za-z_$~]", ext):
        return False  # "4.0a", "1.0b": versions with a letter
    # An extension of digits alone is a name only after a stem with letters
    # (Vip.386, NDIS.386), never "v4.0".
    if re.search(r"[A-Za-z_$~]", ext):
        return True
    return len(ext) == 3 and re.search(r"[A-Za-z]", stem) is not None


def split_name(text: str) -> Name | None:
    """A file-name cell as :class:`Name`; ``None`` if it cannot be a file name.

    ``%EXSRVROOT%\\Bin\\Imcmsg.dll`` → name ``Imcmsg.dll``, path
    ``%EXSRVROOT%\\Bin``; ``EXTERNAL.EXE (MS-DOS)`` → name ``EXTERNAL.EXE``, hint
    ``MS-DOS``. Names without an extension are accepted here (cells are
    unambiguous); pure numbers, dates and versions are not.
    """
    s = _clean(text)
    if not s:
        return None
    hint = None
    m = _PAREN_TAIL.fullmatch(s)
    if m and m.group(1):
        s, hint = m.group(1).strip(), m.group(2).strip()
    s = s.strip("\"'")
    path = None
    cut = max(s.rfind("\\"), s.rfind("/"))
    if cut >= 0:
        path, s = s[:cut] or None, s[cut + 1 :]
    if not s or not _NAME_CELL.fullmatch(s) or not re.search(r"[A-Za-z_]", s):
        return None
    if s.lower() in NULL_WORDS or ("." not in s and " " in s):
        return None  # words, not a file name
    if parse_date(s) or parse_time(s) or is_version_token(s):
        return None
    return Name(name=s, path=path, hint=hint)


_INVISIBLE = frozenset(("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))


def visible(text: str) -> str:
    """``text`` without control and invisible format characters (tabs become spaces).

    Articles from the web or a compromised machine may carry terminal escapes,
    bidirectional overrides or zero-width marks; none belongs in a manifest, and
    the manifest format refuses them.
    """
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        " " if ch == "\t" else ch
        for ch in text
        if ch == "\t" or unicodedata.category(ch) not in _INVISIBLE
    )
