"""Which Windows a system is: its release, service pack and platform, found from its files.

Every careful checker decides the operating system before it judges a file. A
system's profile comes from its kernel: the Windows folder (``Windows``,
``WINNT``, any case, or any top-level folder holding ``System32``; the target
may also be the Windows folder itself or its ``System32``), then
``System32/ntoskrnl.exe``, else ``System32/kernel32.dll`` (Windows 9x:
``SYSTEM/KERNEL32.DLL``). The kernel's fixed version names the kernel line
(:mod:`verscan.windows.catalogue`) and the service pack, its PE machine the
platform.

When it cannot be found the profile is unknown, and says why: a folder of
application files has no kernel; a kernel that cannot be read, two Windows
folders, a version no release has. Verdicts then go by the version line alone.
``--os`` states a profile instead (:func:`stated_profile`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from verscan.errors import VerscanError
from verscan.pe import Status, VersionInfo
from verscan.system.copies import backup_folder_kind
from verscan.versions import Version, format_version
from verscan.windows.catalogue import LINE_BY_KEY, LINES, RELEASES, Line, line_of, lines_of

KERNEL_FILES = ("ntoskrnl.exe", "kernel32.dll")
"""The files that tell the release, in order of authority (in ``System32``)."""


class ProfileError(VerscanError):
    """A stated profile (``--os``) that verscan does not understand."""


@dataclass(frozen=True)
class Profile:
    """Which Windows a system is, as far as its files (or the user) tell."""

    line: str | None = None
    """Key of the kernel line (:data:`verscan.windows.catalogue.LINES`), None when unknown."""
    version: str | None = None
    """The kernel's fixed file version (``5.1.2600.5512``), when read."""
    service_pack: int | None = None
    """Service pack number (0 for none), None when unknown or the release has none."""
    platform: str | None = None
    """The system's platform (``x86``, ``x64``, ``ia64``, ``arm64``), None when unknown."""
    source: str | None = None
    """How it was found: the kernel's path relative to the target, or ``--os``."""
    windows_folder: str | None = None
    """The Windows folder relative to the target (``""``: the target lies inside it)."""
    build_tag: str | None = None
    """The kernel's build tag from its string version (``xpsp.080413-2111``)."""
    warning: str | None = None
    """Why the profile is unknown or incomplete, in one line."""

    @property
    def known(self) -> bool:
        """Whether the release is known."""
        return self.line is not None

    @property
    def kernel_line(self) -> Line | None:
        """The kernel line, when known."""
        return LINE_BY_KEY.get(self.line) if self.line else None

    @property
    def os(self) -> str | None:
        """The release's name (the kernel line's: ``Windows 7 / Server 2008 R2``)."""
        line = self.kernel_line
        return line.name if line else None

    @property
    def releases(self) -> tuple[str, ...]:
        """The manifest release names this system matches."""
        if self.line is None:
            return ()
        return tuple(r.name for r in RELEASES if r.lines == (self.line,))

    def sp_text(self) -> str | None:
        """``SP3``, ``RTM``, or None when unknown or the release has no service packs."""
        if self.service_pack is None:
            return None
        return f"SP{self.service_pack}" if self.service_pack else "RTM"

    def describe(self) -> str:
        """One line for people: ``Windows XP SP3 x86`` (``unknown`` parts left out)."""
        if self.line is None:
            return "unknown" + (f" ({self.warning})" if self.warning else "")
        parts = [self.os or "", self.sp_text() or "", self.platform or ""]
        return " ".join(p for p in parts if p)

    def record(self) -> dict[str, Any]:
        """The JSON object of the profile (``system`` in scans and inventories)."""
        return {
            "os": self.os,
            "version": self.version,
            "service_pack": self.service_pack,
            "platform": self.platform,
            "source": self.source,
            "releases": list(self.releases),
            "windows_folder": self.windows_folder,
            "build_tag": self.build_tag,
            "warning": self.warning,
            "line": self.line,
        }


UNKNOWN = Profile()
"""A profile of which nothing is known."""


