"""From a YAML node tree to a :class:`Manifest`, reporting every problem with its line.

The checks work on nodes rather than on loaded Python values: a node knows its
line, and knows whether YAML read a value as a string or as something else
(``4.10`` unquoted is the float 4.1, ``13:07`` the integer 787, ``2003-02-28`` a
date). A manifest is built only when no problem was found.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, Literal

import yaml

from verscan.manifest import rules
from verscan.manifest.model import BRANCHES, PLATFORMS, FileRow, Manifest
from verscan.manifest.problem import LintProblem
from verscan.manifest.schema import (
    MAX_PROBLEMS,
    MAX_RELEASES,
    ROW_KEYS,
    ROW_OPTIONAL_KEYS,
    ROW_REQUIRED,
    TOP_KEYS,
    TOP_REQUIRED,
)
from verscan.versions import compare, parse_version

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_INT = "tag:yaml.org,2002:int"

_READ_AS = {
    _NULL: "null",
    "tag:yaml.org,2002:bool": "a boolean",
    _INT: "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:timestamp": "a date",
    _STR: "a string",
}


class _Invalid(enum.Enum):
    """Marks a value that was reported as a problem (None is a valid value)."""

    VALUE = 0


_INVALID: Literal[_Invalid.VALUE] = _Invalid.VALUE

_Text = str | Literal[_Invalid.VALUE] | None


def check_document(root: yaml.Node, origin: str) -> tuple[Manifest | None, list[LintProblem]]:
    """Check a composed manifest document.

    Returns the manifest and no problems, or None and every problem found,
    sorted by line (problems on one line keep the order they were found in).
    """
    checker = _Checker(origin)
    manifest = checker.manifest(root)
    problems = sorted(checker.problems, key=lambda p: p.line)
    if checker.unlisted:
        last = problems[-1].line
        more = f"{checker.unlisted} more problems not listed (the first {MAX_PROBLEMS} are)"
        problems.append(LintProblem(origin, last, more))
    return (manifest if not problems else None), problems


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1 if node.start_mark is not None else 1


def _described(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return _READ_AS.get(node.tag, "a special YAML value")


class _Checker:
    """Walks the node tree once, collecting problems."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.problems: list[LintProblem] = []
        self.unlisted = 0
        # One parser per row key: (key, value node) -> value or _INVALID.
        self.row_parsers: dict[str, Callable[[str, yaml.Node], Any]] = {
            "name": self.checked(rules.name_problem, nullable=False),
            "version": self.checked(partial(rules.version_problem, "version")),
            "size": self.size,
            "date": self.checked(rules.date_problem),
            "time": self.checked(rules.time_problem),
            "platform": self.checked(partial(rules.choice_problem, "platform", PLATFORMS)),
            "sp_requirement": self.text,
            "branch": self.checked(partial(rules.choice_problem, "branch", BRANCHES)),
            "path": self.checked(rules.path_problem),
            "section": self.text,
            "min_version": self.checked(partial(rules.version_problem, "min_version")),
            "sha256": self.checked(rules.sha256_problem),
            "releases": self.releases,
            "system_platform": self.checked(
                partial(rules.choice_problem, "system_platform", PLATFORMS)
            ),
        }

    def report(self, node: yaml.Node, message: str) -> None:
        # Capped: a large file of bad values would otherwise list (and hold) millions.
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(LintProblem(self.origin, _line(node), message))
        else:
            self.unlisted += 1

    # -- structure -------------------------------------------------------

    def manifest(self, root: yaml.Node) -> Manifest | None:
        if not isinstance(root, yaml.MappingNode):
            what = _described(root)
            self.report(root, f"the top level must be a mapping (kb:, files:, ...), not {what}")
            return None
        fields = self.mapping(root, TOP_KEYS, TOP_REQUIRED, "manifest")
        kb = self.kb(fields["kb"]) if "kb" in fields else _INVALID
        title = self.text("title", fields["title"]) if "title" in fields else None
        source = self.text("source", fields["source"]) if "source" in fields else None
        products = self.products(fields["products"]) if "products" in fields else ()
        files = self.files(fields["files"]) if "files" in fields else _INVALID
        if (
            kb is None
            or kb is _INVALID
            or title is _INVALID
            or source is _INVALID
            or products is _INVALID
            or files is _INVALID
        ):
            return None
        return Manifest(
            kb=kb, title=title, source=source, products=products, files=files, origin=self.origin
        )

    def mapping(
        self, node: yaml.MappingNode, known: Sequence[str], required: Sequence[str], what: str
    ) -> dict[str, yaml.Node]:
        """The value nodes of ``node`` by key; reports unknown, duplicate and missing keys."""
        seen: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.report(key_node, f"a key must be a name, not {_described(key_node)}")
                continue
            key = str(key_node.value)
            if key in seen:
                # PyYAML would keep the last value silently; YAML says keys are unique.
                first = _line(seen[key][0])
                self.report(key_node, f"duplicate key {rules.shown(key)} (first at line {first})")
                continue
            seen[key] = (key_node, value_node)
            if key not in known:
                guess = rules.suggest(key, known)
                hint = f' (did you mean "{guess}"?)' if guess else ""
                self.report(key_node, f"unknown key {rules.shown(key)}{hint}")
        for key in required:
            if key not in seen:
                self.report(node, f'{what} is missing required key "{key}"')
        return {key: value for key, (_, value) in seen.items() if key in known}

    def releases(self, key: str, node: yaml.Node) -> tuple[str, ...] | Literal[_Invalid.VALUE]:
        """A list of Windows release names from the catalogue (an empty list is none)."""
        if not isinstance(node, yaml.SequenceNode):
            self.report(node, f"{key} must be a list of release names, not {_described(node)}")
            return _INVALID
        if len(node.value) > MAX_RELEASES:
            self.report(node, f"{key} lists more than {MAX_RELEASES} releases")
            return _INVALID
        names: list[str] = []
        valid = True
        for item in node.value:
            name = self.checked(rules.release_problem, nullable=False)("release", item)
            if not isinstance(name, str):
                valid = False
            elif name in names:
                self.report(item, f"release {rules.shown(name)} is listed twice")
                valid = False
            else:
                names.append(name)
        return tuple(names) if valid else _INVALID

    def products(self, node: yaml.Node) -> tuple[str, ...] | Literal[_Invalid.VALUE]:
        if not isinstance(node, yaml.SequenceNode):
            self.report(node, f"products must be a list of strings, not {_described(node)}")
            return _INVALID
        items = [self.text("product", item, nullable=False) for item in node.value]
        strings = [item for item in items if isinstance(item, str)]
        return tuple(strings) if len(strings) == len(items) else _INVALID

    def files(self, node: yaml.Node) -> tuple[FileRow, ...] | Literal[_Invalid.VALUE]:
        if not isinstance(node, yaml.SequenceNode):
            self.report(node, f"files must be a list of rows, not {_described(node)}")
            return _INVALID
        rows: list[FileRow] = []
        first_line: dict[tuple[object, ...], int] = {}
        valid = True
        for item in node.value:
            row = self.row(item)
            if row is None:
                valid = False
                continue
            identity = row_identity(row)
            if identity in first_line:
                self.report(
                    item,
                    f"duplicate row: same values as line {first_line[identity]}",
                )
                valid = False
                continue
            first_line[identity] = _line(item)
            rows.append(row)
        return tuple(rows) if valid else _INVALID

    def row(self, node: yaml.Node) -> FileRow | None:
        if not isinstance(node, yaml.MappingNode):
            self.report(node, f"each row of files must be a mapping, not {_described(node)}")
            return None
        fields = self.mapping(node, ROW_KEYS + ROW_OPTIONAL_KEYS, ROW_REQUIRED, "row")
        values = {key: self.row_parsers[key](key, value) for key, value in fields.items()}
        if any(key not in values for key in ROW_REQUIRED):
            return None
        if any(value is _INVALID for value in values.values()):
            return None
        if not self.floor_fits(values, fields):
            return None
        return FileRow(**values)

    def floor_fits(self, values: dict[str, Any], fields: dict[str, yaml.Node]) -> bool:
        """``min_version``, when given, needs a version and must not be above it."""
        floor, version = values.get("min_version"), values["version"]
        if floor is None:
            return True
        if version is None:
            self.report(fields["min_version"], "min_version needs a version; the row has none")
            return False
        # As numbers (never as strings), with the same alignment of short versions as verdicts use.
        if compare(parse_version(floor) or (), parse_version(version) or ()) < 0:
            self.report(fields["min_version"], f"min_version {floor} is above version {version}")
            return False
        return True

    # -- values ----------------------------------------------------------

    def text(self, key: str, node: yaml.Node, nullable: bool = True) -> _Text:
        """A string value (None for null when ``nullable``): non-empty, no control characters."""
        if not isinstance(node, yaml.ScalarNode):
            self.report(node, f"{key} must be a string, not {_described(node)}")
            return _INVALID
        if node.tag == _NULL and nullable:
            return None
        if node.tag == _NULL:
            self.report(node, f"{key} must be a string, not null")
            return _INVALID
        if node.tag != _STR:
            self.report(
                node,
                f"{key} must be a quoted string; unquoted, {rules.clipped(str(node.value))}"
                f" is read as {_described(node)}",
            )
            return _INVALID
        value = str(node.value)
        if not value:
            self.report(node, f"{key} must not be empty" + (" (use null)" if nullable else ""))
            return _INVALID
        bad = rules.control_character(value)
        if bad is not None:
            self.report(node, f"{key} contains a control character ({bad})")
            return _INVALID
        return value

    def checked(
        self, rule: Callable[[str], str | None], nullable: bool = True
    ) -> Callable[[str, yaml.Node], _Text]:
        """A parser for a string value that must also pass ``rule``."""

        def parse(key: str, node: yaml.Node) -> _Text:
            value = self.text(key, node, nullable)
            if isinstance(value, str):
                problem = rule(value)
                if problem is not None:
                    self.report(node, problem)
                    return _INVALID
            return value

        return parse

    def kb(self, node: yaml.Node) -> _Text:
        return self.checked(rules.kb_problem, nullable=False)("kb", node)

    def size(self, key: str, node: yaml.Node) -> int | Literal[_Invalid.VALUE] | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag != _INT:
            what = _described(node)
            if what == "a string":
                what = f"a string ({rules.shown(str(node.value))})"
            self.report(node, f"{key} must be a whole number of bytes, not {what}")
            return _INVALID
        digits = str(node.value)
        if digits.startswith("-"):
            self.report(node, f"{key} must not be negative, got {rules.clipped(digits)}")
            return _INVALID
        # YAML 1.1 also reads 0x1F, 0o17, 017 (octal!), 1_000 and 1:30 as integers;
        # other readers disagree on several of them, so only plain decimal is accepted.
        plain = digits.isascii() and digits.isdigit() and (digits == "0" or digits[0] != "0")
        if not plain:
            self.report(
                node, f"{key} must be written in plain decimal, got {rules.clipped(digits)}"
            )
            return _INVALID
        return int(digits)


