"""The linter: each malformed fixture gives exactly the expected ``file:line: message``."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from verscan.errors import ManifestError
from verscan.manifest import check, document
from verscan.manifest.lint import LintProblem, check_text, lint_file, lint_text
from verscan.manifest.schema import MAX_BYTES, MAX_DEPTH

MANIFESTS = Path(__file__).resolve().parents[2] / "fixtures" / "manifests"

# One problem per fixture: (line, message).
EXPECTED: dict[str, list[tuple[int, str]]] = {
    "alias-bomb.yaml": [(2, "anchor &a is not allowed")],
    "bad-branch.yaml": [
        (6, 'branch "SP2GDR" is not one of GDR, QFE, LDR, WOW (did you mean "GDR"?)')
    ],
    "bad-date.yaml": [(6, "date 2003-02-30 is not a real calendar date")],
    "bad-kb.yaml": [(2, 'kb must be digits only, got "KB829427"')],
    "bad-platform.yaml": [
        (
            6,
            'platform "X86" is not one of x86, x64, ia64, arm64, alpha, mips, ppc'
            ' (did you mean "x86"?)',
        )
    ],
    "unknown-release.yaml": [
        (
            7,
            'unknown Windows release "Windows Server 2008R2" '
            '(did you mean "Windows Server 2008 R2"?); the README lists the names',
        )
    ],
    "bad-system-platform.yaml": [
        (
            9,
            'system_platform "amd64" is not one of x86, x64, ia64, arm64, alpha, mips, ppc'
            ' (did you mean "x64"?)',
        )
    ],
    "releases-not-list.yaml": [(6, "releases must be a list of release names, not a string")],
    "bad-sha256.yaml": [
        (
            6,
            "sha256 must be 64 lower-case hex digits, got "
            '"9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F…"',
        )
    ],
    "bad-time.yaml": [(6, "time 25:00 is out of range (00:00 to 23:59)")],
    "bool-size.yaml": [(6, "size must be a whole number of bytes, not a boolean")],
    "control-char-name.yaml": [(4, "name contains a control character (U+001B)")],
    "deep-nesting.yaml": [(4, f"nested deeper than {MAX_DEPTH} levels")],
    "duplicate-key.yaml": [(6, 'duplicate key "version" (first at line 5)')],
    "duplicate-row.yaml": [
        (
            6,
            "duplicate row: same values as line 4",
        )
    ],
    "empty-title.yaml": [(3, "title must not be empty (use null)")],
    "empty.yaml": [(1, "empty manifest: no YAML document")],
    "files-not-list.yaml": [(4, "files must be a list of rows, not a mapping")],
    "min-above-version.yaml": [(6, "min_version 5.0.2195.6000 is above version 5.0.2195.5917")],
    "min-without-version.yaml": [(6, "min_version needs a version; the row has none")],
    "missing-files.yaml": [(2, 'manifest is missing required key "files"')],
    "multiple-documents.yaml": [
        (5, "a second YAML document starts here; a manifest is one document")
    ],
    "name-with-folder.yaml": [
        (
            4,
            "name must be a file name without folders (put the folder in path), "
            'got "inetsrv\\Asp.dll"',
        )
    ],
    "negative-size.yaml": [(6, "size must not be negative, got -1")],
    "non-utf8.yaml": [(3, "not UTF-8: byte 0xE0 cannot be decoded")],
    "octal-size.yaml": [(6, "size must be written in plain decimal, got 0755")],
    "path-absolute.yaml": [(6, 'path must be a relative folder, got "C:\\Windows\\system32"')],
    "path-dotdot.yaml": [
        (6, 'path must not contain ".." components, got "system32\\..\\..\\Users"')
    ],
    "raw-control-char.yaml": [(3, "character U+0007 is not allowed in a YAML file")],
    "row-missing-version.yaml": [(4, 'row is missing required key "version"')],
    "row-not-mapping.yaml": [(4, "each row of files must be a mapping, not a string")],
    "syntax-error.yaml": [
        (5, "YAML syntax error: could not find expected ':' (while scanning a simple key)")
    ],
    "tag.yaml": [(3, "tag !!python/object/apply:os.system is not allowed; write plain values")],
    "top-level-list.yaml": [(2, "the top level must be a mapping (kb:, files:, ...), not a list")],
    "unknown-row-key.yaml": [(6, 'unknown key "platfrom" (did you mean "platform"?)')],
    "unknown-top-key.yaml": [(3, 'unknown key "author"')],
    "unquoted-kb.yaml": [(2, "kb must be a quoted string; unquoted, 829427 is read as a number")],
    "unquoted-time.yaml": [
        (6, "time must be a quoted string; unquoted, 13:07 is read as a number")
    ],
    "unquoted-version.yaml": [
        (5, "version must be a quoted string; unquoted, 4.10 is read as a number")
    ],
    "utf16.yaml": [(1, "file is UTF-16; save it as UTF-8")],
    "version-part-too-big.yaml": [
        (5, "version 5.0.70000.1 has a part above 65535 (file version parts are 16-bit)")
    ],
    "version-suffix.yaml": [
        (5, 'version must be 2 to 4 numbers joined by dots, got "5.0.2195.4555 shp"')
    ],
}

VALID = sorted(p.name for p in (MANIFESTS / "valid").iterdir())


@pytest.fixture(params=["libyaml", "python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with each YAML parser: results must not depend on how PyYAML was built."""
    if request.param == "python":
        monkeypatch.setattr(document, "_LibyamlLoader", None)
    elif document._LibyamlLoader is None:
        pytest.skip("PyYAML was built without libyaml")
    return str(request.param)


