"""verscan's reader against pefile, the reference parser, on every fixture."""

from __future__ import annotations

import pytest

from tests.conftest import PE
from verscan.pe import Status, read_version_info, read_with_pefile

GOOD = sorted(p.name for p in PE.iterdir() if p.suffix in (".dll", ".exe"))

# Where pefile 2024.8.26 is known to be wrong, and why: it ignores wValueLength 0 and
# reads the strings as a fixed block.
PEFILE_WRONG = {"no_fixed_x86.dll"}


@pytest.mark.parametrize("name", [n for n in GOOD if n not in PEFILE_WRONG])
def test_same_answers_as_pefile(name: str) -> None:
    ours = read_version_info(PE / name)
    ref = read_with_pefile(PE / name)
    assert ours.status == ref.status
    assert ours.platform == ref.platform
    assert ours.machine == ref.machine
    assert ours.pe_format == ref.pe_format
    assert ours.file_version == ref.file_version
    assert ours.product_version == ref.product_version
    assert ours.file_flags == ref.file_flags
    assert ours.tables == ref.tables
    # pefile keeps only the last Translation pair.
    assert ours.translations[-1:] == ref.translations


def test_pefile_misreads_a_missing_fixed_block() -> None:
    # Documents why no_fixed_x86.dll is left out above: the reference is wrong there.
    ref = read_with_pefile(PE / "no_fixed_x86.dll")
    assert ref.status is Status.CORRUPT
    assert read_version_info(PE / "no_fixed_x86.dll").status is Status.OK


@pytest.mark.parametrize(
    "name", ["empty.dll", "text.dll", "elf.dll", "zero_signature.dll", "bad_wlength.dll"]
)
def test_broken_files_agree_on_the_outcome(name: str) -> None:
    ours = read_version_info(PE / "broken" / name)
    ref = read_with_pefile(PE / "broken" / name)
    assert ours.file_version == ref.file_version
    assert (ours.status is Status.NOT_PE) == (ref.status is Status.NOT_PE)
