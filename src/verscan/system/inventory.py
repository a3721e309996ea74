"""Inventories: a saved snapshot of a system's PE files, to be judged elsewhere.

An administrator takes one inventory per machine on site (``verscan inventory``),
and scans, compares or reports on them anywhere later. An inventory records,
for every file it keeps, everything the reader found (the whole
:class:`~verscan.pe.VersionInfo`), so that :class:`InventorySystem` gives a
scan exactly the copies a :class:`~verscan.system.directory.DirectorySystem` of the same
tree gives, and the verdicts agree.

Which files are kept: every file whose content is a PE image (recognised by its
``MZ`` header, whatever its name), and every file named like a Windows binary
(:func:`named_like_pe`) even when it is not one: a scan of the directory calls
such a file UNREADABLE, and so must a scan of the inventory. ``all_files`` keeps
every file. What the walk could not read is recorded too.

The format (JSON, or YAML when the file name ends in ``.yaml``/``.yml``) is
described in the README; :data:`FORMAT` and :data:`FORMAT_VERSION` identify it.
"""

from __future__ import annotations

import codecs
import datetime
import functools
import itertools
import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, overload

import msgspec

from verscan import __version__
from verscan.encoding import ENCODE_ERRORS, escape_surrogates
from verscan.errors import InventoryError, SourceError
from verscan.pe import Status, StringTable, VersionInfo
from verscan.pe.record import pe_named
from verscan.system.compressed import (
    NotReadable,
    ReadError,
    is_gzip_name,
    read_limited,
    without_gzip_suffix,
)
from verscan.system.copies import backup_folder_kind, backup_kind, fold
from verscan.system.exclude import Exclude, under_excluded
from verscan.system.interface import Copy, System
from verscan.system.parallel import FileRead, default_workers, inspect_all
from verscan.system.profile import Profile, profile_from_record
from verscan.system.walk import WalkEntry, WalkProblem, walk
from verscan.versions import format_version

FORMAT = "verscan-inventory"
"""The value of an inventory's ``format`` key."""
FORMAT_VERSION = 1
"""The inventory format version this verscan writes and reads."""
MAX_INVENTORY_BYTES = 256 << 20
"""Largest inventory read: 100,000 files take about 76 MB; a larger file is refused unread,
and a compressed one is refused once it expands past this size."""
GZIP_LEVEL = 6
"""gzip's compression level for ``.gz`` inventories."""
HASHES = ("sha256",)
"""Hash algorithms an inventory can record."""
YAML_SUFFIXES = (".yaml", ".yml")
"""File name endings that make an inventory YAML rather than JSON."""

if TYPE_CHECKING:
    from verscan.system.image.origin import ImageOrigin

T = TypeVar("T")

_UTC = datetime.timezone.utc

Wrap = Callable[[Iterable[T], int | None], Iterable[T]]
"""Wraps the files' results as they are read, given their count: how the CLI adds a progress bar."""


def named_like_pe(name: str) -> bool:
    """Whether ``name`` is how Windows names a binary (``.dll``, ``.exe``, ``.sys``, ...).

    Names ending in ``_`` count too: service-pack sources hold binaries
    compressed by Microsoft's tools under such names (``iischema.dl_``).
    """
    return pe_named(name) or name.endswith("_")


def kept_by_default(info: VersionInfo, name: str) -> bool:
    """Whether an inventory taken without ``all_files`` records this file."""
    return info.status is not Status.NOT_PE or named_like_pe(name)


@dataclass(frozen=True)
class InventoryFile:
    """One file of an inventory."""

    rel: str
    """Path relative to the inventory's root, ``/``-separated."""
    info: VersionInfo
    """What the reader found; its ``path`` is the root joined with :attr:`rel`."""
    mtime: str | None = None
    """Modification time, ISO 8601 in UTC (``2003-10-07T17:20:00Z``)."""
    sha256: str | None = None
    """SHA-256 of the content, when recorded."""

    @property
    def name(self) -> str:
        """The file name alone."""
        return self.rel.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class InventoryProblem:
    """Something under the root the walk could not or would not read."""

    rel: str
    """Path relative to the root, ``/``-separated (empty for the root itself)."""
    message: str
    """What happened, as the walk said it."""


