"""Version numbers as tuples of integers.

Versions are never compared as strings: as strings ``10.0.19041.999`` sorts after
``10.0.19041.1000``. KB tables print versions in many shapes (``5.00.2195.6860``,
``4.02.0752``, ``4.10.1512``, ``5.0.2195.4555 shp``, ``6.1.7601.17514
(win7sp1_rtm.101119-1850)``); :func:`parse_version` reads the leading dotted
number of each into a tuple and ignores the rest.
"""

from __future__ import annotations

import re

Version = tuple[int, ...]
"""A parsed version: one integer per dotted part, as many parts as were written."""

Fixed = tuple[int, int, int, int]
"""A binary version from VS_FIXEDFILEINFO: always four 16-bit parts."""

_LEADING = re.compile(r"\s*[vV]?(\d{1,10}(?:\s*[.,]\s*\d{1,10}){0,3})")


def parse_version(text: str | None) -> Version | None:
    """Parse the leading dotted number of ``text``; ``None`` when there is none.

    ``"5.00.2195.6860"`` → ``(5, 0, 2195, 6860)``; ``"4.02.0752"`` → ``(4, 2, 752)``;
    ``"1.1.1b"`` → ``(1, 1, 1)``; ``"Not applicable"`` and ``""`` → ``None``.
    A lone number (``"4"``) is a version of one part. Comma-separated string
    versions (``"6, 1, 7601, 17514"``, as some resource compilers write them) are read too.
    """
    if not text:
        return None
    m = _LEADING.match(text)
    if m is None:
        return None
    parts = re.split(r"\s*[.,]\s*", m.group(1))
    try:
        return tuple(int(p) for p in parts)
    except ValueError:  # pragma: no cover - the pattern admits digits only
        return None


def from_ms_ls(ms: int, ls: int) -> Fixed:
    """The four 16-bit parts of a VS_FIXEDFILEINFO version pair (``dwFileVersionMS/LS``)."""
    return (ms >> 16 & 0xFFFF, ms & 0xFFFF, ls >> 16 & 0xFFFF, ls & 0xFFFF)


def format_version(version: Version | None) -> str | None:
    """Dotted text of a parsed version (``(5, 0, 2195, 6860)`` → ``"5.0.2195.6860"``)."""
    if version is None:
        return None
    return ".".join(map(str, version))


def align(listed: Version, installed: Version) -> tuple[Version, Version]:
    """Bring a listed (KB) version and an installed version to four comparable parts.

    Four-part versions compare as they are; shorter ones are padded with zeros on
    the right, except one case: a three-part listed version ``a.b.c`` against an
    installed ``a.b.0.c``. That is how Windows 9x and many Microsoft components
    print their versions (``4.10.1998`` for the fixed ``4.10.0.1998``), so a
    three-part listed version whose major and minor match an installed version
    with a zero third part is read as ``a.b.0.c``.
    """
    a = _pad(listed)
    b = _pad(installed)
    if (
        len(listed) == 3
        and len(installed) == 4
        and installed[2] == 0
        and installed[3] != 0
        and listed[:2] == installed[:2]
    ):
        a = (listed[0], listed[1], 0, listed[2])
    return a, b


def compare(listed: Version, installed: Version) -> int:
    """-1, 0 or 1 as ``installed`` is older than, equal to or later than ``listed``.

    Both are aligned with :func:`align` first.
    """
    a, b = align(listed, installed)
    return (b > a) - (b < a)


def _pad(v: Version) -> Version:
    return tuple(v[:4]) + (0,) * (4 - len(v[:4]))
