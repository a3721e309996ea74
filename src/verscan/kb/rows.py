"""From cell texts to :class:`~verscan.manifest.model.FileRow`.

Every table reader (plain text, pipes, HTML, CSV) ends with the same thing: for
each row, the text of each of its cells keyed by :class:`Field`. This module
turns that into a manifest row, reading each value with :mod:`.values` and
noting every value it has to leave empty or reinterpret.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from verscan.kb import values
from verscan.kb.columns import Field
from verscan.kb.result import Log
from verscan.manifest.model import FileRow
from verscan.manifest.rules import name_problem, path_problem, version_problem

SECTION_JOIN = " / "
"""How a table's heading and a row's own scope (locale, OS name) are joined."""

# Platform cells that say nothing about the row's scope.
_VAGUE = frozenset({"windows", "all", "any", "both", "windows nt", "nt", "win32s"})


@dataclass(frozen=True)
class RawRow:
    """One table row before its values are read."""

    line: int
    """1-based line of the row in the article."""
    text: str
    """The row as printed."""
    cells: dict[Field, str]
    """Cell text by column."""
    section: str | None = None
    """Heading or label the row sat under."""
    platform: str | None = None
    """Platform given by the heading or by the first row of the row's block."""
    extra: tuple[str, ...] = field(default=())
    """Scope words found elsewhere in the row (a wrapped label), joined to the section."""
    block: int = 0
    """Which block of its table the row is in: blank lines (and label lines) separate blocks."""


def join_section(*parts: str | None) -> str | None:
    """Join non-empty section parts with :data:`SECTION_JOIN`, dropping repeats."""
    out: list[str] = []
    for part in parts:
        if part and part not in out:
            out.append(part)
    return SECTION_JOIN.join(out) if out else None


def build_row(raw: RawRow, log: Log, *, day_first: bool = False) -> FileRow | None:
    """Read a raw row's values into a :class:`FileRow`; ``None`` if it has no file name.

    Values that cannot be read are left empty with a note; the row is kept.
    ``day_first`` reads numeric dates day first (the table's order, see
    :func:`.values.numeric_day_first`).
    """
    cells = {k: " ".join(values.visible(v).split()) for k, v in raw.cells.items() if v}
    cells = {k: v for k, v in cells.items() if v}
    name_text = cells.get(Field.NAMEPATH) or cells.get(Field.NAME)
    name = values.split_name(name_text) if name_text else None
    if name is None:
        log.problem(raw.line, f"no file name in row ({name_text or 'empty'!r})", raw.text)
        return None
    file_name = name.name
    ext = cells.get(Field.EXT)
    if ext and "." not in file_name and ext.lower() not in values.NULL_WORDS:
        file_name = f"{file_name}.{ext.lstrip('.')}"

    refused = name_problem(file_name)
    if refused is not None:
        log.problem(raw.line, f"not a file name: {refused}", raw.text)
        return None

    scope: list[str | None] = [values.visible(s) if s else s for s in (raw.section, *raw.extra)]
    platform = _platform(raw, cells, name.hint, scope, log)
    version = _version(raw, cells.get(Field.VERSION), log)
    size = _size(raw, cells.get(Field.SIZE), log)
    date, time = _when(raw, cells, log, day_first)

    sp = values.parse_sp(cells[Field.SP]) if Field.SP in cells else None
    branch = None
    if Field.BRANCH in cells and cells[Field.BRANCH].lower() not in values.NULL_WORDS:
        branch_sp, branch = values.parse_branch(cells[Field.BRANCH])
        sp = sp or branch_sp
        if branch is None:
            log.note(raw.line, f"service branch {cells[Field.BRANCH]!r} not understood", raw.text)

    locale = cells.get(Field.LOCALE)
    if locale and locale.lower() not in values.NULL_WORDS:
        scope.append(locale)
    path = _safe_path(raw, name.path or _path(cells.get(Field.PATH)), log)
    sha256 = values.parse_sha256(cells[Field.SHA256]) if Field.SHA256 in cells else None

    return FileRow(
        name=file_name,
        version=version,
        size=size,
        date=date,
        time=time,
        platform=platform,
        sp_requirement=sp,
        branch=branch,
        path=path,
        section=join_section(*scope),
        sha256=sha256,
    )


