"""Shared data for the inventory, diff and fleet tests: fixture trees and test manifests."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
from collections.abc import Sequence
from pathlib import Path

from verscan.compare.fleet import Failed, Judged, judge_file
from verscan.manifest.model import Manifest

ROOT = Path(__file__).resolve().parents[2]
SYSTEMS = ROOT / "fixtures" / "systems"
PE = ROOT / "fixtures" / "pe"
DIFF_A = SYSTEMS / "diff-a"
DIFF_B = SYSTEMS / "diff-b"

NO_VERSION_SHA256 = hashlib.sha256((PE / "no_version_x86.dll").read_bytes()).hexdigest()

MANIFESTS = {
    # Both machines are Windows 7 SP1 x64 (their kernel32.dll says so). The rows of the
    # manifests whose versions are on an older Windows' own line (5.0.2195, 5.1.2600) say
    # they are for Windows 7: without that, they would be rows of Windows 2000 or XP.
    #
    # A has 5.0.2195.6860 in inetsrv: MISSING; B has 6870: INSTALLED. The path hint keeps
    # SysWOW64's copies (an x86 one on A, a misplaced x64 one on B) out of it.
    "kb1111111.yaml": """
kb: "1111111"
title: IIS schema update
files:
  - {name: Iischema.dll, version: "5.0.2195.6870", platform: x64, path: 'system32\\inetsrv',
     releases: [Windows 7]}
""",
    # A has 6.1.7601.17514: INSTALLED; B has 17510: MISSING. The uninstall backup
    # (17000) never counts.
    "kb2222222.yaml": """
kb: "2222222"
title: Kernel update
files:
  - {name: kernel32.dll, version: "6.1.7601.17514", platform: x64}
""",
    # Only B has fabver.dll.
    "kb3333333.yaml": """
kb: "3333333"
title: Fabrikam version check
files:
  - {name: fabver.dll, version: "3.2.1.0", platform: x86}
""",
    # setupapi.dll is a text file named like a DLL on both: UNKNOWN (UNREADABLE copy).
    "kb4444444.yaml": """
kb: "4444444"
title: Setup API update
files:
  - {name: setupapi.dll, version: "5.1.2600.2180", releases: [Windows 7]}
""",
    # stub.dll has no version on A and matches by SHA-256: INSTALLED; B's differs: MISSING.
    "kb5555555.yaml": f"""
kb: "5555555"
title: Unversioned stub
files:
  - {{name: stub.dll, version: null, sha256: "{NO_VERSION_SHA256}"}}
""",
    # report.dll has only a string version (9.0.0050): INSTALLED on both.
    "kb6666666.yaml": """
kb: "6666666"
title: Contoso report viewer
files:
  - {name: report.dll, version: "9.0.50"}
""",
}


def copy_tree(src: Path, dest: Path) -> Path:
    """A writable copy of a fixture tree."""
    shutil.copytree(src, dest)
    return dest


FLEET = ROOT / "fixtures" / "fleet"
"""Inventories of the fixture systems and the reports verscan made of them (build.sh)."""


def judge_or_die(
    path: str, manifests: Sequence[Manifest], os_texts: Sequence[str], excludes: Sequence[str]
) -> Judged | Failed:
    """:func:`judge_file`, except that the process judging an inventory named ``*dies*`` is
    killed (as the kernel kills a process out of memory): for the pool's and Dask's tests."""
    if "dies" in os.path.basename(path):
        os.kill(os.getpid(), signal.SIGKILL)
    return judge_file(path, manifests, os_texts, excludes)
