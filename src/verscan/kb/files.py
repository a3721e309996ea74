"""Which files are articles: the files named, and the articles in the folders named."""

from __future__ import annotations

import os
from collections.abc import Iterable

ARTICLE_SUFFIXES = (".txt", ".md", ".htm", ".html", ".csv")
"""Names a folder's articles end with (any case: ``Q323332.TXT`` too)."""


def find_articles(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[str], list[str]]:
    """The article files that ``paths`` name, and a message for each path that names none.

    A file is taken whatever its name (reading it tells whether it is an
    article). A folder is searched recursively for names ending in
    :data:`ARTICLE_SUFFIXES`, in sorted order; symbolic links to folders are not
    followed (no loops). A file named twice, directly or through a folder, is
    listed once.
    """
    found: list[str] = []
    problems: list[str] = []
    seen: set[str] = set()
    for item in paths:
        path = os.fspath(item)
        if os.path.isdir(path):
            candidates = _articles_under(path)
            if not candidates:
                kinds = ", ".join(f"*{s}" for s in ARTICLE_SUFFIXES)
                problems.append(f"{path}: no articles ({kinds}) in this folder")
        elif os.path.lexists(path):
            candidates = [path]  # reading it tells what is wrong with it, if anything
        else:
            problems.append(f"cannot read {path}: no such file or folder")
            continue
        for candidate in candidates:
            key = os.path.realpath(candidate)
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found, problems


def _articles_under(folder: str) -> list[str]:
    found: list[str] = []
    for root, dirs, names in os.walk(folder, followlinks=False):
        dirs.sort()
        found.extend(
            os.path.join(root, name)
            for name in names
            if name.lower().endswith(ARTICLE_SUFFIXES) and os.path.isfile(os.path.join(root, name))
        )
    return sorted(found)