def _platform(
    raw: RawRow, cells: dict[Field, str], hint: str | None, scope: list[str | None], log: Log
) -> str | None:
    """The row's platform: its Platform cell, a parenthetical after the name, or the heading's.

    A filled Platform cell decides on its own: one naming an operating system
    (``Windows 98 Second Edition``) or ``Not applicable`` gives no platform,
    and the heading's CPU is not applied over it. The OS name scopes the row,
    so it goes to the section, as does a CPU model or build flavour printed
    with the platform (``R4100 (Debug)``).
    """
    text = cells.get(Field.PLATFORM)
    if text:
        platform = values.parse_platform(text)
        if platform is None:
            words = text[1:-1].strip() if text.startswith("(") and text.endswith(")") else text
            if words.lower() not in values.NULL_WORDS and words.lower() not in _VAGUE:
                scope.append(words)
        else:
            # A CPU model or build flavour ("R4100 (Debug)") tells builds apart.
            scope.append(values.platform_detail(text))
        return platform
    if hint:
        hinted = values.parse_platform(hint)
        if hinted:
            return hinted
        log.note(raw.line, f"'({hint})' after the file name is not a platform; dropped", raw.text)
    return raw.platform


def _version(raw: RawRow, text: str | None, log: Log) -> str | None:
    """The version as printed; a trailing word after a dotted number (`` shp``) is dropped.

    A manifest's version is 2 to 4 dotted numbers (the format the scanner
    compares); anything else (``Gen 1.35``, ``A.03.01``, ``1.00/1.00``) is left
    empty, with a note quoting what the article printed.
    """
    if not text or text.lower() in values.NULL_WORDS:
        return None
    dotted = values.comma_version(text)
    if dotted is not None and version_problem("version", dotted) is None:
        log.note(raw.line, f"version {text!r} read as {dotted!r}", raw.text)
        return dotted
    version = values.clean_version(text)
    if (
        version is not None
        and text.startswith(version)
        and version_problem("version", version) is None
    ):
        tail = text[len(version) :]
        if not tail or values.version_qualifier(tail):
            if version != text:
                log.note(raw.line, f"version {text!r} read as {version!r}", raw.text)
            return version
    if version is not None and version == text and text.isdigit():
        log.note(
            raw.line,
            f"version {text!r} is a build number, not a file version; version left empty",
            raw.text,
        )
        return None
    log.note(raw.line, f"version {text!r} is not a file version; version left empty", raw.text)
    return None


def _size(raw: RawRow, text: str | None, log: Log) -> int | None:
    if not text or text.lower() in values.NULL_WORDS:
        return None
    size = values.parse_size(text)
    if size is None:
        if values.size_in_units(text):
            log.note(raw.line, f"size {text!r} is not in bytes; size left empty", raw.text)
        else:
            log.note(raw.line, f"size {text!r} not understood; size left empty", raw.text)
    return size


def _when(
    raw: RawRow, cells: dict[Field, str], log: Log, day_first: bool = False
) -> tuple[str | None, str | None]:
    """Date and time from Date, Time or combined Date/Time cells."""
    date = time = None
    both = cells.get(Field.DATETIME)
    if both:
        parsed = values.parse_datetime(both, day_first=day_first)
        if parsed is None:
            log.note(raw.line, f"date/time {both!r} not understood; left empty", raw.text)
        else:
            date, time = parsed
    text = cells.get(Field.DATE)
    if text:
        date = values.parse_date(text, day_first=day_first)
        if date is None:
            # Some tables print the time in the Date column too.
            parsed = values.parse_datetime(text, day_first=day_first)
            if parsed is not None:
                date, time = parsed[0], time or parsed[1]
            elif text.lower() not in values.NULL_WORDS:
                log.note(raw.line, f"date {text!r} not understood; date left empty", raw.text)
    text = cells.get(Field.TIME)
    if text:
        time = values.parse_time(text)
        if time is None and re.fullmatch(r"\d{1,2}\.\d{2}", text):
            time = values.parse_time(text.replace(".", ":"))
            if time is not None:
                log.note(raw.line, f"time {text!r} read as {time!r}", raw.text)
        if time is None and text.lower() not in values.NULL_WORDS:
            log.note(raw.line, f"time {text!r} not understood; time left empty", raw.text)
    return date, time


def _path(text: str | None) -> str | None:
    if not text or text.lower() in values.NULL_WORDS:
        return None
    return text.rstrip("\\/") or text


_PACKAGE = re.compile(
    r"(?:.*(?:KB|Q)\d{5,7}.*|.*-(?:x86|x64|ia64|arm64|enu|en)\b.*)\.(?:exe|msu|msi|cab|msp)",
    re.IGNORECASE,
)


