"""An image gives a scan what the tree it was made from gives as a directory.

Every container kind holds fixtures/systems/win2000-sp4; the GPT image holds
trees/esp and trees/features (NTFS compression, a junction, 8.3 names, a hard link,
Unicode names, a 300-entry folder); the MBR image diff-a and diff-b.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.images.helpers import CONTAINERS, SYSTEMS, TREES, WIN2000
from verscan.system.copies import fold
from verscan.system.directory import DirectorySystem
from verscan.system.exclude import make_exclude
from verscan.system.image import open_image
from verscan.system.interface import Copy, System
from verscan.system.walk import WalkProblem

Image = Callable[[str], Path]


def seen(system: System, **options: Any) -> list[tuple[Any, ...]]:
    """What ``find`` gives, without the host paths that differ by nature."""
    out: list[tuple[Any, ...]] = []
    for item in system.find(lambda name: True, **options):
        if isinstance(item, Copy):
            info = item.info
            out.append(
                (item.rel, item.name, item.backup, info.status, info.size, info.machine,
                 info.file_version, info.product_version, info.strings, info.translations)
            )  # fmt: skip
        else:
            assert isinstance(item, WalkProblem)
            out.append(("problem", item.path.replace("\\", "/").rsplit("/", 1)[-1], item.fault))
    return out


def _normalise(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Problems name the path as ``IMAGE: REL`` or ``ROOT/REL``: keep the last name only."""
    return [
        ("problem", row[1].split(": ")[-1].rsplit("/", 1)[-1], row[2])
        if row[0] == "problem"
        else row
        for row in rows
    ]


@pytest.mark.parametrize("kind", sorted(CONTAINERS))
@pytest.mark.parametrize("include_backups", [False, True])
def test_every_container_gives_the_directory_s_copies(
    image: Image, kind: str, include_backups: bool
) -> None:
    system = open_image(str(image(CONTAINERS[kind])))
    assert seen(system, include_backups=include_backups) == seen(
        DirectorySystem(str(WIN2000)), include_backups=include_backups
    )
    assert len(seen(system, include_backups=include_backups)) == (16 if include_backups else 14)


@pytest.mark.parametrize("kind", sorted(CONTAINERS))
def test_every_container_gives_the_directory_s_profile(image: Image, kind: str) -> None:
    system = open_image(str(image(CONTAINERS[kind])))
    profile = system.profile()
    assert profile == DirectorySystem(str(WIN2000)).profile()
    assert profile.describe() == "Windows 2000 SP4 x86"
    assert profile.source == "WINNT/system32/ntoskrnl.exe"


def test_exclude_prunes_as_on_a_directory(image: Image) -> None:
    system = open_image(str(image("win2000-sp4.E01")))
    for globs in (["inetsrv"], ["WINNT/System32/*.DLL"], ["*.dll"], ["winnt"]):
        exclude = make_exclude(globs)
        got = seen(system, include_backups=True, exclude=exclude)
        assert got == seen(DirectorySystem(str(WIN2000)), include_backups=True, exclude=exclude)
    inetsrv = seen(system, include_backups=False, exclude=make_exclude(["inetsrv"]))
    assert [row[0] for row in inetsrv] == [
        "WINNT/system32/kernel32.dll",
        "WINNT/system32/ntdll.dll",
        "WINNT/system32/ntoskrnl.exe",
        "WINNT/system32/drivers/etc/hosts",
    ]


def test_names_are_matched_without_regard_to_case(image: Image) -> None:
    system = open_image(str(image("win2000-sp4-dynamic.vhdx")))
    found = [c for c in system.find(lambda n: n == fold("IISchema.DLL"), include_backups=True)]
    assert [c.rel for c in found if isinstance(c, Copy)] == [
        "WINNT/$NtUninstallKB829427$/iischema.dll",
        "WINNT/system32/dllcache/iischema.dll",
        "WINNT/system32/inetsrv/IISCHEMA.DLL",
    ]


