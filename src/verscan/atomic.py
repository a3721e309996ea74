"""Writing outputs so that nothing a user has is lost.

Every file verscan writes goes to a temporary file in the destination folder and
is renamed over the destination only once complete; an existing file is replaced
only when the caller allows it. An interrupted write (Ctrl-C, a full disk) leaves
the old file as it was and no partial file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from verscan.encoding import ENCODE_ERRORS
from verscan.errors import OutputError


def write_atomic(path: str | os.PathLike[str], data: str | bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` atomically; replace an existing file only with ``force``."""
    dest = Path(path)
    if dest.is_dir():
        raise OutputError(f"{dest}: is a directory")
    if not force and (dest.exists() or dest.is_symlink()):
        raise OutputError(f"{dest}: exists (use --force to replace it)")
    payload = data.encode("utf-8", ENCODE_ERRORS) if isinstance(data, str) else data
    folder = dest.parent if str(dest.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"{dest}: cannot write: {exc.strerror or exc}") from exc
    try:
        # mkstemp creates the file for its owner alone; give it the mode any new file gets.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        if not force and (dest.exists() or dest.is_symlink()):
            raise OutputError(f"{dest}: exists (use --force to replace it)")
        os.replace(tmp, dest)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"{dest}: cannot write: {exc.strerror or exc}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
