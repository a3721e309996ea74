"""Build a synthetic Windows-sized tree for the benchmarks: about 100,000 files, a fifth of them PE.

The PE files are hard links into the corpus (copies where a hard link is not
possible); the others are small data files (``.inf``, ``.nls``, ``.cat``,
``.manifest``, ``.ini``, ...) of a few bytes. The folders follow a 64-bit
Windows installation: ``Windows/System32`` with its ``drivers``, ``en-US``,
``DriverStore`` and ``catroot`` folders, ``Windows/SysWOW64`` (32-bit files),
thousands of ``Windows/WinSxS`` component folders, the .NET folders and the
assembly cache, uninstall backups (``Windows/$NtUninstallKB…$``),
``System32/dllcache``, ``ServicePackFiles``, ``SoftwareDistribution/Download``,
``Program Files``, ``Program Files (x86)``, ``ProgramData`` and ``Users``.

Every file the manifests name (``manifests/`` by default) is placed where its
row says (a corpus DLL of the row's platform under the row's name, e.g.
``Windows/System32/inetsrv/IISCHEMA.DLL``), with older-looking copies in an
uninstall backup and in ``dllcache``, so that a scan has something to judge.
The broken files of the corpus are placed once each under ``Users/Public``.

The same arguments build the same tree (fixed seed). A tree already built
with the same arguments is left alone; ``--force`` rebuilds. The build goes to
a sibling folder first and is renamed into place when complete.

    python benchmarks/make_tree.py                  # /tmp/wintree from /tmp/pecorpus
    python benchmarks/make_tree.py --files 20000 --out /tmp/smalltree --force
"""

from __future__ import annotations

import argparse
import errno
import hashlib
import json
import os
import random
import re
import shutil
import struct
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


REPO = Path(__file__).resolve().parent.parent
RECIPE = 1
"""Bump when the layout changes, so that old trees are rebuilt."""
BASE_FILES = 100_000
"""The tree size the folder counts below are written for; other sizes scale them."""

PE_NAMED = re.compile(
    r"\.(acm|ax|cpl|com|dll|drv|efi|exe|flt|fon|ime|mui|mun|ocx|scr|sys|tlb|tsp|winmd|pyd)$|_$",
    re.IGNORECASE,
)
"""Names that say "binary": data files never get one."""

WORDS = _words(
    "net win sys shell crypt print audio media usb disk wmi rpc http ldap dns ole com mf d3d "
    "dx msi cert user theme font ime input power tcp wlan bth hid storage sec auth policy "
    "update setup diag perf trace event task search index sync backup restore remote term "
    "vss smb nfs iis asp ftp web mail cal contact photo video speech sensor location pnp acpi "
    "pci ata scsi nvme kernel base gdi dwm uxtheme wininet urlmon mshtml jscript vbscript "
    "cscript wsh winhttp schannel lsa sam netlogon kerberos ntlm bcrypt ncrypt cng tpm bitlocker "
    "defrag chkdsk format diskpart mount vhd hyperv vmbus rdp mstsc tsclient spool xps pdf "
    "scan fax twain wia camera display monitor edid icm color dpi touch pen tablet ink "
    "handwriting narrator magnify osk sapi tts sr voice cortana edge store appx msix"
)
SUFFIXES = ("", *_words("svc mgr api host cfg util core ui res prov ext srv"))
TOKENS = ("31bf3856ad364e35", "b03f5f7f11d50a3a", "b77a5c561934e089", "6595b64144ccf1df")
KBS = _words(
    "829427 823980 824146 828035 828741 835732 837001 840374 841533 867282 873333 885250 888302 "
    "890047 890859 891781 893066 896358 896422 896428 899587 899588 900725 901017 901214 902400 "
    "904706 905414 905749 908519 911562 911567 911927 912812 912919 913580 914388 917422 917953 "
    "918439 920213 920670 920683 920685 921398 922616 922819 923191 923414 923689 924191 924270 "
    "924496 924667 925454 925486 925902 926255 926436 927779 927802 928090 928255 928843 929123"
)
LANGS = ("en-US", "de-DE", "fr-FR", "ja-JP")


def _word(rng: random.Random) -> str:
    return rng.choice(WORDS) + rng.choice(SUFFIXES)


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _guid(rng: random.Random) -> str:
    h = _hex(rng, 32).upper()
    return f"{{{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}}}"


def _win_build(rng: random.Random) -> str:
    return f"6.1.7601.{rng.choice((17514, 18000 + rng.randrange(900), 21000 + rng.randrange(900)))}"


