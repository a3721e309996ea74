"""The rules for single manifest values, as functions from a string to a problem or None.

Each function gets a value already known to be a non-empty string without
control characters and returns the message to report, or None when the value
is good. Patterns use ``[0-9]`` rather than ``\\d``, which also matches digits of
other scripts (``int("٤")`` is 4).
"""

from __future__ import annotations

import datetime
import difflib
import re
import unicodedata
from collections.abc import Sequence

from verscan.manifest.schema import MAX_NAME_LENGTH, MAX_VERSION_PART

_KB = re.compile(r"[0-9]+")
_VERSION = re.compile(r"[0-9]+(?:\.[0-9]+){1,3}")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_TIME = re.compile(r"([0-9]{2}):([0-9]{2})")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_DRIVE = re.compile(r"[A-Za-z]:")
_SEPARATORS = re.compile(r"[\\/]")

# Characters no Windows file or folder name can hold (besides the separators).
_NOT_IN_NAMES = '<>:"|?*'
_PLACEHOLDER = re.compile(r"<[A-Za-z0-9_ %-]+>")

# Invisible characters: C0/C1 controls (terminal escapes among them), format
# characters (bidirectional overrides can make "exe.dll" read as "lld.exe"),
# lone surrogates and the Unicode line and paragraph separators.
_CONTROL_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})

_SHOWN_LENGTH = 60

# Other names for the platforms, which difflib would match wrongly ("amd64" is
# closest to "arm64" by spelling, but means x64).
_ALIASES = {
    "amd64": "x64",
    "x86_64": "x64",
    "x86-64": "x64",
    "em64t": "x64",
    "i386": "x86",
    "i686": "x86",
    "win32": "x86",
    "ia-64": "ia64",
    "itanium": "ia64",
    "aarch64": "arm64",
    "axp": "alpha",
}


def control_character(text: str) -> str | None:
    """``"U+001B"`` for the first control or invisible format character in ``text``, else None."""
    for ch in text:
        if unicodedata.category(ch) in _CONTROL_CATEGORIES:
            return f"U+{ord(ch):04X}"
    return None


def clipped(text: str) -> str:
    """``text`` fit for a one-line message: control characters escaped, long text cut."""
    cut = text if len(text) <= _SHOWN_LENGTH else text[: _SHOWN_LENGTH - 1] + "…"
    return "".join(
        f"\\u{ord(ch):04x}" if unicodedata.category(ch) in _CONTROL_CATEGORIES else ch for ch in cut
    )


def shown(text: str) -> str:
    """``text`` in double quotes for a message, as :func:`clipped` makes it."""
    return f'"{clipped(text)}"'


def suggest(word: str, choices: Sequence[str]) -> str | None:
    """The choice ``word`` was probably meant to be: same letters in another case, or close."""
    folded = {c.casefold(): c for c in choices}
    if word.casefold() in folded:
        return folded[word.casefold()]
    close = difflib.get_close_matches(word.casefold(), list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


def kb_problem(value: str) -> str | None:
    """``kb`` is digits only."""
    if _KB.fullmatch(value) is None:
        return f"kb must be digits only, got {shown(value)}"
    return None


def version_problem(key: str, value: str) -> str | None:
    """A version (or floor) is 2 to 4 dot-separated numbers of at most 16 bits each."""
    if _VERSION.fullmatch(value) is None:
        return f"{key} must be 2 to 4 numbers joined by dots, got {shown(value)}"
    if any(int(part) > MAX_VERSION_PART for part in value.split(".")):
        return f"{key} {value} has a part above {MAX_VERSION_PART} (file version parts are 16-bit)"
    return None


def date_problem(value: str) -> str | None:
    """A date is ``YYYY-MM-DD`` and exists in the calendar."""
    m = _DATE.fullmatch(value)
    if m is None:
        return f"date must be YYYY-MM-DD, got {shown(value)}"
    try:
        datetime.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return f"date {value} is not a real calendar date"
    return None


def time_problem(value: str) -> str | None:
    """A time is ``HH:MM`` on a 24-hour clock."""
    m = _TIME.fullmatch(value)
    if m is None:
        return f"time must be HH:MM (24-hour, UTC), got {shown(value)}"
    if int(m[1]) > 23 or int(m[2]) > 59:
        return f"time {value} is out of range (00:00 to 23:59)"
    return None


def choice_problem(key: str, allowed: Sequence[str], value: str) -> str | None:
    """``value`` is one of ``allowed``, exactly (other tools compare these as they are)."""
    if value in allowed:
        return None
    message = f"{key} {shown(value)} is not one of {', '.join(allowed)}"
    alias = _ALIASES.get(value.casefold())
    guess = alias if alias in allowed else suggest(value, allowed)
    return f'{message} (did you mean "{guess}"?)' if guess else message


def release_problem(value: str) -> str | None:
    """A release is one of the catalogue's names, exactly (see the README's list)."""
    from verscan.windows.catalogue import RELEASE_BY_NAME
    from verscan.windows.names import suggest_release

    if value in RELEASE_BY_NAME:
        return None
    guess = suggest_release(value)
    hint = f' (did you mean "{guess}"?)' if guess else ""
    return f"unknown Windows release {shown(value)}{hint}; the README lists the names"


def sha256_problem(value: str) -> str | None:
    """A SHA-256 is 64 lower-case hex digits."""
    if _SHA256.fullmatch(value) is None:
        return f"sha256 must be 64 lower-case hex digits, got {shown(value)}"
    return None


def name_problem(value: str) -> str | None:
    """A name is one Windows file name: no folders, no characters Windows refuses."""
    if _SEPARATORS.search(value):
        return (
            f"name must be a file name without folders (put the folder in path), got {shown(value)}"
        )
    bad = next((ch for ch in value if ch in _NOT_IN_NAMES), None)
    if bad is not None:
        return f'name contains "{bad}", which a Windows file name cannot'
    if set(value) == {"."}:
        return f"name must be a file name, got {shown(value)}"
    if value != value.strip(" "):
        return f"name has leading or trailing spaces: {shown(value)}"
    if len(value) > MAX_NAME_LENGTH:
        return f"name is longer than {MAX_NAME_LENGTH} characters"
    return None


def path_problem(value: str) -> str | None:
    """A path is a relative folder hint that cannot climb out of where it is applied."""
    if value.startswith(("/", "\\")) or _DRIVE.match(value):
        return f"path must be a relative folder, got {shown(value)}"
    # A whole component written as a placeholder (<snaroot>, [INSTALLDIR]) stands for a
    # folder the article could not name; only its angle brackets would be refused below.
    literal = "/".join(p for p in _SEPARATORS.split(value) if not _PLACEHOLDER.fullmatch(p))
    bad = next((ch for ch in literal if ch in _NOT_IN_NAMES), None)
    if bad is not None:
        return f'path contains "{bad}", which a Windows folder name cannot'
    # Windows drops trailing dots and spaces from a component, so ". ." and
    # "..." can mean ".." too: refuse every dots-only component of two or more dots.
    for part in _SEPARATORS.split(value):
        if part.count(".") >= 2 and not part.strip(". "):
            return f'path must not contain ".." components, got {shown(value)}'
    if value != value.strip(" "):
        return f"path has leading or trailing spaces: {shown(value)}"
    return None
