"""Column headers of KB file tables: the words articles use, and what each means.

Articles spell the same column many ways (``File name``, ``Filename``,
``Name``, ``File Name``; ``Size``, ``Size (Bytes)``, ``File size``). This module
maps a header label to a :class:`Field` and decides whether a row of labels is
the header of a file table at all.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence


class Field(enum.Enum):
    """What a table column holds."""

    NAME = "name"
    NAMEPATH = "name and path"
    EXT = "extension"
    VERSION = "version"
    SIZE = "size"
    DATE = "date"
    TIME = "time"
    DATETIME = "date and time"
    PLATFORM = "platform"
    SP = "SP requirement"
    BRANCH = "service branch"
    PATH = "folder"
    LOCALE = "locale"
    SHA256 = "SHA-256"
    HASH = "other hash"
    DOWNLOAD = "download"
    OTHER = "other"


ATTRIBUTES = frozenset({Field.VERSION, Field.SIZE, Field.DATE, Field.TIME, Field.DATETIME})
"""Fields that make a list of names a table of file attributes."""

TYPED = ATTRIBUTES
"""Fields whose cells have a shape of their own (the rest hold free text)."""

FREE = frozenset({Field.PLATFORM, Field.SP, Field.BRANCH, Field.PATH, Field.LOCALE, Field.OTHER})
"""Fields whose cells hold words: they take any text that has no shape of another field."""

_VOCABULARY: dict[str, Field] = {}


def _add(field: Field, *labels: str) -> None:
    for label in labels:
        _VOCABULARY[label] = field


_add(
    Field.NAME,
    "file name", "filename", "file names", "filenames", "name", "file", "files",
    "file name (x86)", "new files", "executable file", "module", "module name",
    "binary", "binary name", "component file", "dll name", "driver file",
)  # fmt: skip
_add(
    Field.NAMEPATH,
    "file name and path", "file path", "file name/path", "path and file name",
    "full path", "file name and location", "path/file name", "file and path",
)  # fmt: skip
_add(Field.EXT, "extension", "ext", "file extension", "ext.")
_add(
    Field.VERSION,
    "version", "file version", "versions", "ver", "ver.", "file ver", "product version",
    "version number", "build", "file version number",
)  # fmt: skip
_add(
    Field.SIZE,
    "size", "file size", "size (bytes)", "size in bytes", "bytes", "file size (bytes)",
    "size(bytes)", "file size in bytes", "size (kb)", "file size (kb)", "length", "filesize",
)  # fmt: skip
_add(Field.DATE, "date", "file date", "date modified", "modified", "release date", "dates")
_add(Field.TIME, "time", "file time", "time (utc)", "utc time", "times")
_add(
    Field.DATETIME,
    "date/time", "time/date", "date and time", "time and date", "date time", "datetime",
    "date & time", "timestamp", "time stamp", "date/time (utc)",
)  # fmt: skip
_add(Field.PLATFORM, "platform", "cpu", "architecture", "processor", "arch", "platforms")
_add(Field.SP, "sp requirement", "service pack requirement", "sp", "service pack", "sp req")
_add(Field.BRANCH, "service branch", "branch", "distribution", "servicing branch")
_add(
    Field.PATH,
    "destination folder", "folder", "location", "path", "directory", "destination",
    "install location", "installed location", "target folder", "folder name",
    "installation folder", "file location",
)  # fmt: skip
_add(Field.LOCALE, "locale", "language", "lang")
_add(Field.SHA256, "sha-256 hash", "sha256 hash", "sha-256", "sha256", "sha 256 hash")
_add(
    Field.HASH,
    "sha-1 hash", "sha1 hash", "sha-1", "sha1", "md5 hash", "md5", "file hash", "hash",
    "checksum", "crc", "crc32",
)  # fmt: skip
_add(Field.DOWNLOAD, "download", "download link", "download center", "update package")
_add(
    Field.OTHER,
    "description", "comments", "comment", "notes", "note", "attributes", "file attributes",
    "type", "file type", "product", "component", "package", "vendor", "status",
    "file property", "property", "value", "attribute",
)  # fmt: skip

LONGEST = max(len(label.split()) for label in _VOCABULARY)
"""Most words in one label: how far a greedy phrase match needs to look."""


def normalize(label: str) -> str:
    """A header label in the form the vocabulary is keyed by."""
    s = " ".join(label.replace("\u00a0", " ").split()).lower()
    s = s.strip(" :*#\u2020")
    s = re.sub(r"\s?\(\s?", " (", s).replace(" )", ")")
    # "Date (UTC)", "Time (UTC)": the articles' times are all UTC.
    s = re.sub(r" \((?:utc|gmt)\)$", "", s)
    return s


# Words that qualify a label without changing what the column holds:
# "Current version", "New version", "Date created", "Time created".
_QUALIFIED = re.compile(
    r"(?:current|new|latest|updated|installed|original|fixed|revised|hotfix|fix)\s(?P<a>.+)"
    r"|(?P<b>.+?)\s(?:created|last modified)"
)


def field_of(label: str) -> Field | None:
    """The field a header label names, or ``None`` for an unknown label.

    A known label with a qualifying word names the same field: ``Current
    version`` is a version, ``Date created`` a date.
    """
    if len(label) > 60:
        return None
    key = normalize(label)
    found = _VOCABULARY.get(key)
    if found is None:
        m = _QUALIFIED.fullmatch(key)
        if m is not None:
            found = _VOCABULARY.get(m.group("a") or m.group("b"))
    return found


def is_file_table(fields: Sequence[Field | None]) -> bool:
    """True when a row of header fields is the header of a file-attribute table.

    It needs a name column, at least one attribute column (version, size, date
    or time), no unknown labels and no field twice (other than OTHER). A table of
    names and hashes only, or of names and vendors, is not one.
    """
    if len(fields) < 2 or any(f is None for f in fields):
        return False
    names = [f for f in fields if f in (Field.NAME, Field.NAMEPATH)]
    if len(names) != 1:
        return False
    if not any(f in ATTRIBUTES for f in fields):
        return False
    if Field.DOWNLOAD in fields:
        return False
    seen: set[Field] = set()
    for f in fields:
        if f is None:
            return False
        if f in seen and f is not Field.OTHER:
            return False
        seen.add(f)
    return True


def is_name_only(fields: Sequence[Field | None]) -> bool:
    """True for a header that names files but gives no attribute column."""
    return any(f in (Field.NAME, Field.NAMEPATH) for f in fields) and not any(
        f in ATTRIBUTES for f in fields
    )