# --- what goes where --------------------------------------------------------------------


Namer = Callable[[random.Random], str]


@dataclass
class Bucket:
    """Files of one kind spread over some folders."""

    dirs: list[str]
    """Folders (relative, ``/``-separated) the files are spread over."""
    pe: int
    """PE files at the base size (before scaling)."""
    data: int
    """Data files at the base size."""
    namer: Namer
    """Makes a data file name."""
    arch: str = "x64"
    """Which PE files to take: x64, x86, arm64 or any."""
    pe_ext: str | None = None
    """Rename PE files to this ending (``.sys``, ``.mui``: appended) instead of keeping it."""
    weights: list[float] | None = None
    """Relative share of each folder (default: even)."""


def _names(*exts: str) -> Namer:
    return lambda rng: f"{_word(rng)}{rng.choice(exts)}"


def _nls(rng: random.Random) -> str:
    return rng.choice((f"C_{rng.randrange(37, 21027)}.NLS", f"{_word(rng)}.nls", "l_intl.nls"))


def _cat(rng: random.Random) -> str:
    kb = rng.choice(KBS)
    return rng.choice(
        (
            f"Package_{rng.randrange(1, 40)}_for_KB{kb}~{TOKENS[0]}~amd64~~6.1.1.{rng.randrange(9)}"
            ".cat",
            f"{_guid(rng)}.cat",
            f"Microsoft-Windows-{_word(rng).title()}-Package~{TOKENS[0]}~amd64~~6.1.7601.17514.cat",
        )
    )


def _mum(rng: random.Random) -> str:
    kb = rng.choice(KBS)
    ext = rng.choice((".mum", ".cat"))
    build = f"6.1.1.{rng.randrange(9)}"
    return f"Package_{rng.randrange(1, 60)}_for_KB{kb}~{TOKENS[0]}~amd64~~{build}{ext}"


def _component(rng: random.Random, arch: str | None = None) -> str:
    arch = arch or rng.choice(("amd64", "amd64", "amd64", "x86", "wow64", "msil"))
    lang = rng.choice(("none", "none", "none", "en-us"))
    name = f"microsoft-windows-{_word(rng)}-{_word(rng)}"
    return f"{arch}_{name}_{TOKENS[0]}_{_win_build(rng)}_{lang}_{_hex(rng, 16)}"


def _inetcache(rng: random.Random) -> str:
    ext = rng.choice(("htm", "js", "css", "png", "gif", "jpg", "json", "woff"))
    return f"{_word(rng)}[{rng.randrange(1, 4)}].{ext}"


def _prefetch(rng: random.Random) -> str:
    return f"{_word(rng).upper()}.EXE-{_hex(rng, 8).upper()}.pf"


def _task(rng: random.Random) -> str:
    return f"{_word(rng).title()}{rng.choice(('', 'Task', 'Scan', 'Maintenance', 'Refresh'))}"


def _cache_entry(rng: random.Random) -> str:
    return _hex(rng, 40).upper()


def _subtree(
    rng: random.Random, root: str, count: int, names: tuple[str, ...], depth: int
) -> list[str]:
    """``root`` and ``count - 1`` folders below it, at most ``depth`` levels down."""
    out = [root]
    levels = {root: 0}
    while len(out) < count:
        parent = rng.choice(out)
        if levels[parent] >= depth:
            continue
        child = f"{parent}/{rng.choice(names)}"
        if child in levels:
            child = f"{child}{rng.randrange(2, 99)}"
        if child in levels:
            continue
        levels[child] = levels[parent] + 1
        out.append(child)
    return out


APP_DIRS = _words(
    "bin lib plugins resources locales x64 x86 modules extensions data themes icons help "
    "templates fonts 1033 1036 Addins Sdk tools imageformats platforms translations styles "
    "swiftshader MonoBleedingEdge Managed runtimes native assets"
)

