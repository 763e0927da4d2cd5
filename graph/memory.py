"""The embedded store: a networkx ``MultiDiGraph`` in memory, saved atomically to a data dir.

Shape (binding, see :mod:`graph.model`): node id ``"Label:key"``, node attributes
``{"label": …, **props}``; one edge per (source, target, type) with the type as multigraph key
and attributes ``{"type": …, **props}``. The policy alias index (alias → Policy id) lives
beside the graph, not in it, so queries never see it.

Writes: each report is written through an undo journal — when anything fails half-way the
journal puts back every change, so the graph holds all of a report or nothing of it.
After a write succeeds, the indexes and aggregates the named queries read
(:mod:`graph.memory_index`: nodes by label, policies by spelling, a text index, citation
counts per policy and region, citing reports by year) are refreshed for the nodes it touched.

Persistence: ``<data_dir>/graph.pickle`` (pickle protocol 5 of the graph and the alias index),
written to a temporary file, fsynced and renamed over the old one, so a crash while saving
leaves the previous complete state; the temp file a killed save leaves behind is removed
when a store next opens the data dir (:func:`remove_stale_temp_files`). Saving after every
report would cost a full dump each time, so writes mark the store dirty and it saves after
``flush_every`` writes (``Settings.memory_flush_every`` when opened by
:func:`graph.factory.open_store`), on :meth:`MemoryStore.flush` and on
:meth:`MemoryStore.close` (``with`` blocks close). A crash loses at most the writes since the
last save; what is on disk is always a complete state.
The file is a pickle: open only data dirs you trust (your own).

One writer, readers that follow (:mod:`graph.writer_lock`): the first write takes the data dir's
writer lock (waiting up to ``lock_timeout_s`` for another writer) and, holding it, loads the
graph again when another writer saved since this store read it, so no writer's reports are lost.
The lock is held until :meth:`MemoryStore.flush` or :meth:`MemoryStore.close`, or for the whole
of an :meth:`MemoryStore.exclusive_writes` block (an ingest run); periodic saves keep it.
Readers take no lock; :meth:`MemoryStore.changed_on_disk` tells one that a newer state was saved.

Thread safety: one re-entrant lock around every operation (FastAPI runs sync resolvers in a
thread pool); :meth:`MemoryStore.run` holds it while a query walks the graph.

Example:
    >>> with MemoryStore(None) as store:
    ...     store.stats().nodes
    {}
"""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import networkx as nx

from graph.heap import release, settle
from graph.memory_index import ISSUER_RELS, attach_index
from graph.model import Label, Rel, edge_attrs, node_attrs, node_id, split_node_id
from graph.nxgraph import node_attributes, typed_neighbours
from graph.order import matches, order_far_edges, order_nodes, sort_nodes
from graph.resolve import ENTITY_LINKS, REGION_ANCHORS, write_report
from graph.rows import sort_edges
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
from graph.writer_lock import DiskSnapshot, OnWait, WriterLock, disk_snapshot
from ingest.collector import collector_paused
from ingest.model import Extraction

GRAPH_FILE = "graph.pickle"
FORMAT_VERSION = 1
_MISSING = object()
_T = TypeVar("_T")


