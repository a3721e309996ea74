"""What `verscan manifest build` says about a batch: each article's outcome, and the totals.

The totals are one line for people; ``--summary FILE`` writes every outcome as
JSON for programs: ``{"totals": {...}, "articles": [{"article", "status", "kb",
"title", "manifest", "rows", "repeats", "problems": [{"line", "message"}],
"notes": [...], "error"}]}``. ``status`` is ``written``, ``printed`` (to standard
output), ``no_table`` or ``error``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from verscan.kb import Problem
from verscan.output import counted

WRITTEN = "written"
PRINTED = "printed"
NO_TABLE = "no_table"
ERROR = "error"
STATUSES = (WRITTEN, PRINTED, NO_TABLE, ERROR)
"""The outcomes of one article, as ``status`` in the summary."""


@dataclass(frozen=True)
class Outcome:
    """What became of one article."""

    article: str
    """The article's path, as given or found in a folder."""
    status: str
    """One of :data:`STATUSES`."""
    kb: str | None = None
    title: str | None = None
    manifest: str | None = None
    """Where the manifest was written, if it was."""
    rows: int = 0
    """File rows in the manifest (rows listed twice alike counted once)."""
    repeats: int = 0
    """Rows left out because the article lists them twice alike."""
    problems: tuple[Problem, ...] = ()
    """Lines that look like file rows but could not be read."""
    notes: tuple[Problem, ...] = ()
    error: str | None = None
    """Why the article gave no manifest (status ``error``)."""


@dataclass(frozen=True)
class Totals:
    """The counts over a batch."""

    articles: int
    written: int
    without_table: int
    errors: int
    rows: int
    problems: int
    notes: int
    by_status: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, outcomes: Sequence[Outcome], *, missing: int = 0) -> Totals:
        """The totals of ``outcomes``; ``missing`` paths that named no article count as errors."""
        by_status = {s: sum(o.status == s for o in outcomes) for s in STATUSES}
        return cls(
            articles=len(outcomes),
            written=sum(o.manifest is not None for o in outcomes),
            without_table=by_status[NO_TABLE],
            errors=by_status[ERROR] + missing,
            rows=sum(o.rows for o in outcomes),
            problems=sum(len(o.problems) for o in outcomes),
            notes=sum(len(o.notes) + o.repeats for o in outcomes),
            by_status=by_status,
        )

    def line(self) -> str:
        """``1,462 articles: 662 manifests written, 800 without a file table, 0 errors; ...``."""
        return (
            f"{counted(self.articles, 'article')}: "
            f"{counted(self.written, 'manifest')} written, "
            f"{self.without_table:,} without a file table, {counted(self.errors, 'error')}; "
            f"{counted(self.rows, 'row')}, {counted(self.problems, 'problem')}, "
            f"{counted(self.notes, 'note')}"
        )

    def as_dict(self) -> dict[str, int]:
        """The totals by name, as the summary holds them."""
        return {
            "articles": self.articles,
            "manifests_written": self.written,
            "without_file_table": self.without_table,
            "errors": self.errors,
            "rows": self.rows,
            "problems": self.problems,
            "notes": self.notes,
        }


def _remarks(items: Sequence[Problem]) -> list[dict[str, object]]:
    return [{"line": p.line, "message": p.message} for p in items]


def summary_json(outcomes: Sequence[Outcome], totals: Totals) -> str:
    """The ``--summary`` document: the totals and one object per article, in order."""
    doc = {
        "totals": totals.as_dict(),
        "articles": [
            {
                "article": o.article,
                "status": o.status,
                "kb": o.kb,
                "title": o.title,
                "manifest": o.manifest,
                "rows": o.rows,
                "repeats": o.repeats,
                "problems": _remarks(o.problems),
                "notes": _remarks(o.notes),
                "error": o.error,
            }
            for o in outcomes
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