def row_identity(row: FileRow) -> tuple[object, ...]:
    """What makes two rows the same requirement: Windows names and folders ignore case.

    Only rows that agree in every field are duplicates: articles list one file
    under several headings (products, languages, service packs), and on two
    branches that share a label (the WOW rows of GDR and QFE packages), with
    another size, date or time.
    """
    parsed = row.parsed_version
    padded = None if parsed is None else parsed + (0,) * (4 - len(parsed))
    path = None if row.path is None else row.path.replace("/", "\\").strip("\\").casefold()
    return (
        row.name.casefold(),
        row.platform,
        padded,
        row.branch,
        path,
        row.sp_requirement,
        row.section,
        row.size,
        row.date,
        row.time,
        row.min_version,
        row.sha256,
        row.releases,
        row.system_platform,
    )


def without_duplicates(rows: Sequence[FileRow]) -> tuple[tuple[FileRow, ...], list[int]]:
    """The rows with exact repeats (by :func:`row_identity`) left out, and the 0-based
    positions of the rows left out: a manifest lists each requirement once."""
    seen: set[tuple[object, ...]] = set()
    kept: list[FileRow] = []
    dropped: list[int] = []
    for i, row in enumerate(rows):
        identity = row_identity(row)
        if identity in seen:
            dropped.append(i)
        else:
            seen.add(identity)
            kept.append(row)
    return tuple(kept), dropped