def test_every_invalid_fixture_has_an_expectation(invalid_dir: Path) -> None:
    assert sorted(p.name for p in invalid_dir.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_fixture_reports_exact_lines(invalid_dir: Path, name: str, parser: str) -> None:
    path = invalid_dir / name
    assert [str(p) for p in lint_file(path)] == [
        f"{path}:{line}: {message}" for line, message in EXPECTED[name]
    ]


@pytest.mark.parametrize("name", VALID)
def test_valid_fixture_has_no_problems(valid_dir: Path, name: str, parser: str) -> None:
    assert lint_file(valid_dir / name) == []


def test_lint_problem_prints_as_file_line_message() -> None:
    problem = LintProblem("kb.yaml", 7, "bad")
    assert str(problem) == "kb.yaml:7: bad"


def test_lint_text_uses_origin_and_sorts_problems_by_line() -> None:
    text = (
        'kb: "KB1"\n'
        "files:\n"
        "  - name: Asp.dll\n"
        "    version: 4.10\n"
        "    verison: x\n"
        "  - name: Asp.dll\n"
        '    size: "122,640"\n'
    )
    assert [str(p) for p in lint_text(text, "<stdin>")] == [
        '<stdin>:1: kb must be digits only, got "KB1"',
        "<stdin>:4: version must be a quoted string; unquoted, 4.10 is read as a number",
        '<stdin>:5: unknown key "verison" (did you mean "version"?)',
        '<stdin>:6: row is missing required key "version"',
        '<stdin>:7: size must be a whole number of bytes, not a string ("122,640")',
    ]


def test_check_text_returns_manifest_only_without_problems() -> None:
    manifest, problems = check_text('kb: "1"\nfiles: []\n', "m.yaml")
    assert problems == []
    assert manifest is not None and manifest.kb == "1" and manifest.origin == "m.yaml"
    manifest, problems = check_text('kb: "x"\nfiles: []\n', "m.yaml")
    assert manifest is None and len(problems) == 1


def test_lint_file_raises_for_unreadable_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    with pytest.raises(ManifestError, match=r"missing\.yaml: cannot read: "):
        lint_file(missing)
    with pytest.raises(ManifestError, match=r"not a regular file$"):
        lint_file(tmp_path)


def test_oversized_file_is_refused_without_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * MAX_BYTES + b"\n")
    assert [str(p) for p in lint_file(big)] == [
        f"{big}:1: manifest is larger than 16 MiB; a real one is a few kilobytes"
    ]


def test_oversized_text_is_refused() -> None:
    problems = lint_text("#" * (MAX_BYTES + 1), "t")
    assert [p.message for p in problems] == [
        "manifest is larger than 16 MiB; a real one is a few kilobytes"
    ]


def test_alias_bomb_is_refused_quickly(invalid_dir: Path) -> None:
    start = time.process_time()  # processor time: a busy machine's clock would say more
    lint_file(invalid_dir / "alias-bomb.yaml")
    assert time.process_time() - start < 2


def test_alias_without_anchor_is_refused() -> None:
    # PyYAML reports an undefined alias itself; either way it is a problem on that line.
    problems = lint_text('kb: "1"\nfiles: *rows\n', "t")
    assert [p.line for p in problems] == [2]