PRODUCTS = (
    ("Program Files", "Internet Explorer", 40, 300),
    ("Program Files", "Windows Defender", 30, 200),
    ("Program Files", "Windows Mail", 10, 60),
    ("Program Files", "Windows Media Player", 30, 250),
    ("Program Files", "Windows NT/Accessories", 10, 40),
    ("Program Files", "Windows Photo Viewer", 10, 40),
    ("Program Files", "Windows Sidebar/Gadgets", 12, 400),
    ("Program Files", "Common Files/microsoft shared/ink", 60, 250),
    ("Program Files", "Common Files/System/ado", 30, 60),
    ("Program Files", "Microsoft Office/root/Office16", 400, 2500),
    ("Program Files", "Microsoft Office/root/vfs/System", 80, 40),
    ("Program Files", "Mozilla Firefox", 60, 500),
    ("Program Files", "Google/Chrome/Application/120.0.6099.130", 60, 700),
    ("Program Files", "7-Zip", 10, 80),
    ("Program Files", "Notepad++", 20, 200),
    ("Program Files", "Python311", 120, 2200),
    ("Program Files", "VideoLAN/VLC", 300, 600),
    ("Program Files", "Java/jre-1.8/bin", 90, 300),
    ("Program Files", "Microsoft SQL Server/150/Shared", 120, 400),
    ("Program Files", "dotnet/shared/Microsoft.NETCore.App/8.0.1", 200, 120),
    ("Program Files", "WindowsPowerShell/Modules", 20, 500),
    ("Program Files", "Reference Assemblies/Microsoft/Framework/.NETFramework/v4.8", 150, 300),
    ("Program Files", "Microsoft Visual Studio/2022/Community/Common7/IDE", 300, 1000),
    ("Program Files (x86)", "Microsoft/Edge/Application/120.0.2210.91", 80, 700),
    ("Program Files (x86)", "Adobe/Acrobat Reader DC/Reader", 250, 1500),
    ("Program Files (x86)", "Common Files/Microsoft Shared/VSTO/10.0", 40, 100),
    ("Program Files (x86)", "Steam", 200, 1500),
    ("Program Files (x86)", "Microsoft.NET/Primary Interop Assemblies", 60, 20),
    ("Program Files (x86)", "Windows Kits/10/Debuggers/x86", 300, 600),
    ("Program Files (x86)", "InstallShield Installation Information", 60, 200),
    ("Program Files (x86)", "Microsoft Visual Studio/Shared", 100, 300),
)
"""(top folder, product folder, PE files, data files) at the base size."""


