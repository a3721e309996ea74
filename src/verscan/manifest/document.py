"""From a manifest file's bytes to one YAML node tree, refusing what a manifest never needs.

Manifests come from other people and other tools, so the reader assumes hostile
input: it caps the size, insists on UTF-8, and composes the YAML with a
``SafeLoader`` that also refuses anchors and aliases (the "billion laughs"
expansion needs them, and a manifest has no use for them), explicit tags, deep
nesting and more than one document. Nodes keep their line numbers, so every
later problem can be reported as ``file:line: message``.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from typing import TYPE_CHECKING, Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from verscan.errors import ManifestError
from verscan.manifest.schema import MAX_BYTES, MAX_DEPTH, MAX_NODES

_TOO_LARGE = (
    f"manifest is larger than {MAX_BYTES // (1024 * 1024)} MiB; a real one is a few kilobytes"
)

# What YAML calls printable; anything else makes PyYAML stop with a message
# that does not say which line, so it is found here first.
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# The line breaks PyYAML counts, so that our line numbers agree with its marks.
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


class DocumentRefused(Exception):
    """The text cannot be a manifest at all; ``line`` says where, ``message`` why."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def read_limited(path: str | os.PathLike[str]) -> bytes:
    """The first ``MAX_BYTES + 1`` bytes of the regular file ``path``.

    One byte more than the cap is read so that :func:`decode` can tell an
    oversized file without reading all of it. Raises :class:`ManifestError` when
    the file cannot be read or is not a regular file (a FIFO would block).
    """
    name = os.fspath(path)
    try:
        if not stat.S_ISREG(os.stat(name).st_mode):
            raise ManifestError(f"{name}: not a regular file")
        with open(name, "rb") as fh:
            return fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ManifestError(f"{name}: cannot read: {exc.strerror or exc}") from exc


def decode(data: bytes) -> str:
    """The text of a manifest file: UTF-8, an optional byte-order mark removed."""
    if len(data) > MAX_BYTES:
        raise DocumentRefused(1, _TOO_LARGE)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DocumentRefused(1, "file is UTF-16; save it as UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8")
        raise DocumentRefused(
            line_of(before, len(before)),
            f"not UTF-8: byte 0x{data[exc.start]:02X} cannot be decoded",
        ) from exc
    return text.removeprefix("\ufeff")


def compose(text: str) -> yaml.Node:
    """The single YAML document in ``text`` as a node tree; :class:`DocumentRefused` if none."""
    if len(text) > MAX_BYTES:
        raise DocumentRefused(1, _TOO_LARGE)
    bad = _NOT_PRINTABLE.search(text)
    if bad is not None:
        raise DocumentRefused(
            line_of(text, bad.start()),
            f"character U+{ord(bad.group()):04X} is not allowed in a YAML file",
        )
    if _LibyamlLoader is not None:
        try:
            return _document(_LibyamlLoader, text)
        except yaml.YAMLError:
            pass  # libyaml words errors its own way: the reference parser below words them
    try:
        return _document(_PythonLoader, text)
    except yaml.MarkedYAMLError as exc:
        raise DocumentRefused(_error_line(exc), _syntax_message(exc)) from exc
    except yaml.YAMLError as exc:  # pragma: no cover - the checks above pre-empt ReaderError
        raise DocumentRefused(1, f"YAML error: {exc}") from exc
    except RecursionError as exc:  # pragma: no cover - MAX_DEPTH stops nesting long before
        raise DocumentRefused(1, "nested too deeply") from exc


def line_of(text: str, index: int) -> int:
    """1-based line number of ``text[index]``, counting line breaks as YAML does."""
    return sum(1 for _ in _BREAK.finditer(text, 0, index)) + 1


def _mark_line(mark: object) -> int:
    line = getattr(mark, "line", None)
    return line + 1 if isinstance(line, int) else 1


def _error_line(exc: yaml.MarkedYAMLError) -> int:
    # A key without its colon is noticed a line later; the line to fix is the key's.
    if exc.context == "while scanning a simple key" and exc.context_mark is not None:
        return _mark_line(exc.context_mark)
    return _mark_line(exc.problem_mark if exc.problem_mark is not None else exc.context_mark)


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    problem = " ".join((exc.problem or "cannot parse").split())
    if not exc.context:
        return f"YAML syntax error: {problem}"
    where = _mark_line(exc.context_mark)
    if exc.context_mark is None or where == _error_line(exc):
        return f"YAML syntax error: {problem} ({exc.context})"
    return f"YAML syntax error: {problem} ({exc.context} at line {where})"


def _document(loader_class: type[_Guards], text: str) -> yaml.Node:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is None:
        raise DocumentRefused(1, "empty manifest: no YAML document")
    return node


class _Guards(Composer):
    """``SafeLoader``'s composer, refusing anchors, aliases, tags, deep nesting, extra documents
    and more values than :data:`MAX_NODES`.

    Mixed into a loader before its parser: the pure-Python ``Parser`` or, when
    PyYAML was built with it, libyaml's ``CParser`` (five times faster on large
    manifests). Either way the tree is composed by this Python code, so the
    checks and their messages are the same.
    """

    _depth = 0
    _nodes = 0

    if TYPE_CHECKING:  # provided by the parser it is mixed with

        def get_event(self) -> yaml.Event: ...
        def peek_event(self) -> yaml.Event: ...
        def check_event(self, *choices: Any) -> bool: ...
        def dispose(self) -> None: ...
        def __init__(self, stream: str) -> None: ...

    def get_single_node(self) -> yaml.Node | None:
        # As Composer.get_single_node, but naming the problem in our own words.
        self.get_event()  # StreamStartEvent
        node = None
        if not self.check_event(yaml.StreamEndEvent):
            node = self.compose_document()
        if not self.check_event(yaml.StreamEndEvent):
            event = self.get_event()
            raise DocumentRefused(
                _mark_line(event.start_mark),
                "a second YAML document starts here; a manifest is one document",
            )
        self.get_event()
        return node

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()
        line = _mark_line(event.start_mark)
        # Refused before the base class resolves them: an alias is where the
        # exponential expansion of a "billion laughs" document comes from.
        if isinstance(event, yaml.AliasEvent):
            raise DocumentRefused(line, f"alias *{event.anchor} is not allowed; write values out")
        if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            raise DocumentRefused(line, f"anchor &{event.anchor} is not allowed")
        tag = getattr(event, "tag", None)
        if tag is not None:
            shorthand = str(tag).replace("tag:yaml.org,2002:", "!!", 1)
            raise DocumentRefused(line, f"tag {shorthand} is not allowed; write plain values")
        if self._depth >= MAX_DEPTH:
            raise DocumentRefused(line, f"nested deeper than {MAX_DEPTH} levels")
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise DocumentRefused(
                line, f"more than {MAX_NODES:,} YAML values; a manifest has fewer"
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _PythonLoader(_Guards, yaml.SafeLoader):
    """PyYAML's pure-Python ``SafeLoader`` with the guards: the reference."""

    def __init__(self, stream: str) -> None:
        yaml.SafeLoader.__init__(self, stream)


_LibyamlLoader: type[_Guards] | None = None
try:
    from yaml._yaml import CParser
except ImportError:  # PyYAML built without libyaml: the pure-Python parser alone
    pass
else:

    class _CLoader(_Guards, CParser, SafeConstructor, Resolver):
        """libyaml's parser with the Python composer and its guards, resolving as ``SafeLoader``."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    _LibyamlLoader = _CLoader
