"""Checking manifest files: every problem, each as ``file:line: message``.

This is the API behind ``verscan manifest lint``; :mod:`verscan.manifest.load`
runs the same checks before it returns a manifest. Every problem is an error:
there are no warnings, so "no problems" means the file will load.
"""

from __future__ import annotations

import os

from verscan.manifest.check import check_document
from verscan.manifest.document import DocumentRefused, compose, decode, read_limited
from verscan.manifest.model import Manifest
from verscan.manifest.problem import LintProblem

__all__ = ["LintProblem", "check_bytes", "check_text", "lint_file", "lint_text"]


def lint_text(text: str, origin: str) -> list[LintProblem]:
    """Every problem in the manifest ``text``, sorted by line; ``origin`` names it in the output."""
    return check_text(text, origin)[1]


def lint_file(path: str | os.PathLike[str]) -> list[LintProblem]:
    """Every problem in the manifest file ``path``, sorted by line.

    Raises :class:`verscan.errors.ManifestError` when the file cannot be read at
    all (missing, a folder, no permission): that is not a problem of its content.
    """
    return check_bytes(read_limited(path), os.fspath(path))[1]


def check_text(text: str, origin: str) -> tuple[Manifest | None, list[LintProblem]]:
    """The manifest in ``text`` and no problems, or None and every problem found.

    When the text is not a usable YAML document (syntax error, alias, several
    documents, ...) that one problem is all that is reported.
    """
    try:
        root = compose(text)
    except DocumentRefused as exc:
        return None, [LintProblem(origin, exc.line, exc.message)]
    return check_document(root, origin)


def check_bytes(data: bytes, origin: str) -> tuple[Manifest | None, list[LintProblem]]:
    """As :func:`check_text`, for the bytes of a file (size-capped, UTF-8)."""
    try:
        text = decode(data)
    except DocumentRefused as exc:
        return None, [LintProblem(origin, exc.line, exc.message)]
    return check_text(text, origin)
