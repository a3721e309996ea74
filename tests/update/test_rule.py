"""The Q235978 rule for one pair, on real files and on records made for the branch cases."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, PE
from verscan.errors import SourceError
from verscan.pe import Status, VersionInfo
from verscan.update.archive import Packing
from verscan.update.overwrite import (
    Candidate,
    Decision,
    crossed_branches,
    decide,
    pick,
    read_candidates,
)

ARCHIVES = FIXTURES / "archives"


def one(path: Path) -> Candidate:
    (candidate,) = read_candidates(str(path))
    return candidate


def made(version: tuple[int, int, int, int], platform: str = "x64") -> Candidate:
    info = VersionInfo("made.dll", Status.OK, size=1, platform=platform, file_version=version)
    return Candidate("made.dll", "made.dll", info)


def test_later_new_file_overwrites_integer_comparison() -> None:
    # As text 10.0.19041.999 sorts after 10.0.19041.1000; as numbers it is older.
    outcome = decide(one(PE / "prerelease_x64.dll"), one(PE / "win10_x64.exe"))
    assert outcome.decision is Decision.OVERWRITE
    assert outcome.decision.keep_existing is False
    assert outcome.reason == "the new file is a later version: 10.0.19041.1000 > 10.0.19041.999"
    assert outcome.warnings == ()


def test_later_existing_file_is_kept() -> None:
    outcome = decide(one(PE / "win10_x64.exe"), one(PE / "prerelease_x64.dll"))
    assert outcome.decision is Decision.KEEP
    assert outcome.decision.keep_existing is True
    assert outcome.reason == (
        "the existing file is a later version: 10.0.19041.1000 > 10.0.19041.999;"
        " overwriting it would be a downgrade"
    )


def test_same_version_from_a_cabinet() -> None:
    new = one(ARCHIVES / "iischema.dl_")
    assert (new.name, new.packing, new.stored) == ("iischema.dll", Packing.CABINET, "iischema.dll")
    outcome = decide(one(PE / "iischema_x86.dll"), new)
    assert outcome.decision is Decision.SAME
    assert outcome.decision.keep_existing is True
    assert outcome.reason == "both files are version 5.0.2195.6860: keep the existing file"


def test_same_version_on_another_platform_warns() -> None:
    outcome = decide(one(PE / "iischema_x86.dll"), one(PE / "iischema_x64.dll"))
    assert outcome.decision is Decision.SAME
    assert outcome.platforms == ("x86", "x64")
    assert outcome.warnings == ("platforms differ: the existing file is x86, the new file x64",)


def test_szdd_branch_crossing_and_platform() -> None:
    new = one(ARCHIVES / "kernelbase.dll_")
    assert (new.name, new.packing, new.version) == (
        "kernelbase.dll",
        Packing.SZDD,
        (6, 1, 7601, 22311),
    )
    outcome = decide(one(PE / "win7sp1_x64.dll"), new)
    assert outcome.decision is Decision.OVERWRITE
    assert outcome.branches == ("GDR", "LDR")
    assert outcome.platforms == ("x64", "x86")
    assert outcome.warnings[1] == (
        "crossing service branches: the existing file 6.1.7601.17514 is on the GDR branch,"
        " the new file 6.1.7601.22311 on the LDR branch; this is not a plain upgrade"
    )


def test_gdr_against_ldr_same_platform() -> None:
    outcome = decide(made((6, 1, 7601, 22100)), made((6, 1, 7601, 18000)))
    assert outcome.decision is Decision.KEEP
    assert outcome.branches == ("LDR", "GDR")
    assert outcome.platforms is None
    assert len(outcome.warnings) == 1


@pytest.mark.parametrize(
    ("existing", "new", "expected"),
    [
        ((6, 1, 7601, 18000), (6, 1, 7601, 22000), ("GDR", "LDR")),
        ((6, 1, 7600, 20500), (6, 1, 7600, 16400), ("LDR", "GDR")),
        ((10, 0, 14393, 16000), (10, 0, 14393, 20000), ("GDR", "LDR")),
        ((6, 1, 7601, 17514), (6, 1, 7601, 18000), None),  # both GDR
        ((6, 1, 7601, 21000), (6, 1, 7601, 22311), None),  # both LDR
        ((6, 1, 7600, 16385), (6, 1, 7601, 22000), None),  # different builds
        ((6, 1, 7601, 1), (6, 1, 7601, 22000), None),  # below the GDR band
        ((5, 1, 2600, 16000), (5, 1, 2600, 20000), None),  # XP: no band rule
        ((5, 2, 3790, 3959), (5, 2, 3790, 4455), None),  # 2003 SP2 GDR/QFE: not by band
    ],
)
def test_crossed_branches(
    existing: tuple[int, ...], new: tuple[int, ...], expected: tuple[str, str] | None
) -> None:
    assert crossed_branches(existing, new) == expected


def test_xp_era_pair_gets_no_invented_warning() -> None:
    outcome = decide(made((5, 1, 2600, 2180), "x86"), made((5, 1, 2600, 5512), "x86"))
    assert outcome.decision is Decision.OVERWRITE
    assert outcome.warnings == ()


def test_unversioned_file_is_unknown() -> None:
    outcome = decide(one(PE / "no_version_x86.dll"), one(PE / "iischema_x86.dll"))
    assert outcome.decision is Decision.UNKNOWN
    assert outcome.decision.keep_existing is None
    assert outcome.reason == (
        "the existing file has no version resource; compare size and date, or ask the vendor"
    )


def test_unversioned_inside_szdd() -> None:
    new = one(ARCHIVES / "report.dl_")
    assert new.name == "report.dll"
    outcome = decide(one(PE / "no_fixed_x86.dll"), new)
    assert outcome.decision is Decision.UNKNOWN
    assert outcome.reason.startswith("the new file has no version resource")


def test_not_pe_and_damaged_files_are_unknown() -> None:
    text = decide(one(PE / "broken" / "text.dll"), one(PE / "iischema_x86.dll"))
    assert text.decision is Decision.UNKNOWN
    assert text.reason.startswith("the existing file is not a PE file (text)")
    # The fixed version of zero_signature.dll is readable, but the block is not trustworthy.
    broken = decide(one(PE / "iischema_x86.dll"), one(PE / "broken" / "zero_signature.dll"))
    assert broken.decision is Decision.UNKNOWN
    assert broken.reason == (
        "the new file is damaged: VS_FIXEDFILEINFO signature is 0x00000000, not 0xfeef04bd;"
        " get an intact copy first"
    )


def test_string_version_is_used_only_without_a_fixed_one_and_said() -> None:
    outcome = decide(one(PE / "table_mismatch_x86.dll"), one(PE / "no_fixed_x86.dll"))
    assert outcome.decision is Decision.OVERWRITE
    assert outcome.new.version_source == "string"
    assert outcome.reason == (
        "the new file is a later version: 9.0.50.0 > 7.2.0.0 (the new file has no fixed"
        " version; its string FileVersion '9.0.0050' was used)"
    )


def test_damaged_archives_give_damaged_candidates() -> None:
    corrupt = one(ARCHIVES / "corrupt.dl_")
    assert corrupt.failed and corrupt.info.status is Status.CORRUPT
    assert corrupt.name == "colormgr.dll"
    assert corrupt.info.error == (
        "colormgr.dll: cannot expand, damaged cabinet: checksum mismatch (libmspack error 9)"
    )
    truncated = one(ARCHIVES / "truncated.ex_")
    assert truncated.info.error == (
        "truncated or damaged SZDD file: expanded 2276 of 3072 bytes declared"
    )
    assert decide(one(PE / "win10_x64.exe"), truncated).decision is Decision.UNKNOWN


def test_cabinet_of_several_files_gives_several_candidates() -> None:
    candidates = read_candidates(str(ARCHIVES / "multi.cab"))
    assert [c.name for c in candidates] == ["notepad.exe", "sqlos.dll", "fabver.dll"]
    assert pick(candidates, "SQLOS.DLL", "multi.cab").version == (2009, 100, 1600, 1)
    with pytest.raises(SourceError, match=r"holds 3 files .*; none is kernel32\.dll"):
        pick(candidates, "kernel32.dll", "multi.cab")


def test_bad_paths_raise_source_errors(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        read_candidates(str(tmp_path / "missing.dll"))
    with pytest.raises(SourceError, match="is a directory"):
        read_candidates(str(tmp_path))
    fifo = tmp_path / "pipe.dll"
    os.mkfifo(fifo)
    with pytest.raises(SourceError, match="not a regular file"):
        read_candidates(str(fifo))


def test_unreadable_file_is_a_failed_candidate(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    # The reader opens with os.open; refusing it is what a locked file does to any user.
    monkeypatch.setattr(os, "open", refuse)
    candidate = one(PE / "iischema_x86.dll")
    monkeypatch.undo()
    assert candidate.failed and candidate.info.status is Status.UNREADABLE
    outcome = decide(candidate, one(PE / "iischema_x86.dll"))
    assert outcome.decision is Decision.UNKNOWN
    assert outcome.reason == (
        "the existing file cannot be read: Permission denied; make it readable and ask again"
    )