def test_nesting_at_the_cap_is_not_a_depth_problem(parser: str) -> None:
    # The top mapping and files are two levels; each bracket adds one.
    inner = "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2)
    problems = lint_text(f'kb: "1"\nfiles:\n  - {inner}\n', "t")
    assert [p.message for p in problems] == ["each row of files must be a mapping, not a list"]
    deeper = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    problems = lint_text(f'kb: "1"\nfiles:\n  - {deeper}\n', "t")
    assert [p.message for p in problems] == [f"nested deeper than {MAX_DEPTH} levels"]


def test_line_numbers_count_crlf_once(parser: str) -> None:
    text = 'kb: "1"\r\nfiles:\r\n  - name: "a.dll"\r\n    version: "1.2"\r\n    size: -4\r\n'
    assert [str(p) for p in lint_text(text, "w")] == ["w:5: size must not be negative, got -4"]


def test_byte_order_mark_is_accepted(valid_dir: Path) -> None:
    assert (valid_dir / "windows-editor.yaml").read_bytes().startswith(b"\xef\xbb\xbf")
    assert lint_file(valid_dir / "windows-editor.yaml") == []


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("title: [a]", "title must be a string, not a list"),
        ("source: yes", "source must be a quoted string; unquoted, yes is read as a boolean"),
        ("products: Windows", "products must be a list of strings, not a string"),
        ("products: [2000]", "product must be a quoted string; unquoted, 2000 is read as a number"),
        ("products: [null]", "product must be a string, not null"),
        ("? [a]\n: b", "a key must be a name, not a list"),
        ("<<: {x: 1}", 'unknown key "<<"'),
        ('title: "tab\\there"', "title contains a control character (U+0009)"),
        ('title: "\\u202Eexe.dll"', "title contains a control character (U+202E)"),
    ],
)
def test_top_level_value_problems(line: str, message: str, parser: str) -> None:
    problems = lint_text(f'kb: "1"\nfiles: []\n{line}\n', "t")
    assert [(p.line, p.message) for p in problems] == [(3, message)]


def test_missing_kb_and_files_reported_at_the_mapping() -> None:
    problems = lint_text("# c\ntitle: x\n", "t")
    assert [str(p) for p in problems] == [
        't:2: manifest is missing required key "kb"',
        't:2: manifest is missing required key "files"',
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("name: null", "name must be a string, not null"),
        ('name: ""', "name must not be empty"),
        ('name: "a?.dll"', 'name contains "?", which a Windows file name cannot'),
        ('name: ".."', 'name must be a file name, got ".."'),
        ('name: " a.dll"', 'name has leading or trailing spaces: " a.dll"'),
        (
            'name: "con/a.dll"',
            'name must be a file name without folders (put the folder in path), got "con/a.dll"',
        ),
        ('version: ""', "version must not be empty (use null)"),
        ('version: "5"', 'version must be 2 to 4 numbers joined by dots, got "5"'),
        ('version: "1.2.3.4.5"', 'version must be 2 to 4 numbers joined by dots, got "1.2.3.4.5"'),
        ('version: "5.٠.1"', 'version must be 2 to 4 numbers joined by dots, got "5.٠.1"'),
        ("version: {a: 1}", "version must be a string, not a mapping"),
        ("size: 1.5", "size must be a whole number of bytes, not a number"),
        ("size: 0x10", "size must be written in plain decimal, got 0x10"),
        ("size: 1_000", "size must be written in plain decimal, got 1_000"),
        ("size: [1]", "size must be a whole number of bytes, not a list"),
        (
            "date: 2003-02-28",
            "date must be a quoted string; unquoted, 2003-02-28 is read as a date",
        ),
        ('date: "28-Jun-2002"', 'date must be YYYY-MM-DD, got "28-Jun-2002"'),
        ('date: "2003-13-01"', "date 2003-13-01 is not a real calendar date"),
        ('time: "5:20"', 'time must be HH:MM (24-hour, UTC), got "5:20"'),
        ('time: "12:60"', "time 12:60 is out of range (00:00 to 23:59)"),
        ('time: "12:00:01"', 'time must be HH:MM (24-hour, UTC), got "12:00:01"'),
        (
            'platform: "amd64"',
            'platform "amd64" is not one of x86, x64, ia64, arm64, alpha, mips, ppc'
            ' (did you mean "x64"?)',
        ),
        (
            'platform: "sparc"',
            'platform "sparc" is not one of x86, x64, ia64, arm64, alpha, mips, ppc',
        ),
        ('branch: "gdr"', 'branch "gdr" is not one of GDR, QFE, LDR, WOW (did you mean "GDR"?)'),
        ("branch: on", "branch must be a quoted string; unquoted, on is read as a boolean"),
        ('path: "/usr"', 'path must be a relative folder, got "/usr"'),
        ('path: "\\\\windows"', 'path must be a relative folder, got "\\windows"'),
        (
            'path: "\\\\\\\\server\\\\share"',
            'path must be a relative folder, got "\\\\server\\share"',
        ),
        ('path: "//server/share"', 'path must be a relative folder, got "//server/share"'),
        ('path: "C:system32"', 'path must be a relative folder, got "C:system32"'),
        ('path: "system32:ads"', 'path contains ":", which a Windows folder name cannot'),
        ('path: "a/../b"', 'path must not contain ".." components, got "a/../b"'),
        ('path: "a\\\\. .\\\\b"', 'path must not contain ".." components, got "a\\. .\\b"'),
        ('path: "sys\\u0000"', "path contains a control character (U+0000)"),
        ('sha256: "abc"', 'sha256 must be 64 lower-case hex digits, got "abc"'),
        ('min_version: "x"', 'min_version must be 2 to 4 numbers joined by dots, got "x"'),
    ],
)
def test_row_value_problems(row: str, message: str, parser: str) -> None:
    key = row.split(":")[0]
    lines = ['name: "a.dll"', 'version: "1.2"']
    if key in ("name", "version"):
        lines[0 if key == "name" else 1] = row
    else:
        lines.append(row)
    text = 'kb: "1"\nfiles:\n  - ' + "\n    ".join(lines) + "\n"
    expected_line = {"name": 3, "version": 4}.get(key, 5)
    problems = lint_text(text, "t")
    assert [(p.line, p.message) for p in problems] == [(expected_line, message)]


