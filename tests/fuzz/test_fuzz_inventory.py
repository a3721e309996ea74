"""Fuzzing the inventory loader, and what reads a loaded inventory: scan, diff, fleet, reports.

Seeds are inventories of the fixture trees (JSON and YAML, with hashes), with
byte edits and JSON and YAML pieces inserted and repeated. Loading gives an
inventory or an :class:`InventoryError` naming the file; an inventory that
loads is scanned, compared and reported on in every format without an
exception, and is written and read back unchanged.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import json

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from tests.fuzz.support import FIXTURES, Seed, bounded, fuzz_settings, mutated, peak_memory
from tests.inventory.helpers import MANIFESTS
from verscan.compare.diff import Side, diff
from verscan.compare.fleet import build_fleet
from verscan.errors import InventoryError
from verscan.manifest.lint import check_text
from verscan.output import OutputFormat, render
from verscan.output.html import HtmlRenderer
from verscan.reports.diff import diff_document
from verscan.reports.fleet import fleet_document
from verscan.reports.scan import scan_document
from verscan.system.inventory import (
    Inventory,
    InventorySystem,
    dump_inventory,
    joined,
    load_inventory,
    take_inventory,
)
from verscan.verdicts.scan import scan

TREES = ["diff-a", "diff-b", "win2000-sp4"]

# Two faults of the loader this target meets (see tests/fuzz/test_regressions.py, where
# each is an expected failure until it is fixed): they are counted, not failed on.
KNOWN = (RecursionError,)


def _known(exc: BaseException) -> bool:
    if isinstance(exc, KNOWN):
        return True
    return isinstance(exc, ValueError) and "integer string conversion" in str(exc)


@functools.cache
def seeds() -> tuple[list[Seed], list[Seed]]:
    """(JSON seeds, YAML seeds): inventories of the fixture trees, with and without hashes."""
    now = datetime.datetime(2024, 3, 5, 9, 12, 44, tzinfo=datetime.timezone.utc)
    found: tuple[list[Seed], list[Seed]] = ([], [])
    for tree in TREES:
        for hash_name in (None, "sha256"):
            taken = take_inventory(
                str(FIXTURES / "systems" / tree),
                label=tree,
                host="analyst-01",
                hash_name=hash_name,
                now=now,
            )
            # The same bytes on every checkout: no local folder, no checkout times.
            files = tuple(dataclasses.replace(f, mtime="2003-10-07T17:20:00Z") for f in taken.files)
            inv = dataclasses.replace(taken, root=f"C:/{tree}", files=files)
            for yaml_format, bucket in ((False, found[0]), (True, found[1])):
                text = dump_inventory(inv, yaml_format=yaml_format)
                bucket.append(Seed(f"{tree}-{hash_name}", text.encode("utf-8")))
    return found


@functools.cache
def manifests() -> list[object]:
    loaded = []
    for name, text in MANIFESTS.items():
        manifest, problems = check_text(text.lstrip(), name)
        assert manifest is not None, problems
        loaded.append(manifest)
    return loaded


JSON_TOKENS = [
    b"{",
    b"}",
    b"[",
    b"]",
    b'"',
    b",",
    b":",
    b"null",
    b"true",
    b"-1",
    b"1e999",
    b"NaN",
    b"0.5",
    b"\\u0000",
    b"\\ud800",
    b"\\udcff",
    b"\\u202e",
    b'"../../etc/passwd"',
    b'"/etc/passwd"',
    b'"C:/Windows"',
    b'"format_version": 2,',
    b'"status": "bogus",',
    b'"file_version": "1.2.3.99999",',
    b'"table": 7,',
    b'"tables": [{"key": "040904b0", "strings": {"FileVersion": 1}}],',
    b'"translations": ["zz"],',
    b'"files": {},',
    b'"problems": [{"path": 1}],',
    b"\xff",
    b"\xef\xbb\xbf",
]
YAML_TOKENS = [
    *JSON_TOKENS,
    b"&a ",
    b"*a",
    b"!!python/object/apply:os.system ",
    b"!!binary ",
    b"? ",
    b"- ",
    b"\n",
    b"\n  ",
    b"---\n",
    b"2024-03-05",
    b"0o777",
]


def _load(tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str) -> Inventory | None:
    path = tmp_path_factory.getbasetemp() / f"fuzz-inventory{suffix}"
    path.write_bytes(data)
    try:
        inv = bounded(load_inventory, path)
    except InventoryError as exc:
        message = str(exc)
        assert message.startswith(f"{path}:") and "\n" not in message
        event("refused")
        return None
    except Exception as exc:
        if not _known(exc):
            raise
        event(f"known fault: {type(exc).__name__}")
        return None
    event("loaded")
    assert isinstance(inv, Inventory)
    for f in inv.files:
        assert not f.rel.startswith("/") and ".." not in f.rel.split("/")
        assert f.info.path == joined(inv.root, f.rel)
    return inv


def _use(inv: Inventory) -> None:
    """Everything that reads an inventory, on this one: nothing may raise."""
    result = scan(InventorySystem(inv), manifests())  # type: ignore[arg-type]
    compared = diff(Side(inv), Side(inv))
    assert not compared.differences
    fleet = build_fleet([inv, inv], manifests())  # type: ignore[arg-type]
    for fmt in OutputFormat:
        render(scan_document(result, files=True), fmt)
    for fmt in (OutputFormat.JSON, OutputFormat.TABLE):
        render(diff_document(compared, show_all=True), fmt)
        render(fleet_document(fleet, views=("machines", "kbs", "reasons")), fmt)
    HtmlRenderer("fleet").render(fleet_document(fleet, views=("machines", "kbs", "reasons")))


def _round_trip(tmp_path_factory: pytest.TempPathFactory, inv: Inventory, suffix: str) -> None:
    for f in inv.files:
        info = f.info
        if info.strings and not any(
            t.key == info.language and t.strings == info.strings for t in info.tables
        ):
            return  # strings not of the table "language" names: see the regression tests
    text = dump_inventory(inv, yaml_format=suffix == ".yaml")
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return  # a lone surrogate from a \\ud800 escape: see the regression tests
    again = _load(tmp_path_factory, data, suffix)
    assert again == inv


@fuzz_settings(500)
@given(st.data())
def test_mutated_json_inventories(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    raw = data.draw(mutated(seeds()[0], JSON_TOKENS, max_size=256 * 1024))
    inv = _load(tmp_path_factory, raw, ".json")
    if inv is not None:
        bounded(_use, inv)
        _round_trip(tmp_path_factory, inv, ".json")


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(max_size=40)
    | st.sampled_from(["ok", "corrupt", "x64", "1.2.3.4", "65535.0.0.1", "040904b0", "a/../b"])
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=3)
    ),
    max_leaves=8,
)


def _items(value: object) -> list[object]:
    return value if isinstance(value, list) else []


@fuzz_settings(250)
@given(st.data())
def test_json_inventories_with_wrong_values(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """Well-formed JSON with values of the wrong type, range or shape anywhere in it."""
    seed = data.draw(st.sampled_from(seeds()[0]))
    document = json.loads(seed.data)
    for _ in range(data.draw(st.integers(1, 4))):
        target = document
        files = [f for f in _items(document.get("files")) if isinstance(f, dict)]
        if files and data.draw(st.booleans()):
            target = data.draw(st.sampled_from(files))
            tables = [t for t in _items(target.get("tables")) if isinstance(t, dict)]
            if tables and data.draw(st.booleans()):
                target = data.draw(st.sampled_from(tables))
        keys = st.text(max_size=8)
        key = data.draw(st.sampled_from(sorted(target)) | keys if target else keys)
        if data.draw(st.integers(0, 5)):
            target[key] = data.draw(_VALUES)
        else:
            target.pop(key, None)
    raw = json.dumps(document, ensure_ascii=data.draw(st.booleans())).encode(
        "utf-8", "surrogatepass"
    )
    inv = _load(tmp_path_factory, raw, ".json")
    if inv is not None:
        bounded(_use, inv)


@fuzz_settings(80)
@given(st.data())
def test_mutated_yaml_inventories(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    raw = data.draw(mutated(seeds()[1], YAML_TOKENS, max_size=256 * 1024))
    inv = _load(tmp_path_factory, raw, ".yaml")
    if inv is not None:
        bounded(_use, inv)


@fuzz_settings(30)
@given(st.data())
def test_memory_is_bounded(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    raw = data.draw(mutated(seeds()[0] + seeds()[1], YAML_TOKENS, max_size=256 * 1024))
    suffix = ".yaml" if raw.lstrip().startswith(b"format") else ".json"
    path = tmp_path_factory.getbasetemp() / f"fuzz-inventory-memory{suffix}"
    path.write_bytes(raw)
    try:
        _, peak = peak_memory(load_inventory, path)
    except (InventoryError, RecursionError, ValueError):
        return
    assert peak < 64 * 1024 * 1024 + 2000 * len(raw)


def test_seeds_load() -> None:
    for bucket in seeds():
        for seed in bucket:
            json_or_yaml = seed.data.lstrip().startswith(b"{")
            assert json_or_yaml or b"format: verscan-inventory" in seed.data
    assert json.loads(seeds()[0][0].data)["format"] == "verscan-inventory"
