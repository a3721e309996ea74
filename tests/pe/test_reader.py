"""The reader on every PE fixture; expected values are stated by hand from the .rc files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import PE
from tests.fuzz.pe_layout import Spec, VersionSpec, build_pe
from verscan.pe import Status, read_version_info, read_version_info_bytes

# file: (platform, PE format, fixed FileVersion, fixed ProductVersion, string FileVersion,
#        chosen table, table keys, translations, CompanyName)
GOOD = {
    "iischema_x86.dll": ("x86", "PE32", (5, 0, 2195, 6860), (5, 0, 2195, 6860), "5.00.2195.6860",
                         "040904b0", ("040904b0",), ((0x0409, 1200),), "Microsoft Corporation"),
    "iischema_x64.dll": ("x64", "PE32+", (5, 0, 2195, 6860), (5, 0, 2195, 6860), "5.00.2195.6860",
                         "040904b0", ("040904b0",), ((0x0409, 1200),), "Microsoft Corporation"),
    "win7sp1_x64.dll": ("x64", "PE32+", (6, 1, 7601, 17514), (6, 1, 7601, 17514),
                        "6.1.7601.17514 (win7sp1_rtm.101119-1850)", "040904b0", ("040904b0",),
                        ((0x0409, 1200),), "Microsoft Corporation"),
    "win7ldr_x86.dll": ("x86", "PE32", (6, 1, 7601, 22311), (6, 1, 7601, 22311),
                        "6.1.7601.22311 (win7sp1_ldr.130401-1532)", "040904b0", ("040904b0",),
                        ((0x0409, 1200),), "Microsoft Corporation"),
    "win10_x64.exe": ("x64", "PE32+", (10, 0, 19041, 1000), (10, 0, 19041, 1000),
                      "10.0.19041.1000 (WinBuild.160101.0800)", "040904b0", ("040904b0",),
                      ((0x0409, 1200),), "Microsoft Corporation"),
    "prerelease_x64.dll": ("x64", "PE32+", (10, 0, 19041, 999), (10, 0, 19041, 999),
                           "10.0.19041.999 (WinBuild.160101.0800)", "040904b0", ("040904b0",),
                           ((0x0409, 1200),), "Microsoft Corporation"),
    "openssl_x64.dll": ("x64", "PE32+", (1, 1, 1, 2), (1, 1, 1, 2), "1.1.1b", "040904b0",
                        ("040904b0",), ((0x0409, 1200),),
                        "The OpenSSL Project, http://www.openssl.org/"),
    "leading_space_x86.dll": ("x86", "PE32", (2, 0, 0, 1), (2, 0, 0, 1), " 2.0.0.1", "040904b0",
                              ("040904b0",), ((0x0409, 1200),), "Fabrikam, Inc."),
    "product_differs_x64.dll": ("x64", "PE32+", (2009, 100, 1600, 1), (10, 50, 1600, 1),
                                "2009.100.1600.1 ((KJ_RTM).100402-1539 )", "040904b0",
                                ("040904b0",), ((0x0409, 1200),), "Microsoft Corporation"),
    "two_languages_x86.dll": ("x86", "PE32", (3, 2, 1, 0), (3, 2, 0, 0), "3.2.1.0", "040704b0",
                              ("040704b0", "040904b0"), ((0x0407, 1200), (0x0409, 1200)),
                              "Fabrikam Deutschland GmbH"),
    "table_mismatch_x86.dll": ("x86", "PE32", (7, 2, 0, 0), (7, 2, 0, 0), "7.2", "080904b0",
                               ("080904b0",), ((0x0409, 1200),), "Contoso Ltd."),
    "renamed_rsrc_x86.dll": ("x86", "PE32", (2, 1, 0, 15), (2, 1, 0, 15), "2.1.0.15", "040904b0",
                             ("040904b0",), ((0x0409, 1200),), "Contoso Ltd."),
    "no_fixed_x86.dll": ("x86", "PE32", None, None, "9.0.0050", "040904b0", ("040904b0",),
                         ((0x0409, 1200),), "Contoso Ltd."),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(GOOD))
def test_good_fixture(name: str) -> None:
    platform, fmt, fixed, product, string, chosen, keys, translations, company = GOOD[name]
    info = read_version_info(PE / name)
    assert info.status is Status.OK
    assert info.error is None
    assert info.platform == platform
    assert info.pe_format == fmt
    assert info.file_version == fixed
    assert info.product_version == product
    assert info.file_version_string == string
    assert info.language is not None and info.language.lower() == chosen
    assert tuple(t.key.lower() for t in info.tables) == keys
    assert info.translations == translations
    assert info.strings["CompanyName"] == company
    assert info.size == (PE / name).stat().st_size


def test_strings_of_each_language() -> None:
    info = read_version_info(PE / "two_languages_x86.dll")
    german, english = info.tables
    assert german.lang == 0x0407 and german.codepage == 1200
    assert german.strings["FileDescription"] == "Prüfbibliothek für Dateiversionen"
    assert german.strings["ProductName"] == "Fabrikam Versionsprüfung"
    assert english.lang == 0x0409
    assert english.strings["FileDescription"] == "File version check library"
    assert english.strings["LegalCopyright"] == "© Fabrikam, Inc. 2012"


def test_every_named_string() -> None:
    info = read_version_info(PE / "iischema_x86.dll")
    assert info.strings == {
        "CompanyName": "Microsoft Corporation",
        "FileDescription": "IIS Schema DLL",
        "FileVersion": "5.00.2195.6860",
        "InternalName": "iischema.dll",
        "LegalCopyright": "Copyright (C) Microsoft Corp. 1981-1999",
        "OriginalFilename": "iischema.dll",
        "ProductName": "Microsoft(R) Windows (R) 2000 Operating System",
        "ProductVersion": "5.00.2195.6860",
    }


def test_file_flags_and_extra_strings() -> None:
    info = read_version_info(PE / "prerelease_x64.dll")
    assert info.file_flags == 0x0A
    assert info.strings["PrivateBuild"] == "Private build for testing"
    assert read_version_info(PE / "openssl_x64.dll").strings["Comments"] == (
        "Also see http://www.openssl.org/"
    )


@pytest.mark.parametrize("name", ["no_version_x86.dll", "no_resources_x86.dll"])
def test_no_version_resource(name: str) -> None:
    info = read_version_info(PE / name)
    assert info.status is Status.NO_VERSION
    assert info.platform == "x86"
    assert info.file_version is None and info.tables == () and info.error is None


BROKEN = {
    "empty.dll": (Status.NOT_PE, "empty file"),
    "text.dll": (Status.NOT_PE, "not a PE file (text)"),
    "elf.dll": (Status.NOT_PE, "not a PE file (ELF binary)"),
    "mz_lfanew_past_end.dll": (
        Status.CORRUPT,
        "e_lfanew 0x10000 points past the end of the file (128 bytes)",
    ),
    "truncated_optional_header.dll": (Status.CORRUPT, "truncated optional header"),
    "truncated_1k.dll": (Status.CORRUPT, "resource directory lies past the end of the file"),
    "truncated_in_version.dll": (
        Status.CORRUPT,
        "file ends inside the version resource (54 of 872 bytes)",
    ),
    "resource_loop.dll": (Status.CORRUPT, "resource directory loops back on itself"),
    "huge_entry_counts.dll": (
        Status.CORRUPT,
        "resource directory claims 131070 entries, more than the file holds",
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_fixture(name: str) -> None:
    status, error = BROKEN[name]
    info = read_version_info(PE / "broken" / name)
    assert info.status is status
    assert info.error == error
    assert info.file_version is None


def test_bad_length_keeps_the_version_but_says_corrupt() -> None:
    info = read_version_info(PE / "broken" / "bad_wlength.dll")
    assert info.status is Status.CORRUPT
    assert info.error == "VS_VERSIONINFO length 65535 exceeds the resource's 872 bytes"
    assert info.file_version == (5, 0, 2195, 6860)


def test_zero_signature_keeps_the_version_but_says_corrupt() -> None:
    info = read_version_info(PE / "broken" / "zero_signature.dll")
    assert info.status is Status.CORRUPT
    assert info.error == "VS_FIXEDFILEINFO signature is 0x00000000, not 0xfeef04bd"
    assert info.file_version == (5, 0, 2195, 6860)


def test_from_memory_equals_from_disk() -> None:
    for path in sorted(PE.glob("*.dll")) + sorted((PE / "broken").glob("*")):
        from_disk = read_version_info(path)
        in_memory = read_version_info_bytes(path.read_bytes(), str(path))
        assert in_memory == from_disk, path.name


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    info = read_version_info(tmp_path / "nope.dll")
    assert info.status is Status.UNREADABLE
    assert info.error == "No such file or directory"


def test_directory_is_unreadable(tmp_path: Path) -> None:
    info = read_version_info(tmp_path)
    assert info.status is Status.UNREADABLE
    assert info.error == "a directory"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this OS")
def test_fifo_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.dll"
    os.mkfifo(fifo)
    info = read_version_info(fifo)  # must return at once, not wait for a writer
    assert info.status is Status.UNREADABLE
    assert info.error == "not a regular file"


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Root reads everything, so the refusal is made by the OS layer's stand-in.
    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("verscan.pe.reader.os.open", refuse)
    info = read_version_info(PE / "iischema_x86.dll")
    assert info.status is Status.UNREADABLE
    assert info.error == "Permission denied"


# -- strings beyond the Basic Multilingual Plane, and broken UTF-16 ----------------------------

_SNOWMAN = "\u2603".encode("utf-16-le")  # stands in for a code unit written afterwards


def _image(strings: tuple[tuple[str, str], ...], units: tuple[bytes, ...] = ()) -> bytes:
    """A PE image whose one table holds ``strings``; each snowman then becomes the next unit."""
    version = VersionSpec(
        fixed=(0xFEEF04BD, 0x10000, 0x10002, 0x30004, 0x10002, 0x30004, 0x3F, 0, 4, 2, 0, 0, 0),
        tables=(("040904b0", strings),),
        translations=((0x0409, 1200),),
    )
    data, _ = build_pe(Spec(0x14C, False, ((16, ((1, (0x0409,)),)),), version))
    for unit in units:
        at = data.index(_SNOWMAN)
        data = data[:at] + unit + data[at + 2 :]
    return data


def test_characters_beyond_the_bmp_are_read_whole() -> None:
    """A surrogate pair is one character, and the strings after it are found where they lie."""
    strings = (
        ("Comments", "clef \U0001d11e and \U0001f600"),
        ("\U0001f4e6Name", "x"),
        ("FileVersion", "1.2.3.4"),
    )
    info = read_version_info_bytes(_image(strings), "astral.dll")
    assert info.status is Status.OK
    assert info.strings == dict(strings)
    assert info.file_version == (1, 2, 3, 4)


@pytest.mark.parametrize(
    ("unit", "where"),
    [
        (b"\x3d\xd8", "end"),  # a high surrogate with nothing after it
        (b"\x3d\xd8", "middle"),  # a high surrogate followed by an ordinary character
        (b"\x00\xdc", "middle"),  # a low surrogate with no high one before it
    ],
)
def test_lone_surrogates_become_replacement_characters(unit: bytes, where: str) -> None:
    value = "ab\u2603" if where == "end" else "a\u2603b"
    strings = (("Comments", value), ("FileVersion", "1.2.3.4"), ("ProductName", "Widget"))
    info = read_version_info_bytes(_image(strings, (unit,)), "lone.dll")
    assert info.status is Status.OK
    assert info.strings == {
        "Comments": value.replace("\u2603", "\ufffd"),
        "FileVersion": "1.2.3.4",
        "ProductName": "Widget",
    }
