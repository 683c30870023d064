"""Writing an output file whole or not at all, and never leaving a temporary file behind.

A CI job cancelled mid-write (Ctrl-C, SIGINT from the runner, a crash) must not leave a truncated
report that a later step uploads as if it were complete: FILE holds either its old content (or does
not exist) or the complete new one.

On Linux the new content is written to an anonymous file in FILE's folder (`O_TMPFILE`): it has no
name while it is written, so a process killed outright (kill -9, the OOM killer), which runs no
clean-up, leaves nothing behind. Once complete it is given FILE's name (`linkat`); when FILE exists,
it is given a temporary name and renamed over FILE at once, so a name other than FILE exists only
between two system calls. Elsewhere, or on a file system without `O_TMPFILE`, the content is
written to a temporary file beside FILE and renamed, and the temporary file is removed on the way
out of an interrupted write (a kill -9 during that write can leave it).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

CHUNK = 1 << 20  # bytes per os.write


def write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Replace `path` with `text` (write_chunks with one chunk)."""
    write_chunks(path, [text], encoding)


def write_chunks(path: str | os.PathLike[str], chunks: Iterable[str], encoding: str = "utf-8") -> None:
    """Replace `path` with the text of `chunks`, each encoded and written as it comes (a 1.5 GB graph
    is never one string), atomically when `path` is (or will be) a regular file.

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
            for chunk in chunks:
                out.write(chunk)
        return
    data = (chunk.encode(encoding) for chunk in chunks)
    if _write_anonymous(target, existing, data):
        return
    temporary = _temporary_name(target)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        try:
            if existing is not None and hasattr(os, "fchmod"):
                os.fchmod(fd, stat.S_IMODE(existing.st_mode))
            _write_all(fd, data)
        finally:
            os.close(fd)
        os.replace(temporary, target)
    except BaseException:  # KeyboardInterrupt too: whatever stopped the write, no temporary file stays
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _temporary_name(target: Path) -> Path:
    return target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"


def _write_all(fd: int, data: Iterable[bytes]) -> None:
    for chunk in data:
        view = memoryview(chunk)
        while view:
            view = view[os.write(fd, view[:CHUNK]) :]
    os.fsync(fd)  # the content is on disk before a name points at it


def _write_anonymous(target: Path, existing: os.stat_result | None, data: Iterable[bytes]) -> bool:
    """Write `data` to a nameless file in the target's folder, then name it `target`; False (nothing
    done) where the system or the file system has no `O_TMPFILE`."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not os.path.isdir("/proc/self/fd"):
        return False
    try:
        fd = os.open(target.parent, flag | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as error:
        if error.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
            return False  # no O_TMPFILE here: the caller writes beside the target and renames
        raise
    try:
        if existing is not None:
            os.fchmod(fd, stat.S_IMODE(existing.st_mode))
        _write_all(fd, data)
        # linkat(…, AT_SYMLINK_FOLLOW) names the open file; os.link calls it only when given a folder
        # descriptor (plain link() would try to link the /proc entry itself)
        folder = os.open(target.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
        try:
            _name(f"/proc/self/fd/{fd}", target.name, folder, existing is None)
        except OSError as error:
            if error.errno in (errno.EXDEV, errno.EPERM, errno.ENOENT, errno.EOPNOTSUPP):
                return False  # /proc cannot name it here: the caller writes beside the target
            raise
        finally:
            os.close(folder)
        return True
    finally:
        os.close(fd)


def _name(anonymous: str, name: str, folder: int, new: bool) -> None:
    """Give the anonymous file `name` in `folder`: directly when no such file exists, else under a
    temporary name renamed over it at once."""
    if new:
        try:
            os.link(anonymous, name, dst_dir_fd=folder, follow_symlinks=True)
            return
        except FileExistsError:  # created meanwhile: replaced as an existing one is
            pass
    temporary = _temporary_name(Path(name)).name
    os.link(anonymous, temporary, dst_dir_fd=folder, follow_symlinks=True)
    try:
        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=folder)
        raise