@dataclass(frozen=True)
class Inventory:
    """A saved snapshot of one system's files."""

    root: str
    """The folder the inventory was taken of, as it was named."""
    label: str
    """The machine's name in reports (``--label``, else the host name)."""
    host: str
    """The host the inventory was taken on."""
    created: str
    """When, ISO 8601 in UTC."""
    verscan_version: str
    """The verscan version that took it."""
    files: Sequence[InventoryFile]
    """The files recorded, in walk order (a loaded inventory builds each when it is read)."""
    problems: tuple[InventoryProblem, ...] = ()
    """What the walk could not read, in walk order."""
    hash: str | None = None
    """``"sha256"`` when every file was hashed; None when only files without a version were."""
    all_files: bool = False
    """True when every file was recorded, not only PE files and files named like them."""
    follow_links: bool = False
    """Whether symbolic links were followed."""
    system: Profile | None = None
    """The system's profile when the inventory was taken; None in inventories that predate
    profiles (a scan then finds it from the recorded files)."""
    image: ImageOrigin | None = None
    """The disk image it was taken from (``root`` is then the image file), None for a folder."""
    origin: str | None = field(default=None, compare=False)
    """The file it was loaded from (not part of the format)."""


def take_inventory(
    root: str,
    *,
    label: str | None = None,
    hash_name: str | None = None,
    all_files: bool = False,
    follow_links: bool = False,
    workers: int | None = None,
    wrap: Wrap[tuple[WalkEntry, FileRead]] | None = None,
    host: str | None = None,
    now: datetime.datetime | None = None,
) -> Inventory:
    """Walk ``root`` and read every file; keep the PE files (every file with ``all_files``).

    ``hash_name`` (``"sha256"``) hashes every kept file; files with no version to
    compare are hashed in any case. ``workers`` is passed to
    :func:`verscan.system.parallel.inspect_all`; ``wrap`` sees each file's result as it comes.
    Raises :class:`SourceError` when ``root`` is not a folder.
    """
    if hash_name is not None and hash_name not in HASHES:
        raise SourceError(f"unknown hash {hash_name!r} (known: {', '.join(HASHES)})")
    try:
        if not stat.S_ISDIR(os.stat(root).st_mode):
            raise SourceError(f"{root}: not a folder")
    except OSError as exc:
        raise SourceError(f"{root}: {exc.strerror or exc}") from exc
    host = host if host is not None else hostname()
    problems: list[InventoryProblem] = []

    def entries() -> Iterator[WalkEntry]:
        # Backup folders are walked too; InventorySystem leaves them out as DirectorySystem does.
        for item in walk(root, follow_links=follow_links):
            if isinstance(item, WalkProblem):
                problems.append(InventoryProblem(relative(root, item.path), item.message))
            else:
                yield item

    if workers is None and hash_name is None and default_workers() <= 2:
        # Measured on 100,000 files: reading versions alone, two workers on two cores
        # were slower than one (3.6 s against 3.3 s) and cost 40 MB; hashing gains.
        workers = 1
    # The walk streams into the reader (a Windows tree's 100,000 entries are never
    # listed at once); tee keeps only the entries the reader is ahead by.
    walked, to_read = itertools.tee(entries())
    reads = zip(walked, inspect_all((e.path for e in to_read), workers, hash_all=bool(hash_name)))
    # Wrapping the results, not the paths: the reader takes paths well ahead of its results.
    files: list[InventoryFile] = []
    for entry, read in reads if wrap is None else wrap(reads, None):
        if all_files or kept_by_default(read.info, entry.name):
            files.append(InventoryFile(entry.rel, read.info, iso_utc(read.mtime), read.sha256))
    created = iso_utc((now or datetime.datetime.now(datetime.timezone.utc)).timestamp())
    from verscan.system.directory import DirectorySystem

    profile = DirectorySystem(root, follow_links=follow_links).profile()
    return Inventory(
        root=root,
        label=label or host,
        host=host,
        created=created or "",
        verscan_version=__version__,
        files=tuple(files),
        problems=tuple(problems),
        hash=hash_name,
        all_files=all_files,
        follow_links=follow_links,
        system=profile,
    )