def finish_table(raws: Sequence[RawRow], fields: Iterable[Field], log: Log) -> list[FileRow]:
    """Read one table's raw rows into file rows, with the checks that need the whole table.

    - A Version column whose every value is a dotted number of thousands
      (``1.854.736``) in a table without a Size column holds sizes: it is read
      as sizes, with a note.
    - A table listing nothing but update packages (``Q277873_W2K_SP2_x86_en.exe``,
      ``WindowsXP-KB123456-x86-ENU.exe``) without versions is a download table,
      not the files an update installs: it is skipped with a note.
    - Numeric dates are read in one order for the whole table: day first when
      one of them can only be day first and none only month first
      (:func:`.values.numeric_day_first`), with a note; else month first.
    - A CPU in the Platform cell of a block's first row, when every other row
      of the block leaves the cell empty, applies to the block
      (:func:`fill_block_platforms`).
    """
    raws = fill_block_platforms(raws)
    if not raws:
        return []
    columns = set(fields)
    if Field.VERSION in columns and Field.SIZE not in columns:
        cells = [r.cells.get(Field.VERSION, "").strip() for r in raws]
        filled = [c for c in cells if c]
        if filled and all(values.is_dotted_size(c) for c in filled):
            log.note(
                raws[0].line,
                f"the Version column holds sizes ({filled[0]!r}); read as sizes",
                raws[0].text,
            )
            raws = [_version_to_size(r) for r in raws]
    dates = [r.cells[f] for r in raws for f in (Field.DATE, Field.DATETIME) if r.cells.get(f)]
    day_first = values.numeric_day_first(dates)
    if day_first:
        first = next(d for d in dates if any(a > 12 for a, _ in values.numeric_date_parts(d)))
        log.note(
            raws[0].line,
            f"numeric dates in this table are day first ({first!r}); all read day first",
            raws[0].text,
        )
    rows = [
        row for row in (build_row(r, log, day_first=day_first) for r in raws) if row is not None
    ]
    if rows and all(_PACKAGE.fullmatch(r.name) and r.version is None for r in rows):
        for raw in raws:
            log.note(
                raw.line, "table lists update packages to download; not read as files", raw.text
            )
        return []
    return rows


def _version_to_size(raw: RawRow) -> RawRow:
    cells = dict(raw.cells)
    text = cells.pop(Field.VERSION, None)
    if text:
        cells[Field.SIZE] = text
    return replace(raw, cells=cells)


def block_marker(cells: dict[Field, str]) -> str | None:
    """A platform marker that applies to the rows after it in its block.

    Only the parenthesized form (``(Alpha)`` in the Platform cell or after the
    name) is such a marker: tables that print ``(x86)`` on a block's first row
    leave the cell empty below it. A bare ``Alpha`` marks its block only from
    the block's first row, and only when the rest of the block leaves the cell
    empty (:func:`fill_block_platforms`).
    """
    text = cells.get(Field.PLATFORM, "").strip()
    if text.startswith("(") and values.parse_platform(text):
        return values.parse_platform(text)
    name = cells.get(Field.NAME) or cells.get(Field.NAMEPATH)
    split = values.split_name(name) if name else None
    if split and split.hint:
        return values.parse_platform(split.hint)
    return None


def fill_block_platforms(raws: Sequence[RawRow]) -> list[RawRow]:
    """Apply a CPU printed on a block's first row to the rest of the block.

    Tables split into blocks by blank lines often print the platform once,
    on the block's first row (``10/12/1999  08:44p  36,112  Wlbs.exe  x86``),
    and leave the cell empty on the rows below it. When the first row's
    Platform cell names a CPU and every other row of the block leaves the cell
    empty, those rows take that CPU, in place of the heading's. A block whose
    other rows fill the cell, or whose first row does not name a CPU (a table
    that prints ``Alpha`` on its last row only), is left as it is.
    """
    out = list(raws)
    start = 0
    while start < len(out):
        end = start + 1
        while end < len(out) and out[end].block == out[start].block:
            end += 1
        platform = values.parse_platform(out[start].cells.get(Field.PLATFORM, ""))
        rest = range(start + 1, end)
        if platform and rest and not any(_platform_text(out[k]) for k in rest):
            for k in rest:
                out[k] = replace(out[k], platform=platform)
        start = end
    return out


def _platform_text(raw: RawRow) -> str:
    return raw.cells.get(Field.PLATFORM, "").strip()


_DRIVE = re.compile(r"^(?:[A-Za-z]:)?[\\/]*")


def _safe_path(raw: RawRow, path: str | None, log: Log) -> str | None:
    """A folder hint a manifest can hold: relative (a drive letter and a leading
    ``\\`` are dropped, as the hint matches folders under any scanned root), or none
    with a note."""
    if not path:
        return None
    relative = _DRIVE.sub("", path)
    refused = path_problem(relative) if relative else "empty"
    if refused is not None:
        log.note(raw.line, f"folder {path!r} left out: {refused}", raw.text)
        return None
    return relative
