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

import datetime
import functools
import io
import itertools
import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from verscan import __version__
from verscan.encoding import escape_surrogates
from verscan.errors import InventoryError, SourceError
from verscan.pe import Status, StringTable, VersionInfo
from verscan.pe.record import pe_named
from verscan.system.copies import backup_folder_kind, backup_kind, fold
from verscan.system.exclude import Exclude, under_excluded
from verscan.system.interface import Copy, System
from verscan.system.parallel import FileRead, default_workers, inspect_all
from verscan.system.profile import Profile, profile_from_record
from verscan.system.walk import WalkEntry, WalkProblem, walk

FORMAT = "verscan-inventory"
"""The value of an inventory's ``format`` key."""
FORMAT_VERSION = 1
"""The inventory format version this verscan writes and reads."""
MAX_INVENTORY_BYTES = 256 << 20
"""Largest inventory read: 100,000 files take about 76 MB; a larger file is refused unread."""
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
    files: tuple[InventoryFile, ...]
    """The files recorded, in walk order."""
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
    try:
        moment = datetime.datetime.fromtimestamp(timestamp // 1, _UTC)  # whole seconds, floored
    except (OverflowError, OSError, ValueError):
        return None  # a timestamp the platform cannot represent (corrupt file system)
    return moment.isoformat()[:-6] + "Z"  # without "+00:00"


# -- writing -----------------------------------------------------------------


def file_record(f: InventoryFile) -> dict[str, Any]:
    """The JSON object of one inventory file."""
    info = f.info
    return {
        "path": f.rel,
        "size": info.size,
        "mtime": f.mtime,
        "status": info.status.value,
        "error": info.error,
        "machine": info.machine,
        "platform": info.platform,
        "pe_format": info.pe_format,
        "file_version": info.file_version_text,
        "product_version": info.product_version_text,
        "file_flags": info.file_flags,
        "translations": [f"{lang:04x}{cp:04x}" for lang, cp in info.translations],
        "language": info.language,
        "table": _chosen_table(info),
        "tables": [{"key": t.key, "strings": dict(t.strings)} for t in info.tables],
        "sha256": f.sha256,
    }


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


def problem_record(p: InventoryProblem) -> dict[str, str]:
    """The JSON object of one problem."""
    return {"path": p.rel, "message": p.message}


def dump_inventory(inv: Inventory, *, yaml_format: bool = False) -> str:
    """The inventory as JSON text (one file per line, so it reads and diffs well), or YAML."""
    if yaml_format:
        import yaml  # only YAML inventories need it: spare the others its import

        data = header_record(inv)
        data["files"] = [file_record(f) for f in inv.files]
        data["problems"] = [problem_record(p) for p in inv.problems]
        text: str = yaml.safe_dump(
            data, sort_keys=False, allow_unicode=True, default_flow_style=False
        )
        return text
    out = io.StringIO()
    header = json.dumps(header_record(inv), indent=2, ensure_ascii=False)
    out.write(header[:-2] + ",\n")  # reopen the object after its last key
    for key, records in (
        ("files", (file_record(f) for f in inv.files)),
        ("problems", (problem_record(p) for p in inv.problems)),
    ):
        out.write(f'  "{key}": [')
        first = True
        for record in records:
            out.write("\n    " if first else ",\n    ")
            out.write(json.dumps(record, ensure_ascii=False))
            first = False
        out.write("\n  ]" if not first else "]")
        out.write(",\n" if key == "files" else "\n")
    out.write("}\n")
    return escape_surrogates(out.getvalue())


def is_yaml_name(path: str) -> bool:
    """Whether an inventory file of this name is YAML (else JSON)."""
    return path.lower().endswith(YAML_SUFFIXES)


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
    """The inventory in the file ``path``.

    Raises :class:`InventoryError` with one line naming the file for anything
    that is not an inventory this verscan reads: unreadable, not JSON (or YAML),
    truncated, another format, another format version, wrong types.
    """
    import yaml  # only YAML inventories need it: spare the others its import

    name = os.fspath(path)
    too_big = InventoryError(
        f"{name}: not an inventory: larger than {MAX_INVENTORY_BYTES >> 20} MiB"
    )
    try:
        st = os.stat(name)
        if not stat.S_ISREG(st.st_mode):
            raise InventoryError(f"{name}: not a regular file")
        if st.st_size > MAX_INVENTORY_BYTES:
            raise too_big
        with open(name, "rb") as fh:
            raw = fh.read(st.st_size)  # read(n) reserves n bytes: ask for what is there
            if fh.read(1):
                raise InventoryError(f"{name}: not an inventory: it grew while being read")
    except OSError as exc:
        raise InventoryError(f"{name}: cannot read: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InventoryError(
            f"{name}: not an inventory: not UTF-8 text (byte {exc.start})"
        ) from exc
    if not text.strip():
        raise InventoryError(f"{name}: not an inventory: the file is empty")
    data: object
    if is_yaml_name(name):
        try:
            _refuse_aliases(text)
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            detail = " ".join(str(exc).split())
            raise InventoryError(f"{name}: not an inventory: YAML error: {detail}") from exc
        except RecursionError as exc:
            raise InventoryError(f"{name}: not an inventory: nested too deeply") from exc
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            if _cut_short(text, exc):
                why = "the file is truncated (it ends before the JSON is complete)"
            else:
                why = f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            raise InventoryError(f"{name}: not an inventory: {why}") from exc
        except RecursionError as exc:
            raise InventoryError(f"{name}: not an inventory: nested too deeply") from exc
        except ValueError as exc:  # an integer too long to convert, and the like
            raise InventoryError(f"{name}: not an inventory: {exc}") from exc
    return parse_inventory(data, name)


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
    return _Parser(origin).inventory(data)


class _Bad(Exception):
    """Internal: where (a key path) and what is wrong."""


class _Parser:
    """Checks loaded data key by key; the first problem becomes the error."""

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def inventory(self, data: object) -> Inventory:
        try:
            return self._inventory(data)
        except _Bad as exc:
            where, message = exc.args
            at = f" at {where}" if where else ""
            raise InventoryError(f"{self.origin}: not a valid inventory{at}: {message}") from None

    def _inventory(self, data: object) -> Inventory:
        if not isinstance(data, Mapping):
            raise InventoryError(
                f"{self.origin}: not an inventory: expected an object with "
                f'"format": "{FORMAT}", found {_kind(data)}'
            )
        fmt = data.get("format")
        if fmt != FORMAT:
            found = "no format key" if fmt is None else f"format {fmt!r}"
            raise InventoryError(
                f'{self.origin}: not an inventory: expected "format": "{FORMAT}", found {found}'
            )
        version = data.get("format_version")
        if version != FORMAT_VERSION or isinstance(version, bool):
            if isinstance(version, int) and not isinstance(version, bool) and version > 1:
                why = (
                    f"format version {version} is newer than this verscan reads "
                    f"({FORMAT_VERSION}); upgrade verscan"
                )
            else:
                why = f"format version {version!r} is not supported (expected {FORMAT_VERSION})"
            raise InventoryError(f"{self.origin}: {why}")
        root = _str(data, "root", "")
        hash_name = _opt_str(data, "hash", "")
        if hash_name is not None and hash_name not in HASHES:
            raise _Bad("hash", f"unknown hash {hash_name!r}")
        files_data = _list(data, "files", "")
        problems_data = _list(data, "problems", "")
        files = tuple(self._file(root, item, f"files[{i}]") for i, item in enumerate(files_data))
        problems = tuple(
            self._problem(item, f"problems[{i}]") for i, item in enumerate(problems_data)
        )
        try:
            recorded = data.get("system")
            system = None if recorded is None else profile_from_record(recorded, "system")
            taken_from = data.get("image")
            image = None
            if taken_from is not None:
                from verscan.system.image.origin import origin_from_record

                image = origin_from_record(taken_from, "image")
        except ValueError as exc:
            where, _, message = str(exc).partition(": ")
            raise _Bad(where, message) from None
        return Inventory(
            root=root,
            label=_str(data, "label", ""),
            host=_str(data, "host", ""),
            created=_str(data, "created", ""),
            verscan_version=_str(data, "verscan_version", ""),
            files=files,
            problems=problems,
            hash=hash_name,
            all_files=_bool(data, "all", ""),
            follow_links=_bool(data, "follow_links", "", default=False),
            system=system,
            image=image,
            origin=self.origin,
        )

    def _problem(self, item: object, where: str) -> InventoryProblem:
        obj = _object(item, where)
        return InventoryProblem(_str(obj, "path", where), _str(obj, "message", where))

    def _file(self, root: str, item: object, where: str) -> InventoryFile:
        obj = _object(item, where)
        rel = _str(obj, "path", where)
        if not rel or rel.startswith("/") or ".." in rel.split("/"):
            raise _Bad(f"{where}.path", f"{rel!r} is not a path inside the root")
        status_text = _str(obj, "status", where)
        try:
            status = Status(status_text)
        except ValueError:
            known = ", ".join(s.value for s in Status)
            raise _Bad(f"{where}.status", f"{status_text!r} is not one of {known}") from None
        tables = tuple(
            self._table(t, f"{where}.tables[{i}]")
            for i, t in enumerate(_list(obj, "tables", where))
        )
        chosen = _opt_int(obj, "table", where)
        if chosen is not None and not 0 <= chosen < len(tables):
            raise _Bad(f"{where}.table", f"{chosen} is not the index of one of its tables")
        translations = tuple(
            _translation(t, f"{where}.translations[{i}]")
            for i, t in enumerate(_list(obj, "translations", where))
        )
        info = VersionInfo(
            path=joined(root, rel),
            status=status,
            size=_opt_int(obj, "size", where),
            machine=_opt_int(obj, "machine", where),
            platform=_opt_str(obj, "platform", where),
            pe_format=_opt_str(obj, "pe_format", where),
            file_version=_fixed(obj, "file_version", where),
            product_version=_fixed(obj, "product_version", where),
            file_flags=_opt_int(obj, "file_flags", where),
            translations=translations,
            tables=tables,
            # The chosen table decides the language; a stored key that disagrees
            # (a hand-edited file) would not survive being written back.
            language=tables[chosen].key if chosen is not None else _opt_str(obj, "language", where),
            error=_opt_str(obj, "error", where),
            strings=dict(tables[chosen].strings) if chosen is not None else {},
        )
        digest = _opt_str(obj, "sha256", where)
        if digest is not None and (
            len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest)
        ):
            raise _Bad(f"{where}.sha256", "expected 64 lower-case hexadecimal digits")
        return InventoryFile(rel, info, _opt_str(obj, "mtime", where), digest)

    def _table(self, item: object, where: str) -> StringTable:
        obj = _object(item, where)
        strings = _object(obj.get("strings"), f"{where}.strings")
        for key, value in strings.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise _Bad(f"{where}.strings", "names and values must be strings")
        return StringTable(_str(obj, "key", where), {str(k): str(v) for k, v in strings.items()})


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


