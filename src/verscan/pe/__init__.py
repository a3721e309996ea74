"""Reading PE headers and version resources.

:func:`read_version_info` is verscan's reader: small, bounded and fast.
:func:`read_with_pefile` gives the same record from pefile, the reference parser;
it (and pefile) is imported only when asked for.
"""

from __future__ import annotations

from typing import Any

from verscan.pe.reader import read_version_info, read_version_info_at, read_version_info_bytes
from verscan.pe.record import MACHINES, Status, StringTable, VersionInfo

__all__ = [
    "MACHINES",
    "Status",
    "StringTable",
    "VersionInfo",
    "read_version_info",
    "read_version_info_at",
    "read_version_info_bytes",
    "read_with_pefile",
]


def __getattr__(name: str) -> Any:
    if name == "read_with_pefile":
        from verscan.pe.reference import read_with_pefile

        return read_with_pefile
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