def profile_from_record(data: object, where: str) -> Profile:
    """A :class:`Profile` from its JSON object; :class:`ValueError` naming the key when wrong."""
    if data is None:
        return UNKNOWN
    if not isinstance(data, dict):
        raise ValueError(f"{where}: expected an object or null")

    def text(key: str) -> str | None:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{where}.{key}: expected a string or null")
        return value

    text("os")  # derived from the line, but a wrong type is still a wrong file
    releases = data.get("releases", [])
    if not isinstance(releases, list) or not all(isinstance(r, str) for r in releases):
        raise ValueError(f"{where}.releases: expected a list of strings")
    line = text("line")
    if line is not None and line not in LINE_BY_KEY:
        raise ValueError(f"{where}.line: {line!r} is not a kernel line this verscan knows")
    sp = data.get("service_pack")
    if sp is not None and (not isinstance(sp, int) or isinstance(sp, bool) or not 0 <= sp <= 9):
        raise ValueError(f"{where}.service_pack: expected a number from 0 to 9 or null")
    return Profile(
        line=line,
        version=text("version"),
        service_pack=sp,
        platform=text("platform"),
        source=text("source"),
        windows_folder=text("windows_folder"),
        build_tag=text("build_tag"),
        warning=text("warning"),
    )


Children = Callable[[str], Sequence[str] | None]
"""The names in a folder of the target (``""`` is the target), None when it is not one."""
Reader = Callable[[str], VersionInfo | None]
"""The version record of a file of the target, by its relative path."""


def detect_profile(children: Children, read: Reader) -> Profile:
    """The profile of the system whose files ``children`` lists and ``read`` reads."""
    top = children("")
    if top is None:
        return Profile(warning="the target cannot be listed")
    found = _windows_folders(children, top)
    if not found:
        return Profile(warning="no Windows folder with a kernel: ntoskrnl.exe or kernel32.dll")
    if len(found) > 1:
        names = ", ".join(repr(w or ".") for w, _ in found)
        return Profile(warning=f"two Windows folders ({names})")
    windows, kernel = found[0]
    info = read(kernel)
    if info is None:
        return Profile(windows_folder=windows, warning=f"{kernel}: cannot be read")
    version = info.file_version
    if version is None or info.status not in (Status.OK, Status.CORRUPT):
        why = info.error or info.status.value
        if info.status is Status.OK:
            why = "it has no fixed version"
        return Profile(
            windows_folder=windows, source=kernel, warning=f"{kernel}: no version ({why})"
        )
    line = _line_of_kernel(version)
    text = format_version(version)
    if line is None:
        return Profile(
            version=text,
            platform=info.platform,
            source=kernel,
            windows_folder=windows,
            warning=f"{kernel}: version {text} is no Windows release verscan knows",
        )
    return Profile(
        line=line.key,
        version=text,
        service_pack=_service_pack(line, version),
        platform=info.platform,
        source=kernel,
        windows_folder=windows,
        build_tag=_build_tag(info.file_version_string),
        warning=f"{kernel}: {info.error}" if info.status is Status.CORRUPT else None,
    )


def _windows_folders(children: Children, top: Sequence[str]) -> list[tuple[str, str]]:
    """``(windows folder, kernel path)`` for each Windows folder at the top of the target."""
    here = _kernel_in(children, "", top)
    if here is not None:  # the target is System32 (or a 9x SYSTEM folder) itself
        return [("", here)]
    as_windows = _kernel_of_windows(children, "", top)
    if as_windows is not None:  # the target is the Windows folder
        return [("", as_windows)]
    found: list[tuple[str, str]] = []
    for name in sorted(top):
        if backup_folder_kind(name) is not None:
            continue  # Windows.old and the like: an earlier system, not this one
        listing = children(name)
        if listing is None:
            continue
        kernel = _kernel_of_windows(children, name, listing)
        if kernel is not None:
            found.append((name, kernel))
    return found


def _kernel_of_windows(children: Children, folder: str, listing: Sequence[str]) -> str | None:
    """The kernel of a Windows folder: ``System32``'s, else a 9x ``SYSTEM``'s kernel32."""
    for sub in ("system32", "system"):
        for name in listing:
            if name.casefold() != sub:
                continue
            path = f"{folder}/{name}" if folder else name
            inner = children(path)
            if inner is None:
                continue
            kernel = _kernel_in(children, path, inner, nine_x=sub == "system")
            if kernel is not None:
                return kernel
    return None


def _kernel_in(
    children: Children, folder: str, listing: Sequence[str], *, nine_x: bool = False
) -> str | None:
    wanted = ("kernel32.dll",) if nine_x else KERNEL_FILES
    for kernel in wanted:
        for name in listing:
            if name.casefold() == kernel:
                path = f"{folder}/{name}" if folder else name
                if children(path) is None:  # a file, not a folder so named
                    return path
    return None


def _line_of_kernel(version: Version) -> Line | None:
    line = line_of(version)
    if line is None and len(version) == 4 and version[2] == 0:
        # Windows 9x writes 4.10.1998 as the fixed version 4.10.0.1998.
        nine_x = line_of((version[0], version[1], version[3]))
        if nine_x is not None and nine_x.family == "9x":
            return nine_x
    return line


