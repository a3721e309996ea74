"""Writing manifests: canonical text, quoting that survives YAML, and round trips."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from verscan.manifest.dump import dump_manifest
from verscan.manifest.lint import check_text, lint_text
from verscan.manifest.load import load_manifest
from verscan.manifest.model import BRANCHES, PLATFORMS, FileRow, Manifest
from verscan.manifest.schema import ROW_KEYS, ROW_OPTIONAL_KEYS, TOP_KEYS


def _reload(text: str) -> Manifest:
    manifest, problems = check_text(text, "dumped")
    assert problems == []
    assert manifest is not None
    return manifest


def test_schema_keys_are_the_model_fields() -> None:
    assert tuple(f.name for f in dataclasses.fields(FileRow)) == ROW_KEYS + ROW_OPTIONAL_KEYS
    assert tuple(f.name for f in dataclasses.fields(Manifest) if f.name != "origin") == TOP_KEYS


def test_canonical_fixtures_are_written_byte_for_byte(valid_dir: Path) -> None:
    for name in ("full.yaml", "kb323332.yaml"):
        path = valid_dir / name
        assert dump_manifest(load_manifest(path)) == path.read_text(encoding="utf-8")


def test_every_valid_fixture_round_trips(valid_dir: Path) -> None:
    for path in sorted(valid_dir.iterdir()):
        m = load_manifest(path)
        assert _reload(dump_manifest(m)) == m


def test_layout_and_quoting() -> None:
    m = Manifest(
        kb="829427",
        files=(
            FileRow(name="Example.exe", version="4.10", size=0, time="13:07", date="2003-10-07"),
        ),
    )
    assert dump_manifest(m) == (
        "# verscan manifest\n"
        'kb: "829427"\n'
        "title: null\n"
        "source: null\n"
        "products: []\n"
        "files:\n"
        '  - name: "Example.exe"\n'
        '    version: "4.10"\n'
        "    size: 0\n"
        '    date: "2003-10-07"\n'
        '    time: "13:07"\n'
        "    platform: null\n"
        "    sp_requirement: null\n"
        "    branch: null\n"
        "    path: null\n"
        "    section: null\n"
    )


def test_other_yaml_readers_see_strings() -> None:
    m = Manifest(
        kb="829427",
        files=(FileRow(name="yes", version="4.10", time="13:07", date="2003-10-07"),),
    )
    data = yaml.safe_load(dump_manifest(m))
    assert data["kb"] == "829427"
    assert data["files"][0] == {
        "name": "yes",
        "version": "4.10",
        "size": None,
        "date": "2003-10-07",
        "time": "13:07",
        "platform": None,
        "sp_requirement": None,
        "branch": None,
        "path": None,
        "section": None,
    }


def test_optional_keys_written_only_when_set() -> None:
    row = FileRow(name="a.dll", version="1.2", min_version="1.0", sha256="0" * 64)
    text = dump_manifest(Manifest(kb="1", files=(row,)))
    tail = f'    section: null\n    min_version: "1.0"\n    sha256: "{"0" * 64}"\n'
    assert text.endswith(tail)
    assert "min_version" not in dump_manifest(Manifest(kb="1", files=(FileRow("a.dll", "1.2"),)))


def test_awkward_strings_survive() -> None:
    awkward = "He said \"x\" \\ C:\\dir # not a comment: [ok] {ok} & * ! % @ ` 'q' – ✓ 😀"
    m = Manifest(
        kb="1",
        title=awkward,
        source=" leading and trailing ",
        products=("null", "~", "true", "0x10", "1e3", "- dash"),
        files=(FileRow(name="Wexample.dll", version=None, section="IIS 5.0:", path="a\\b"),),
    )
    assert _reload(dump_manifest(m)) == m


def test_invisible_characters_are_escaped_and_then_reported() -> None:
    # Not valid content, but the text must still parse so the linter can point at it.
    m = Manifest(kb="1", title="bell\x07 nel\x85 ls\u2028 bom\ufeff tab\t nl\n")
    text = dump_manifest(m)
    assert "\\x07" in text and "\\x85" in text and "\\u2028" in text and "\\uFEFF" in text
    assert len(text.splitlines()) == 6
    assert [str(p) for p in lint_text(text, "t")] == [
        "t:3: title contains a control character (U+0007)"
    ]


_VISIBLE = st.characters(exclude_categories=("Cc", "Cf", "Cs", "Zl", "Zp"))
_TEXT = st.text(_VISIBLE, min_size=1, max_size=30)
_NAME = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,20}", fullmatch=True).filter(
    lambda s: set(s) != {"."}
)
_VERSION = st.lists(st.integers(0, 0xFFFF), min_size=2, max_size=4).map(
    lambda parts: ".".join(map(str, parts))
)
_DATE = st.dates().map(lambda d: d.isoformat())
_TIME = st.times().map(lambda t: t.strftime("%H:%M"))
_PATH = st.from_regex(r"[A-Za-z0-9%_]{1,10}(\\[A-Za-z0-9_]{1,10}){0,3}", fullmatch=True)
_SHA = st.from_regex(r"[0-9a-f]{64}", fullmatch=True)


@st.composite
def _rows(draw: st.DrawFn) -> FileRow:
    version = draw(st.none() | _VERSION)
    floor = draw(st.none() | st.just(version)) if version is not None else None
    return FileRow(
        name=draw(_NAME),
        version=version,
        size=draw(st.none() | st.integers(0, 2**40)),
        date=draw(st.none() | _DATE),
        time=draw(st.none() | _TIME),
        platform=draw(st.none() | st.sampled_from(PLATFORMS)),
        sp_requirement=draw(st.none() | _TEXT),
        branch=draw(st.none() | st.sampled_from(BRANCHES)),
        path=draw(st.none() | _PATH),
        section=draw(st.none() | _TEXT),
        min_version=floor,
        sha256=draw(st.none() | _SHA),
    )


@st.composite
def _manifests(draw: st.DrawFn) -> Manifest:
    rows = draw(st.lists(_rows(), max_size=4))
    # Rows that repeat one another are a lint error; keep the first of each.
    unique: dict[tuple[object, ...], FileRow] = {}
    for row in rows:
        path = row.path.casefold() if row.path else None
        unique.setdefault((row.name.casefold(), row.platform, row.branch, path), row)
    return Manifest(
        kb=draw(st.from_regex(r"[0-9]{1,7}", fullmatch=True)),
        title=draw(st.none() | _TEXT),
        source=draw(st.none() | _TEXT),
        products=tuple(draw(st.lists(_TEXT, max_size=3))),
        files=tuple(unique.values()),
    )


@settings(max_examples=200, deadline=None)
@given(_manifests())
def test_round_trip_property(m: Manifest) -> None:
    assert _reload(dump_manifest(m)) == m
