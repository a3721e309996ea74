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


def test_csv_keeps_rows_attributable() -> None:
    text = render(DOC, "csv")
    first, second = text.split("\n\n")
    rows = list(csv.reader(io.StringIO(first)))
    assert rows == [
        ["table", "kb", "verdict"],
        ["KBs", "829427", "INSTALLED"],
        ["KBs", "323332", ""],
    ]
    assert list(csv.reader(io.StringIO(second)))[1] == ["files", "WINNT/system32/x.dll", "CURRENT"]


def test_only_shortenable_columns_are_cut_in_terminal_tables() -> None:
    long_title = "Application Compatibility Update for Windows XP and Windows Server 2003 " * 2
    long_path = "WINNT/" + "deep/" * 30 + "file.dll"
    doc = Document({}, (Table(("title", "path"), [(long_title, long_path)], shorten=("title",)),))
    text = render(doc, "table")
    assert long_path in text
    assert long_title not in text and long_title[:59] + "…" in text
    assert long_title in render(doc, "csv") and long_title in render(doc, "markdown")
