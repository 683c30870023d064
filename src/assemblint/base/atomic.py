"""Writing an output file whole or not at all: a temporary file beside it, then `os.replace`.

A CI job cancelled mid-write (Ctrl-C, SIGINT from the runner, a crash) must not leave a truncated
report that a later step uploads as if it were complete. With the rename, FILE holds either its
old content (or does not exist) or the complete new one, and the temporary file is removed on the
way out of an interrupted write.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

CHUNK = 1 << 20  # bytes per os.write


def write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Replace `path` with `text`, atomically when `path` is (or will be) a regular file.

    The new file keeps the mode of the one it replaces (a new one gets the umask's). Through a
    symbolic link, the file it points to is replaced and the link kept. A device or pipe
    (`-o /dev/stdout`) cannot be renamed over, so it is written directly.
    """
    target = Path(os.path.realpath(path))
    try:
        existing: os.stat_result | None = target.stat()
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with open(target, "w", encoding=encoding) as out:
            out.write(text)
        return
    data = memoryview(text.encode(encoding))
    temporary = target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        try:
            if existing is not None and hasattr(os, "fchmod"):
                os.fchmod(fd, stat.S_IMODE(existing.st_mode))
            while data:
                data = data[os.write(fd, data[:CHUNK]) :]
            os.fsync(fd)  # the content is on disk before the name points at it
        finally:
            os.close(fd)
        os.replace(temporary, target)
    except BaseException:  # KeyboardInterrupt too: whatever stopped the write, no temporary file stays
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