def test_accepted_values(parser: str) -> None:
    text = (
        'kb: "1"\n'
        "files:\n"
        "  - name: Asp.dll\n"  # unquoted values that YAML reads as strings are fine
        "    version: 5.0.2195.5917\n"
        "    size: 0\n"
        '    date: "2004-02-29"\n'
        '    time: "00:00"\n'
        '    path: "%SystemRoot%\\\\system32\\\\inetsrv"\n'
        "    min_version: null\n"
        "    sha256: null\n"
        "  - {name: Asp.dll, version: '5.0.2195.5917', platform: x64}\n"
        "  - name: Asp.dll\n"
        "    version: 5.0.2195.5917\n"
        "    path: system32\n"
        '  - {name: "Édition.dll", version: "23:59", time: "23:59"}\n'
    )
    problems = lint_text(text, "t")
    assert [p.message for p in problems] == [
        'version must be 2 to 4 numbers joined by dots, got "23:59"'
    ]


def test_format_documentation_examples_are_valid() -> None:
    doc = (MANIFESTS.parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", doc, flags=re.DOTALL) if "\nfiles:" in b]
    assert len(blocks) == 2
    for block in blocks:
        assert lint_text(block, "README.md") == []


def test_too_many_values_are_refused(monkeypatch: pytest.MonkeyPatch, parser: str) -> None:
    monkeypatch.setattr(document, "MAX_NODES", 20)
    rows = "".join(f'  - {{name: "f{i}.dll", version: "1.{i}"}}\n' for i in range(10))
    problems = lint_text(f'kb: "1"\nfiles:\n{rows}', "t")
    # Values counted so far: kb and its value, files and its list, then 5 per row.
    assert [str(p) for p in problems] == ["t:6: more than 20 YAML values; a manifest has fewer"]


def test_problems_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check, "MAX_PROBLEMS", 3)
    rows = "".join(f"  - {{name: f{i}.dll, version: {i}.5}}\n" for i in range(5))
    problems = lint_text(f'kb: "1"\nfiles:\n{rows}', "t")
    assert [str(p) for p in problems] == [
        "t:3: version must be a quoted string; unquoted, 0.5 is read as a number",
        "t:4: version must be a quoted string; unquoted, 1.5 is read as a number",
        "t:5: version must be a quoted string; unquoted, 2.5 is read as a number",
        "t:5: 2 more problems not listed (the first 3 are)",
    ]
