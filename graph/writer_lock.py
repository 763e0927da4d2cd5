"""One writer per embedded data dir, and what a reader needs to see that the saved graph changed.

A writer holds an exclusive ``flock`` on ``<data_dir>/writer.lock`` (the file keeps the holder's
pid, to name it). A second writer waits for it, saying so once through ``on_wait``, and gives up
with a :class:`~graph.store.StoreError` after ``timeout_s``. The kernel drops the lock when its
holder exits, however it exits, so a crashed writer never leaves the dir locked.

Readers take no lock: the graph file is replaced atomically, so they always read a complete
state; :func:`disk_snapshot` tells which one (a new file gets a new inode at every save).

Example:
    >>> import tempfile
    >>> lock = WriterLock(Path(tempfile.mkdtemp()), timeout_s=1.0)
    >>> lock.acquire(); lock.held
    True
    >>> lock.release(); lock.held
    False
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from graph.store import StoreError

LOCK_FILE = "writer.lock"
POLL_S = 0.05

OnWait = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class DiskSnapshot:
    """Which saved state of a graph file: a save replaces the file, so inode or mtime change.

    Example:
        >>> DiskSnapshot(1, 0, 10).saved_at
        '1970-01-01T00:00:00+00:00'
    """

    inode: int
    mtime_ns: int
    size: int

    @property
    def saved_at(self) -> str:
        """When this state was saved (ISO 8601, UTC)."""
        return datetime.fromtimestamp(self.mtime_ns / 1e9, tz=UTC).isoformat(timespec="seconds")

    @classmethod
    def of(cls, stat: os.stat_result) -> DiskSnapshot:
        """The snapshot a ``stat`` of the graph file describes."""
        return cls(stat.st_ino, stat.st_mtime_ns, stat.st_size)


def disk_snapshot(path: Path) -> DiskSnapshot | None:
    """The saved state of the file at ``path`` now (None when there is none yet).

    Example:
        >>> disk_snapshot(Path("/nonexistent/graph.pickle")) is None
        True
    """
    try:
        return DiskSnapshot.of(path.stat())
    except FileNotFoundError:
        return None


class WriterLock:
    """The exclusive writer lock of one data dir (not re-entrant: take it once, release once)."""

    def __init__(self, directory: Path, *, timeout_s: float, on_wait: OnWait | None = None) -> None:
        self.directory = directory
        self.timeout_s = timeout_s
        self._on_wait = on_wait or _ignore
        self._handle: IO[str] | None = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock now."""
        return self._handle is not None

    def acquire(self) -> None:
        """Take the lock, waiting up to ``timeout_s`` for another writer to finish."""
        if self._handle is not None:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        handle = (self.directory / LOCK_FILE).open("a+", encoding="utf-8")
        try:
            self._wait_for(handle)
        except BaseException:
            handle.close()
            raise
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        """Let the next writer in (nothing happens when the lock is not held)."""
        handle, self._handle = self._handle, None
        if handle is not None:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

    def _wait_for(self, handle: IO[str]) -> None:
        if _try_lock(handle):
            return
        holder = _holder(handle)
        self._on_wait(f"waiting for another writer on {self.directory} ({holder})…")
        deadline = time.monotonic() + self.timeout_s
        while time.monotonic() < deadline:
            time.sleep(POLL_S)
            if _try_lock(handle):
                return
        raise StoreError(
            f"another writer ({_holder(handle)}) still writes to {self.directory} after "
            f"{self.timeout_s:g} s; try again when it is done (FAZHI_MEMORY_LOCK_TIMEOUT_S)"
        )


def _try_lock(handle: IO[str]) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder(handle: IO[str]) -> str:
    handle.seek(0)
    pid = handle.read().strip()
    return f"pid {pid}" if pid.isdigit() else "pid unknown"


def _ignore(message: str) -> None:
    """The default ``on_wait``: nobody is told."""
