"""Writing outputs so that nothing a user has is lost.

Every file verscan writes goes to a temporary file in the destination folder and
is renamed over the destination only once complete; an existing file is replaced
only when the caller allows it. An interrupted write (Ctrl-C, a full disk) leaves
the old file as it was and no partial file behind.
"""

from __future__ import annotations

import contextlib
import os

from verscan import interrupts
from verscan.encoding import ENCODE_ERRORS
from verscan.errors import OutputError

_TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
_TEMP_TRIES = 100


def write_atomic(path: str | os.PathLike[str], data: str | bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` atomically; replace an existing file only with ``force``."""
    dest = os.fspath(path)
    if os.path.isdir(dest):
        raise OutputError(f"{dest}: is a directory")
    if not force and os.path.lexists(dest):
        raise OutputError(f"{dest}: exists (use --force to replace it)")
    payload = data.encode("utf-8", ENCODE_ERRORS) if isinstance(data, str) else data
    folder, name = os.path.split(dest)
    tmp: str | None = None
    try:
        with interrupts.deferred():  # a signal here would leave the file nobody removes
            fd, tmp = _create_temporary(dest, folder, name)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        if not force and os.path.lexists(dest):
            raise OutputError(f"{dest}: exists (use --force to replace it)")
        interrupts.checkpoint("write")
        with interrupts.deferred():
            os.replace(tmp, dest)
            tmp = None
    except OSError as exc:
        _remove(tmp)
        raise OutputError(f"{dest}: cannot write: {exc.strerror or exc}") from exc
    except BaseException:
        _remove(tmp)
        raise
    interrupts.checkpoint("written")


def _remove(tmp: str | None) -> None:
    if tmp is not None:
        with interrupts.deferred(), contextlib.suppress(OSError):
            os.unlink(tmp)


def _create_temporary(dest: str, folder: str, name: str) -> tuple[int, str]:
    """A new file beside ``dest``, opened for writing, with the mode any new file gets.

    Created with ``O_EXCL``: never an existing file, nor a symbolic link planted there.
    """
    for _ in range(_TEMP_TRIES):
        tmp = os.path.join(folder, f".{name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp, _TEMP_FLAGS, 0o666), tmp
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputError(f"{dest}: cannot write: {exc.strerror or exc}") from exc
    raise OutputError(f"{dest}: cannot write: no free temporary name in {folder or '.'}")
