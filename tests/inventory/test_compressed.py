"""Compressed inventories: written with --output NAME.gz, read by every command, bounded."""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.inventory.helpers import DIFF_A, DIFF_B
from verscan.cli import main
from verscan.errors import InventoryError
from verscan.system import inventory
from verscan.system.compressed import (
    NotReadable,
    ReadError,
    gunzip_limited,
    read_limited,
)
from verscan.system.inventory import load_inventory


def _take(runner: CliRunner, root: Path, out: Path, *extra: str) -> None:
    result = runner.invoke(main, ["inventory", str(root), "-o", str(out), *extra])
    assert result.exit_code == 0, result.output


def test_gz_outputs_are_gzip_and_load_as_the_plain_ones(runner: CliRunner, tmp_path: Path) -> None:
    plain, packed = tmp_path / "a.json", tmp_path / "a.json.gz"
    _take(runner, DIFF_A, plain, "--label", "srvA", "--hash", "sha256")
    _take(runner, DIFF_A, packed, "--label", "srvA", "--hash", "sha256")
    raw = packed.read_bytes()
    assert raw[:2] == b"\x1f\x8b" and len(raw) < plain.stat().st_size
    text = gzip.decompress(raw).decode("utf-8")
    assert json.loads(text)["label"] == "srvA"
    a, b = load_inventory(plain), load_inventory(packed)
    assert b.files == a.files and b.label == a.label and b.system == a.system
    assert b.origin == str(packed)
    # The content decides, not the name: a gzip file named .json loads too.
    renamed = tmp_path / "renamed.json"
    renamed.write_bytes(raw)
    assert load_inventory(renamed).files == a.files


def test_yaml_gz(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "b.yaml.gz"
    _take(runner, DIFF_B, out, "--label", "srvB")
    data = yaml.safe_load(gzip.decompress(out.read_bytes()))
    assert data["format"] == "verscan-inventory" and data["label"] == "srvB"
    assert len(load_inventory(out).files) == len(data["files"])


def test_every_command_reads_gz(runner: CliRunner, tmp_path: Path, manifests: Path) -> None:
    a, b = tmp_path / "a.json.gz", tmp_path / "b.json"
    _take(runner, DIFF_A, a, "--label", "srvA", "--hash", "sha256")
    _take(runner, DIFF_B, b, "--label", "srvB", "--hash", "sha256")
    scanned = runner.invoke(main, ["scan", str(a), "-m", str(manifests), "-f", "json"])
    assert scanned.exit_code == 1, scanned.output
    assert {k["kb"]: k["verdict"] for k in json.loads(scanned.stdout)["kbs"]}["1111111"] == (
        "MISSING"
    )
    compared = runner.invoke(main, ["diff", str(a), str(b), "-f", "json"])
    assert compared.exit_code == 1 and json.loads(compared.stdout)["a"] == "srvA"
    reported = runner.invoke(main, ["report", str(a), str(b), "-m", str(manifests), "-f", "json"])
    assert reported.exit_code == 1
    assert [m["name"] for m in json.loads(reported.stdout)["machines"]] == ["srvA", "srvB"]


def _packed(runner: CliRunner, tmp_path: Path) -> bytes:
    out = tmp_path / "whole.json.gz"
    _take(runner, DIFF_A, out)
    return out.read_bytes()


def test_truncated_gz_is_named(runner: CliRunner, tmp_path: Path) -> None:
    raw = _packed(runner, tmp_path)
    cut = tmp_path / "cut.json.gz"
    for size in (2, 10, len(raw) // 2, len(raw) - 4, len(raw) - 1):
        cut.write_bytes(raw[:size])
        with pytest.raises(InventoryError) as caught:
            load_inventory(cut)
        assert str(caught.value) == f"{cut}: not an inventory: the gzip stream is truncated"


def test_damaged_gz_is_named(runner: CliRunner, tmp_path: Path) -> None:
    raw = bytearray(_packed(runner, tmp_path))
    raw[-6] ^= 0xFF  # the CRC-32 of the content
    bad = tmp_path / "bad.json.gz"
    bad.write_bytes(bytes(raw))
    with pytest.raises(InventoryError) as caught:
        load_inventory(bad)
    assert str(caught.value) == f"{bad}: not an inventory: damaged gzip data (incorrect data check)"
    bad.write_bytes(bytes(raw[:-8]) + b"\x1f\x8bgarbage")
    with pytest.raises(InventoryError, match=r"bad\.json\.gz: not an inventory: damaged gzip"):
        load_inventory(bad)


def test_a_gzip_bomb_is_refused(
    tmp_path: Path, runner: CliRunner, manifests: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 2 MiB of JSON whitespace compresses to 2 KiB; the limit is lowered to 1 MiB to keep
    # the test small (the real one, MAX_INVENTORY_BYTES, is 256 MiB).
    monkeypatch.setattr(inventory, "MAX_INVENTORY_BYTES", 1 << 20)
    bomb = tmp_path / "bomb.json.gz"
    bomb.write_bytes(gzip.compress(b"{" + b" " * (2 << 20) + b"}"))
    assert bomb.stat().st_size < 4096
    good = tmp_path / "good.json.gz"
    _take(runner, DIFF_B, good, "--label", "srvB")
    result = runner.invoke(main, ["report", str(bomb), str(good), "-m", str(manifests)])
    assert result.exit_code == 2
    assert (
        f"verscan: error: {bomb}: not an inventory: it expands past 1 MiB when uncompressed"
        in result.stderr.splitlines()
    )
    assert "srvB" in result.stdout  # the other machine is reported
    assert "Traceback" not in result.output


def test_gunzip_limited() -> None:
    data = b"x" * 1000
    packed = gzip.compress(data)
    assert gunzip_limited(packed, 1000) == data
    with pytest.raises(ReadError, match="expands past"):
        gunzip_limited(packed, 999)
    # Several members (as `cat a.gz b.gz` makes), and the zero padding some tools add.
    assert gunzip_limited(packed + gzip.compress(b"yz") + b"\0" * 8, 2000) == data + b"yz"
    raw_deflate = zlib.compress(data)
    with pytest.raises(ReadError, match="damaged gzip data"):
        gunzip_limited(b"\x1f\x8b" + raw_deflate[2:], 2000)


def test_read_limited(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.write_bytes(b"abc")
    assert read_limited(str(plain), 3) == (b"abc", False)
    with pytest.raises(ReadError, match="larger than"):
        read_limited(str(plain), 2)
    packed = tmp_path / "packed"
    packed.write_bytes(gzip.compress(b"abc"))
    assert read_limited(str(packed), 100) == (b"abc", True)
    with pytest.raises(NotReadable, match="not a regular file"):
        read_limited(str(tmp_path), 100)
    with pytest.raises(NotReadable, match="cannot read: No such file"):
        read_limited(str(tmp_path / "missing"), 100)