def _service_pack(line: Line, version: Version) -> int | None:
    if not line.has_service_packs or (not line.sp_bases and not line.sp_by_build):
        return None
    return line.service_pack(version)


_TAG = re.compile(r"\(([^()]{1,80})\)")


def _build_tag(text: str | None) -> str | None:
    if not text:
        return None
    m = _TAG.search(text)
    return m.group(1).strip() if m else None


_PLATFORM_WORDS = {
    "x86": "x86",
    "i386": "x86",
    "32-bit": "x86",
    "x64": "x64",
    "amd64": "x64",
    "x86_64": "x64",
    "x86-64": "x64",
    "64-bit": "x64",
    "ia64": "ia64",
    "ia-64": "ia64",
    "itanium": "ia64",
    "arm64": "arm64",
    "aarch64": "arm64",
}
_SP_WORD = re.compile(r"\b(?:SP|Service\s+Pack\s*)(\d)\b|\b(RTM)\b", re.IGNORECASE)


def stated_profile(text: str, detected: Profile = UNKNOWN) -> Profile:
    """The profile ``--os`` states (``Windows XP SP3 x86``), over what was detected.

    A service pack or platform the text leaves out is taken from ``detected``
    when that is the same release. Raises :class:`ProfileError` with what is
    accepted when the text names no release, or releases of several kernels.
    """
    from verscan.windows.names import read_mentions  # only --os reads names: spare the rest

    given = " ".join(text.split())
    probe = given if re.search(r"\bwindows\b", given, re.IGNORECASE) else f"Windows {given}"
    mentions = read_mentions(probe)
    keys = set(lines_of(mentions.releases))
    if len(keys) != 1:
        why = (
            f"{text!r} names no Windows release verscan knows"
            if not keys
            else f"{text!r} names releases of more than one kernel ({', '.join(mentions.releases)})"
        )
        raise ProfileError(f"{why}; {accepted()}")
    line = LINE_BY_KEY[keys.pop()]
    words = re.findall(r"[A-Za-z0-9_-]+", given.lower())
    platforms = {_PLATFORM_WORDS[w] for w in words if w in _PLATFORM_WORDS}
    platforms |= {mentions.platform} if mentions.platform else set()
    if len(platforms) > 1:
        raise ProfileError(f"{text!r} names more than one platform; {accepted()}")
    sps = {0 if m.group(2) else int(m.group(1)) for m in _SP_WORD.finditer(given)}
    if len(sps) > 1:
        raise ProfileError(f"{text!r} names more than one service pack; {accepted()}")
    same = detected.line == line.key
    sp = sps.pop() if sps else (detected.service_pack if same else None)
    if sp is not None and not line.has_service_packs:
        raise ProfileError(f"{line.name} has no service packs: leave {text!r}'s SP out")
    implied = {
        r.platform for r in RELEASES if r.name in mentions.releases and r.platform is not None
    }
    platform = platforms.pop() if platforms else (implied.pop() if len(implied) == 1 else None)
    return Profile(
        line=line.key,
        version=detected.version if same else None,
        service_pack=sp,
        platform=platform or detected.platform,
        source="--os",
        windows_folder=detected.windows_folder,
        build_tag=detected.build_tag if same else None,
    )


def stated_for(texts: Iterable[str], *names: str) -> str | None:
    """The ``--os`` text for a machine known by any of ``names``; else the one for all.

    ``texts`` are ``--os`` values: ``WHO=TEXT`` states one machine's profile, ``TEXT`` all.
    """
    folded = {n.casefold() for n in names if n}
    common = None
    for text in texts:
        who, eq, stated = text.partition("=")
        if not eq:
            common = text
        elif who.strip().casefold() in folded:
            return stated
    return common


def chosen_profile(
    detected: Profile, os_text: str | None, label: str
) -> tuple[Profile, str | None]:
    """The profile to judge by, as ``--os`` states it or as detected; and a warning, if any.

    The warning is one line for the person reading the report (it names ``label``):
    the release could not be found, or was found with a doubt.
    """
    if os_text is not None:
        return stated_profile(os_text, detected), None
    if not detected.known:
        return detected, (
            f"{label}: the Windows release is unknown ({detected.warning}); "
            "judging rows by their version line only (state it with --os)"
        )
    if detected.warning:
        return detected, f"{label}: {detected.warning}"
    return detected, None


def accepted() -> str:
    """What ``--os`` accepts, for a usage error."""
    names = ", ".join(line.name for line in LINES)
    return (
        "give a release with an optional service pack and platform, such as "
        f'"Windows XP SP3 x86" or "Windows 10 version 22H2 x64"; releases: {names}'
    )
