"""The one exception tree of verscan.

Every error that a user's input can cause derives from :class:`VerscanError` and
carries a one-line message naming what and where. The CLI catches the root in one
place and turns it into a line on stderr and exit code 2; the core never prints.
"""

from __future__ import annotations


class VerscanError(Exception):
    """Root of every error verscan raises for bad input or a refused operation."""


class ArticleError(VerscanError):
    """A KB article could not be read or holds nothing usable."""


class ManifestError(VerscanError):
    """A manifest file is malformed or fails validation."""


class InventoryError(VerscanError):
    """A saved inventory is not one (wrong JSON, wrong format version, truncated)."""


class OutputError(VerscanError):
    """An output could not be written (exists without --force, disk full, ...)."""


class SourceError(VerscanError):
    """A source or target given on the command line cannot be used."""


class ArchiveError(VerscanError):
    """A compressed (cabinet or SZDD) file cannot be expanded."""
