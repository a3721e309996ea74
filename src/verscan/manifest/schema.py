"""The manifest format's keys, their order and the limits a reader enforces.

The reader, the writer and the linter all take their key names from here, so the
three cannot drift apart. The names match the fields of
:class:`verscan.manifest.model.Manifest` and :class:`verscan.manifest.model.FileRow`.
"""

from __future__ import annotations

TOP_KEYS = ("kb", "title", "source", "products", "files")
"""Top-level keys, in the order they are written."""

TOP_REQUIRED = ("kb", "files")
"""Top-level keys every manifest must have."""

ROW_KEYS = (
    "name",
    "version",
    "size",
    "date",
    "time",
    "platform",
    "sp_requirement",
    "branch",
    "path",
    "section",
)
"""Row keys that are always written (null when unknown), in order."""

ROW_OPTIONAL_KEYS = ("min_version", "sha256", "releases", "system_platform")
"""Row keys written only when set, after :data:`ROW_KEYS`."""

MAX_RELEASES = 100
"""Most release names a row may list (the catalogue has fewer)."""

ROW_REQUIRED = ("name", "version")
"""Row keys that must be present in every row (``version`` may be null)."""

MAX_BYTES = 16 * 1024 * 1024
"""Largest manifest read: a real one is a few kilobytes, so more is a wrong file or an attack."""

MAX_DEPTH = 10
"""Deepest nesting accepted. The format needs four levels (top mapping, ``files``,
a row, a value); the cap stops hostile documents long before Python's recursion limit."""

MAX_NODES = 1_000_000
"""Most YAML values (keys included) accepted. A row is about 25, so this allows some
40,000 rows; without it a 16 MiB file of tiny values would take gigabytes of memory."""

MAX_PROBLEMS = 1000
"""Most problems listed for one file; more are summed up in one last line."""

MAX_VERSION_PART = 0xFFFF
"""A file version part is a 16-bit number in ``VS_FIXEDFILEINFO``."""

MAX_NAME_LENGTH = 255
"""The longest Windows file name."""