class MemoryStore(ClosesOnExit):
    """The embedded :class:`~graph.store.GraphStore`.

    ``data_dir=None`` keeps everything in memory (tests, notebooks).

    Example:
        >>> from ingest.model import Extraction, ReportMeta
        >>> store = MemoryStore(None)
        >>> store.upsert_report(Extraction("a.txt", "r1", "文。", ReportMeta(year=2020))).status
        'new'
        >>> store.get_nodes(Label.REPORT, ["r1"])[0].props["year"]
        2020
    """

    def __init__(
        self,
        data_dir: Path | None,
        *,
        evidence_cap: int = 3,
        flush_every: int = 500,
        lock_timeout_s: float = 600.0,
        on_wait: OnWait | None = None,
    ) -> None:
        self.graph: nx.MultiDiGraph = nx.MultiDiGraph()
        self._aliases: dict[str, str] = {}
        self._sources: dict[str, set[str]] = {}
        self._lock = threading.RLock()
        self._cap = evidence_cap
        self._flush_every = max(1, flush_every)
        self._unsaved = 0
        self._sessions = 0
        self._path = Path(data_dir) / GRAPH_FILE if data_dir is not None else None
        self._writer = (
            WriterLock(Path(data_dir), timeout_s=lock_timeout_s, on_wait=on_wait or _log_wait)
            if data_dir is not None
            else None
        )
        self._loaded: DiskSnapshot | None = None
        if self._path is not None:
            remove_stale_temp_files(self._path)
        self._load()

    def _load(self) -> None:
        """(Re)read the saved graph, if there is one, and remember which state it was."""
        release()  # the graph read before (if any) is dropped below
        if self._path is None or not self._path.exists():
            self._loaded = None
            self.graph, self._aliases = nx.MultiDiGraph(), {}
        else:
            self.graph, self._aliases, self._loaded = read_graph_file(self._path)
        self._sources = source_index(self.graph)
        self._index = attach_index(self.graph)  # graph/memory_index.py: kept up to date on writes
        settle()  # graph/heap.py: collections need not scan the graph

    @property
    def path(self) -> Path | None:
        """The file the graph is saved to (None when in memory only)."""
        return self._path

    @property
    def snapshot(self) -> DiskSnapshot | None:
        """The saved state this store holds (None: nothing saved yet, or in memory only)."""
        return self._loaded

    def changed_on_disk(self) -> bool:
        """Whether another writer saved a state this store has not read (a cheap ``stat``).

        Example:
            >>> MemoryStore(None).changed_on_disk()
            False
        """
        if self._path is None:
            return False
        return disk_snapshot(self._path) != self._loaded

    @contextmanager
    def exclusive_writes(self) -> Iterator[None]:
        """Hold the writer lock from the block's first write to its end, then save and let
        the next writer in (blocks nest; the outermost one releases).

        Example:
            >>> store = MemoryStore(None)
            >>> with store.exclusive_writes():
            ...     store.clear()
        """
        with self._lock:
            self._sessions += 1
        try:
            yield
        finally:
            with self._lock:
                self._sessions -= 1
            self.flush()

    def _become_writer(self) -> None:
        """Take the writer lock if not held, then read what another writer saved meanwhile."""
        if self._writer is None or self._writer.held:
            return
        self._writer.acquire()
        if self.changed_on_disk():
            self._load()

    # --- writes -----------------------------------------------------------------------
    def upsert_report(self, extraction: Extraction) -> UpsertResult:
        """Write one report atomically; same content → unchanged, same source → replaced."""
        with self._lock:
            self._become_writer()
            result = self._in_tx(
                lambda tx: write_report(tx, extraction, evidence_cap=self._cap),
                f"report {extraction.report_id} from {extraction.source}",
            )
            if result.status != "unchanged":
                self._changed()
            return result

    def upsert_reports(self, extractions: Sequence[Extraction]) -> list[UpsertResult | StoreError]:
        """Upsert each report in turn (each atomic); a failed one's place holds its StoreError."""
        with self._lock:
            self._become_writer()  # a store that cannot be written fails the call, not each report
            results = [self._upsert_or_error(extraction) for extraction in extractions]
            settle()  # graph/heap.py: what the batch added is long-lived
            return results

    def _upsert_or_error(self, extraction: Extraction) -> UpsertResult | StoreError:
        try:
            return self.upsert_report(extraction)
        except StoreError as error:
            return error

    def delete_report(self, report_id: str) -> bool:
        """Remove a report and what only it kept alive; False if it was not there."""
        with self._lock:
            self._become_writer()
            deleted = self._in_tx(lambda tx: tx.delete_report(report_id), f"report {report_id}")
            if deleted:
                self._changed()
            return deleted

    def clear(self) -> None:
        """Remove everything (saved on the next flush)."""
        with self._lock:
            self._become_writer()
            self.graph = nx.MultiDiGraph()
            self._aliases = {}
            self._sources = {}
            self._index = attach_index(self.graph)
            self._changed()

    def _in_tx(self, work: Callable[[MemoryTx], _T], what: str) -> _T:
        tx = MemoryTx(self.graph, self._aliases, self._sources)
        try:
            done = work(tx)
        except Exception as exc:
            tx.rollback()
            raise StoreError(f"could not write {what}: {exc}") from exc
        self._index.refresh(tx.touched, tx.reissued)
        return done

    def _changed(self) -> None:
        self._unsaved += 1
        if self._unsaved >= self._flush_every:
            self._save()

    # --- reads ------------------------------------------------------------------------
    def ping(self) -> None:
        """The embedded store always answers."""

    def stats(self) -> GraphStats:
        """Node counts by label and relationship counts by type."""
        with self._lock:
            nodes: dict[str, int] = {}
            for _, label in self.graph.nodes(data="label"):
                nodes[label] = nodes.get(label, 0) + 1
            rels: dict[str, int] = {}
            for _, _, rel in self.graph.edges(keys=True):
                rels[rel] = rels.get(rel, 0) + 1
            return GraphStats(dict(sorted(nodes.items())), dict(sorted(rels.items())))

    def get_nodes(self, label: Label, keys: Sequence[str]) -> list[Node | None]:
        """The nodes with these keys, in the order asked (None where missing)."""
        with self._lock:
            return [self._node(node_id(label, key)) for key in keys]

    def edges_of(
        self, label: Label, keys: Sequence[str], rel: Rel, direction: Direction
    ) -> list[list[Edge]]:
        """For each key, its ``rel`` relationships in ``direction``, by the far end's key."""
        with self._lock:
            return [self._edges_of(node_id(label, key), rel, direction) for key in keys]

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
        with self._lock:
            if limit <= 0:  # a count alone (services/suggest.py): no node built
                return Page(items=[], total=len(self._matching(label, where or {})))
            found = list(self._nodes_of(label, where or {}))
        ordered = order_nodes(found, order_by, descending=descending)
        return Page(items=ordered[offset : offset + limit], total=len(found))

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
        """For each policy, one page of its citations, newest report year first (see
        :meth:`graph.store.GraphStore.citations`)."""
        with self._lock:
            return [
                self._citations_page(key, limit, offset, year_from, year_to, province)
                for key in policies
            ]

    def _citations_page(
        self,
        policy: str,
        limit: int,
        offset: int,
        year_from: int | None,
        year_to: int | None,
        province: str | None,
    ) -> CitationPage:
        """One page from the index's year-ordered citing reports: only the page's CITES
        relationships are read (:func:`graph.order.citation_page` is the reference)."""
        pid = node_id(Label.POLICY, policy)
        cited = self._index.citing_reports(pid)
        if year_from is not None or year_to is not None:
            cited = [(r, y) for r, y in cited if _year_in(y, year_from, year_to)]
        if province is not None:
            regions = self._index.contributions
            cited = [(r, y) for r, y in cited if _in_province(regions[r].regions, province)]
        shown = cited[max(0, offset) : max(0, offset) + max(0, limit)]
        edges = [_edge(self.graph, rid, pid, Rel.CITES.value) for rid, _ in shown]
        return CitationPage(edges, [year for _, year in shown], len(cited))

    def run(self, query: QuerySpec, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Answer a named research question on the graph, under the lock."""
        with self._lock:
            return query.run_networkx(self.graph, params)

    def dump(self) -> tuple[list[Node], list[Edge]]:
        """Every node (by label, key) and relationship (by type, source, target)."""
        with self._lock:
            nodes = [n for n in (self._node(nid) for nid in self.graph.nodes) if n is not None]
            edges = [_edge(self.graph, u, v, k) for u, v, k in self.graph.edges(keys=True)]
        return sort_nodes(nodes), sort_edges(edges)

    def policy_aliases(self) -> dict[str, str]:
        """The policy alias index, alias → Policy id (a copy; for a bulk load into Neo4j)."""
        with self._lock:
            return dict(self._aliases)

    def _node(self, nid: str) -> Node | None:
        attrs = node_attributes(self.graph, nid)
        if attrs is None:
            return None
        label, key = split_node_id(nid)
        return Node(label, key, _props(attrs, "label"))

    def _nodes_of(self, label: Label, where: Mapping[str, Any]) -> Iterator[Node]:
        """The nodes of ``label`` matching ``where`` (filtered before any Node is built; the
        nodes matching a filter are listed once and kept until the next write)."""
        for nid in self._matching(label, where):
            yield Node(label, split_node_id(nid)[1], _props(self.graph._node[nid], "label"))

    def _matching(self, label: Label, where: Mapping[str, Any]) -> list[str]:
        def find() -> list[str]:
            return [nid for nid, attrs in self._index.nodes(label) if matches(attrs, where)]

        try:
            key = ("find_nodes", label, frozenset(where.items()))
        except TypeError:  # a value that cannot be a key (a list): no keeping
            return find()
        found: list[str] = self._index.derived(key, find)
        return found

    def _edges_of(self, nid: str, rel: Rel, direction: Direction) -> list[Edge]:
        if nid not in self.graph:
            return []
        near = split_node_id(nid)
        edges = []
        for far_id, attrs in typed_neighbours(self.graph, nid, rel, direction):
            far = split_node_id(far_id)
            ends = (near, far) if direction == "out" else (far, near)
            edges.append(Edge(rel, *ends, _props(attrs, "type")))
        return order_far_edges(edges, direction)

    # --- lifecycle --------------------------------------------------------------------
    def flush(self) -> None:
        """Save the graph now if anything changed since the last save, and let the next writer
        in (unless inside :meth:`exclusive_writes`)."""
        with self._lock:
            self._save()
            if self._writer is not None and not self._sessions:
                self._writer.release()

    def _save(self) -> None:
        if self._path is not None and self._unsaved:
            save_graph(self._path, self.graph, self._aliases)
            self._loaded = disk_snapshot(self._path)  # ours: we hold the writer lock
        self._unsaved = 0

    def close(self) -> None:
        """Save pending writes."""
        self.flush()


class MemoryTx:
    """:class:`graph.resolve.WriteTx` over the graph, recording how to undo each change."""

    def __init__(
        self, graph: nx.MultiDiGraph, aliases: dict[str, str], sources: dict[str, set[str]]
    ) -> None:
        self.graph = graph
        self.aliases = aliases
        self.sources = sources  # Report.source → report ids, kept in step with the graph
        self._undo: list[Callable[[], None]] = []
        self.touched: list[str] = []  # nodes whose attributes or relationships changed
        self.reissued: list[str] = []  # policies whose issuer relationships changed

    def rollback(self) -> None:
        """Undo every change made through this transaction, newest first."""
        while self._undo:
            self._undo.pop()()

    # --- reads ------------------------------------------------------------------------
    def report_exists(self, report_id: str) -> bool:
        return node_id(Label.REPORT, report_id) in self.graph

    def reports_with_source(self, source: str) -> list[str]:
        return sorted(self.sources.get(source, ()))

    def policy_aliases(self, aliases: Sequence[str]) -> dict[str, str]:
        return {alias: self.aliases[alias] for alias in aliases if alias in self.aliases}

    def read_nodes(self, label: Label, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        found = {key: self.graph.nodes.get(node_id(label, key)) for key in keys}
        return {key: _props(attrs, "label") for key, attrs in found.items() if attrs is not None}

    def incident_edges(self, label: Label, key: str) -> list[Edge]:
        nid = node_id(label, key)
        if nid not in self.graph:
            return []
        ends = [*self.graph.in_edges(nid, keys=True), *self.graph.out_edges(nid, keys=True)]
        return [_edge(self.graph, u, v, k) for u, v, k in ends]

    # --- writes -----------------------------------------------------------------------
    def write_nodes(self, label: Label, nodes: Sequence[Node]) -> None:
        for node in nodes:
            self._set_node(node_id(label, node.key), node_attrs(label, node.props))

    def write_edges(self, edges: Sequence[Edge]) -> None:
        for edge in edges:
            ends = (node_id(*edge.source), node_id(*edge.target))
            missing = [nid for nid in ends if nid not in self.graph]
            if missing:
                raise StoreError(f"{edge.type.value} relationship to missing node(s) {missing}")
            self._set_edge(*ends, edge.type.value, edge_attrs(edge.type, edge.props))

    def set_policy_aliases(self, aliases: Mapping[str, str]) -> None:
        for alias, owner in aliases.items():
            self._set_alias(alias, owner)

    def delete_node(self, label: Label, key: str) -> None:
        nid = node_id(label, key)
        attrs = self.graph.nodes.get(nid)
        if attrs is None:
            return
        if label == Label.POLICY:
            for alias in attrs.get("aliases", ()):
                if self.aliases.get(alias) == key:
                    self._set_alias(alias, None)
        self._remove_node(nid)

    def delete_report(self, report_id: str) -> bool:
        rid = node_id(Label.REPORT, report_id)
        if rid not in self.graph:
            return False
        entities, regions = self._reached_from(rid)
        self._remove_node(rid)
        for nid in sorted(entities):
            if not self._entity_alive(nid):
                self.delete_node(*split_node_id(nid))
        for nid in sorted(regions):
            if not self._region_alive(nid):
                self._remove_node(nid)
        return True

    # --- liveness (graph.resolve module doc) -------------------------------------------
    def _reached_from(self, rid: str) -> tuple[set[str], set[str]]:
        """Entities and regions whose liveness may hang on the report ``rid``."""
        direct = set(self.graph.successors(rid))
        entities = self._closure(
            {n for n in direct if self._label(n) != Label.REGION}, ENTITY_LINKS, forward=True
        )
        anchored = {n for n in direct if self._label(n) == Label.REGION}
        for nid in entities:
            anchored.update(
                v for _, v, k in self.graph.out_edges(nid, keys=True) if k in REGION_ANCHORS
            )
        return entities, self._closure(anchored, {Rel.PART_OF}, forward=True)

    def _closure(self, start: set[str], rels: Collection[str], *, forward: bool) -> set[str]:
        seen = set(start)
        stack = list(start)
        while stack:
            nid = stack.pop()
            edges = (
                self.graph.out_edges(nid, keys=True)
                if forward
                else self.graph.in_edges(nid, keys=True)
            )
            for u, v, k in edges:
                nxt = v if forward else u
                if k in rels and nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen

    def _entity_alive(self, nid: str) -> bool:
        holders = self._closure({nid}, ENTITY_LINKS, forward=False)
        return any(
            self._label(u) == Label.REPORT for h in holders for u in self.graph.predecessors(h)
        )

    def _region_alive(self, nid: str) -> bool:
        parts = self._closure({nid}, {Rel.PART_OF}, forward=False)
        return any(
            k in REGION_ANCHORS for p in parts for _, _, k in self.graph.in_edges(p, keys=True)
        )

    def _label(self, nid: str) -> str:
        return str(self.graph.nodes[nid]["label"])

    # --- journalled primitives ------------------------------------------------------------
    def _set_node(self, nid: str, attrs: dict[str, Any]) -> None:
        self.touched.append(nid)
        current = self.graph.nodes.get(nid)
        if current is not None:
            self._index_source(nid, current, add=False)
        self._index_source(nid, attrs, add=True)
        if current is None:
            self.graph.add_node(nid, **attrs)
            self._undo.append(lambda: self.graph.remove_node(nid))
            return
        self._undo.append(_restorer(current))
        current.clear()
        current.update(attrs)

    def _set_edge(self, u: str, v: str, key: str, attrs: dict[str, Any]) -> None:
        self.touched += (u, v)
        if not self.graph.has_edge(u, v, key):
            if key in ISSUER_RELS:  # only a new edge changes who issued it, not new attributes
                self.reissued.append(u)
            self.graph.add_edge(u, v, key=key, **attrs)
            self._undo.append(lambda: self.graph.remove_edge(u, v, key))
            return
        current = self.graph.edges[u, v, key]
        self._undo.append(_restorer(current))
        current.clear()
        current.update(attrs)

    def _remove_node(self, nid: str) -> None:
        attrs = dict(self.graph.nodes[nid])
        edges = [
            *self.graph.in_edges(nid, keys=True, data=True),
            *self.graph.out_edges(nid, keys=True, data=True),
        ]
        self.touched += (nid, *(u for u, _, _, _ in edges), *(v for _, v, _, _ in edges))
        self.reissued += (u for u, _, k, _ in edges if k in ISSUER_RELS)
        saved = [(u, v, k, dict(data)) for u, v, k, data in edges]
        self._index_source(nid, attrs, add=False)
        self.graph.remove_node(nid)

        def restore() -> None:
            self.graph.add_node(nid, **attrs)
            for u, v, k, data in saved:
                self.graph.add_edge(u, v, key=k, **data)

        self._undo.append(restore)

    def _index_source(self, nid: str, attrs: Mapping[str, Any], *, add: bool) -> None:
        source = attrs.get("source")
        if attrs.get("label") != Label.REPORT or not isinstance(source, str):
            return
        report_id = split_node_id(nid)[1]
        ids = self.sources.setdefault(source, set())
        if add == (report_id in ids):
            return
        (ids.add if add else ids.discard)(report_id)
        self._undo.append(lambda: (ids.discard if add else ids.add)(report_id))

    def _set_alias(self, alias: str, owner: str | None) -> None:
        old = self.aliases.get(alias, _MISSING)
        if owner is None:
            self.aliases.pop(alias, None)
        else:
            self.aliases[alias] = owner

        def restore() -> None:
            if isinstance(old, str):
                self.aliases[alias] = old
            else:
                self.aliases.pop(alias, None)

        self._undo.append(restore)


def _year_in(year: int | None, year_from: int | None, year_to: int | None) -> bool:
    """A known year within the bounds given (as :func:`graph.order.citation_page` keeps)."""
    return (
        year is not None
        and (year_from is None or year >= year_from)
        and (year_to is None or year <= year_to)
    )


def _in_province(regions: Sequence[str], province: str) -> bool:
    """Whether the lowest region code a report is about starts with ``province``."""
    codes = [split_node_id(region)[1] for region in regions]
    return bool(codes) and min(codes)[:2] == province


def _restorer(attrs: dict[str, Any]) -> Callable[[], None]:
    """A function that puts ``attrs`` back as they are now."""
    saved = dict(attrs)

    def restore() -> None:
        attrs.clear()
        attrs.update(saved)

    return restore


def _props(attrs: dict[str, Any], skip: str) -> dict[str, Any]:
    """A copy of a node's or edge's attributes without ``skip``, lists copied too (callers may
    change what they get without changing the graph). A dict copy then a pass over the values
    is three times faster on a report node than a comprehension testing every key."""
    props = attrs.copy()
    props.pop(skip, None)
    for key, value in props.items():
        if value.__class__ is list:
            props[key] = value.copy()
    return props


def _edge(graph: nx.MultiDiGraph, u: str, v: str, key: str) -> Edge:
    return Edge(
        _RELS[key], split_node_id(u), split_node_id(v), _props(graph.succ[u][v][key], "type")
    )


_RELS: dict[str, Rel] = {rel.value: rel for rel in Rel}


# --- persistence ----------------------------------------------------------------------------
def save_graph(path: Path, graph: nx.MultiDiGraph, aliases: Mapping[str, str]) -> None:
    """Write graph and alias index to ``path`` atomically (temp file, fsync, rename).

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / GRAPH_FILE
        >>> save_graph(p, nx.MultiDiGraph(), {})
        >>> load_graph(p)[1]
        {}
    """
    payload = {"format": FORMAT_VERSION, "graph": graph, "aliases": dict(aliases)}
    path.parent.mkdir(parents=True, exist_ok=True)
    prefix = f"{_temp_prefix(path)}{os.getpid()}."  # whose it is: see remove_stale_temp_files
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=_TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            # streamed: a 100k graph's pickle held whole in memory was 1.3 GB more at the peak
            pickle.dump(payload, handle, protocol=5)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


_TEMP_SUFFIX = ".tmp"
_STALE_AFTER_S = 3600.0  # no save takes this long: a temp file this old was left behind


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def remove_stale_temp_files(path: Path) -> list[Path]:
    """Remove the temp files that saves of ``path`` left behind when killed; returns them.

    A temp file is stale when the process named in it (``.graph.pickle.<pid>.<random>.tmp``)
    is gone or it is over an hour old; a save in progress elsewhere keeps its file.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / GRAPH_FILE
        >>> left = p.parent / ".graph.pickle.999999999.abc.tmp"  # no such process
        >>> _ = left.write_bytes(b"half a pickle")
        >>> [found.name for found in remove_stale_temp_files(p)], left.exists()
        (['.graph.pickle.999999999.abc.tmp'], False)
    """
    if not path.parent.is_dir():
        return []
    pattern = f"{_temp_prefix(path)}*{_TEMP_SUFFIX}"
    stale = [temp for temp in path.parent.glob(pattern) if _is_stale(temp, path)]
    for temp in stale:
        temp.unlink(missing_ok=True)
    return stale


def _is_stale(temp: Path, path: Path) -> bool:
    try:
        age = time.time() - temp.stat().st_mtime
    except FileNotFoundError:
        return False  # renamed meanwhile: a save finished
    pid = temp.name.removeprefix(_temp_prefix(path)).split(".")[0]
    if not pid.isdigit():  # named by an older version: only its age tells
        return age > _STALE_AFTER_S
    return age > _STALE_AFTER_S or not _process_alive(int(pid))


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True  # another user's process
    return True


def load_graph(path: Path) -> tuple[nx.MultiDiGraph, dict[str, str]]:
    """Read what :func:`save_graph` wrote; a clear :class:`StoreError` when it cannot."""
    graph, aliases, _ = read_graph_file(path)
    return graph, aliases


def read_graph_file(path: Path) -> tuple[nx.MultiDiGraph, dict[str, str], DiskSnapshot]:
    """Like :func:`load_graph`, with the saved state read (the file's own, even when another
    writer replaces it meanwhile)."""
    try:
        with path.open("rb") as handle:
            snapshot = DiskSnapshot.of(os.fstat(handle.fileno()))
            with collector_paused():  # graph/heap.py: the objects it builds all stay alive
                payload = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
        raise StoreError(f"cannot read the graph file {path}: {exc}") from exc
    if not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION:
        raise StoreError(f"{path} is not a Fazhi graph file of format {FORMAT_VERSION}")
    return payload["graph"], dict(payload["aliases"]), snapshot


def source_index(graph: nx.MultiDiGraph) -> dict[str, set[str]]:
    """Report.source → ids of the Reports read from it."""
    index: dict[str, set[str]] = {}
    for nid, attrs in graph.nodes(data=True):
        if attrs["label"] == Label.REPORT and "source" in attrs:
            index.setdefault(attrs["source"], set()).add(split_node_id(nid)[1])
    return index


def _log_wait(message: str) -> None:
    """The default way a store waiting for another writer says so."""
    logging.getLogger(__name__).warning(message)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
