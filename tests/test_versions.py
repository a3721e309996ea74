"""Versions are tuples of integers, compared as such."""

from __future__ import annotations

import pytest

from verscan.versions import align, compare, format_version, from_ms_ls, parse_version


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5.00.2195.6860", (5, 0, 2195, 6860)),
        ("4.02.0752", (4, 2, 752)),
        ("4.10.1512", (4, 10, 1512)),
        ("2.573.3002.24", (2, 573, 3002, 24)),
        ("5.0.2195.4555 shp", (5, 0, 2195, 4555)),
        ("6.1.7601.17514 (win7sp1_rtm.101119-1850)", (6, 1, 7601, 17514)),
        ("1.1.1b", (1, 1, 1)),
        (" 2.0.0.1", (2, 0, 0, 1)),
        ("6, 1, 7601, 17514", (6, 1, 7601, 17514)),
        ("4.00", (4, 0)),
        ("0.0.0.0000", (0, 0, 0, 0)),
        ("", None),
        (None, None),
        ("Not applicable", None),
        ("N/A", None),
    ],
)
def test_parse_version(text: str | None, expected: tuple[int, ...] | None) -> None:
    assert parse_version(text) == expected


def test_integers_not_strings() -> None:
    assert compare((10, 0, 19041, 999), (10, 0, 19041, 1000)) == 1
    assert compare((10, 0, 19041, 1000), (10, 0, 19041, 999)) == -1
    assert compare((5, 0, 2195, 6860), (5, 0, 2195, 6860)) == 0


def test_three_part_versions_align_with_windows_9x_numbering() -> None:
    # 4.10.1998 in a KB table is the fixed 4.10.0.1998 of a Windows 98 file.
    assert compare((4, 10, 1998), (4, 10, 0, 1998)) == 0
    assert compare((4, 10, 1998), (4, 10, 0, 2222)) == 1
    # Otherwise shorter versions are padded on the right.
    assert align((4, 2), (4, 2, 0, 0)) == ((4, 2, 0, 0), (4, 2, 0, 0))
    assert compare((5, 0, 2195), (5, 0, 2195, 1)) == 1


def test_from_ms_ls_and_format() -> None:
    assert from_ms_ls(0x00050000, 0x0893_1ACC) == (5, 0, 2195, 6860)
    assert format_version((5, 0, 2195, 6860)) == "5.0.2195.6860"
    assert format_version(None) is None