def hostname() -> str:
    """This machine's name (``uname``'s node name, which is what ``gethostname`` returns)."""
    uname = getattr(os, "uname", None)
    if uname is not None:
        return str(uname().nodename)
    import socket  # pragma: no cover - Windows: spare the others its import

    return socket.gethostname()  # pragma: no cover


def relative(root: str, path: str) -> str:
    """``path`` (under ``root``) relative to ``root``, ``/``-separated; empty for ``root``."""
    rel = os.path.relpath(path, root)
    return "" if rel == os.curdir else rel.replace(os.sep, "/")


def joined(root: str, rel: str) -> str:
    """The path the walk gives for ``rel`` under ``root`` (``root`` itself for an empty ``rel``)."""
    return os.path.join(root, *rel.split("/")) if rel else root


def iso_utc(timestamp: float | None) -> str | None:
    """A POSIX timestamp as ISO 8601 in UTC, to the second (``2003-10-07T17:20:00Z``)."""
    if timestamp is None:
        return None
    return _iso_second(timestamp // 1)  # whole seconds, floored


@functools.lru_cache(maxsize=4096)
def _iso_second(second: float) -> str | None:
    # Cached: the files of one installation or update share their times, and formatting
    # a time took a third of an inventory's own work per file beyond reading it.
    try:
        moment = datetime.datetime.fromtimestamp(second, _UTC)
    except (OverflowError, OSError, ValueError):
        return None  # a timestamp the platform cannot represent (corrupt file system)
    return moment.isoformat()[:-6] + "Z"  # without "+00:00"


# -- the format ----------------------------------------------------------------

_Count = Annotated[int, msgspec.Meta(ge=0)]
_PART = "0*(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})"
_Fixed = Annotated[str, msgspec.Meta(pattern=rf"^{_PART}(?:\.{_PART}){{3}}\Z")]
"""Four dotted numbers of 0-65535 (``6.1.7601.17514``)."""
_Translation = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-fA-F]{8}\Z")]
_Sha256 = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}\Z")]


# Records hold only strings, numbers, lists and dicts of them, never a cycle: the garbage
# collector need not track them (gc=False). Tracking 20,000 of them made decoding a
# Windows-sized inventory twice as slow, by the collections their creation set off.


class TableRecord(msgspec.Struct, gc=False):
    """One StringFileInfo table as the inventory file holds it."""

    key: str
    strings: dict[str, str]


class FileRecord(msgspec.Struct, kw_only=True, gc=False):
    """One file as the inventory file holds it (the README's file object), keys in order."""

    path: str
    size: _Count | None = None
    mtime: str | None = None
    status: Status
    error: str | None = None
    machine: _Count | None = None
    platform: str | None = None
    pe_format: str | None = None
    file_version: _Fixed | None = None
    product_version: _Fixed | None = None
    file_flags: _Count | None = None
    translations: list[_Translation]
    language: str | None = None
    table: _Count | None = None
    tables: list[TableRecord]
    sha256: _Sha256 | None = None


class ProblemRecord(msgspec.Struct, gc=False):
    """One problem as the inventory file holds it."""

    path: str
    message: str


class InventoryRecord(msgspec.Struct, kw_only=True):
    """The whole inventory file. Keys it does not name are ignored, so that a later format
    version's optional keys do not stop this one reading it."""

    format: str
    format_version: int
    verscan_version: str
    root: str
    label: str
    host: str
    created: str
    hash: str | None = None
    all: bool
    follow_links: bool = False
    system: dict[str, Any] | None = None
    image: dict[str, Any] | None = None
    files: list[FileRecord]
    problems: list[ProblemRecord]


@functools.cache
def _decoder() -> msgspec.json.Decoder[InventoryRecord]:
    # Made on first use: building it compiles the format's patterns, which a command
    # that only writes inventories does not need.
    return msgspec.json.Decoder(InventoryRecord)


_ENCODE = msgspec.json.Encoder().encode


