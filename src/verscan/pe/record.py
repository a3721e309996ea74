"""What verscan knows about one file's PE headers and version resource.

Plain typed values only: no parser objects leave the reader.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from verscan.versions import Fixed, format_version

MACHINES: dict[int, str] = {
    0x014C: "x86",
    0x8664: "x64",
    0x0200: "ia64",
    0xAA64: "arm64",
    0x01C0: "arm",
    0x01C2: "arm",  # Thumb
    0x01C4: "arm",  # ARMv7 (ARMNT)
    0xA641: "arm64",  # ARM64EC
    0xA64E: "arm64",  # ARM64X
    0x0184: "alpha",
    0x0284: "alpha64",
    0x0162: "mips",  # R3000
    0x0166: "mips",  # R4000
    0x0168: "mips",  # R10000
    0x0169: "mips",  # WCE MIPS v2
    0x0266: "mips",  # MIPS16
    0x0366: "mips",  # MIPS FPU
    0x01F0: "ppc",
    0x01F1: "ppc",
    0x01A2: "sh3",
    0x01A6: "sh4",
    0x0EBC: "ebc",
    0x9041: "m32r",
    0x5032: "riscv32",
    0x5064: "riscv64",
    0x6232: "loongarch32",
    0x6264: "loongarch64",
}
"""PE ``Machine`` values and the platform names verscan uses for them."""

STRING_KEYS = (
    "FileVersion",
    "ProductVersion",
    "CompanyName",
    "FileDescription",
    "OriginalFilename",
    "InternalName",
    "ProductName",
    "LegalCopyright",
)
"""The StringFileInfo values the reader reports by name (every other one is kept too)."""


class Status(enum.Enum):
    """How reading a file went."""

    OK = "ok"
    """A PE file with a version resource."""
    NO_VERSION = "no_version"
    """A well-formed PE file without a version resource."""
    NOT_PE = "not_pe"
    """Not a PE file at all (empty, text, ELF, ...)."""
    CORRUPT = "corrupt"
    """Looks like a PE file but its headers or version resource are broken."""
    UNREADABLE = "unreadable"
    """The operating system refused to read it (the OS error is in ``error``)."""


@dataclass(frozen=True)
class StringTable:
    """One StringFileInfo table: the strings of one language and code page."""

    key: str
    """The table key as stored, eight hex digits (``040904b0``)."""
    strings: dict[str, str]
    """Every string in the table, by name, in file order."""

    @property
    def lang(self) -> int:
        """Language ID (``0x0409``), from the key."""
        return int(self.key[:4], 16) if _is_hex(self.key[:4]) else 0

    @property
    def codepage(self) -> int:
        """Code page (``1200``), from the key."""
        return int(self.key[4:8], 16) if _is_hex(self.key[4:8]) else 0


@dataclass(frozen=True)
class VersionInfo:
    """The result of reading one file."""

    path: str
    """The path as given to the reader."""
    status: Status
    """How reading went; see :class:`Status`."""
    size: int | None = None
    """File size in bytes (None when it could not be had)."""
    machine: int | None = None
    """The PE header's ``Machine`` value."""
    platform: str | None = None
    """``Machine`` as a name (x86, x64, ia64, arm64, arm, alpha, mips, ...)."""
    pe_format: str | None = None
    """``PE32`` or ``PE32+``."""
    file_version: Fixed | None = None
    """Fixed (binary) FileVersion: the authority for comparisons."""
    product_version: Fixed | None = None
    """Fixed (binary) ProductVersion."""
    file_flags: int | None = None
    """``dwFileFlags & dwFileFlagsMask`` (debug, prerelease, patched, ...)."""
    translations: tuple[tuple[int, int], ...] = ()
    """``VarFileInfo\\Translation`` entries as (language, code page)."""
    tables: tuple[StringTable, ...] = ()
    """Every StringFileInfo table, in file order."""
    language: str | None = None
    """Key of the table chosen for :attr:`strings` (Translation's, else US English, else first)."""
    error: str | None = None
    """Why the status is not ``ok`` (corruption reason or OS error)."""
    strings: dict[str, str] = field(default_factory=dict)
    """Strings of the chosen table."""
    link_time: int | None = field(default=None, compare=False)
    """The COFF header's ``TimeDateStamp``: when the linker wrote the file, in seconds since
    1970 UTC (reproducible builds write a hash there instead). Read from files, not kept in
    inventories, and so left out when two records are compared."""

    @property
    def file_version_string(self) -> str | None:
        """The chosen table's FileVersion string, as stored."""
        return self.strings.get("FileVersion")

    @property
    def product_version_string(self) -> str | None:
        """The chosen table's ProductVersion string, as stored."""
        return self.strings.get("ProductVersion")

    @property
    def file_version_text(self) -> str | None:
        """Dotted fixed FileVersion (``5.0.2195.6860``), or None."""
        return format_version(self.file_version)

    @property
    def product_version_text(self) -> str | None:
        """Dotted fixed ProductVersion, or None."""
        return format_version(self.product_version)


def _is_hex(text: str) -> bool:
    return len(text) > 0 and all(c in "0123456789abcdefABCDEF" for c in text)


PE_SUFFIXES = (
    ".acm", ".ax", ".com", ".cpl", ".dll", ".drv", ".efi", ".exe", ".flt", ".fon", ".ime",
    ".mui", ".mun", ".ocx", ".pyd", ".scr", ".sys", ".tlb", ".tsp", ".winmd",
)  # fmt: skip
"""Endings of the names Windows gives its binaries: a file so named that is not PE is worth
reporting."""


def pe_named(name: str) -> bool:
    """Whether ``name`` ends like a PE image (``.dll``, ``.exe``, ``.sys``, ...)."""
    return name.lower().endswith(PE_SUFFIXES)
