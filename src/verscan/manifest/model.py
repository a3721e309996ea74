"""The manifest: what a KB article's file table means to a machine.

One manifest per KB. Field names are a published format (other tools read these
files): keep them as they are. See the README's "Manifest format" section.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from verscan.versions import Version, parse_version

PLATFORMS = ("x86", "x64", "ia64", "arm64", "alpha", "mips", "ppc")
"""Platform names a manifest row may carry."""

BRANCHES = ("GDR", "QFE", "LDR", "WOW")
"""Service branches a manifest row may carry."""


@dataclass(frozen=True)
class FileRow:
    """One file that a hotfix installs, as its KB article lists it."""

    name: str
    """File name as listed (``Iischema.dll``); matched case-insensitively."""
    version: str | None
    """Version as printed in the article (``5.0.2195.6860``), or None when the row has none."""
    size: int | None = None
    """Size in bytes, or None when the article gives none or not in bytes."""
    date: str | None = None
    """Date as ``YYYY-MM-DD``."""
    time: str | None = None
    """Time as ``HH:MM`` (UTC, as the articles state)."""
    platform: str | None = None
    """One of :data:`PLATFORMS`, or None when the article does not say."""
    sp_requirement: str | None = None
    """Service-pack requirement as printed (``SP2``), or None."""
    branch: str | None = None
    """One of :data:`BRANCHES`, or None."""
    path: str | None = None
    """Folder hint (``system32\\inetsrv``), or None."""
    section: str | None = None
    """The heading the table sat under (``IIS 5.0``), or None."""
    min_version: str | None = None
    """Explicit branch floor: the row applies to installed versions at or above it."""
    sha256: str | None = None
    """Lower-case hex SHA-256 of the file, for files without a version resource."""
    releases: tuple[str, ...] = ()
    """The Windows releases the row's table is for (names from
    :data:`verscan.windows.catalogue.RELEASES`); empty when the article does not say."""
    system_platform: str | None = None
    """The platform of the *system* the row's table is for (``x64`` for the table of an
    x64 package, whose WOW64 rows have the file platform ``x86``), or None."""

    @property
    def parsed_version(self) -> Version | None:
        """The version as a tuple of integers."""
        return parse_version(self.version)

    @property
    def parsed_min_version(self) -> Version | None:
        """The explicit floor as a tuple of integers, if any."""
        return parse_version(self.min_version)


@dataclass(frozen=True)
class Manifest:
    """The files one KB installs, with the article's metadata."""

    kb: str
    """KB number, digits only (``"829427"``)."""
    title: str | None = None
    """Article title."""
    source: str | None = None
    """Where the rows came from (file name or URL of the article)."""
    products: tuple[str, ...] = ()
    """Products the article applies to."""
    files: tuple[FileRow, ...] = field(default_factory=tuple)
    """The file rows, in article order."""
    origin: str | None = field(default=None, compare=False)
    """Path of the manifest file this was loaded from (not part of the format)."""