# -- writing -----------------------------------------------------------------


def file_record(f: InventoryFile) -> FileRecord:
    """The record of one inventory file."""
    info = f.info
    return FileRecord(
        path=f.rel,
        size=info.size,
        mtime=f.mtime,
        status=info.status,
        error=info.error,
        machine=info.machine,
        platform=info.platform,
        pe_format=info.pe_format,
        file_version=_dotted(info.file_version),
        product_version=_dotted(info.product_version),
        file_flags=info.file_flags,
        translations=list(_translation_keys(info.translations)),
        language=info.language,
        table=_chosen_table(info),
        tables=[TableRecord(t.key, t.strings) for t in info.tables],
        sha256=f.sha256,
    )


_dotted = functools.lru_cache(maxsize=4096)(format_version)
"""format_version, cached: a tree's files share a few thousand versions."""


@functools.lru_cache(maxsize=256)
def _translation_keys(translations: tuple[tuple[int, int], ...]) -> tuple[str, ...]:
    """``((0x0409, 1200),)`` as ``("040904b0",)``; a tree's files have a few dozen such lists."""
    return tuple(f"{lang:04x}{cp:04x}" for lang, cp in translations)


def _chosen_table(info: VersionInfo) -> int | None:
    """Index of the table the reader chose for ``strings`` (None when it chose none)."""
    if info.language is None:
        return None
    for i, table in enumerate(info.tables):
        if table.key == info.language and table.strings == info.strings:
            return i
    return None


