"""Writing outputs so that nothing a user has is lost.

Every file verscan writes goes to a temporary file in the destination folder and
is renamed over the destination only once complete; an existing file is replaced
only when the caller allows it. An interrupted write (Ctrl-C, a full disk) leaves
the old file as it was and no partial file behind.

Only a regular file is ever replaced: a directory, a FIFO, a socket or a device
is refused whatever the caller allows (``-o /dev/full --force`` run as root must
not replace the device). A symbolic link is written through: the regular file it
names is replaced, atomically, by a file made beside it; a link to anything else
(or to nothing) is refused.
"""

from __future__ import annotations

import contextlib
import os
import stat

from verscan import interrupts
from verscan.encoding import ENCODE_ERRORS
from verscan.errors import OutputError
from verscan.system.walk import special_kind

_TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
_TEMP_TRIES = 100


def _kind(mode: int) -> str:
    return "a directory" if stat.S_ISDIR(mode) else f"a {special_kind(mode)}"


def destination(path: str | os.PathLike[str], *, force: bool = False) -> str:
    """The file to write for ``path``: ``path``, or the regular file a symbolic link there names.

    Raises :class:`OutputError` when ``path`` is a directory, FIFO, socket or device,
    a link to anything but a regular file, or an existing file and not ``force``.
    """
    dest = os.fspath(path)
    try:
        st = os.lstat(dest)
    except FileNotFoundError:
        return dest
    except OSError as exc:
        raise OutputError(f"{dest}: cannot write: {exc.strerror or exc}") from exc
    real = dest
    if stat.S_ISLNK(st.st_mode):
        try:
            st = os.stat(dest)
        except OSError as exc:
            raise OutputError(
                f"{dest}: a symbolic link to nothing that can be written"
                f" ({exc.strerror or exc}); not written"
            ) from exc
        if not stat.S_ISREG(st.st_mode):
            raise OutputError(
                f"{dest}: a symbolic link to {_kind(st.st_mode)}, not to a regular file;"
                " not written"
            )
        real = os.path.realpath(dest)
    elif stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{dest}: is a directory")
    elif not stat.S_ISREG(st.st_mode):
        raise OutputError(f"{dest}: is {_kind(st.st_mode)}, not a regular file; not written")
    if not force:
        raise OutputError(f"{dest}: exists (use --force to replace it)")
    return real


def write_atomic(path: str | os.PathLike[str], data: str | bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` atomically; replace an existing file only with ``force``.

    See :func:`destination` for what ``path`` may be.
    """
    shown = os.fspath(path)
    dest = destination(shown, force=force)
    payload = data.encode("utf-8", ENCODE_ERRORS) if isinstance(data, str) else data
    folder, name = os.path.split(dest)
    tmp: str | None = None
    try:
        with interrupts.deferred():  # a signal here would leave the file nobody removes
            fd, tmp = _create_temporary(shown, folder, name)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        if destination(shown, force=force) != dest:  # changed while written
            raise OutputError(f"{shown}: changed while it was written; not replaced")
        interrupts.checkpoint("write")
        with interrupts.deferred():
            os.replace(tmp, dest)
            tmp = None
    except OSError as exc:
        _remove(tmp)
        raise OutputError(f"{shown}: cannot write: {exc.strerror or exc}") from exc
    except BaseException:
        _remove(tmp)
        raise
    interrupts.checkpoint("written")


def _remove(tmp: str | None) -> None:
    if tmp is not None:
        with interrupts.deferred(), contextlib.suppress(OSError):
            os.unlink(tmp)


def _create_temporary(shown: str, folder: str, name: str) -> tuple[int, str]:
    """A new temporary file beside ``name`` in ``folder``, opened for writing (usual new mode).

    Created with ``O_EXCL``: never an existing file, nor a symbolic link planted there.
    """
    for _ in range(_TEMP_TRIES):
        tmp = os.path.join(folder, f".{name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp, _TEMP_FLAGS, 0o666), tmp
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputError(f"{shown}: cannot write: {exc.strerror or exc}") from exc
    raise OutputError(f"{shown}: cannot write: no free temporary name in {folder or '.'}")
