"""Fuzzing the manifest loader: any bytes give a manifest or ``file:line: message`` problems.

Inputs are the shipped manifests and the valid and invalid fixtures with byte
edits and YAML pieces inserted and repeated: anchors and aliases, tags, flow
collections nested deep, documents, control characters, unsafe paths, numbers
of every shape. A manifest that loads must survive being written and read back.
"""

from __future__ import annotations

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from tests.fuzz.support import (
    FIXTURES,
    ROOT,
    bounded,
    fuzz_settings,
    mutated,
    peak_memory,
    read_seeds,
)
from verscan.errors import ManifestError
from verscan.manifest.dump import dump_manifest
from verscan.manifest.lint import check_bytes, check_text
from verscan.manifest.load import load_manifest
from verscan.manifest.model import FileRow, Manifest
from verscan.manifest.schema import MAX_PROBLEMS

SEEDS = read_seeds(
    sorted((FIXTURES / "manifests" / "valid").glob("*.yaml"))
    + sorted((FIXTURES / "manifests" / "invalid").glob("*.yaml"))
    + sorted((ROOT / "manifests").glob("*.yaml"))
    + sorted((FIXTURES / "scan").glob("*.yaml"))
)

TOKENS = [
    b"&a ",
    b"*a",
    b"<<: *a\n",
    b"!!str ",
    b"!!python/object/apply:os.system ",
    b"- ",
    b": ",
    b"? ",
    b"{",
    b"}",
    b"[",
    b"]",
    b", ",
    b'"',
    b"'",
    b"\\",
    b"\n",
    b"\n  ",
    b"\t",
    b"# comment\n",
    b"---\n",
    b"...\n",
    b"|\n",
    b">-\n",
    b"%YAML 1.1\n",
    b"\x00",
    b"\x1b",
    b"\xff",
    b"\xef\xbb\xbf",
    b"\xe2\x80\xae",
    b"\\u202e",
    b"\\uD800",
    b"\\x00",
    b'"..\\\\..\\\\Users"',
    b'"C:\\\\Windows"',
    b'"/etc"',
    b'"\\\\\\\\server\\\\share"',
    b"99999999999999999999999999",
    b"1e400",
    b"-1",
    b"0x1F",
    b"0o17",
    b"1_000",
    b".inf",
    b".nan",
    b"null",
    b"~",
    b"yes",
    b"2003-02-30",
    b"25:61",
    b"13:07",
    b'"5.0.2195.6860"',
    b'"65536.0.0.0"',
    b'name: "a.dll"\n',
    b'version: "1.2"\n',
    b'sha256: "' + b"f" * 64 + b'"\n',
    b"  - {name: x.dll, version: null}\n",
]


def check(result: tuple[Manifest | None, list[object]], text: bytes, origin: str) -> None:
    """What every check must give: a manifest, or problems pointing at lines of the file."""
    manifest, problems = result
    if manifest is not None:
        assert problems == []
        assert isinstance(manifest, Manifest)
        return
    assert problems, "a manifest was refused without a reason"
    assert len(problems) <= MAX_PROBLEMS + 1
    lines = text.count(b"\n") + text.count(b"\r") + 2
    for problem in problems:
        shown = str(problem)
        assert shown.startswith(f"{origin}:")
        assert "\n" not in shown and "\r" not in shown
        assert 1 <= problem.line <= lines  # type: ignore[attr-defined]


def round_trip(manifest: Manifest) -> None:
    """Writing a loaded manifest and reading it back gives the same manifest."""
    again, problems = check_text(dump_manifest(manifest), "written.yaml")
    assert problems == []
    assert again == manifest


@fuzz_settings(1200)
@given(mutated(SEEDS, TOKENS, max_size=128 * 1024))
def test_mutated_manifests(data: bytes) -> None:
    result = bounded(check_bytes, data, "fuzz.yaml")
    check(result, data, "fuzz.yaml")
    event("loaded" if result[0] is not None else "refused")
    if result[0] is not None:
        round_trip(result[0])