def header_record(inv: Inventory) -> dict[str, Any]:
    """The inventory's keys other than ``files`` and ``problems``, in the order written."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "verscan_version": inv.verscan_version,
        "root": inv.root,
        "label": inv.label,
        "host": inv.host,
        "created": inv.created,
        "hash": inv.hash,
        "all": inv.all_files,
        "follow_links": inv.follow_links,
        "system": inv.system.record() if inv.system is not None else None,
        **({"image": inv.image.record()} if inv.image is not None else {}),
    }


def problem_record(p: InventoryProblem) -> ProblemRecord:
    """The record of one problem."""
    return ProblemRecord(p.rel, p.message)


def _json_line(record: FileRecord | ProblemRecord) -> bytes:
    """One record as compact JSON."""
    try:
        return _ENCODE(record)
    except UnicodeEncodeError:
        # A name that is not UTF-8 (os.fsdecode keeps its bytes as lone surrogates):
        # written as \\udcXX escapes, which load back to the same name.
        text = json.dumps(msgspec.to_builtins(record), ensure_ascii=False, separators=(",", ":"))
        return escape_surrogates(text).encode("utf-8")


def _json_bytes(inv: Inventory) -> bytes:
    """The inventory as UTF-8 JSON, one file (and one problem) per line."""
    header = escape_surrogates(json.dumps(header_record(inv), indent=2, ensure_ascii=False))
    parts = [header[:-2].encode("utf-8"), b",\n"]  # reopen the object after its last key
    for key, lines in (
        (b"files", [_json_line(file_record(f)) for f in inv.files]),
        (b"problems", [_json_line(problem_record(p)) for p in inv.problems]),
    ):
        parts += (b'  "', key, b'": [')
        if lines:
            parts += (b"\n    ", b",\n    ".join(lines), b"\n  ]")
        else:
            parts.append(b"]")
        parts.append(b",\n" if key == b"files" else b"\n")
    parts.append(b"}\n")
    return b"".join(parts)


def dump_inventory(inv: Inventory, *, yaml_format: bool = False) -> str:
    """The inventory as JSON text (one file per line, so it reads and diffs well), or YAML."""
    if yaml_format:
        import yaml  # only YAML inventories need it: spare the others its import

        data = header_record(inv)
        data["files"] = [msgspec.to_builtins(file_record(f)) for f in inv.files]
        data["problems"] = [msgspec.to_builtins(problem_record(p)) for p in inv.problems]
        text: str = yaml.safe_dump(
            data, sort_keys=False, allow_unicode=True, default_flow_style=False
        )
        return text
    return _json_bytes(inv).decode("utf-8")


def inventory_bytes(inv: Inventory, name: str) -> bytes:
    """The bytes of the inventory file ``name``: YAML when it ends in ``.yaml``/``.yml``,
    else JSON; gzip-compressed when it also ends in ``.gz`` (``host.json.gz``)."""
    if is_yaml_name(name):
        data = dump_inventory(inv, yaml_format=True).encode("utf-8", ENCODE_ERRORS)
    else:
        data = _json_bytes(inv)
    if is_gzip_name(name):
        import gzip  # only compressed inventories need it

        data = gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
    return data


def is_yaml_name(path: str) -> bool:
    """Whether an inventory file of this name is YAML (else JSON), compressed or not."""
    return without_gzip_suffix(path).lower().endswith(YAML_SUFFIXES)


# -- reading -----------------------------------------------------------------


def _refuse_aliases(text: str) -> None:
    """Raise YAMLError at the first alias: an inventory has none, and aliases let a small
    file stand for an enormous one (the "billion laughs")."""
    import yaml  # only YAML inventories need it: spare the others its import

    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + 1 if event.start_mark else 0
            raise yaml.YAMLError(f"line {line}: aliases (*{event.anchor}) are not allowed")


def load_inventory(path: str | os.PathLike[str]) -> Inventory:
    """The inventory in the file ``path`` (JSON or YAML, gzip-compressed or not).

    Raises :class:`InventoryError` with one line naming the file for anything
    that is not an inventory this verscan reads: unreadable, not JSON (or YAML),
    truncated, another format, another format version, wrong types, a damaged
    gzip stream or one that expands past :data:`MAX_INVENTORY_BYTES`.
    """
    name = os.fspath(path)
    try:
        raw, _ = read_limited(name, MAX_INVENTORY_BYTES)
    except NotReadable as exc:
        raise InventoryError(f"{name}: {exc}") from None
    except ReadError as exc:
        raise InventoryError(f"{name}: not an inventory: {exc}") from None
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    if is_yaml_name(name):
        return _from_data(_yaml_data(raw, name), name)
    try:
        record = _decoder().decode(raw)
    except msgspec.ValidationError as exc:
        data = _json_data(raw, name)  # a syntax error further on is named first
        _check_head(data, name)
        raise _invalid(name, exc, data) from None
    except (msgspec.DecodeError, RecursionError):
        # Not JSON as msgspec reads it: the standard parser says what is wrong, or reads
        # what msgspec refuses (names that are not UTF-8, written as \\udcXX escapes).
        return _from_data(_json_data(raw, name), name)
    _check_format(record.format, record.format_version, name)
    return _build(record, name)


def _text(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InventoryError(
            f"{name}: not an inventory: not UTF-8 text (byte {exc.start})"
        ) from None
    if not text.strip():
        raise InventoryError(f"{name}: not an inventory: the file is empty")
    return text


def _yaml_data(raw: bytes, name: str) -> object:
    import yaml  # only YAML inventories need it: spare the others its import

    text = _text(raw, name)
    try:
        _refuse_aliases(text)
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        detail = " ".join(str(exc).split())
        raise InventoryError(f"{name}: not an inventory: YAML error: {detail}") from None
    except RecursionError:
        raise InventoryError(f"{name}: not an inventory: nested too deeply") from None


def _json_data(raw: bytes, name: str) -> object:
    """The JSON document, read by the standard parser, whose errors say what and where."""
    text = _text(raw, name)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if _cut_short(text, exc):
            why = "the file is truncated (it ends before the JSON is complete)"
        else:
            why = f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        raise InventoryError(f"{name}: not an inventory: {why}") from None
    except RecursionError:
        raise InventoryError(f"{name}: not an inventory: nested too deeply") from None
    except ValueError as exc:  # an integer too long to convert, and the like
        raise InventoryError(f"{name}: not an inventory: {exc}") from None


def _cut_short(text: str, exc: json.JSONDecodeError) -> bool:
    """Whether the JSON text is a prefix of a complete document: the file was cut short."""
    rest = text[exc.pos :].strip()
    if not rest:
        return True  # the decoder wanted more at the very end
    # It stopped at a value or string that the end of the file cut in two.
    if any(word.startswith(rest) for word in ("true", "false", "null")):
        return True
    if exc.msg.startswith("Invalid \\uXXXX escape") and _CUT_ESCAPE.fullmatch(rest):
        return True  # a string's "\u001b" cut in two
    return rest.startswith('"') and '"' not in rest[1:].replace('\\"', "")


_CUT_ESCAPE = re.compile(r"\\?u[0-9a-fA-F]{0,4}")


def parse_inventory(data: object, origin: str) -> Inventory:
    """An :class:`Inventory` from loaded JSON/YAML data; ``origin`` names it in errors."""
    return _from_data(data, origin)


def _from_data(data: object, origin: str) -> Inventory:
    _check_head(data, origin)
    try:
        record = msgspec.convert(data, InventoryRecord)
    except msgspec.ValidationError as exc:
        raise _invalid(origin, exc, data) from None
    except RecursionError:
        raise InventoryError(f"{origin}: not an inventory: nested too deeply") from None
    return _build(record, origin)


def _check_head(data: object, origin: str) -> None:
    """Refuse data that is not an inventory at all, or of a format version not read here."""
    if not isinstance(data, dict):
        raise InventoryError(
            f"{origin}: not an inventory: expected an object with "
            f'"format": "{FORMAT}", found {_kind(data)}'
        )
    _check_format(data.get("format"), data.get("format_version"), origin)


def _check_format(fmt: object, version: object, origin: str) -> None:
    if fmt != FORMAT:
        found = "no format key" if fmt is None else f"format {fmt!r}"
        raise InventoryError(
            f'{origin}: not an inventory: expected "format": "{FORMAT}", found {found}'
        )
    if version != FORMAT_VERSION or isinstance(version, bool):
        if isinstance(version, int) and not isinstance(version, bool) and version > 1:
            why = (
                f"format version {version} is newer than this verscan reads "
                f"({FORMAT_VERSION}); upgrade verscan"
            )
        else:
            why = f"format version {version!r} is not supported (expected {FORMAT_VERSION})"
        raise InventoryError(f"{origin}: {why}")


def _bad(origin: str, where: str, message: str) -> InventoryError:
    at = f" at {where}" if where else ""
    return InventoryError(f"{origin}: not a valid inventory{at}: {message}")


def _build(record: InventoryRecord, origin: str) -> Inventory:
    """The inventory of a record that msgspec checked; what it cannot check is checked here."""
    if record.hash is not None and record.hash not in HASHES:
        raise _bad(origin, "hash", f"unknown hash {record.hash!r}")
    for i, f in enumerate(record.files):
        rel = f.path
        if not rel or rel[0] == "/" or (".." in rel and ".." in rel.split("/")):
            raise _bad(origin, f"files[{i}].path", f"{rel!r} is not a path inside the root")
        chosen = f.table
        if chosen is not None and chosen >= len(f.tables):
            raise _bad(
                origin, f"files[{i}].table", f"{chosen} is not the index of one of its tables"
            )
    try:
        system = None if record.system is None else profile_from_record(record.system, "system")
        image = None
        if record.image is not None:
            from verscan.system.image.origin import origin_from_record

            image = origin_from_record(record.image, "image")
    except ValueError as exc:
        where, _, message = str(exc).partition(": ")
        raise _bad(origin, where, message) from None
    return Inventory(
        root=record.root,
        label=record.label,
        host=record.host,
        created=record.created,
        verscan_version=record.verscan_version,
        files=RecordedFiles(record.root, record.files),
        problems=tuple(InventoryProblem(p.path, p.message) for p in record.problems),
        hash=record.hash,
        all_files=record.all,
        follow_links=record.follow_links,
        system=system,
        image=image,
        origin=origin,
    )


def _fixed(text: str | None) -> tuple[int, int, int, int] | None:
    if text is None:
        return None
    a, b, c, d = (int(p) for p in text.split("."))
    return (a, b, c, d)


def _inventory_file(root: str, r: FileRecord) -> InventoryFile:
    """The :class:`InventoryFile` of a checked record."""
    tables = tuple(StringTable(t.key, t.strings) for t in r.tables)
    if r.table is not None:
        # The chosen table decides the language; a stored key that disagrees
        # (a hand-edited file) would not survive being written back.
        language: str | None = tables[r.table].key
        strings = dict(tables[r.table].strings)
    else:
        language, strings = r.language, {}
    info = VersionInfo(
        path=joined(root, r.path),
        status=r.status,
        size=r.size,
        machine=r.machine,
        platform=r.platform,
        pe_format=r.pe_format,
        file_version=_fixed(r.file_version),
        product_version=_fixed(r.product_version),
        file_flags=r.file_flags,
        translations=tuple((int(t[:4], 16), int(t[4:], 16)) for t in r.translations),
        tables=tables,
        language=language,
        error=r.error,
        strings=strings,
    )
    return InventoryFile(r.path, info, r.mtime, r.sha256)


class RecordedFiles(Sequence[InventoryFile]):
    """The files of a loaded inventory, each built from its record when it is read.

    A scan needs the few hundred files its manifests name out of a tree's tens of
    thousands: it looks at the paths (:meth:`rels`) and builds only those files.
    """

    __slots__ = ("_records", "_root")

    def __init__(self, root: str, records: Sequence[FileRecord]) -> None:
        self._root = root
        self._records = records

    def __len__(self) -> int:
        return len(self._records)

    @overload
    def __getitem__(self, index: int) -> InventoryFile: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[InventoryFile, ...]: ...

    def __getitem__(self, index: int | slice) -> InventoryFile | tuple[InventoryFile, ...]:
        if isinstance(index, slice):
            return tuple(_inventory_file(self._root, r) for r in self._records[index])
        return _inventory_file(self._root, self._records[index])

    def __iter__(self) -> Iterator[InventoryFile]:
        root = self._root
        for r in self._records:
            yield _inventory_file(root, r)

    def rels(self) -> list[str]:
        """Every file's path relative to the root, in order, without building the files."""
        return [r.path for r in self._records]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{len(self)} files of {self._root!r}>"


