"""Keeping Python's cycle collector off the embedded store's graph.

A 100,000-report graph is tens of millions of long-lived dicts, tuples and strings. The cycle
collector traverses all of them on every full collection: py-spy (``--native``) put a third of
a 100k ingest in ``gc_collect_main``. The graph holds no reference cycles (networkx keeps plain
nested dicts), so reference counting frees whatever a write drops; after each write batch and
each load the graph is moved out of the collector's sight (:func:`gc.freeze`), and a load runs
with the collector paused (:func:`ingest.collector.collector_paused`: it would only find the
objects being built alive).
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Move every object alive now out of the collector's future scans; young garbage is
    collected first so that cycles among it are not kept with the graph.

    Example:
        >>> settle()
        >>> gc.get_freeze_count() > 0
        True
    """
    gc.collect(1)
    gc.freeze()


def release() -> None:
    """Give frozen objects back to the collector (before a graph is dropped for another: a
    cycle among what is dropped can then be found).

    Example:
        >>> settle(); release(); gc.get_freeze_count()
        0
    """
    gc.unfreeze()
