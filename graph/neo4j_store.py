"""The Neo4j store: the official driver, parameters only, one managed transaction per report.

At open it checks the server answers (a :class:`~graph.store.StoreError` naming the URI within
``neo4j_connect_timeout_s`` when it is unreachable or refuses the credentials), then creates
the uniqueness constraints, indexes and the ``fazhi_names_v2`` full-text index (``cjk`` analyzer)
of :mod:`graph.cypher` if they are missing.

Writes go through :func:`graph.resolve.write_report` inside ``session.execute_write``, over a
:class:`~graph.neo4j_buffer.BufferedTx` (reads cached, writes held and sent as one
statement of ``UNWIND … CREATE/MERGE`` subqueries): the deletion of a replaced version, the
policy merges and the writes of one report — or of ``neo4j_commit_every_reports`` reports of a
batch, with :meth:`Neo4jStore.upsert_reports`, which makes each such transaction while the one
before commits (:mod:`graph.neo4j_pipeline`) — commit together or not at all. The resolution
reads run in the same transaction; run one ingesting writer per database (the pipeline does) —
concurrent writers are safe for the graph's integrity (constraints) but may resolve a policy
seen by both at once differently.

Values read back are what the embedded store holds: no None properties are ever stored, lists
come back as lists, ints as ints; the key property is taken out of ``props``.

Example:
    from config import get_settings
    with Neo4jStore(get_settings(store="neo4j")) as store:
        store.stats().nodes
    # → {}
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from typing import Any, TypeVar

from neo4j import (
    Driver,
    GraphDatabase,
    ManagedTransaction,
    NotificationDisabledClassification,
    Query,
    Record,
    Result,
    Session,
    Transaction,
    unit_of_work,
)
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable

from config.settings import Settings
from graph import cypher, neo4j_kept
from graph.cites_order import HIDDEN, newest_bounds
from graph.cites_order import MARKER as CITES_ORDER
from graph.cites_order import VERSION as CITES_ORDER_VERSION
from graph.model import KEYS, Label, Rel
from graph.neo4j_buffer import BufferedTx, HeldWrites, Prefetched
from graph.neo4j_pipeline import write_pipelined
from graph.neo4j_tallies import AGGREGATES_VERSION, FreshReports
from graph.order import order_far_edges, sort_nodes
from graph.resolve import write_report
from graph.rows import rows_for, sort_edges
from graph.store import (
    CitationPage,
    ClosesOnExit,
    Direction,
    Edge,
    GraphStats,
    Node,
    Page,
    QuerySpec,
    StoreError,
    UpsertResult,
)
from ingest.model import Extraction

_T = TypeVar("_T")
_log = logging.getLogger(__name__)
_SECURITY_CODES = "Neo.ClientError.Security."
_SOCKET_REASON = re.compile(r"\(reason (?:\[Errno -?\d+\] )?([^)]*)\)")
_KEYS_PARAM = {label.value: key for label, key in KEYS.items()}
_Row = dict[str, Any]


class Neo4jStore(ClosesOnExit):
    """The Neo4j :class:`~graph.store.GraphStore`.

    Example:
        from config import get_settings
        store = Neo4jStore(get_settings(neo4j_uri="bolt://127.0.0.1:1"))
        # → Traceback (most recent call last):
        # → graph.store.StoreError: cannot reach Neo4j at bolt://127.0.0.1:1 …
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._database = settings.neo4j_database
        self._batch = max(1, settings.write_batch_size)
        self._driver = _connect(settings)
        try:
            self._ensure_schema()
            self._ensure_aggregates()
            self._ensure_cites_order()
        except Exception:
            self._driver.close()
            raise

    # --- writes -----------------------------------------------------------------------
    def upsert_report(self, extraction: Extraction) -> UpsertResult:
        """Write one report in one transaction; same content → unchanged, same source → replaced."""
        [result] = self._write(lambda tx: self._write_batch(tx, [extraction]), _what(extraction))
        return result

    def upsert_reports(self, extractions: Sequence[Extraction]) -> list[UpsertResult | StoreError]:
        """Write reports as if upserted one by one in this order, in transactions of
        ``neo4j_commit_every_reports`` reports, each made while the one before commits
        (:mod:`graph.neo4j_pipeline`).

        When a transaction fails, its reports are written again one by one, so only a bad
        report fails: its place in the answer holds the StoreError naming it.
        """
        return write_pipelined(self, extractions)

    def _upsert_or_error(self, extraction: Extraction) -> UpsertResult | StoreError:
        try:
            return self.upsert_report(extraction)
        except StoreError as error:
            return error

    def _write_batch(
        self, tx: ManagedTransaction, extractions: Sequence[Extraction]
    ) -> list[UpsertResult]:
        """Write ``extractions`` in the managed transaction ``tx``."""
        inner = self.transaction(tx)
        buffered = BufferedTx(inner)
        results = self.write_parts(buffered, extractions)
        self.finish_write(inner, buffered)
        return results

    # --- the steps of a write transaction (graph.neo4j_pipeline runs them too) --------------
    @property
    def commit_every(self) -> int:
        """How many reports of a batch commit together."""
        return self._settings.neo4j_commit_every_reports

    def write_session(self) -> Session:
        """A session for one write transaction (the caller closes it)."""
        return self._session()

    def transaction(
        self, tx: ManagedTransaction | Transaction, ready: Callable[[], None] | None = None
    ) -> Neo4jTx:
        """The write primitives over ``tx``; ``ready`` is awaited before its first write."""
        return Neo4jTx(tx, self._batch, ready)

    def write_parts(
        self, buffered: BufferedTx, extractions: Sequence[Extraction]
    ) -> list[UpsertResult]:
        """Write ``extractions`` a part of ``neo4j_send_every_reports`` at a time, each part's
        rows sent without waiting when the next part begins (the server writes one part while
        the next is made); the last part's are held for :meth:`finish_write`."""
        cap = self._settings.evidence_per_relationship
        results: list[UpsertResult] = []
        step = max(1, self._settings.neo4j_send_every_reports)
        for start in range(0, len(extractions), step):
            buffered.flush()
            part = extractions[start : start + step]
            batch = [rows_for(x, evidence_cap=cap) for x in part]
            buffered.prefetch(batch)
            results += [
                write_report(buffered, x, evidence_cap=cap, rows=rows)
                for x, rows in zip(part, batch, strict=True)
            ]
        return results

    def finish_write(self, inner: Neo4jTx, buffered: BufferedTx) -> None:
        """The last statements of a write transaction: send what is held, check what was
        sent, bring the citation aggregates up to date, start a new generation of kept
        answers (in a pipeline, while the client makes the next transaction)."""
        buffered.flush()
        inner.check_written()
        inner.refresh_tallies(list(buffered.touched_reports), buffered.fresh)
        inner.next_generation()

    def write_error(self, extractions: Sequence[Extraction], error: Exception) -> StoreError:
        """The StoreError of a write of ``extractions`` that failed with ``error``."""
        if isinstance(error, StoreError):
            return error
        return self._write_failed(
            f"{len(extractions)} reports from {extractions[0].source} on", error
        )

    def one_by_one(self, extractions: Sequence[Extraction]) -> list[UpsertResult | StoreError]:
        """Each report in a transaction of its own: a bad one fails alone."""
        return [self._upsert_or_error(extraction) for extraction in extractions]

    def delete_report(self, report_id: str) -> bool:
        """Remove a report and what only it kept alive; False if it was not there."""

        def delete(tx: ManagedTransaction) -> bool:
            inner = Neo4jTx(tx, self._batch)
            deleted = inner.delete_report(report_id)
            inner.refresh_tallies([report_id])
            inner.next_generation()
            return deleted

        return self._write(delete, f"report {report_id}")

    def clear(self) -> None:
        """Remove every node and relationship (in batches of ``write_batch_size``; constraints
        and indexes stay)."""
        while self._write(lambda tx: _count(tx, cypher.DELETE_SOME, batch=self._batch), "clear"):
            pass

    # --- reads ------------------------------------------------------------------------
    def ping(self) -> None:
        """Raise :class:`StoreError` when the server does not answer: one try, no retries (a
        readiness probe wants the answer now), limited to ``neo4j_connect_timeout_s``."""
        timeout = self._settings.neo4j_connect_timeout_s
        try:
            with self._session() as session:
                session.run(Query(cypher.PING, timeout=timeout)).consume()
        except (Neo4jError, DriverError) as exc:
            raise StoreError(f"Neo4j at {self._settings.neo4j_uri}: ping failed: {exc}") from exc

    def stats(self) -> GraphStats:
        """Node counts by label and relationship counts by type (non-zero only)."""
        rows = self._read(lambda tx: tx.run(cypher.STATS).data())
        labels = {label.value for label in Label}
        counts = {row["name"]: row["count"] for row in rows if row["count"]}
        nodes = {name: n for name, n in counts.items() if name in labels}
        rels = {name: n for name, n in counts.items() if name not in labels}
        return GraphStats(dict(sorted(nodes.items())), dict(sorted(rels.items())))

    def get_nodes(self, label: Label, keys: Sequence[str]) -> list[Node | None]:
        """The nodes with these keys, in the order asked (None where missing)."""
        found = self._read(lambda tx: Neo4jTx(tx, self._batch).read_nodes(label, keys))
        return [Node(label, key, found[key]) if key in found else None for key in keys]

    def edges_of(
        self, label: Label, keys: Sequence[str], rel: Rel, direction: Direction
    ) -> list[list[Edge]]:
        """For each key, its ``rel`` relationships in ``direction``, by the far end's key."""
        query = cypher.EDGES_OF[(label, rel, direction)]
        params = {"node_keys": list(dict.fromkeys(keys)), "keys": _KEYS_PARAM}
        rows = self._read(lambda tx: tx.run(query, params).single(strict=True)["rows"])
        grouped: dict[str, list[Edge]] = {key: [] for key in keys}
        for key, far_label, far_key, props in rows:  # cypher.EDGE_COLUMNS
            near, far = (label, key), (Label(far_label), far_key)
            source, target = (near, far) if direction == "out" else (far, near)
            grouped[key].append(Edge(rel, source, target, _clean(props)))
        return [order_far_edges(grouped[key], direction) for key in keys]

    def find_nodes(
        self,
        label: Label,
        *,
        where: Mapping[str, Any] | None = None,
        order_by: str | None = None,
        descending: bool = False,
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        """Nodes of ``label`` whose properties equal ``where`` (None: property absent),
        ordered by ``order_by`` (missing values last ascending, first descending; key breaks
        ties, ascending)."""
        conditions = sorted((where or {}).items())
        shape = tuple((name, value is None) for name, value in conditions)
        counting, paging = cypher.find_nodes_statements(label, shape, descending)
        params = {
            **{f"w{i}": value for i, (_, value) in enumerate(conditions)},
            "order_by": order_by or KEYS[label],
            "offset": max(0, offset),
            "limit": max(0, limit),
        }

        def page(tx: ManagedTransaction) -> Page:
            total = tx.run(counting, params).single(strict=True)["total"]
            rows = tx.run(paging, params).data()
            return Page([_node(label, row["props"]) for row in rows], total)

        return self._read(page)

    def citations(
        self,
        policies: Sequence[str],
        *,
        limit: int = 50,
        offset: int = 0,
        year_from: int | None = None,
        year_to: int | None = None,
        province: str | None = None,
    ) -> list[CitationPage]:
        """For each policy, one page of its citations, ordered and cut in the server (see
        :meth:`graph.store.GraphStore.citations`); one read transaction for all."""
        params = {
            "policies": list(dict.fromkeys(policies)),
            "limit": max(0, limit),
            "offset": max(0, offset),
            "year_from": year_from,
            "year_to": year_to,
            "province": province,
            **newest_bounds(year_from, year_to),
        }
        filtered = year_from is not None or year_to is not None or province is not None
        count = cypher.CITATIONS_TOTAL if filtered else cypher.CITATIONS_COUNT

        def pages(tx: ManagedTransaction) -> dict[str, CitationPage]:
            totals = {row["policy"]: row["total"] for row in tx.run(count, params)}
            rows = {row["policy"]: row["rows"] for row in tx.run(cypher.CITATIONS_PAGE, params)}
            return {key: _citation_page(key, rows[key], totals[key]) for key in totals}

        found = self._read(pages) if policies else {}
        return [found[key] for key in policies]

    def run(self, query: QuerySpec, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Answer a named research question with its Cypher (a read transaction limited to
        ``query_timeout_s``); a ``kept`` query's answer is kept in the database until the next
        write (:mod:`graph.neo4j_kept`)."""
        if neo4j_kept.is_kept(query):
            return self._kept_run(query, params)
        return self._read(partial(_named_rows, query=query, params=params))

    def _kept_run(self, query: QuerySpec, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        key = neo4j_kept.answer_key(query, params)
        answer_now = partial(_named_rows, query=query, params=params)
        answer = self._read(
            partial(neo4j_kept.kept_or_answered, query=query, key=key, now=answer_now)
        )
        if not answer.kept:
            try:
                self._write(
                    partial(neo4j_kept.keep, name=query.name, key=key, answer=answer),
                    "a kept answer",
                )
            except StoreError as error:  # the rows are right: only the next ask is slower
                _log.warning("%s", error)
        return answer.rows

    def forget_kept_answers(self) -> None:
        """A new write generation, as a write makes: the next ask of a kept query runs its
        Cypher again (what ``bench.named_queries`` times as the first call after a write)."""
        self._write(lambda tx: Neo4jTx(tx, self._batch).next_generation(), "the generation")

    def dump(self) -> tuple[list[Node], list[Edge]]:
        """Every node (by label, key) and relationship (by type, source, target)."""

        def everything(tx: ManagedTransaction) -> tuple[list[Node], list[Edge]]:
            nodes = [
                _node(label, row["props"])
                for label in Label
                for row in tx.run(cypher.DUMP_NODES[label]).data()
            ]
            edges = [
                _edge(rel, row)
                for rel in Rel
                for row in tx.run(cypher.DUMP_EDGES[rel], keys=_KEYS_PARAM).data()
            ]
            return nodes, edges

        nodes, edges = self._read(everything, timed=False)  # the whole graph, for exports
        return sort_nodes(nodes), sort_edges(edges)

    # --- lifecycle --------------------------------------------------------------------
    def close(self) -> None:
        """Close the driver and its connections."""
        self._driver.close()

    # --- plumbing ---------------------------------------------------------------------
    def _session(self) -> Session:
        return self._driver.session(database=self._database)

    def _write(self, work: Callable[[ManagedTransaction], _T], what: str) -> _T:
        try:
            with self._session() as session:
                return session.execute_write(work)
        except Exception as exc:  # rolled back; the caller gets one kind of error from a store
            raise self._write_failed(what, exc) from exc

    def _write_failed(self, what: str, error: Exception) -> StoreError:
        return StoreError(f"Neo4j at {self._settings.neo4j_uri}: could not write {what}: {error}")

    def _read(self, work: Callable[[ManagedTransaction], _T], *, timed: bool = True) -> _T:
        """``work`` in a read transaction, which the server stops after ``query_timeout_s``
        when ``timed`` (every read an API request makes: its thread is not left running)."""
        if timed:
            work = unit_of_work(timeout=self._settings.query_timeout_s)(work)
        try:
            with self._session() as session:
                return session.execute_read(work)
        except (Neo4jError, DriverError) as exc:
            raise StoreError(f"Neo4j at {self._settings.neo4j_uri}: read failed: {exc}") from exc

    def _ensure_schema(self) -> None:
        statements = [
            *cypher.CONSTRAINTS,
            *cypher.INDEXES,
            cypher.DROP_FORMER_FULLTEXT,
            cypher.FULLTEXT,
            *cypher.TALLY_SCHEMA,
            *cypher.DROP_FORMER_TALLY_INDEXES,
            *neo4j_kept.SCHEMA,
            *cypher.CITES_INDEXES,
        ]
        try:
            with self._session() as session:
                for statement in statements:
                    session.run(statement).consume()
                wait = self._settings.neo4j_index_wait_s
                session.run(cypher.AWAIT_INDEXES, timeout_s=wait).consume()
        except (Neo4jError, DriverError) as exc:
            raise StoreError(
                f"Neo4j at {self._settings.neo4j_uri}: cannot create the schema: {exc}"
            ) from exc

    def _ensure_aggregates(self) -> None:
        """Count the reports a database written before the citation aggregates (or imported by
        neo4j-admin) holds, a page at a time, once; then mark the database as counted."""
        version = self._read(lambda tx: _count_or_none(tx, cypher.AGGREGATES_VERSION_READ))
        if version == AGGREGATES_VERSION:
            return
        if version is not None:  # counted by another version of this code: count afresh
            drop = cypher.DROP_SOME_TALLIES
            while self._write(lambda tx: _count(tx, drop, batch=self._batch), "old aggregates"):
                pass
        counted = self._through_reports(
            lambda tx, ids: Neo4jTx(tx, self._batch).refresh_tallies(ids),
            "the aggregates",
            "counting the citation aggregates",
        )
        self._write(
            lambda tx: tx.run(
                cypher.AGGREGATES_VERSION_WRITE, version=AGGREGATES_VERSION
            ).consume(),
            "the aggregates marker",
        )
        if counted:
            _log.info("Neo4j: citation aggregates counted for %d reports", counted)

    def _ensure_cites_order(self) -> None:
        """Write the CITES sort keys (:mod:`graph.cites_order`) of a database written before
        them (or keyed by another version), a page of reports at a time, once; then mark it."""
        marker = {"name": CITES_ORDER}
        version = self._read(lambda tx: _count_or_none(tx, cypher.MARKER_VERSION_READ, **marker))
        if version == CITES_ORDER_VERSION:
            return
        keyed = self._through_reports(
            lambda tx, ids: tx.run(cypher.CITES_KEYS_OF_REPORTS, ids=ids).consume(),
            "the CITES sort keys",
            "writing the CITES sort keys",
        )
        version_write = cypher.MARKER_VERSION_WRITE
        self._write(
            lambda tx: tx.run(version_write, marker, version=CITES_ORDER_VERSION).consume(),
            "the CITES sort keys marker",
        )
        if keyed:
            _log.info("Neo4j: CITES sort keys written for %d reports", keyed)

    def _through_reports(
        self, work: Callable[[ManagedTransaction, list[str]], object], what: str, doing: str
    ) -> int:
        """Run ``work`` over the ids of every report held, a page (in id order) per
        transaction, saying ``doing`` in the log once it starts; how many reports it saw."""
        done, after = 0, ""
        while page := self._write(partial(self._report_page, work=work, after=after), what):
            if not done:
                _log.info("Neo4j: %s of the reports held …", doing)
            done, after = done + len(page), page[-1]
        return done

    def _report_page(
        self,
        tx: ManagedTransaction,
        work: Callable[[ManagedTransaction, list[str]], object],
        after: str,
    ) -> list[str]:
        """``work`` over the next page of report ids (after ``after``); those ids."""
        rows = tx.run(cypher.REPORTS_AFTER, after=after, limit=self._batch).data()
        ids = [row["id"] for row in rows]
        work(tx, ids)
        return ids


class Unlogged(dict[str, Any]):
    """A parameter map of many rows whose ``repr`` is its size, not its rows.

    The driver (neo4j 6.4.1, ``Bolt5x5.run``) formats the ``repr`` of every parameter for a
    debug log line before it asks whether debug logging is on: for a batch's rows that was a
    tenth of the client's time in an ingest.

    Example:
        >>> repr(Unlogged({"rows": [{"id": 1}, {"id": 2}]}))
        '<rows: 1 lists, 2 items>'
    """

    def __repr__(self) -> str:
        lists = [value for value in self.values() if isinstance(value, list)]
        return f"<rows: {len(lists)} lists, {sum(map(len, lists))} items>"


class Neo4jTx:
    """The primitives :class:`~graph.neo4j_buffer.BufferedTx` sends to one managed Neo4j
    transaction, in batches of ``batch_size`` rows (the buffer answers the report lookups
    of :class:`graph.resolve.WriteTx` from its own cache)."""

    def __init__(
        self,
        tx: ManagedTransaction | Transaction,
        batch_size: int,
        ready: Callable[[], None] | None = None,
    ) -> None:
        self.tx = tx
        self.batch_size = batch_size
        self._unchecked: list[tuple[Result, dict[str, list[_Row]]]] = []
        self._ready = ready  # called once before the first write or graph walk

    def await_ready(self) -> None:
        """Wait, before the first write or graph walk, for what must commit before it (a
        pipeline's transaction waits for the one before: :mod:`graph.neo4j_pipeline`)."""
        if self._ready is not None:
            ready, self._ready = self._ready, None
            ready()

    def reports_with_sources(self, sources: Sequence[str]) -> dict[str, list[str]]:
        """source → ids of its Reports, for the sources that have any."""
        found: dict[str, list[str]] = {}
        for batch in self._batches(list(sources)):
            for row in self.tx.run(cypher.REPORTS_WITH_SOURCES, sources=batch):
                found.setdefault(row["source"], []).append(row["id"])
        return found

    def policy_aliases(self, aliases: Sequence[str]) -> dict[str, str]:
        rows = self.tx.run(cypher.POLICY_ALIASES, aliases=list(aliases))
        return {row["alias"]: row["id"] for row in rows}

    def read_nodes(self, label: Label, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for batch in self._batches(list(dict.fromkeys(keys))):
            for row in self.tx.run(cypher.READ_NODES[label], keys=batch):
                found[row["key"]] = _clean(row["props"], KEYS[label])
        return found

    def incident_edges(self, label: Label, key: str) -> list[Edge]:
        self.await_ready()
        rows = self.tx.run(cypher.INCIDENT_EDGES[label], key=key, keys=_KEYS_PARAM).data()
        edges: list[Edge] = []
        for row in rows:
            near, far = (label, key), (Label(row["far_label"]), row["far_key"])
            source, target = (near, far) if row["outgoing"] else (far, near)
            edges.append(Edge(Rel(row["type"]), source, target, _clean(row["props"])))
        return edges

    def prefetch(
        self, sources: Sequence[str], aliases: Sequence[str], keys: Mapping[Label, Sequence[str]]
    ) -> Prefetched:
        """The Reports of ``sources``, the owners of ``aliases`` and the nodes with ``keys``
        (and the aliases' owners), in one statement per ``batch_size`` keys of each kind."""
        lists = {"sources": list(sources), "aliases": list(aliases)}
        lists |= {f"keys_{label.value.lower()}": list(keys.get(label, ())) for label in Label}
        found = Prefetched({}, {}, {label: {} for label in Label})
        rounds = max(len(values) for values in lists.values())
        for start in range(0, rounds, self.batch_size):
            params = {name: v[start : start + self.batch_size] for name, v in lists.items()}
            record = self.tx.run(cypher.PREFETCH, ask=Unlogged(params)).single(strict=True)
            _add_prefetched(found, record)
        return found

    def write(self, held: HeldWrites, *, early: bool = False) -> None:
        """Send held writes through :data:`graph.cypher.WRITE_ROWS`, in statements of at most
        ``batch_size`` rows (parts in order, so every relationship's ends come before it).

        Nothing waits for the server here: :meth:`check_written` reads what was written.
        ``early``: not after the ``ready`` wait (a pipeline sends a transaction's rows once the
        one before has written all it will lock: :mod:`graph.neo4j_pipeline`)."""
        if not early:
            self.await_ready()
        rows = _write_rows(held)
        pending = [(part, rows.get(part.param, [])) for part in cypher.WRITE_PARTS]
        for chunk in self._chunks(pending):
            params = {part.param: chunk.get(part.param, []) for part in cypher.WRITE_PARTS}
            self._unchecked.append((self.tx.run(cypher.WRITE_ROWS, rows=Unlogged(params)), params))

    def check_written(self) -> None:
        """Raise :class:`StoreError` when a relationship sent by :meth:`write` lost an end (a
        server error surfaces here, or at the next statement, as the driver's)."""
        counted = [part for part in cypher.WRITE_PARTS if part.counts]
        for result, params in self._unchecked:
            written = result.single(strict=True)["written"]
            for part, count in zip(counted, written, strict=True):
                if count != len(params[part.param]):
                    lost = len(params[part.param]) - count
                    raise StoreError(f"{part.counts}: {lost} lost an end")
        self._unchecked.clear()

    def delete_node(self, label: Label, key: str) -> None:
        self.await_ready()
        self.tx.run(cypher.DELETE_NODE[label], key=key).consume()

    def delete_report(self, report_id: str) -> bool:
        self.await_ready()
        reach = self.tx.run(cypher.REPORT_REACH, id=report_id).single()
        if reach is None:
            return False
        anchors = [reach["report"], *reach["entities"]]
        regions = self.tx.run(cypher.REGIONS_REACHED, ids=anchors).single(strict=True)["ids"]
        self.tx.run(cypher.DELETE_REPORT_NODE, id=report_id).consume()
        self.tx.run(cypher.DELETE_DEAD_ENTITIES, ids=reach["entities"]).consume()
        self.tx.run(cypher.DELETE_DEAD_REGIONS, ids=regions).consume()
        return True

    def refresh_tallies(self, report_ids: Sequence[str], fresh: FreshReports | None = None) -> None:
        """Bring the citation aggregates (:mod:`graph.neo4j_tallies`) up to date for reports
        written, replaced or deleted in this transaction (after their rows were sent): one
        statement per ``batch_size`` reports, applying their changes as deltas
        (:data:`graph.cypher.TALLY_REFRESH`). The snapshots of the ``fresh`` reports (created
        here) are sent, the others' read from the graph."""
        self.await_ready()
        known = {snap["report"]: snap for snap in fresh.snapshots()} if fresh else {}
        for batch in self._batches(list(dict.fromkeys(report_ids))):
            tally = {
                "ids": batch,
                "read": [report for report in batch if report not in known],
                "fresh": [known[report] for report in batch if report in known],
            }
            self.tx.run(cypher.TALLY_REFRESH, tally=Unlogged(tally)).consume()

    def next_generation(self) -> None:
        """A new write generation: answers kept before it are not read again
        (:mod:`graph.neo4j_kept`). The last statement of every write transaction."""
        self.await_ready()
        self.tx.run(neo4j_kept.NEXT_GENERATION).consume()

    def _batches(self, rows: list[_T]) -> Iterator[list[_T]]:
        for start in range(0, len(rows), self.batch_size):
            yield rows[start : start + self.batch_size]

    def _chunks(
        self, pending: Sequence[tuple[cypher.WritePart, list[_Row]]]
    ) -> Iterator[dict[str, list[_Row]]]:
        """The parts' rows in order, cut into chunks of at most ``batch_size`` rows."""
        chunk: dict[str, list[_Row]] = {}
        room = self.batch_size
        for part, rows in pending:
            while rows:
                chunk[part.param], rows = rows[:room], rows[room:]
                room -= len(chunk[part.param])
                if room == 0:
                    yield chunk
                    chunk, room = {}, self.batch_size
        if chunk:
            yield chunk


def _write_rows(held: HeldWrites) -> dict[str, list[_Row]]:
    """Held writes as the rows of each :data:`graph.cypher.WRITE_PARTS` part, by parameter."""
    rows: dict[str, list[_Row]] = {}
    for (label, key), props in held.nodes.items():
        part = cypher.NODE_PARTS[(label, (label, key) in held.created)]
        rows.setdefault(part.param, []).append({**props, KEYS[label]: key})
    for alias, owner in held.aliases.items():
        new = alias in held.new_aliases
        if new and alias == owner:
            continue  # a policy's own id needs no alias node (graph.cypher._ALIAS_OWNER)
        part = cypher.ALIAS_PARTS[new]
        rows.setdefault(part.param, []).append({"alias": alias, "id": owner})
    for (rel, source, target), edge_props in held.edges.items():
        new = source in held.created or target in held.created
        edge_part = cypher.EDGE_PARTS.get(((rel, source[0], target[0]), new))
        if edge_part is None:
            raise StoreError(f"the graph model has no {rel} from {source[0]} to {target[0]}")
        rows.setdefault(edge_part.param, []).append(
            {"s": source[1], "t": target[1], "p": dict(edge_props)}
        )
    return rows


def _named_rows(
    tx: ManagedTransaction, query: QuerySpec, params: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """A named query's rows; read as one record when the query names its columns (the driver
    decodes records one by one, slowly: 1,000 rows cost ~0.3 ms each)."""
    columns: tuple[str, ...] | None = getattr(query, "columns", None)
    if not columns:
        return tx.run(query.cypher, dict(params)).data()
    statement = cypher.collected(query.cypher, columns)
    rows = tx.run(statement, dict(params)).single(strict=True)["rows"]
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _add_prefetched(found: Prefetched, record: Record) -> None:
    for source, report_id in record["sources"]:
        found.sources.setdefault(source, []).append(report_id)
    found.aliases.update(dict(record["aliases"]))
    for label in Label:
        key = KEYS[label]
        found.nodes[label].update({props[key]: _clean(props, key) for props in record[label.value]})


def _connect(settings: Settings) -> Driver:
    """A driver that has answered, or a StoreError naming the URI."""
    timeout = settings.neo4j_connect_timeout_s
    try:
        driver = GraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
            connection_timeout=timeout,
            connection_acquisition_timeout=timeout,
            max_transaction_retry_time=timeout * 3,
            # An empty database does not know our labels yet: that is not worth a warning.
            notifications_disabled_classifications=[
                NotificationDisabledClassification.UNRECOGNIZED
            ],
        )
    except (ValueError, DriverError) as exc:
        raise StoreError(f"invalid Neo4j URI {settings.neo4j_uri!r}: {exc}") from exc
    try:
        driver.verify_connectivity()
    except AuthError as exc:
        driver.close()
        raise StoreError(
            f"Neo4j at {settings.neo4j_uri} refused user {settings.neo4j_user!r}: "
            "check NEO4J_USER / NEO4J_PASSWORD"
        ) from exc
    except Neo4jError as exc:
        driver.close()
        if (exc.code or "").startswith(_SECURITY_CODES):  # e.g. AuthenticationRateLimit
            raise StoreError(
                f"Neo4j at {settings.neo4j_uri} refused user {settings.neo4j_user!r} "
                f"({exc.code}): check NEO4J_USER / NEO4J_PASSWORD"
            ) from exc
        message = " ".join(str(exc.message).split())
        raise StoreError(f"Neo4j at {settings.neo4j_uri} failed: {exc.code}: {message}") from exc
    except (ServiceUnavailable, DriverError, OSError) as exc:
        driver.close()
        reason = why_unreachable(exc)
        raise StoreError(
            f"cannot reach Neo4j at {settings.neo4j_uri} within {timeout:g} s: {reason}"
        ) from exc
    return driver


def why_unreachable(error: BaseException) -> str:
    """The driver's reason in one line: the socket's own words when it gives them.

    Example:
        >>> why_unreachable(OSError("Couldn't connect to h:1:\\nFailed (reason [Errno 111] "
        ...     "Connection refused)"))
        'connection refused'
    """
    text = " ".join(str(error).split())
    found = _SOCKET_REASON.search(text)
    return found.group(1).strip().lower() if found else text


def _what(extraction: Extraction) -> str:
    return f"report {extraction.report_id} from {extraction.source}"


def _count_or_none(tx: ManagedTransaction, query: str, **params: Any) -> int | None:
    value = tx.run(query, params).single(strict=True)[0]
    return None if value is None else int(value)


def _count(tx: ManagedTransaction, query: str, **params: Any) -> int:
    record = tx.run(query, params).single(strict=True)
    return int(record[0])


def _clean(props: Mapping[str, Any], key: str | None = None) -> dict[str, Any]:
    """Properties as the embedded store holds them (lists as lists, the key and the CITES
    sort keys left out)."""
    return {
        k: list(v) if isinstance(v, list | tuple) else v
        for k, v in props.items()
        if k != key and k not in HIDDEN
    }


def _node(label: Label, props: Mapping[str, Any]) -> Node:
    key = KEYS[label]
    return Node(label, str(props[key]), _clean(props, key))


def _citation_page(policy: str, rows: Sequence[Mapping[str, Any]], total: int) -> CitationPage:
    target = (Label.POLICY, policy)
    edges = [
        Edge(Rel.CITES, (Label.REPORT, row["report"]), target, _clean(row["props"])) for row in rows
    ]
    return CitationPage(edges, [row["year"] for row in rows], int(total))


def _edge(rel: Rel, row: Mapping[str, Any]) -> Edge:
    source = (Label(row["source_label"]), row["source_key"])
    target = (Label(row["far_label"]), row["far_key"])
    return Edge(rel, source, target, _clean(row["props"]))
