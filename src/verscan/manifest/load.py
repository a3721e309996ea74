"""Loading manifests: one file, or many files and folders with errors collected per file.

A manifest is loaded only when the linter finds no problem in it. The error
raised for a bad file names its first problem as ``file:line: message`` and
counts the others; all of them are in :attr:`ManifestProblemsError.problems`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from verscan.errors import ManifestError
from verscan.inputs import find_files
from verscan.manifest.document import read_limited
from verscan.manifest.lint import check_bytes
from verscan.manifest.model import Manifest
from verscan.manifest.problem import LintProblem

MANIFEST_SUFFIXES = (".yaml", ".yml")
"""File name endings that make a file in a folder a manifest."""


class ManifestProblemsError(ManifestError):
    """A manifest file was read but failed its checks."""

    def __init__(self, problems: Sequence[LintProblem]) -> None:
        self.problems = tuple(problems)
        """Every problem found, sorted by line."""
        # One line, as every verscan error message: the first problem and a count.
        first = str(self.problems[0]) if self.problems else "invalid manifest"
        more = len(self.problems) - 1
        if more > 0:
            first += f" (and {more} more problem{'s' if more > 1 else ''})"
        super().__init__(first)


def load_manifest(path: str | os.PathLike[str]) -> Manifest:
    """The manifest in the file ``path``, its ``origin`` set to ``path``.

    Raises :class:`ManifestProblemsError` (a :class:`ManifestError`) when the file
    has problems, and :class:`ManifestError` when it cannot be read.
    """
    manifest, problems = check_bytes(read_limited(path), os.fspath(path))
    if manifest is None:
        raise ManifestProblemsError(problems)
    return manifest


def load_manifests(
    paths_or_dirs: Iterable[str | os.PathLike[str]],
) -> tuple[list[Manifest], list[ManifestError]]:
    """Load every manifest named, expanding folders; one bad file does not stop the others.

    Returns the manifests loaded, in the order of :func:`find_manifest_files`,
    and one error for each file that failed or path that named nothing.
    """
    files, errors = find_manifest_files(paths_or_dirs)
    manifests: list[Manifest] = []
    for file in files:
        try:
            manifests.append(load_manifest(file))
        except ManifestError as exc:
            errors.append(exc)
    return manifests, errors


def find_manifest_files(
    paths_or_dirs: Iterable[str | os.PathLike[str]],
) -> tuple[list[Path], list[ManifestError]]:
    """The manifest files that ``paths_or_dirs`` name, and an error for each path that names none.

    A file is taken whatever its name. A folder is searched recursively for
    ``*.yaml`` and ``*.yml`` files, sorted; symbolic links to folders are not
    followed (no loops). A file named twice, directly or through a folder, is
    listed once (see :func:`verscan.inputs.find_files`).
    """
    found, problems = find_files(paths_or_dirs, MANIFEST_SUFFIXES, "manifest files")
    return found, [ManifestError(problem) for problem in problems]