def file_paths(files: Sequence[InventoryFile]) -> list[str]:
    """The files' paths relative to the root, without building recorded files."""
    return files.rels() if isinstance(files, RecordedFiles) else [f.rel for f in files]


_AT = re.compile(r"(?P<what>.*?)(?: - at `\$(?P<where>[^`]*)`)?", re.DOTALL)
_EXPECTED = re.compile(r"Expected `(?P<want>[^`]+)`(?P<rest>.*)", re.DOTALL)
_GOT = re.compile(r", got `(?P<got>[^`]+)`")
_WANTED = {"str": "a string", "int": "a whole number", "bool": "true or false"}
_WANTED |= {"array": "a list", "object": "an object", "null": "null", "float": "a number"}
_FOUND = {"int": "a number", "float": "a number", "str": "a string", "bool": "a boolean"}
_FOUND |= {"array": "a list", "object": "an object", "null": "null"}
_STEP = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]")


def _invalid(origin: str, exc: msgspec.ValidationError, data: object) -> InventoryError:
    """msgspec's validation error as this format's: the key path, then what is wrong."""
    where, message = _explain(str(exc), data)
    return _bad(origin, where, message)


def _explain(text: str, data: object) -> tuple[str, str]:
    found = _AT.fullmatch(text)
    what, where = (found["what"], found["where"] or "") if found else (text, "")
    where = where.lstrip(".").replace("[...]", "")
    missing = re.fullmatch(r"Object missing required field `([^`]+)`", what)
    if missing:
        return (f"{where}.{missing[1]}" if where else missing[1]), "missing"
    if what.startswith("Invalid enum value "):
        value = what[len("Invalid enum value ") :]
        return where, f"{value} is not one of {', '.join(s.value for s in Status)}"
    expected = _EXPECTED.fullmatch(what)
    if expected is None:
        return where, what[:1].lower() + what[1:]
    rest = expected["rest"]
    if "matching regex" in rest:
        value = _value_at(data, where)
        key = where.rsplit(".", 1)[-1]
        if key.startswith("translations"):
            return where, f"expected eight hexadecimal digits, found {value!r}"
        if key == "sha256":
            return where, "expected 64 lower-case hexadecimal digits"
        return where, f"{value!r} is not four dotted numbers of 0-65535"
    if ">=" in rest:
        return where, f"expected a whole number (0 or more) or null, found {_value_at(data, where)}"
    want = " or ".join(_WANTED.get(w, w) for w in expected["want"].split(" | "))
    got = _GOT.match(rest)
    found_text = _FOUND.get(got["got"], got["got"]) if got else "something else"
    return where, f"expected {want}, found {found_text}"


