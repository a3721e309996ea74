"""Reading PE headers and version resources.

:func:`read_version_info` is verscan's reader: small, bounded and fast.
:func:`read_with_pefile` gives the same record from pefile, the reference parser.
"""

from verscan.pe.reader import read_version_info, read_version_info_bytes
from verscan.pe.record import MACHINES, Status, StringTable, VersionInfo
from verscan.pe.reference import read_with_pefile

__all__ = [
    "MACHINES",
    "Status",
    "StringTable",
    "VersionInfo",
    "read_version_info",
    "read_version_info_bytes",
    "read_with_pefile",
]
