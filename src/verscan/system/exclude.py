"""``--exclude GLOB``: paths a scan leaves out.

A glob without ``/`` is matched against each file and folder name at any depth
(``"Program Files*"``, ``"*.bak"``); a glob with ``/`` against the whole path
relative to the target (``"Windows/Temp"``, ``"*/Vendor/*"``). Matching ignores
case, as Windows does. A folder that matches is not entered at all.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable

Exclude = Callable[[str], bool]
"""Given a path relative to the system's root (a folder or a file), whether to leave it out."""


def make_exclude(globs: Iterable[str]) -> Exclude | None:
    """The test for ``globs``, or None when there are none."""
    names: list[re.Pattern[str]] = []
    paths: list[re.Pattern[str]] = []
    for glob in globs:
        g = glob.replace("\\", "/").strip("/")
        if not g:
            continue
        target = paths if "/" in g else names
        target.append(re.compile(fnmatch.translate(g.casefold())))
    if not names and not paths:
        return None

    def exclude(rel: str) -> bool:
        folded = rel.casefold()
        if any(p.match(folded) for p in paths):
            return True
        leaf = folded.rsplit("/", 1)[-1]
        return any(p.match(leaf) for p in names)

    return exclude


def under_excluded(exclude: Exclude, rel: str) -> bool:
    """Whether ``rel`` or a folder it sits in is excluded (for records of a whole tree)."""
    parts = rel.split("/")
    return any(exclude("/".join(parts[: i + 1])) for i in range(len(parts)))
