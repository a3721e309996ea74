"""The reports of `verscan overwrite`, `verscan preflight` and `verscan prompt`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from verscan.output import Document, Table
from verscan.update.overwrite import Candidate, Decision, Outcome
from verscan.update.preflight import Action, Answer, Plan, Reply, Row, SourceFile
from verscan.versions import format_version

KEEP_QUESTION = "Do you want to keep the existing file?"
"""The question the installer's overwrite dialog usually asks."""


def answer_word(decision: Decision) -> str | None:
    """``Yes`` or ``No`` to :data:`KEEP_QUESTION`; None when the rule cannot say."""
    keep = decision.keep_existing
    if keep is None:
        return None
    return "Yes" if keep else "No"


def _time(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        # A cabinet's stored time: local time of whoever packed it, zone unknown.
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def shown_version(c: Candidate) -> str | None:
    """The compared version as text; ``(string)`` marks the string FileVersion, shown as stored."""
    if c.version_source == "string" and c.info.file_version_string is not None:
        return f"{c.info.file_version_string.strip()} (string)"
    return format_version(c.version)


def _string_when_differs(c: Candidate) -> str | None:
    text = c.info.file_version_string
    if text is None or c.version_source == "string" or text.strip() == c.info.file_version_text:
        return None
    return text


def _where(c: Candidate) -> str:
    """The path, and for a compressed file what it holds."""
    if c.packing is None:
        return c.path
    held = c.stored if c.stored is not None else c.name
    return f"{c.path} [{c.packing.value}: {held}]"


def candidate_record(c: Candidate) -> dict[str, Any]:
    """The JSON object of one file of a pair."""
    return {
        "path": c.path,
        "name": c.name,
        "packing": c.packing.value if c.packing is not None else None,
        "member": c.stored,
        "platform": c.platform,
        "version": format_version(c.version),
        "version_source": c.version_source,
        "file_version": c.info.file_version_text,
        "file_version_string": c.info.file_version_string,
        "size": c.size,
        "modified": c.modified.isoformat() if c.modified is not None else None,
        "status": c.info.status.value,
        "error": c.info.error,
    }


def short_notes(outcome: Outcome | None) -> list[str]:
    """The warnings of a decision, in a few words each (for table cells and prompt lines)."""
    if outcome is None:
        return []
    notes = []
    if outcome.platforms is not None:
        notes.append(f"platforms differ ({outcome.platforms[0]} → {outcome.platforms[1]})")
    if outcome.branches is not None:
        notes.append(f"crossing service branches ({outcome.branches[0]} → {outcome.branches[1]})")
    return notes


def overwrite_record(outcome: Outcome) -> dict[str, Any]:
    """The JSON object of one decision."""
    return {
        "decision": outcome.decision.value,
        "question": KEEP_QUESTION,
        "answer": answer_word(outcome.decision),
        "existing_version": format_version(outcome.existing.version),
        "new_version": format_version(outcome.new.version),
        "reason": outcome.reason,
        "warnings": list(outcome.warnings),
        "existing": candidate_record(outcome.existing),
        "new": candidate_record(outcome.new),
    }


def decision_lines(outcome: Outcome) -> tuple[str, ...]:
    """The decision, the button to press, the reason and the warnings: what is read first."""
    answer = answer_word(outcome.decision)
    if answer is None:
        head = f"{outcome.decision.value}: cannot say; compare the files below"
    else:
        head = f'{outcome.decision.value}: answer {answer} to "{KEEP_QUESTION}"'
    return (head, f"reason: {outcome.reason}", *(f"warning: {w}" for w in outcome.warnings))


def overwrite_document(outcome: Outcome) -> Document:
    """The report of ``verscan overwrite``: the decision and why first, then both files."""
    files = Table(
        ("file", "version", "platform", "size", "modified", "name", "string version", "path"),
        [
            (
                label,
                shown_version(c),
                c.platform,
                c.size,
                _time(c.modified),
                c.name,
                _string_when_differs(c),
                _where(c),
            )
            for label, c in (("existing", outcome.existing), ("new", outcome.new))
        ],
        shorten=("string version", "name"),
        paths=("path",),
        headline=("file", "version", "platform"),
    )
    return Document(overwrite_record(outcome), (files,), decision_lines(outcome))


def _source_shown(row: Row) -> str:
    entry = row.source.entry
    if entry is not None and entry.name != row.source.file_name:
        return f"{row.source.rel} [{entry.name}]"
    return row.source.rel


def _row_notes(row: Row) -> str:
    notes = short_notes(row.outcome)
    if row.action is Action.UNKNOWN:
        notes.insert(0, row.reason)
    if row.copies > 1:
        notes.append(f"one of {row.copies} installed copies")
    if row.set_aside:
        notes.append("other platform, not compared: " + ", ".join(row.set_aside))
    if row.target is not None and row.target.backup is not None:
        notes.append(f"copy: {row.target.backup}")
    return "; ".join(notes)


def row_record(row: Row) -> dict[str, Any]:
    """The JSON object of one preflight row."""
    existing = row.existing
    return {
        "name": row.source.name,
        "source": row.source.rel,
        "packing": row.new.packing.value if row.new.packing is not None else None,
        "member": row.new.stored,
        "target": row.target.rel if row.target is not None else None,
        "source_version": format_version(row.new.version),
        "target_version": format_version(existing.version) if existing is not None else None,
        "source_version_source": row.new.version_source,
        "target_version_source": existing.version_source if existing is not None else None,
        "source_platform": row.new.platform,
        "target_platform": existing.platform if existing is not None else None,
        "action": row.action.value,
        "decision": row.outcome.decision.value if row.outcome is not None else None,
        "reason": row.reason,
        "warnings": list(row.warnings),
        "copies": row.copies,
        "not_compared": list(row.set_aside),
        "copy": row.target.backup if row.target is not None else None,
        "source_error": row.new.info.error if row.new.failed else None,
        "target_error": existing.info.error if existing is not None and existing.failed else None,
    }


def preflight_document(plan: Plan) -> Document:
    """The report of ``verscan preflight``: one row per source file and installed copy."""
    counts = plan.counts()
    rows = [
        (
            r.source.name,
            _source_shown(r),
            r.target.rel if r.target is not None else None,
            shown_version(r.new),
            shown_version(r.existing) if r.existing is not None else None,
            r.action.value,
            _row_notes(r),
        )
        for r in plan.rows
    ]
    tables = (
        Table(
            ("name", "source", "target", "source version", "target version", "action", "note"),
            rows,
            "files",
            paths=("source", "target"),
            wrap=("note",),
            headline=("name", "action"),
        ),
        Table(("action", "files"), list(counts.items()), "summary"),
    )
    data = {
        "source": plan.source,
        "target": plan.target,
        "summary": counts,
        "files": [row_record(r) for r in plan.rows],
        "ambiguous": plan.ambiguous(),
        "problems": [{"path": p.path, "message": p.message} for p in plan.problems],
    }
    return Document(data, tables)


def preflight_summary(plan: Plan) -> str:
    """One line for stderr: the action counts."""
    counts = plan.counts()
    parts = [f"{n} {action}" for action, n in counts.items() if n]
    return f"{len(plan.rows)} files: " + (", ".join(parts) or "none")


_REPLY_LABEL = {
    Reply.OVERWRITE: "OVERWRITE",
    Reply.KEEP: "KEEP",
    Reply.SAME: "SAME",
    Reply.UNKNOWN: "UNKNOWN",
    Reply.AMBIGUOUS: "AMBIGUOUS",
    Reply.NEW: "NEW",
    Reply.NOT_FOUND: "NOT FOUND",
    Reply.EMPTY: "",
}

REPLY_COLOURS = {
    Reply.OVERWRITE: "green",
    Reply.KEEP: "cyan",
    Reply.SAME: "cyan",
    Reply.UNKNOWN: "red",
    Reply.AMBIGUOUS: "red",
    Reply.NEW: "blue",
    Reply.NOT_FOUND: "magenta",
    Reply.EMPTY: "white",
}
"""The colour of each reply's label on a terminal."""


def _decision_advice(rows: Sequence[Row]) -> str:
    first = rows[0]
    if first.outcome is None:
        return first.reason
    answer = answer_word(first.outcome.decision)
    if len({r.action for r in rows}) > 1:
        # Later here, the same there: the button is the same, the reasons are not.
        listed = "; ".join(
            f"{r.target.rel if r.target is not None else r.source.name} {_pair_word(r)}"
            for r in rows
        )
        return f"answer {answer}: no copy is older than the new file: {listed}"
    text = f"answer {answer}: {first.reason}" if answer else f"cannot decide: {first.reason}"
    if len(rows) > 1:
        text += f" (the same for all {len(rows)} pairs)"
    return text


def _pair_word(r: Row) -> str:
    if r.outcome is None:
        return r.action.value
    version = shown_version(r.existing) if r.existing is not None else None
    return f"{version or 'no version'}: {r.outcome.decision.value}"


def _disagreement(rows: Sequence[Row]) -> str:
    sources = {r.source for r in rows}
    several_sources = len(sources) > 1
    parts = []
    for r in rows:
        label = r.source.name if several_sources else ""
        if r.target is not None:
            label = f"{label} → {r.target.rel}" if label else r.target.rel
        parts.append(f"{label or r.source.name} {_pair_word(r)}")
    if several_sources:
        hint = "type the real name of one file"
        lead = f"{len(sources)} files in SOURCE answer to this name"
    else:
        hint = "type the full path the dialog shows"
        lead = f"new {shown_version(rows[0].new) or 'no version'} against {len(rows)} copies"
    return f"{lead}: " + "; ".join(parts) + f"; {hint}"


def answer_parts(answer: Answer) -> tuple[str, str]:
    """The one-line answer as (label, rest): the label is what gets coloured."""
    label = _REPLY_LABEL[answer.reply]
    reply = answer.reply
    if reply is Reply.EMPTY:
        return "", ""
    if reply is Reply.NOT_FOUND:
        rest = "not in SOURCE"
        if answer.installed:
            rest += f" (installed under TARGET: {', '.join(answer.installed)})"
        rest += "; closest: " + (", ".join(answer.suggestions) or "none")
        return f"{answer.name}: {label}", rest
    if reply is Reply.NEW:
        return f"{_named(answer)}: {label}", "not installed under TARGET: no prompt expected for it"
    if reply is Reply.AMBIGUOUS:
        return f"{_named(answer)}: {label}", _disagreement(answer.rows)
    rest = _decision_advice(answer.rows)
    notes: list[str] = []
    for r in answer.rows:
        for n in short_notes(r.outcome):
            if n not in notes:
                notes.append(n)
    if notes:
        rest += " [warning: " + "; ".join(notes) + "]"
    return f"{_named(answer)}: {label}", rest


def _named(answer: Answer) -> str:
    """The typed name, and the real name when it differs (a compressed file's)."""
    real = {r.source.name for r in answer.rows}
    if len(real) == 1:
        (name,) = real
        if name.casefold() != answer.name.casefold():
            return f"{answer.name} ({name})"
    return answer.name


def answer_line(answer: Answer) -> str:
    """The one-line answer, uncoloured."""
    label, rest = answer_parts(answer)
    return f"{label} — {rest}" if label else ""


def _side(label: str, c: Candidate) -> str:
    string = _string_when_differs(c)
    bits = [
        f"{label:<9}{_where(c)}",
        c.platform or "platform?",
        shown_version(c) or "no version",
    ]
    if string:
        bits.append(f"string {string!r}")
    if c.size is not None:
        bits.append(f"{c.size} bytes")
    modified = _time(c.modified)
    if modified:
        bits.append(modified)
    if c.failed:
        bits.append(f"{c.info.status.value}: {c.info.error}")
    return "  " + "  ".join(bits)


def answer_detail(answer: Answer) -> list[str]:
    """The lines shown under the answer at an interactive prompt."""
    lines: list[str] = []
    shown: set[SourceFile] = set()
    for r in answer.rows:
        if r.source not in shown:
            shown.add(r.source)
            lines.append(_side("new", r.new))
        if r.existing is not None:
            lines.append(_side("existing", r.existing))
        lines.extend(f"  warning  {w}" for w in r.warnings)
        if r.set_aside:
            lines.append("  note     other platform, not compared: " + ", ".join(r.set_aside))
    return lines
