"""Opening report files safely: regular files only, never more than a limit, folders walked
with their unreadable parts named.

A path that is not a regular file (a FIFO would block forever, ``/dev/zero`` never ends, a
socket cannot be read) is refused before it is opened, whether named directly or through a
symbolic link, and checked again on the open descriptor (opened non-blocking, so a file
swapped for a FIFO meanwhile cannot hang the read). Reads stop one byte past the limit:
the size the file system reports is not trusted (``/proc`` files say 0).

Example:
    >>> import os, tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> os.mkfifo(folder / "pipe.txt")
    >>> read_limited(folder / "pipe.txt", 100)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ingest.errors.FileNotReadableError: .../pipe.txt: not a regular file (FIFO); skipped
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import NoReturn

from ingest.errors import FileNotReadableError, FileTooLargeError

_CHUNK = 1 << 20
_KINDS = (
    (stat.S_ISFIFO, "FIFO"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISDIR, "directory"),
)


def read_limited(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, refused when there are more than ``limit``.

    Raises :class:`FileNotReadableError` for what is no regular file or cannot be opened,
    :class:`FileTooLargeError` past ``limit`` (``FAZHI_MAX_FILE_BYTES``).
    """
    refuse_irregular(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as err:
        raise FileNotReadableError(path, f"cannot read: {err.strerror or err}") from err
    try:
        status = os.fstat(fd)
        _refuse_kind(path, status.st_mode, linked=False)
        if status.st_size > limit:
            _too_large(path, limit, f"file is {mb(status.st_size)} MB, larger")
        return _read_up_to(fd, path, limit)
    except OSError as err:
        raise FileNotReadableError(path, f"cannot read: {err.strerror or err}") from err
    finally:
        os.close(fd)


def refuse_irregular(path: Path) -> None:
    """Raise :class:`FileNotReadableError` unless ``path`` is (or links to) a regular file."""
    try:
        own = os.lstat(path)
        target = os.stat(path) if stat.S_ISLNK(own.st_mode) else own
    except OSError as err:
        raise FileNotReadableError(path, f"cannot read: {err.strerror or err}") from err
    _refuse_kind(path, target.st_mode, linked=stat.S_ISLNK(own.st_mode))


def _refuse_kind(path: Path, mode: int, *, linked: bool) -> None:
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "special file")
    shown = f"a link to a {kind}" if linked else kind
    raise FileNotReadableError(path, f"not a regular file ({shown}); skipped")


def _read_up_to(fd: int, path: Path, limit: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while chunk := os.read(fd, min(_CHUNK, limit + 1 - total)):
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            _too_large(path, limit, "file is larger")  # its size said less (/proc files do)
    return b"".join(chunks)


def _too_large(path: Path, limit: int, what: str) -> NoReturn:
    raise FileTooLargeError(path, f"{what} than the limit of {mb(limit)} MB (FAZHI_MAX_FILE_BYTES)")


def mb(size: int) -> str:
    """A byte count in megabytes, short.

    Example:
        >>> mb(3 * 2**20), mb(1500)
        ('3', '0.0014')
    """
    megabytes = size / 2**20
    return f"{megabytes:.1f}".removesuffix(".0") if megabytes >= 1 else f"{megabytes:.2g}"


def walk_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """The files under ``folder`` (symbolic links to folders not followed) and the folders
    that could not be listed (each is reported, its files are not silently missing).

    Example:
        >>> files, unreadable = walk_files(Path("samples/reports"))
        >>> len(files) >= 5, unreadable
        (True, [])
    """
    files: list[Path] = []
    unreadable: list[Path] = []

    def note(error: OSError) -> None:
        unreadable.append(Path(error.filename or folder))

    for root, _, names in os.walk(folder, onerror=note):
        files.extend(Path(root) / name for name in names)
    return files, unreadable


def unreadable_folder_reason(folder: Path) -> str | None:
    """Why ``folder`` cannot be listed, or None when it can.

    Example:
        >>> unreadable_folder_reason(Path("samples")) is None
        True
    """
    try:
        with os.scandir(folder) as entries:
            next(entries, None)
    except OSError as err:
        return f"cannot read folder: {err.strerror or err}; its files were skipped"
    return None