@fuzz_settings(150)
@given(mutated(SEEDS, TOKENS, max_size=128 * 1024))
def test_loading_files(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.getbasetemp() / "fuzz-manifest.yaml"
    path.write_bytes(data)
    try:
        manifest = bounded(load_manifest, path)
    except ManifestError as exc:
        message = str(exc)
        assert message.startswith(f"{path}:") and "\n" not in message
    else:
        assert manifest.origin == str(path)


@fuzz_settings(60)
@given(mutated(SEEDS, TOKENS, max_size=128 * 1024))
def test_memory_is_bounded(data: bytes) -> None:
    _, peak = peak_memory(check_bytes, data, "fuzz.yaml")
    # PyYAML's nodes and events cost a few hundred bytes per byte of input at worst.
    assert peak < 32 * 1024 * 1024 + 1000 * len(data)


_TEXT = st.text(max_size=30)
_VERSION = st.lists(st.integers(0, 70000), min_size=1, max_size=5).map(
    lambda parts: ".".join(map(str, parts))
)
_ROWS = st.builds(
    FileRow,
    name=_TEXT | st.sampled_from(["Asp.dll", "iischema.dll", "a b.exe"]),
    version=st.none() | _VERSION | _TEXT,
    size=st.none() | st.integers(-1, 1 << 40),
    date=st.none() | st.dates().map(str) | _TEXT,
    time=st.none() | st.sampled_from(["13:07", "00:00", "23:59", "24:00"]) | _TEXT,
    platform=st.none() | st.sampled_from(["x86", "x64", "X86", "arm"]),
    sp_requirement=st.none() | _TEXT,
    branch=st.none() | st.sampled_from(["GDR", "QFE", "LDR", "WOW", "gdr"]),
    path=st.none() | _TEXT | st.sampled_from(["system32\\inetsrv", "..\\x", "C:\\x", "/x"]),
    section=st.none() | _TEXT,
    min_version=st.none() | _VERSION,
    sha256=st.none() | st.text("0123456789abcdefF", min_size=63, max_size=65),
)
_MANIFESTS = st.builds(
    Manifest,
    kb=st.integers(1, 10**9).map(str) | _TEXT,
    title=st.none() | _TEXT,
    source=st.none() | _TEXT,
    products=st.lists(_TEXT, max_size=3).map(tuple),
    files=st.lists(_ROWS, max_size=6).map(tuple),
)


_WORDS = st.text(st.characters(categories=("L", "N", "P", "S")), min_size=1, max_size=20)
_FINE_VERSION = st.lists(st.integers(0, 65535), min_size=2, max_size=4).map(
    lambda parts: ".".join(map(str, parts))
)
_FINE_ROWS = st.builds(
    FileRow,
    name=st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_ .-]{0,20}\.(dll|exe|sys)", fullmatch=True),
    version=st.none() | _FINE_VERSION,
    size=st.none() | st.integers(0, 1 << 40),
    date=st.none() | st.dates().map(str),
    time=st.none() | st.times().map(lambda t: t.strftime("%H:%M")),
    platform=st.none() | st.sampled_from(["x86", "x64", "ia64", "arm64"]),
    sp_requirement=st.none() | _WORDS,
    branch=st.none() | st.sampled_from(["GDR", "QFE", "LDR", "WOW"]),
    path=st.none() | st.from_regex(r"[a-z0-9]{1,8}(\\[a-z0-9]{1,8}){0,3}", fullmatch=True),
    section=st.none() | _WORDS,
)
_FINE_MANIFESTS = st.builds(
    Manifest,
    kb=st.integers(1, 10**9).map(str),
    title=st.none() | _WORDS,
    source=st.none() | _WORDS,
    products=st.lists(_WORDS, max_size=3).map(tuple),
    files=st.lists(_FINE_ROWS, max_size=6).map(tuple),
)


@fuzz_settings(400)
@given(_FINE_MANIFESTS | _MANIFESTS)
def test_written_manifests_load_back_or_say_why(manifest: Manifest) -> None:
    """Any manifest, valid or not, is written as YAML that loads back the same or is refused."""
    text = dump_manifest(manifest)
    result = bounded(check_text, text, "written.yaml")
    check(result, text.encode("utf-8", "surrogatepass"), "written.yaml")
    event("loaded" if result[0] is not None else "refused")
    if result[0] is not None:
        assert result[0] == manifest