def _value_at(data: object, where: str) -> object:
    """The value at a key path (``files[12].file_version``) of loaded data, None if none."""
    for key, index in _STEP.findall(where):
        if key and isinstance(data, dict):
            data = data.get(key)
        elif index and isinstance(data, list) and int(index) < len(data):
            data = data[int(index)]
        else:
            return None
    return data


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


# -- scanning ----------------------------------------------------------------


def _hidden_without_backups(p: InventoryProblem) -> bool:
    """Whether a directory scan that leaves backup folders out would have met this problem.

    Such a scan never enters a backup folder, so it meets nothing inside one, nor
    the problems of listing one (the walk names folders it could not list by their path).
    """
    parts = p.rel.split("/")
    if any(backup_folder_kind(part) is not None for part in parts[:-1]):
        return True
    listing = p.message.startswith(("cannot list folder", "folder already walked"))
    return listing and backup_folder_kind(parts[-1]) is not None


class InventorySystem(System):
    """A system as recorded in an inventory: the same copies as the directory it was taken of."""

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory
        self.label = inventory.label or inventory.root
        self._folders: dict[str, dict[str, None]] | None = None
        self._files: dict[str, int] | None = None

    def find(
        self,
        wanted: Callable[[str], bool],
        *,
        include_backups: bool,
        exclude: Exclude | None = None,
    ) -> Iterator[Copy | WalkProblem]:
        """The recorded files whose folded name is wanted, then the recorded problems."""
        inv = self.inventory
        files = inv.files
        for i, rel in enumerate(file_paths(files)):
            if not wanted(fold(rel.rsplit("/", 1)[-1])):
                continue
            f = files[i]
            kind = backup_kind(f.rel)
            if kind is not None and not include_backups:
                continue
            if exclude is not None and under_excluded(exclude, f.rel):
                continue
            yield Copy(f.rel, f.name, f.info, kind, f.sha256)
        where = inv.image.where if inv.image is not None else functools.partial(joined, inv.root)
        for p in inv.problems:
            if exclude is not None and p.rel and under_excluded(exclude, p.rel):
                continue
            if include_backups or not _hidden_without_backups(p):
                yield WalkProblem(where(p.rel), p.message)

    def _index(self) -> tuple[dict[str, dict[str, None]], dict[str, int]]:
        if self._folders is None or self._files is None:
            folders: dict[str, dict[str, None]] = {"": {}}
            files: dict[str, int] = {}
            for i, rel in enumerate(file_paths(self.inventory.files)):
                files[rel] = i
                parent = ""
                for part in rel.split("/"):
                    folders.setdefault(parent, {})[part] = None
                    parent = f"{parent}/{part}" if parent else part
            self._folders, self._files = folders, files
        return self._folders, self._files

    def children(self, rel: str) -> Sequence[str] | None:
        """The recorded names in a folder (folders holding no recorded file are unknown)."""
        listing = self._index()[0].get(rel)
        return list(listing) if listing is not None else None

    def version_info(self, rel: str) -> VersionInfo | None:
        """The recorded record of the file."""
        found = self._index()[1].get(rel)
        return self.inventory.files[found].info if found is not None else None

    def profile(self) -> Profile:
        """The profile recorded when the inventory was taken, else found from its files."""
        if self.inventory.system is not None:
            return self.inventory.system
        return super().profile()

    def sha256(self, copy: Copy) -> str | None:
        """The recorded hash (the files themselves are elsewhere)."""
        return copy.sha256
