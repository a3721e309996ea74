"""The verdicts verscan gives: one enum for a file copy, one for a KB."""

from __future__ import annotations

import enum


class FileVerdict(str, enum.Enum):
    """What one copy of a file (or a file's absence) says about a KB's row."""

    CURRENT = "CURRENT"
    """The installed version equals the manifest's."""
    NEWER = "NEWER"
    """Later than the manifest's: superseded by a later update (installing this KB would
    downgrade it)."""
    OUTDATED = "OUTDATED"
    """Older than the manifest's: the fix is missing."""
    ABSENT = "ABSENT"
    """No copy of the file was found."""
    UNVERSIONED = "UNVERSIONED"
    """No version to compare, and neither size nor hash decided it."""
    UNREADABLE = "UNREADABLE"
    """The copy is broken or could not be read."""
    NOT_APPLICABLE = "NOT_APPLICABLE"
    """No row of the manifest fits the copy's platform."""


class KBVerdict(str, enum.Enum):
    """Whether a KB's hotfix is on the system."""

    INSTALLED = "INSTALLED"
    """Every applicable copy is CURRENT or NEWER."""
    MISSING = "MISSING"
    """Some copy is OUTDATED."""
    NOT_APPLICABLE = "NOT_APPLICABLE"
    """No file of the KB is present: the component is not installed."""
    UNKNOWN = "UNKNOWN"
    """Some copy could not be decided (the reason is given)."""
