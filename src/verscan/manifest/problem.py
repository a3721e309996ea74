"""One problem found in a manifest file, with where it is."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LintProblem:
    """A problem in a manifest, pointing at the line that holds it."""

    path: str
    """The manifest file as it was named (or the origin given for a text)."""
    line: int
    """1-based line number; 1 for problems with the file as a whole."""
    message: str
    """What is wrong, in one line."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"
