"""Images that cannot be read whole: one line naming the image, the partition and the path;
what can be read is reported; the exit code says something was not."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tests.images.helpers import MANIFESTS, WIN2000
from verscan.cli import main

Image = Callable[[str], Path]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def scan(target: Path, *extra: str) -> tuple[Result, dict[str, Any] | None]:
    result = run("scan", str(target), "-m", str(MANIFESTS), "--format", "json", *extra)
    assert "Traceback" not in result.output
    return result, json.loads(result.stdout) if result.stdout.strip() else None


def kb_verdicts(data: dict[str, Any] | None) -> dict[str, str]:
    assert data is not None
    return {kb["kb"]: kb["verdict"] for kb in data["kbs"]}


def lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("verscan: ")]


def test_truncated_image(image: Image) -> None:
    path = image("truncated.img")
    result, data = scan(path)
    assert result.exit_code == 1
    assert (
        f"verscan: {path}: partition 1 (NTFS, 4 MB): the image ends 1.5 MB before the end of "
        "the volume (it was cut short): files stored there cannot be read"
    ) in lines(result)
    assert kb_verdicts(data)["829427"] == "INSTALLED"  # what lies before the cut is read


def test_segment_file_cut_short(image: Image, tmp_path: Path) -> None:
    shutil.copy(image("win2000-sp4.E01"), tmp_path / "cut.E01")
    data = (image("win2000-sp4.E01").parent / "win2000-sp4.E02").read_bytes()
    (tmp_path / "cut.E02").write_bytes(data[: len(data) // 2])
    result, _ = scan(tmp_path / "cut.E01")
    assert result.exit_code in (1, 2)
    assert "Traceback" not in result.output
    assert any("cut.E0" in line for line in lines(result))


def test_missing_second_segment(image: Image, tmp_path: Path) -> None:
    first = tmp_path / "evidence.E01"
    shutil.copy(image("win2000-sp4.E01"), first)
    result, data = scan(first)
    assert result.exit_code == 1
    assert (
        f"verscan: {first}: segment file evidence.E02 is missing (the image's segments end "
        "with evidence.E01): what lies beyond cannot be read"
    ) in lines(result)
    assert data is not None and data["kbs"]  # the verdicts from what the first segment holds
    inventory = run("inventory", str(first), "--output", str(tmp_path / "inv.json"))
    assert inventory.exit_code == 1
    assert f"verscan: {first}: segment file evidence.E02 is missing" in inventory.stderr


def test_broken_mft_record(image: Image, tmp_path: Path) -> None:
    path = image("broken-mft.ntfs")
    result, data = scan(path)
    assert result.exit_code == 1
    kb = next(k for k in data["kbs"] if k["kb"] == "323332") if data else None
    assert kb is not None and kb["verdict"] == "UNKNOWN"
    assert "WINNT/system32/inetsrv/asp.dll" in kb["reason"]
    asp = next(f for f in kb["files"] if f["path"] == "WINNT/system32/inetsrv/asp.dll")
    assert asp["verdict"] == "UNREADABLE" and "is damaged" in asp["note"]
    inventory = run("inventory", str(path), "--output", str(tmp_path / "inv.json"))
    assert inventory.exit_code == 1
    damaged = [line for line in lines(inventory) if "damaged" in line]
    assert len(damaged) == 1
    assert re.fullmatch(
        f"verscan: {re.escape(str(path))}: WINNT/system32/inetsrv/asp.dll: unreadable: "
        r"its MFT record \d+ is damaged \(no file record there\)",
        damaged[0],
    )


def test_directory_index_loop(image: Image) -> None:
    path = image("index-loop.ntfs")
    result, data = scan(path)
    assert result.exit_code == 1
    assert (
        f"verscan: {path}: WINNT/system32/inetsrv: folder already walked "
        "(a loop in the file system), skipped"
    ) in lines(result)
    assert kb_verdicts(data)["829427"] == "NOT_APPLICABLE"  # IISCHEMA.DLL sat in inetsrv


def test_bitlocker_volume(image: Image) -> None:
    path = image("bitlocker.img")
    result, data = scan(path)
    assert result.exit_code == 1
    assert (
        f"verscan: {path}: partition 2 (BitLocker, 1 MB): encrypted with BitLocker: it cannot be "
        "read without its key; scan an image of the unlocked volume"
    ) in lines(result)
    assert (
        f"verscan: {path} (raw, 7 MB): partition 1 (NTFS, 4 MB), partition 2 (BitLocker, 1 MB)"
        in (lines(result))
    )
    assert kb_verdicts(data)["829427"] == "INSTALLED"  # partition 1 is read
    picked, _ = scan(path, "--partition", "2")
    assert picked.exit_code == 1 and "encrypted with BitLocker" in picked.stderr


def test_image_of_an_unknown_kind(image: Image) -> None:
    path = image("win2000-sp4.qcow2")
    result, _ = scan(path)
    assert result.exit_code == 2
    assert lines(result) == [
        f"verscan: error: {path}: a QEMU QCOW image; convert it first: qemu-img convert -O vpc; "
        "verscan reads EWF, VHD, VHDX, VMDK and raw images"
    ]


def test_binary_file_that_is_no_image(tmp_path: Path) -> None:
    path = tmp_path / "memory.dmp"
    path.write_bytes(bytes(range(256)) * 64)
    for command in (["scan", str(path), "-m", str(MANIFESTS)], ["diff", str(path), str(WIN2000)]):
        result = run(*command)
        assert result.exit_code == 2
        assert "neither a disk image verscan reads" in result.stderr and "nor an inventory" in (
            result.stderr
        )


def test_missing_vmdk_extent(image: Image, tmp_path: Path) -> None:
    descriptor = tmp_path / "win2000-sp4-split.vmdk"
    shutil.copy(image("win2000-sp4-split.vmdk"), descriptor)
    result, _ = scan(descriptor)
    assert result.exit_code == 2
    assert lines(result) == [
        f"verscan: error: {descriptor}: its extent file win2000-sp4-split-s001.vmdk is missing"
    ]


def test_partition_numbers(image: Image, tmp_path: Path) -> None:
    two = image("two-partitions.img")
    result, _ = scan(two, "--partition", "2")
    assert result.exit_code == 2
    assert f"{two}: has no partition 2 (it has partition 1 (NTFS, 4 MB), partition 5 " in (
        result.stderr
    )
    volume = image("win2000-sp4.ntfs")
    result, _ = scan(volume, "--partition", "1")
    assert result.exit_code == 2
    assert "one volume without a partition table: leave --partition out" in result.stderr
    result, _ = scan(WIN2000, "--partition", "1")
    assert result.exit_code == 2
    assert "--partition applies to disk images only" in result.stderr
    assert run("info", str(WIN2000 / "WINNT"), "--partition", "1").exit_code == 2
    bad = run("diff", str(two), str(two), "--partition", "A=x")
    assert bad.exit_code == 2 and "expected a partition number" in bad.stderr


def test_without_the_images_extra(image: Image, monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any, **kwargs: Any) -> Any:
        return (
            None
            if name.startswith("py") and name[2:5] in ("ewf", "fsn", "fsf")
            else real(name, *args, **kwargs)
        )

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    path = image("win2000-sp4.E01")
    for command in (
        ["scan", str(path), "-m", str(MANIFESTS)],
        ["inventory", str(path), "--output", "unused.json"],
        ["info", str(path)],
        ["diff", str(path), str(WIN2000)],
    ):
        result = run(*command)
        assert result.exit_code == 2, command
        assert lines(result) == [
            f"verscan: error: {path}: an EWF disk image; reading images needs the images extra "
            "(pyewf, pyfsntfs, pyfsfat missing): pip install 'verscan[images]'"
        ]


def test_damaged_gpt_header_falls_back_to_its_backup(image: Image, tmp_path: Path) -> None:
    copy = tmp_path / "disk.img"
    shutil.copy(image("features-gpt.img"), copy)
    with open(copy, "r+b") as fh:
        fh.seek(512 + 24)  # the primary header's "current LBA": its checksum no longer holds
        fh.write(struct.pack("<Q", 99))
    result, data = scan(copy)
    assert (
        f"verscan: {copy}: the GPT header is damaged; its backup at the end of the disk was used"
        in (lines(result))
    )
    assert data is not None and data["system"]["source"].startswith("partition 3/")


def test_extended_partition_chain_that_loops(image: Image, tmp_path: Path) -> None:
    """The first logical partition's boot record points at a second one, which points at
    itself."""
    copy = tmp_path / "disk.img"
    shutil.copy(image("two-partitions.img"), copy)
    base = 10240  # the extended partition's first sector: the first logical's record
    second = 20480  # free space at the end of the extended partition
    with open(copy, "r+b") as fh:
        fh.seek(base * 512 + 462)
        fh.write(struct.pack("<B3xB3xII", 0, 0x05, second - base, 2048))
        record = bytearray(512)
        struct.pack_into("<B3xB3xII", record, 462, 0, 0x05, second - base, 2048)
        record[510:512] = b"\x55\xaa"
        fh.seek(second * 512)
        fh.write(record)
    result, data = scan(copy)
    assert "Traceback" not in result.output
    assert f"verscan: {copy}: the chain of logical partitions loops back at sector {second}" in (
        lines(result)
    )
    assert data is not None and data["kbs"]  # partitions 1 and 5 are still read
