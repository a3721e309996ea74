"""--exclude GLOB: names at any depth, or paths from the target; case does not matter."""

from __future__ import annotations

from verscan.system.exclude import make_exclude, under_excluded


def test_no_globs_no_test() -> None:
    assert make_exclude([]) is None
    assert make_exclude(["", "/"]) is None


def test_names_at_any_depth() -> None:
    exclude = make_exclude(["Program Files*", "*.BAK"])
    assert exclude is not None
    assert exclude("Program Files")
    assert exclude("program files (x86)")
    assert exclude("Windows/System32/old.bak")
    assert not exclude("Windows/System32")
    assert under_excluded(exclude, "Program Files/Fabrikam/sspicli.dll")
    assert not under_excluded(exclude, "Windows/System32/sspicli.dll")


def test_paths_from_the_target() -> None:
    exclude = make_exclude(["windows/temp", "\\Windows\\Installer\\"])
    assert exclude is not None
    assert exclude("Windows/Temp")
    assert exclude("WINDOWS/installer")
    assert not exclude("Temp")
    assert not exclude("Users/me/Windows/Temp")
    assert under_excluded(exclude, "Windows/Temp/x/y.dll")