def _buckets(rng: random.Random, scale: float) -> list[Bucket]:
    def n(count: int) -> int:
        return max(1, round(count * scale))

    sysdata = _names(".dat", ".xml", ".ini", ".msc", ".inf", ".txt", ".cfg", ".rs", ".sdb", ".xsl")
    wbemdata = _names(".mof", ".mfl", ".xsl", ".xml")
    textish = _names(".txt", ".log", ".xml", ".ini", ".dat", ".json")
    buckets = [
        Bucket(["Windows"], 40, 60, _names(".ini", ".log", ".xml", ".bmp", ".dat")),
        Bucket(["Windows/System32"], 2700, 500, sysdata),
        Bucket(["Windows/System32"], 0, 300, _nls),
        Bucket(["Windows/System32/drivers"], 380, 20, _names(".dat", ".inf"), pe_ext=".sys"),
        Bucket(
            ["Windows/System32/drivers/etc"],
            0,
            5,
            lambda r: r.choice(("hosts", "networks", "protocol", "services", "lmhosts.sam")),
        ),
        Bucket(["Windows/System32/drivers/UMDF"], 40, 0, sysdata),
        Bucket([f"Windows/System32/{lang}" for lang in LANGS], 900, 60, _names(".chm", ".txt")),
        Bucket(["Windows/System32/inetsrv", "Windows/System32/inetsrv/config"], 120, 40, sysdata),
        Bucket(
            [f"Windows/System32/wbem{s}" for s in ("", "/en-US", "/Repository", "/Performance")],
            300,
            500,
            wbemdata,
        ),
        Bucket(
            [
                f"Windows/System32/DriverStore/FileRepository/{_word(rng)}.inf_amd64_neutral_"
                f"{_hex(rng, 16)}"
                for _ in range(n(700))
            ],
            900,
            2100,
            _names(".inf", ".cat", ".PNF", ".ini"),
            pe_ext=".sys",
        ),
        Bucket(
            [
                "Windows/System32/catroot/{F750E6C3-38EE-11D1-85E5-00C04FC295EE}",
                "Windows/System32/catroot2/{F750E6C3-38EE-11D1-85E5-00C04FC295EE}",
            ],
            0,
            3500,
            _cat,
        ),
        Bucket(
            [
                f"Windows/System32/Tasks/Microsoft/Windows/{_word(rng).title()}"
                for _ in range(n(80))
            ],
            0,
            400,
            _task,
        ),
        Bucket(
            ["Windows/System32/config", "Windows/System32/spool/drivers/x64/3"]
            + [f"Windows/System32/LogFiles/{_word(rng)}" for _ in range(n(20))]
            + [
                f"Windows/System32/WindowsPowerShell/v1.0/Modules/{_word(rng).title()}"
                for _ in range(n(40))
            ],
            250,
            1500,
            textish,
        ),
        Bucket(["Windows/System32/dllcache"], 1400, 0, sysdata),
        Bucket(["Windows/SysWOW64"], 1800, 500, sysdata, arch="x86"),
        Bucket(
            [
                "Windows/SysWOW64/en-US",
                "Windows/SysWOW64/wbem",
                "Windows/SysWOW64/WindowsPowerShell",
            ],
            600,
            300,
            wbemdata,
            arch="x86",
        ),
        Bucket(
            [f"Windows/WinSxS/{_component(rng)}" for _ in range(n(6000))],
            6500,
            9000,
            _names(".manifest", ".xml", ".inf", ".nls", ".txt", ".dat"),
            arch="any",
        ),
        Bucket(
            ["Windows/WinSxS/Manifests"],
            0,
            16000,
            lambda r: f"{_component(r)}.manifest",
        ),
        Bucket(
            [
                f"Windows/WinSxS/{d}"
                for d in ("Catalogs", "Backup", "FileMaps", "Temp/PendingDeletes")
            ],
            0,
            3000,
            _cat,
        ),
        Bucket(
            [
                f"Windows/$NtUninstallKB{kb}${sub}"
                for kb in KBS[: n(60)]
                for sub in ("", "/spuninst")
            ],
            450,
            150,
            _names(".inf", ".txt", ".cat"),
            arch="x86",
        ),
        Bucket(
            [f"Windows/$hf_mig$/KB{kb}/SP2QFE" for kb in KBS[: n(20)]],
            60,
            40,
            _names(".inf", ".cat"),
            arch="x86",
        ),
        Bucket(["Windows/ServicePackFiles/i386"], 400, 100, sysdata, arch="x86"),
        Bucket(
            [f"Windows/SoftwareDistribution/Download/{_hex(rng, 32)}" for _ in range(n(60))]
            + [
                "Windows/SoftwareDistribution/DataStore/Logs",
                "Windows/SoftwareDistribution/ReportingEvents",
            ],
            150,
            600,
            _names(".cab", ".psf", ".xml", ".mum", ".cat", ".log"),
        ),
        Bucket(["Windows/inf"], 0, 2400, _names(".inf", ".PNF")),
        Bucket(["Windows/Fonts"], 0, 700, _names(".ttf", ".ttc", ".otf")),
        Bucket(["Windows/Prefetch"], 0, 250, _prefetch),
        Bucket(["Windows/servicing/Packages"], 0, 5000, _mum),
        Bucket(
            ["Windows/Installer"] + [f"Windows/Installer/{_guid(rng)}" for _ in range(n(40))],
            50,
            800,
            _names(".msi", ".msp", ".ico"),
        ),
        Bucket(
            [
                f"Windows/assembly/GAC_MSIL/{_word(rng).title()}/{v}__{rng.choice(TOKENS)}"
                for v in ("2.0.0.0", "4.0.0.0", "10.0.0.0", "15.0.0.0")
                for _ in range(n(175))
            ],
            700,
            100,
            _names(".config", ".xml"),
            arch="any",
        ),
        Bucket(
            [
                f"Windows/assembly/NativeImages_v4.0.30319_64/{_word(rng).title()}/{_hex(rng, 32)}"
                for _ in range(n(500))
            ],
            500,
            0,
            textish,
            pe_ext=".ni.dll",
        ),
        Bucket(
            [
                f"Windows/Microsoft.NET/{fw}/v4.0.30319{sub}"
                for fw in ("Framework", "Framework64")
                for sub in ("", "/Config", "/WPF", "/MUI/0409", "/Temporary ASP.NET Files")
            ],
            900,
            1600,
            _names(".config", ".xml", ".xsd", ".txt", ".targets"),
            arch="any",
        ),
        Bucket(
            [f"Windows/{d}" for d in ("Logs/CBS", "Logs/DISM", "Panther", "Temp", "Help/Windows")]
            + [f"Windows/PolicyDefinitions{s}" for s in ("", "/en-US")]
            + [f"Windows/Resources/Themes/{_word(rng)}" for _ in range(n(10))]
            + [f"Windows/diagnostics/system/{_word(rng).title()}" for _ in range(n(30))]
            + [f"Windows/Globalization/{_word(rng)}" for _ in range(n(20))]
            + [f"Windows/IME/{_word(rng).upper()}" for _ in range(n(20))]
            + [f"Windows/Web/Wallpaper/{_word(rng).title()}" for _ in range(n(8))],
            150,
            4500,
            _names(".log", ".admx", ".adml", ".xml", ".txt", ".jpg", ".theme", ".ps1", ".dat"),
        ),
    ]
    for top, product, pe, data in PRODUCTS:
        root = f"{top}/{product}"
        folders = _subtree(rng, root, n(max(3, (pe + data) // 25)), tuple(APP_DIRS), 5)
        arch = "x86" if top.endswith("(x86)") else "any"
        namer = _names(".dat", ".json", ".xml", ".pak", ".png", ".js", ".txt", ".cfg", ".qm")
        buckets.append(Bucket(folders, pe, data, namer, arch=arch))
    program_data = (
        ["ProgramData/Microsoft/Windows/Start Menu/Programs"]
        + [
            f"ProgramData/Microsoft/Windows/Start Menu/Programs/{_word(rng).title()}"
            for _ in range(n(30))
        ]
        + [
            f"ProgramData/Microsoft/Windows/WER/ReportArchive/"
            f"AppCrash_{_word(rng)}.exe_{_hex(rng, 40)}"
            for _ in range(n(60))
        ]
        + [
            "ProgramData/Microsoft/Crypto/RSA/MachineKeys",
            "ProgramData/Microsoft/Search/Data/Applications/Windows",
            "ProgramData/Microsoft/Windows/Caches",
            "ProgramData/Microsoft/Diagnosis/ETLLogs/AutoLogger",
        ]
    )
    buckets.append(
        Bucket(program_data, 0, 4200, _names(".lnk", ".wer", ".etl", ".dat", ".xml", ".log"))
    )
    buckets.append(
        Bucket(
            [
                f"ProgramData/Microsoft/Windows Defender/Definition Updates/{_guid(rng)}"
                for _ in range(n(4))
            ]
            + [f"ProgramData/Package Cache/{_guid(rng)}" for _ in range(n(80))],
            150,
            800,
            _names(".vdm", ".xml", ".msi", ".cab"),
        )
    )
    for user in ("Administrator", "alice", "bob", "Default", "Public"):
        home = f"Users/{user}"
        inet = [
            f"{home}/AppData/Local/Microsoft/Windows/INetCache/IE/{_hex(rng, 8).upper()}"
            for _ in range(n(4))
        ]
        firefox = f"{home}/AppData/Local/Mozilla/Firefox/Profiles/{_hex(rng, 8)}.default-release"
        buckets.append(Bucket(inet, 0, 1200, _inetcache))
        buckets.append(Bucket([f"{firefox}/cache2/entries"], 0, 1100, _cache_entry))
        general = [
            f"{home}/{d}"
            for d in (
                "Documents",
                "Desktop",
                "Pictures",
                "AppData/Local/Temp",
                "AppData/Local/Microsoft/Windows/Explorer",
                "AppData/Local/Packages/Microsoft.Windows.Cortana_cw5n1h2txyewy/LocalState",
                "AppData/Roaming/Microsoft/Windows/Recent",
                "AppData/Roaming/Microsoft/Windows/Start Menu/Programs",
                "AppData/Roaming/Microsoft/Office/Recent",
            )
        ] + [f"{home}/AppData/Local/Temp/{_guid(rng)}" for _ in range(n(10))]
        buckets.append(
            Bucket(general, 0, 900, _names(".docx", ".txt", ".lnk", ".tmp", ".db", ".png", ".xml"))
        )
        apps = _subtree(
            rng, f"{home}/AppData/Local/Programs/{_word(rng).title()}", n(12), tuple(APP_DIRS), 4
        )
        buckets.append(
            Bucket([f"{home}/Downloads", *apps], 40, 150, _names(".zip", ".pdf", ".json"))
        )
    return buckets


# --- the corpus ---------------------------------------------------------------------------

_MACHINES = {0x8664: "x64", 0x14C: "x86", 0xAA64: "arm64"}


def _machine(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    if len(head) < 64 or head[:2] != b"MZ":
        return None
    (lfanew,) = struct.unpack_from("<I", head, 0x3C)
    if lfanew + 6 > len(head) or head[lfanew : lfanew + 4] != b"PE\0\0":
        return None
    (machine,) = struct.unpack_from("<H", head, lfanew + 4)
    return _MACHINES.get(machine, "other")


def _has_version(path: str) -> bool:
    with open(path, "rb") as fh:
        return "VS_VERSION_INFO".encode("utf-16-le") in fh.read()


@dataclass
class Corpus:
    """The corpus's PE files by platform, and its broken files."""

    by_arch: dict[str, list[str]] = field(default_factory=dict)
    broken: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, root: str) -> Corpus:
        corpus = cls()
        for folder, dirs, names in os.walk(root):
            dirs.sort()
            for name in sorted(names):
                path = os.path.join(folder, name)
                if not os.path.isfile(path) or os.path.islink(path):
                    continue
                if os.path.relpath(path, root).split(os.sep)[0] == "corrupt":
                    corpus.broken.append(path)
                    continue
                arch = _machine(path)
                if arch is None:
                    corpus.broken.append(path)
                    continue
                corpus.by_arch.setdefault(arch, []).append(path)
                corpus.by_arch.setdefault("any", []).append(path)
        if not corpus.by_arch.get("any"):
            raise SystemExit(f"no PE files in {root}: run  bash ../shared/bench/build_corpus.sh")
        return corpus

    def pool(self, arch: str) -> list[str]:
        return self.by_arch.get(arch) or self.by_arch["any"]


# --- the plan -----------------------------------------------------------------------------


@dataclass
class Plan:
    """Every file of the tree: hard links (``source``) or data (``content``)."""

    links: dict[str, str] = field(default_factory=dict)
    data: dict[str, bytes] = field(default_factory=dict)
    dirs: set[str] = field(default_factory=set)
    taken: dict[str, set[str]] = field(default_factory=dict)

    def free(self, folder: str, name: str) -> bool:
        return name.casefold() not in self.taken.get(folder, set())

    def _take(self, folder: str, name: str) -> str:
        self.taken.setdefault(folder, set()).add(name.casefold())
        self.dirs.add(folder)
        return f"{folder}/{name}"

    def link(self, folder: str, name: str, source: str) -> None:
        self.links[self._take(folder, name)] = source

    def write(self, folder: str, name: str, content: bytes) -> None:
        self.data[self._take(folder, name)] = content

    def unique(self, folder: str, name: str) -> str:
        """``name``, or ``stem_2.ext``, ``stem_3.ext``, ... when the folder has it already."""
        if self.free(folder, name):
            return name
        stem, dot, ext = name.partition(".")
        k = 2
        while not self.free(folder, f"{stem}_{k}{dot}{ext}"):
            k += 1
        return f"{stem}_{k}{dot}{ext}"

    @property
    def count(self) -> int:
        return len(self.links) + len(self.data)


def _content(name: str) -> bytes:
    """A few bytes of deterministic, plainly non-PE content."""
    return f"; {name}\r\n".encode()


def _split(total: int, weights: list[int]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainders), summing exactly."""
    whole = sum(weights)
    if whole == 0:
        return [0] * len(weights)
    raw = [total * w / whole for w in weights]
    out = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def _place_buckets(
    plan: Plan, buckets: list[Bucket], corpus: Corpus, rng: random.Random, pe: int, data: int
) -> None:
    pe_counts = _split(pe, [b.pe for b in buckets])
    data_counts = _split(data, [b.data for b in buckets])
    for bucket, n_pe, n_data in zip(buckets, pe_counts, data_counts):
        pool = corpus.pool(bucket.arch)
        for _ in range(n_pe):
            folder = rng.choice(bucket.dirs)
            source = rng.choice(pool)
            name = os.path.basename(source)
            stem, _, ext = name.rpartition(".")
            if f"{folder}/".startswith("Windows/") and ext.lower() == "pyd":
                name = f"{stem}.dll"  # Python extension modules pass for system DLLs
            if any(folder.endswith(f"/{lang}") for lang in LANGS):
                name = f"{name}.mui"  # language resources: PE files too
            elif bucket.pe_ext:
                name = f"{stem}{bucket.pe_ext}"
            plan.link(folder, plan.unique(folder, name), source)
        for _ in range(n_data):
            folder = rng.choice(bucket.dirs)
            name = bucket.namer(rng)
            if PE_NAMED.search(name):
                name += ".txt"
            name = plan.unique(folder, name)
            plan.write(folder, name, _content(name))


# --- manifests ----------------------------------------------------------------------------

_PLACES = {
    "%windir%": "Windows",
    "%systemroot%": "Windows",
    "%programfiles%": "Program Files",
    "%programfiles(x86)%": "Program Files (x86)",
    "%commonprogramfiles%": "Program Files/Common Files",
    "%systemdrive%": "",
    "windows": "Windows",
    "winnt": "Windows",
    "system32": "Windows/System32",
    "syswow64": "Windows/SysWOW64",
    "inetsrv": "Windows/System32/inetsrv",
    "drivers": "Windows/System32/drivers",
    "wbem": "Windows/System32/wbem",
    "inf": "Windows/inf",
    "fonts": "Windows/Fonts",
}
_CASE = {"system32": "System32", "syswow64": "SysWOW64", "inf": "inf", "fonts": "Fonts"}


def _row_folder(row: dict[str, object]) -> str:
    hint = row.get("path")
    platform = row.get("platform")
    branch = row.get("branch")
    if not isinstance(hint, str) or not hint.strip():
        return "Windows/SysWOW64" if branch == "WOW" else "Windows/System32"
    parts = [p for p in re.split(r"[\\/]+", hint.strip()) if p and p != "."]
    if parts and re.fullmatch(r"[A-Za-z]:", parts[0]):
        parts = parts[1:]
    if not parts:
        return "Windows/System32"
    first = parts[0].lower()
    if first in _PLACES:
        base, rest = _PLACES[first], parts[1:]
    else:
        base, rest = ("Windows" if platform or branch else "Program Files"), parts
    folders = [base] if base else []
    for part in rest:
        if part.startswith("%") or part.startswith("<"):
            continue
        folders.append(_CASE.get(part.lower(), part))
    return "/".join(folders) or "Windows/System32"


def _manifest_files(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for item in paths:
        p = Path(item)
        if p.is_dir():
            found.extend(
                sorted(
                    f for f in p.rglob("*") if f.suffix.lower() in (".yaml", ".yml") and f.is_file()
                )
            )
        elif p.is_file():
            found.append(p)
    return found


def _place_manifests(plan: Plan, files: list[Path], corpus: Corpus) -> list[str]:
    """Place the files the manifests name; the relative paths placed (live copies only)."""
    placed: list[str] = []
    versioned: dict[str, list[str]] = {}
    for path in files:
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
            print(f"skipping {path}: {exc}", file=sys.stderr)
            continue
        if not isinstance(doc, dict) or not isinstance(doc.get("files"), list):
            continue
        kb = str(doc.get("kb", "0"))
        for i, row in enumerate(doc["files"]):
            if not isinstance(row, dict) or not isinstance(row.get("name"), str):
                continue
            name: str = row["name"]
            folder = _row_folder(row)
            if row.get("branch") == "WOW" and name[:1] in "wW" and folder.endswith("SysWOW64"):
                name = name[1:]  # 64-bit packages list SysWOW64\x.dll as Wx.dll
            if i == 0:
                name = name.upper()  # on disk as IISCHEMA.DLL, in the table as Iischema.dll
            if not plan.free(folder, name):
                continue
            if not PE_NAMED.search(name):
                plan.write(folder, name, _content(name))
                placed.append(f"{folder}/{name}")
                continue
            arch = row.get("platform") if isinstance(row.get("platform"), str) else "x64"
            if row.get("branch") == "WOW":
                arch = "x86"
            pool = versioned.get(str(arch))
            if pool is None:
                pool = [p for p in corpus.pool(str(arch)) if _has_version(p)] or corpus.pool("any")
                versioned[str(arch)] = pool
            digest = hashlib.sha256(f"{kb}/{name}".encode()).digest()
            source = pool[int.from_bytes(digest[:4], "big") % len(pool)]
            plan.link(folder, name, source)
            placed.append(f"{folder}/{name}")
            backups = [f"Windows/$NtUninstallKB{kb}$"]
            if folder.startswith("Windows/System32"):
                backups.append("Windows/System32/dllcache")
            for backup in backups:
                if plan.free(backup, name.lower()):
                    older = pool[(pool.index(source) + 1) % len(pool)]
                    plan.link(backup, name.lower(), older)
    return placed


# --- building -----------------------------------------------------------------------------


def _link(source: str, dest: str) -> bool:
    """Hard-link ``dest`` to ``source``; copy when a link is not possible. True when linked."""
    try:
        os.link(source, dest)
        return True
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
    shutil.copyfile(source, dest)
    return False


def _build(plan: Plan, where: str) -> int:
    """Create the planned tree under ``where``; the number of copies made instead of links."""
    for folder in sorted(plan.dirs):
        os.makedirs(os.path.join(where, folder), exist_ok=True)
    copies = 0
    for rel, source in plan.links.items():
        if not _link(source, os.path.join(where, rel)):
            copies += 1
    for rel, content in plan.data.items():
        with open(os.path.join(where, rel), "wb") as fh:
            fh.write(content)
    return copies


def _stamp_path(out: str) -> str:
    head, tail = os.path.split(os.path.abspath(out))
    return os.path.join(head, f".{tail}.make_tree.json")


def make_plan(
    corpus_root: str, files: int, pe_fraction: float, seed: int, manifests: list[str]
) -> tuple[Plan, list[str]]:
    """The tree to build, and the manifest-named files placed in it."""
    rng = random.Random(seed)
    corpus = Corpus.load(corpus_root)
    plan = Plan()
    placed = _place_manifests(plan, _manifest_files(manifests), corpus)
    for broken in corpus.broken:
        folder = "Users/Public/Downloads/broken"
        plan.link(folder, plan.unique(folder, os.path.basename(broken)), broken)
    buckets = _buckets(rng, files / BASE_FILES)
    left = files - plan.count
    pe = max(0, round(files * pe_fraction) - len(plan.links))
    _place_buckets(plan, buckets, corpus, rng, min(pe, left), max(0, left - pe))
    return plan, placed


def _depth(rel: str) -> int:
    return rel.count("/") + 1


def main(argv: list[str] | None = None) -> int:
    """Build (or keep) the tree and print what it holds."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="/tmp/wintree", help="the tree to build")
    parser.add_argument("--corpus", default="/tmp/pecorpus", help="folder of PE files to link to")
    parser.add_argument("--files", type=int, default=BASE_FILES, help="files in the tree")
    parser.add_argument("--pe-fraction", type=float, default=0.2, help="share of PE files")
    parser.add_argument("--seed", type=int, default=20031007)
    parser.add_argument(
        "--manifests",
        action="append",
        default=None,
        metavar="PATH",
        help="manifest file or folder whose files to place (repeatable; default: manifests/)",
    )
    parser.add_argument("--force", action="store_true", help="rebuild even if it is up to date")
    args = parser.parse_args(argv)

    out = os.path.abspath(args.out)
    corpus = os.path.abspath(args.corpus)
    if not os.path.isdir(corpus):
        print(f"no corpus at {corpus}: run  bash ../shared/bench/build_corpus.sh", file=sys.stderr)
        return 2
    manifests = args.manifests or [str(REPO / "manifests")]
    manifest_files = _manifest_files(manifests)
    recipe = {
        "recipe": RECIPE,
        "files": args.files,
        "pe_fraction": args.pe_fraction,
        "seed": args.seed,
        "corpus": corpus,
        "manifests": {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in manifest_files},
    }
    stamp = _stamp_path(out)
    if os.path.isdir(out) and not args.force:
        try:
            with open(stamp, encoding="utf-8") as fh:
                built = json.load(fh)
        except (OSError, ValueError):
            built = None
        if built is not None and built.get("recipe") == recipe:
            print(f"{out} is up to date ({built['summary']}); --force rebuilds it")
            return 0
        print(f"{out} exists but was built otherwise: use --force to rebuild it", file=sys.stderr)
        return 2

    start = time.perf_counter()
    plan, placed = make_plan(corpus, args.files, args.pe_fraction, args.seed, manifests)
    building = f"{out}.building"
    if os.path.lexists(building):
        shutil.rmtree(building)
    os.makedirs(building)
    copies = _build(plan, building)
    if os.path.lexists(out):
        shutil.rmtree(out)
    if os.path.exists(stamp):
        os.remove(stamp)
    os.rename(building, out)
    seconds = time.perf_counter() - start

    rels = list(plan.links) + list(plan.data)
    backups = sum(
        1
        for r in plan.links
        if re.search(
            r"/(\$NtUninstall[^/]*\$|\$hf_mig\$|dllcache|ServicePackFiles|WinSxS|SoftwareDistribution)/",
            f"/{r}",
        )
    )
    folders = {rel.rsplit("/", i)[0] for rel in rels for i in range(1, rel.count("/") + 1)}
    summary = (
        f"{plan.count} files: {len(plan.links)} PE ({len(plan.links) / plan.count:.1%}; "
        f"{backups} in backup folders), {len(plan.data)} data; {len(folders)} folders, "
        f"depth up to {max(_depth(r) for r in rels)}"
    )
    with open(stamp, "w", encoding="utf-8") as fh:
        json.dump({"recipe": recipe, "summary": summary}, fh, indent=2)
    print(f"built {out} in {seconds:.1f} s: {summary}")
    if copies:
        print(f"  {copies} PE files copied (hard links not possible)")
    if manifest_files:
        print(f"  {len(placed)} files named by {len(manifest_files)} manifests placed, e.g.:")
        for rel in placed[:8]:
            print(f"    {rel}")
    else:
        print(f"  no manifests found in {', '.join(manifests)}: no manifest-named files placed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
