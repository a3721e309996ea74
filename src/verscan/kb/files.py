"""Which files are articles: the files named, and the articles in the folders named."""

from __future__ import annotations

import os
from collections.abc import Iterable

from verscan.inputs import find_files

ARTICLE_SUFFIXES = (".txt", ".md", ".htm", ".html", ".csv")
"""Names a folder's articles end with (any case: ``Q323332.TXT`` too)."""


def find_articles(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[str], list[str]]:
    """The article files that ``paths`` name, and a message for each path that names none.

    A file is taken whatever its name (reading it tells whether it is an
    article). A folder is searched recursively for names ending in
    :data:`ARTICLE_SUFFIXES`, in sorted order; symbolic links to folders are not
    followed. A file named twice, directly or through a folder, is listed once.
    """
    found, problems = find_files(paths, ARTICLE_SUFFIXES, "articles")
    return [os.fspath(path) for path in found], problems
