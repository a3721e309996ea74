"""What parsing an article gives back: the manifest, and remarks tied to lines."""

from __future__ import annotations

from dataclasses import dataclass, field

from verscan.manifest.model import Manifest

_SNIPPET = 200


@dataclass(frozen=True)
class Problem:
    """A remark about one line of the article."""

    line: int
    """1-based line number in the article's text (for HTML: in the page source)."""
    message: str
    """What is wrong or what was decided, in one line."""
    text: str = ""
    """The line as printed (cut to 200 characters)."""

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ParsedArticle:
    """A KB article read into a manifest."""

    manifest: Manifest
    """The article's identity and file rows. ``files`` is empty when it has no file table."""
    problems: tuple[Problem, ...] = ()
    """Lines that look like file rows but could not be read; their rows are missing."""
    notes: tuple[Problem, ...] = ()
    """Non-fatal remarks: values left empty or reinterpreted, tables skipped and why."""


@dataclass
class Log:
    """Collects problems and notes while an article is parsed (one per parse)."""

    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    def problem(self, line: int, message: str, text: str = "") -> None:
        """Record a row that could not be read."""
        self.problems.append(Problem(line, message, _cut(text)))

    def note(self, line: int, message: str, text: str = "") -> None:
        """Record a non-fatal remark."""
        self.notes.append(Problem(line, message, _cut(text)))


def _cut(text: str) -> str:
    text = text.rstrip("\r\n")
    return text if len(text) <= _SNIPPET else text[: _SNIPPET - 3] + "..."
