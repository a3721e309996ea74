"""Files named on the command line: a file as it is, a folder as the files below it.

Manifests (``*.yaml``) and articles (``*.txt``, ``*.md``, ...) are both given
as files or folders; this module turns such a list into files, once each.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def find_files(
    paths: Iterable[str | os.PathLike[str]], suffixes: tuple[str, ...], what: str
) -> tuple[list[Path], list[str]]:
    """The files that ``paths`` name, and a message for each path that names none.

    A file is taken whatever its name (reading it tells what is wrong with it, if
    anything). A folder is searched recursively for names ending in ``suffixes``
    (any case), sorted; symbolic links to folders are not followed (no loops). A
    file named twice, directly or through a folder, is listed once. ``what`` names
    the files in the message for a folder that has none (``manifest files``).
    """
    found: list[Path] = []
    problems: list[str] = []
    seen: set[str] = set()
    for item in paths:
        path = Path(item)
        if path.is_dir():
            candidates = _under(path, suffixes)
            if not candidates:
                kinds = ", ".join(f"*{s}" for s in suffixes)
                problems.append(f"{path}: no {what} ({kinds}) in this folder")
        elif path.exists() or path.is_symlink():
            candidates = [path]
        else:
            problems.append(f"{path}: no such file or folder")
            continue
        for candidate in candidates:
            key = os.path.realpath(candidate)
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found, problems


def _under(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    found: list[Path] = []
    for root, _dirs, names in os.walk(folder, followlinks=False):
        found.extend(
            Path(root, name)
            for name in names
            if name.lower().endswith(suffixes) and os.path.isfile(os.path.join(root, name))
        )
    return sorted(found)
