"""Fuzzing the commands: mutated files given to info, scan, inventory and manifest lint/build.

Whatever the files hold or are called, a command ends with exit code 0, 1 or 2,
never with an exception or a traceback, in every output format.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz import test_fuzz_kb, test_fuzz_manifest, test_fuzz_pe
from tests.fuzz.support import bounded, fuzz_settings, mutated
from verscan.cli import main

FORMATS = ["table", "json", "yaml", "csv", "markdown"]

# File names as a disk image may have them: plain, not UTF-8, with terminal escapes, long.
NAMES = [
    b"iischema.dll",
    b"KERNEL32.DLL",
    b"asp.dll",
    b"bad\xff\xfe.dll",
    b"ctl\x1b[31m.dll",
    b"new\nline.dll",
    b"L" * 200 + b".dll",
]

MANIFEST = b"""kb: "323332"
files:
  - {name: "iischema.dll", version: "5.0.2195.6860"}
  - {name: "kernel32.dll", version: "6.1.7601.17514", platform: "x64"}
  - {name: "asp.dll", version: null, size: 3072}
"""

pe_files = st.lists(
    st.tuples(st.sampled_from(NAMES), mutated(test_fuzz_pe.SEEDS)), min_size=1, max_size=3
)


def invoke(args: list[str]) -> Result:
    """Run verscan; it must end with an exit code of its own, never an exception."""
    result = bounded(CliRunner().invoke, main, args, catch_exceptions=True, what=" ".join(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    return result


def write_tree(root: Path, files: list[tuple[bytes, bytes]]) -> bytes:
    folder = os.fsencode(root / "WINNT" / "system32")
    os.makedirs(folder)
    for name, data in files:
        with open(os.path.join(folder, name), "wb") as fh:
            fh.write(data)
    return folder


@fuzz_settings(120)
@given(pe_files, st.sampled_from(FORMATS), st.booleans())
def test_info(files: list[tuple[bytes, bytes]], fmt: str, named: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_tree(Path(tmp), files)
        paths = [os.fsdecode(os.path.join(folder, n)) for n, _ in files] if named else [tmp]
        invoke(["info", "--format", fmt, "--all-strings", *paths])


@fuzz_settings(120)
@given(
    pe_files,
    st.one_of(st.just(MANIFEST), mutated(test_fuzz_manifest.SEEDS, test_fuzz_manifest.TOKENS)),
    st.sampled_from(FORMATS),
)
def test_scan(files: list[tuple[bytes, bytes]], manifest: bytes, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_tree(Path(tmp), files)
        (Path(tmp) / "kb.yaml").write_bytes(manifest)
        invoke(["scan", tmp, "-m", str(Path(tmp) / "kb.yaml"), "--files", "--format", fmt])


@fuzz_settings(60)
@given(pe_files, st.sampled_from(FORMATS))
def test_inventory_then_scan(files: list[tuple[bytes, bytes]], fmt: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        write_tree(tree, files)
        (Path(tmp) / "kb.yaml").write_bytes(MANIFEST)
        inventory = str(Path(tmp) / "inv.json")
        result = invoke(["inventory", str(tree), "--output", inventory])
        if result.exit_code != 2:
            invoke(["scan", inventory, "-m", str(Path(tmp) / "kb.yaml"), "--format", fmt])


@fuzz_settings(200)
@given(mutated(test_fuzz_manifest.SEEDS, test_fuzz_manifest.TOKENS, max_size=64 * 1024))
def test_manifest_lint(manifest: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "kb.yaml"
        path.write_bytes(manifest)
        result = invoke(["manifest", "lint", str(path)])
        for line in result.stdout.splitlines():
            assert line.startswith(f"{path}:")  # FILE:LINE: message, one a line


@fuzz_settings(80)
@given(
    mutated(test_fuzz_kb.SEEDS, test_fuzz_kb.TOKENS, max_size=64 * 1024),
    st.booleans(),
)
def test_manifest_build(article: bytes, to_file: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "article.txt"
        path.write_bytes(article)
        output = ["--output", str(Path(tmp) / "kb.yaml")] if to_file else []
        invoke(["manifest", "build", str(path), "--kb", "1", *output])