def test_children_version_info_and_hashes(image: Image) -> None:
    system = open_image(str(image("win2000-sp4-sparse.vmdk")))
    directory = DirectorySystem(str(WIN2000))
    for rel in ("", "WINNT", "WINNT/system32", "WINNT/system32/inetsrv"):
        assert sorted(system.children(rel) or []) == sorted(directory.children(rel) or [])
    assert system.children("WINNT/system32/kernel32.dll") is None
    assert system.children("WINNT/nothing") is None
    info = system.version_info("WINNT/system32/inetsrv/asp.dll")
    assert info is not None and info.file_version == (5, 0, 2195, 5255)
    assert system.version_info("WINNT/system32") is None
    assert system.version_info("WINNT/system32/nothing.dll") is None
    for item in system.find(lambda n: n == "asp.dll", include_backups=False):
        assert isinstance(item, Copy)
        data = (WIN2000 / item.rel).read_bytes()
        assert system.sha256(item) == hashlib.sha256(data).hexdigest()


def test_ntfs_features_and_the_esp_match_their_trees(image: Image) -> None:
    path = str(image("features-gpt.img"))
    features = open_image(path, partition=3)
    tree = DirectorySystem(str(TREES / "features"))
    for backups in (False, True):
        got = _normalise(seen(features, include_backups=backups))
        assert got == _normalise(seen(tree, include_backups=backups))
    rels = [row[0] for row in seen(features, include_backups=False)]
    assert "Program Files/Ünïcödé Ltd/日本語.dll" in rels  # Unicode names
    assert "Windows/System32/drivers/hardlink.sys" in rels  # a second name of notepad.exe
    assert sum(r.startswith("Windows/inf/oem") for r in rels) == 300  # a many-block index
    assert rels.count("Program Files/Contoso/report.dll") == 1  # 8.3 names are not listed
    problems = [row for row in seen(features, include_backups=False) if row[0] == "problem"]
    # A junction, named with the image and partition; left alone, which is not a fault.
    assert problems == [("problem", "features-gpt.img, partition 3: Documents and Settings", False)]
    # The kernel sits in an NTFS-compressed folder: the profile reads through LZNT1.
    assert features.profile() == tree.profile()
    assert features.profile().describe() == "Windows 7 / Server 2008 R2 SP1 x64"
    esp = open_image(path, partition=1)
    assert seen(esp, include_backups=True) == seen(
        DirectorySystem(str(TREES / "esp")), include_backups=True
    )


def test_several_volumes_sit_in_folders_named_after_them(image: Image, tmp_path: Path) -> None:
    """Without --partition every volume is read, each under ``partition N/``; the same tree
    as a directory has the volumes' trees in such folders."""
    both = tmp_path / "both"
    shutil.copytree(SYSTEMS / "diff-a", both / "partition 1", symlinks=True)
    shutil.copytree(SYSTEMS / "diff-b", both / "partition 5", symlinks=True)
    system = open_image(str(image("two-partitions.img")))
    assert system.children("") == ["partition 1", "partition 5"]
    for backups in (False, True):
        assert _normalise(seen(system, include_backups=backups)) == _normalise(
            seen(DirectorySystem(str(both)), include_backups=backups)
        )
    # Two Windows folders: which one is the system is the user's to say.
    profile = system.profile()
    assert not profile.known
    assert profile.warning is not None and "partition 1, partition 5" in profile.warning
    for number, tree in ((1, "diff-a"), (5, "diff-b")):
        one = open_image(str(image("two-partitions.img")), partition=number)
        assert seen(one, include_backups=True) == seen(
            DirectorySystem(str(SYSTEMS / tree)), include_backups=True
        )
        assert one.profile() == DirectorySystem(str(SYSTEMS / tree)).profile()


def test_the_profile_of_a_disk_comes_from_the_volume_with_windows(image: Image) -> None:
    system = open_image(str(image("features-gpt.img")))
    assert system.children("") == ["partition 1", "partition 3"]  # the MSR holds no files
    profile = system.profile()
    assert profile.describe() == "Windows 7 / Server 2008 R2 SP1 x64"
    assert profile.windows_folder == "partition 3/Windows"
    assert profile.source == "partition 3/Windows/System32/kernel32.dll"
