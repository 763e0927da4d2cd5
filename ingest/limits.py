"""A time limit for reading and extracting one file.

A reader may meet input that slows it without bound (a PDF whose content streams make
pypdf loop, a page that makes a parser crawl); the batch must go on past it. The limit is a
``SIGALRM`` timer: it interrupts Python code at the next bytecode, with an exception that a
library's ``except Exception`` cannot swallow, and costs nothing when it does not fire. It
works in a process's main thread, which is where ``fazhi ingest`` and the workers of its
``--jobs`` pool run each file; elsewhere (a server thread) no limit applies. C code that
never returns is not interrupted: what feeds it is bounded instead (file and inflated
sizes, PDF pages, HTML depth: see :mod:`ingest.readers`).

Example:
    >>> with time_limit(5.0, "a.txt"):
    ...     sum(range(10))
    45
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from ingest.errors import ReadTimeoutError


class _Deadline(BaseException):
    """Raised by the timer; a BaseException, so no ``except Exception`` in a library stops it."""


@contextmanager
def time_limit(seconds: float, source: str) -> Iterator[None]:
    """Raise :class:`ReadTimeoutError` naming ``source`` when the block runs past ``seconds``.

    ``seconds <= 0``, or a thread other than the main one: no limit. A timer already set
    (by a caller) is put back afterwards, less the time spent.

    Example:
        >>> with time_limit(0.05, "slow.pdf"):
        ...     while True:
        ...         pass
        Traceback (most recent call last):
        ...
        ingest.errors.ReadTimeoutError: slow.pdf: reading took longer than 0.05 s \
(FAZHI_READ_TIMEOUT_S); skipped
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expire)
    outer_delay, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Deadline:
        reason = f"reading took longer than {seconds:g} s (FAZHI_READ_TIMEOUT_S); skipped"
        raise ReadTimeoutError(source, reason) from None
    finally:
        signal.signal(signal.SIGALRM, previous)
        if outer_delay:
            remaining = outer_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(remaining, 0.001))


def _expire(signum: int, frame: FrameType | None) -> None:
    raise _Deadline
