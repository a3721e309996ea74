"""Every output format renders; every OutputFormat maps to a renderer."""

from __future__ import annotations

import csv
import io
import json

import yaml

from verscan.output import Document, OutputFormat, Table, render

DOC = Document(
    {"kbs": [{"kb": "829427", "verdict": "INSTALLED"}]},
    (
        Table(("kb", "verdict"), [("829427", "INSTALLED"), ("323332", None)], "KBs"),
        Table(("path", "verdict"), [("WINNT/system32/x.dll", "CURRENT")], "files"),
    ),
)


def test_every_format_has_a_renderer() -> None:
    for fmt in OutputFormat:
        assert render(DOC, fmt).endswith("\n")


def test_json_and_yaml_render_the_data() -> None:
    assert json.loads(render(DOC, "json")) == DOC.data
    assert yaml.safe_load(render(DOC, "yaml")) == DOC.data


def test_table_and_markdown() -> None:
    text = render(DOC, "table")
    assert text.startswith("KBs\n")
    assert "829427" in text and "WINNT/system32/x.dll" in text
    md = render(DOC, "markdown")
    assert "### KBs" in md and "| 829427 | INSTALLED |" in md


def test_csv_is_one_table_with_snake_case_headers() -> None:
    rows = list(csv.reader(io.StringIO(render(DOC, "csv"))))
    assert rows == [["kb", "verdict"], ["829427", "INSTALLED"], ["323332", ""]]
    own = Table(("file_version", "a_platform"), [("1.0", "x86")])
    chosen = Document({}, DOC.tables, csv=own)
    assert list(csv.reader(io.StringIO(render(chosen, "csv")))) == [
        ["file_version", "a_platform"],
        ["1.0", "x86"],
    ]


def test_a_pipe_gets_every_value_whole_and_a_terminal_a_table_that_fits() -> None:
    long_title = "Application Compatibility Update for Windows XP and Windows Server 2003 " * 2
    long_path = "WINNT/" + "deep/" * 30 + "file.dll"
    reason = "asp.dll 5.0.2195.5255 < 5.0.2195.5917, isatq.dll 5.0.2195.5800 < 5.0.2195.5810"
    table = Table(
        ("kb", "verdict", "title", "path", "reason"),
        [("323332", "MISSING", long_title, long_path, reason)],
        shorten=("title",),
        paths=("path",),
        wrap=("reason",),
    )
    doc = Document({}, (table,))
    piped = render(doc, "table")
    assert long_title in piped and long_path in piped and reason in piped
    assert long_title in render(doc, "csv") and long_title in render(doc, "markdown")
    for width in (80, 100, 120, 160):
        shown = render(doc, "table", width=width)
        assert max(len(line) for line in shown.splitlines()) <= width, shown
        assert "323332" in shown and "MISSING" in shown
        assert "file.dll" in shown  # a path keeps its file name
        assert "…" in shown
        # The reason is wrapped, not cut: every word is there.
        words = " ".join(shown.split())
        assert all(word in words for word in reason.split())


def test_a_narrow_terminal_gets_records() -> None:
    table = Table(
        ("kb", "verdict", "title", "current", "outdated", "reason"),
        [("323332", "MISSING", "ASP Generates a New ASP SessionID Cookie", 8, 1, "asp.dll " * 12)],
        shorten=("title",),
        wrap=("reason",),
        headline=("kb", "verdict", "title"),
    )
    shown = render(Document({}, (table,)), "table", width=40)
    lines = shown.splitlines()
    assert max(len(line) for line in lines) <= 40, shown
    assert lines[2].startswith("323332  MISSING  ASP Generates")
    assert "  current 8  outdated 1" in lines
    assert lines[4].startswith("  reason: asp.dll")


def test_colours_mark_verdicts_only_when_asked() -> None:
    table = Table(("kb", "verdict"), [("1", "MISSING"), ("2", "INSTALLED")])
    doc = Document({}, (table,))
    assert "\x1b[" not in render(doc, "table", width=80)
    coloured = render(doc, "table", width=80, colour=True)
    assert "\x1b[1;31mMISSING\x1b[0m" in coloured and "\x1b[32mINSTALLED\x1b[0m" in coloured
