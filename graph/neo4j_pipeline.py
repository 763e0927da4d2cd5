"""A batch of reports written to Neo4j as a pipeline of transactions: the client resolves the
reports of one transaction while the server writes, counts and commits the one before.

Without it, the end of a transaction (its last statements, the citation aggregates, the
commit) left the client idle for a third of the ingest, and the client's own work (rows,
resolution) left the server idle for another third (3,000 synthetic reports, py-spy).

Each transaction of ``neo4j_commit_every_reports`` reports is made on a
:class:`~graph.neo4j_buffer.BufferedTx` that follows the one before
(:meth:`~graph.neo4j_buffer.BufferedTx.follow`: its cache knows what that one wrote), so its
reads of anything else go to the database at once. Its rows are sent as soon as the one before
has sent and checked its own: the server writes them while the one before counts and commits.
A row that needs a node the one before created or changed waits for that commit in the server
(a write takes the unique index entry's lock, and a seek in a writing statement waits for it),
and the one before takes no lock such a row holds (its aggregates are nodes of their own). A
graph walk, and a write of a transaction made in several parts, still waits until the one
before has committed (:meth:`~graph.neo4j_store.Neo4jTx.await_ready`). After a deletion the
next transaction starts only once the one before has committed, with a cache of its own. When a
transaction fails, its reports are written again one by one (only a bad report fails), and the
one made after it is rolled back and made again: the batch ends as if its reports were
upserted one by one in order.

Example:
    from graph.neo4j_store import Neo4jStore
    # Neo4jStore.upsert_reports writes every batch through write_pipelined.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from neo4j import Session, Transaction

from graph.neo4j_buffer import BufferedTx
from graph.store import StoreError, UpsertResult
from ingest.model import Extraction

if TYPE_CHECKING:
    from graph.neo4j_store import Neo4jStore, Neo4jTx

Results = list[UpsertResult | StoreError]


@dataclass
class _Made:
    """A transaction whose reports are resolved and sent, not yet committed."""

    reports: Sequence[Extraction]
    session: Session
    tx: Transaction
    inner: Neo4jTx
    buffered: BufferedTx
    results: list[UpsertResult]


@dataclass
class _Committing:
    """A made transaction finishing in the background."""

    made: _Made
    done: Future[list[UpsertResult]]
    written: threading.Event  # its writes are sent and checked, or it ended

    def committed(self) -> bool:
        """Wait for the commit; False when the transaction failed (it was rolled back)."""
        return self.done.exception() is None

    def await_written(self) -> None:
        """Wait until its writes are sent and checked (it takes no more graph locks);
        :class:`_BeforeFailedError` when it failed before that."""
        self.written.wait()
        if self.done.done() and self.done.exception() is not None:
            raise _BeforeFailedError


class _BeforeFailedError(Exception):
    """The transaction before failed: what was made after it assumed its writes."""


def write_pipelined(store: Neo4jStore, extractions: Sequence[Extraction]) -> Results:
    """Write ``extractions`` in transactions of ``neo4j_commit_every_reports`` reports, each
    made while the one before commits; as if upserted one by one in this order."""
    size = max(1, store.commit_every)
    results: Results = []
    with ThreadPoolExecutor(1, thread_name_prefix="neo4j-commit") as committer:
        before: _Committing | None = None
        for start in range(0, len(extractions), size):
            group = extractions[start : start + size]
            made = _make_after(store, group, before)
            if before is not None:
                results += _outcome(store, before)
            if made is None or (before is not None and not before.committed()):
                _drop(made)  # made on writes that did not happen
                made = _make(store, group, None)
            if isinstance(made, StoreError):
                results += store.one_by_one(group)
                before = None
            else:
                before = _commit_in(committer, store, made)
        if before is not None:
            results += _outcome(store, before)
    return results


def _make_after(
    store: Neo4jStore, reports: Sequence[Extraction], before: _Committing | None
) -> _Made | StoreError | None:
    """``reports`` made while ``before`` commits (None: ``before`` failed meanwhile)."""
    if before is not None and before.made.buffered.walked:
        # a deletion took along what the cache does not know: wait, start afresh
        return _make(store, reports, None) if before.committed() else None
    try:
        return _make(store, reports, before)
    except _BeforeFailedError:
        return None


def _make(
    store: Neo4jStore, reports: Sequence[Extraction], before: _Committing | None
) -> _Made | StoreError:
    """Open a transaction and resolve and send ``reports`` in it, following ``before``'s
    cache when given; a failure here is the transaction's (rolled back), as a StoreError."""
    session = store.write_session()
    try:
        tx = session.begin_transaction()
        inner = store.transaction(tx, _waiting_for(before) if before is not None else None)
        buffered = before.made.buffered.follow(inner) if before else BufferedTx(inner)
        results = store.write_parts(buffered, reports)
        if before is not None:
            before.await_written()
        buffered.flush(early=True)  # the server writes them while the one before commits
        return _Made(reports, session, tx, inner, buffered, results)
    except Exception as exc:  # the transaction's failure: its reports go one by one
        session.close()
        if isinstance(exc, _BeforeFailedError):
            raise
        return store.write_error(reports, exc)
    except BaseException:  # interrupted: roll back, then stop
        session.close()
        raise


def _waiting_for(before: _Committing) -> Callable[[], None]:
    def ready() -> None:
        if not before.committed():
            raise _BeforeFailedError

    return ready


def _commit_in(committer: ThreadPoolExecutor, store: Neo4jStore, made: _Made) -> _Committing:
    """``made`` counted and committed by the ``committer`` thread."""
    written = threading.Event()
    done = committer.submit(_finish, store, made, written)
    done.add_done_callback(lambda _: written.set())  # also when it failed before its check
    return _Committing(made, done, written)


def _finish(store: Neo4jStore, made: _Made, written: threading.Event) -> list[UpsertResult]:
    """Check, count, commit and close ``made`` (in the committer thread); a StoreError if it
    fails. Its rows were sent when it was made."""
    try:
        with made.session:
            made.inner.check_written()
            written.set()  # the next transaction may send its rows
            store.finish_write(made.inner, made.buffered)
            made.tx.commit()
        return made.results
    except Exception as exc:
        raise store.write_error(made.reports, exc) from exc


def _outcome(store: Neo4jStore, committing: _Committing) -> Results:
    """The committed transaction's results, or its reports written again one by one."""
    try:
        return list(committing.done.result())
    except StoreError:
        return store.one_by_one(committing.made.reports)


def _drop(made: _Made | StoreError | None) -> None:
    if isinstance(made, _Made):
        made.session.close()  # rolls its transaction back