def _at(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _object(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _Bad(where, f"expected an object, found {_kind(value)}")
    return value


def _need(obj: Mapping[str, Any], key: str, where: str) -> object:
    if key not in obj:
        raise _Bad(_at(where, key), "missing")
    return obj[key]


def _str(obj: Mapping[str, Any], key: str, where: str) -> str:
    value = _need(obj, key, where)
    if not isinstance(value, str):
        raise _Bad(_at(where, key), f"expected a string, found {_kind(value)}")
    return value


def _opt_str(obj: Mapping[str, Any], key: str, where: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise _Bad(_at(where, key), f"expected a string or null, found {_kind(value)}")
    return value


def _opt_int(obj: Mapping[str, Any], key: str, where: str) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _Bad(_at(where, key), f"expected a whole number or null, found {_kind(value)}")
    return value


def _bool(obj: Mapping[str, Any], key: str, where: str, default: bool | None = None) -> bool:
    if key not in obj and default is not None:
        return default
    value = _need(obj, key, where)
    if not isinstance(value, bool):
        raise _Bad(_at(where, key), f"expected true or false, found {_kind(value)}")
    return value


def _list(obj: Mapping[str, Any], key: str, where: str) -> Sequence[object]:
    value = _need(obj, key, where)
    if not isinstance(value, list):
        raise _Bad(_at(where, key), f"expected a list, found {_kind(value)}")
    return value


def _fixed(obj: Mapping[str, Any], key: str, where: str) -> tuple[int, int, int, int] | None:
    text = _opt_str(obj, key, where)
    if text is None:
        return None
    parts = text.split(".")
    if len(parts) != 4 or not all(p.isascii() and p.isdigit() and int(p) <= 0xFFFF for p in parts):
        raise _Bad(_at(where, key), f"{text!r} is not four dotted numbers of 0-65535")
    a, b, c, d = (int(p) for p in parts)
    return (a, b, c, d)


def _translation(value: object, where: str) -> tuple[int, int]:
    if (
        not isinstance(value, str)
        or len(value) != 8
        or any(c not in "0123456789abcdefABCDEF" for c in value)
    ):
        raise _Bad(where, f"expected eight hexadecimal digits, found {value!r}")
    return int(value[:4], 16), int(value[4:], 16)


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
        self._files: dict[str, InventoryFile] | None = None

    def find(
        self,
        wanted: Callable[[str], bool],
        *,
        include_backups: bool,
        exclude: Exclude | None = None,
    ) -> Iterator[Copy | WalkProblem]:
        """The recorded files whose folded name is wanted, then the recorded problems."""
        inv = self.inventory
        for f in inv.files:
            if not wanted(fold(f.name)):
                continue
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

    def _index(self) -> tuple[dict[str, dict[str, None]], dict[str, InventoryFile]]:
        if self._folders is None or self._files is None:
            folders: dict[str, dict[str, None]] = {"": {}}
            files: dict[str, InventoryFile] = {}
            for f in self.inventory.files:
                files[f.rel] = f
                parent = ""
                for part in f.rel.split("/"):
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
        return found.info if found is not None else None

    def profile(self) -> Profile:
        """The profile recorded when the inventory was taken, else found from its files."""
        if self.inventory.system is not None:
            return self.inventory.system
        return super().profile()

    def sha256(self, copy: Copy) -> str | None:
        """The recorded hash (the files themselves are elsewhere)."""
        return copy.sha256
