"""A write-behind :class:`graph.resolve.WriteTx` for Neo4j: many reports, few round trips.

:class:`BufferedTx` sits on a :class:`~graph.neo4j_store.Neo4jTx` inside one transaction.
Reads go through a cache of what the database holds plus what this transaction has written
(so a report sees the earlier reports of its batch, exactly as if they had committed); node,
relationship and alias writes are held, merged by key, and sent by :meth:`BufferedTx.flush`
as one statement (:data:`graph.cypher.WRITE_ROWS`: an ``UNWIND`` per label, alias kind and
relationship shape, each in a ``CALL`` subquery). :meth:`prefetch` reads what a whole batch
will ask for in one statement too (:data:`graph.cypher.PREFETCH`), so a batch of a hundred
reports costs a few round trips instead of thousands (each round trip costs the server a few
milliseconds whatever its size).

The rare operations that walk the graph — deleting a replaced report, merging a 文号-only
policy into its titled one — first flush what is held, then run directly on the database,
and forget (part of) the cache, so they always see the true state.

Example:
    from graph.neo4j_store import Neo4jStore
    # Neo4jStore.upsert_reports wraps every batch transaction in a BufferedTx.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph.model import Label, Rel
from graph.neo4j_tallies import FreshReports
from graph.resolve import resolution_aliases
from graph.rows import EdgeKey, NodeRef, ReportRows
from graph.store import Edge, Node

if TYPE_CHECKING:
    from graph.neo4j_store import Neo4jTx

_Props = dict[str, Any]
_COUNTED = (Rel.CITES, Rel.ABOUT)  # what the citation aggregates read of a report


@dataclass
class Prefetched:
    """What the database holds for a batch: its sources' Reports, its aliases' owners, and
    the properties of the nodes it names (key property included) by label and key."""

    sources: dict[str, list[str]]
    aliases: dict[str, str]
    nodes: dict[Label, dict[str, _Props]]


@dataclass
class HeldWrites:
    """Writes held until :meth:`BufferedTx.flush`, merged by key; ``created`` and
    ``new_aliases`` are those the database does not have yet (created, not merged)."""

    nodes: dict[NodeRef, _Props] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    edges: dict[EdgeKey, Mapping[str, Any]] = field(default_factory=dict)
    created: set[NodeRef] = field(default_factory=set)
    new_aliases: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.nodes or self.aliases or self.edges)


class BufferedTx:
    """:class:`graph.resolve.WriteTx` reading through a cache and holding writes until flush.

    Used inside a managed write transaction (so it needs a server; the contract suite runs it)::

        tx = BufferedTx(Neo4jTx(managed_tx, 2000))
        write_report(tx, extraction, evidence_cap=3)
        tx.flush()  # nothing reaches the database before this (or a graph walk)
    """

    def __init__(self, inner: Neo4jTx) -> None:
        self.inner = inner
        self._nodes: dict[NodeRef, _Props | None] = {}  # None: known to be absent
        self._aliases: dict[str, str | None] = {}
        self._sources: dict[str, set[str]] = {}
        self._held = HeldWrites()
        self._sent_edges: dict[EdgeKey, Mapping[str, Any]] = {}  # since the last deletion
        self.touched_reports: dict[str, None] = {}  # whose citation aggregates may change
        self.fresh = FreshReports()  # the touched reports whose snapshots are known here
        self.walked = False  # deleted something: what it took along is not in the cache

    def follow(self, inner: Neo4jTx) -> BufferedTx:
        """A buffer for the transaction after this one, its cache knowing what this one
        wrote: right once this one has committed, so ``inner`` must not write before that
        (:mod:`graph.neo4j_pipeline` makes it wait). Not after a deletion (``walked``)."""
        after = BufferedTx(inner)
        after._nodes, after._aliases, after._sources = self._nodes, self._aliases, self._sources
        after._sent_edges = self._sent_edges
        return after

    def prefetch(self, batch: Sequence[ReportRows]) -> None:
        """Read, in one statement, everything writing these reports will ask for."""
        wanted, wanted_aliases = _wanted(batch)
        sources = sorted({rows.source for rows in batch} - self._sources.keys())
        keys = {
            label: [key for key in label_keys if (label, key) not in self._nodes]
            for label, label_keys in wanted.items()
        }
        aliases = [alias for alias in wanted_aliases if alias not in self._aliases]
        found = self.inner.prefetch(sources, aliases, keys)
        self._remember_sources(sources, found.sources)
        self._aliases.update({alias: found.aliases.get(alias) for alias in aliases})
        for label, label_keys in keys.items():
            props = found.nodes[label]  # the keys asked for, and the aliases' owners
            for key in [*label_keys, *props]:
                self._nodes.setdefault((label, key), props.get(key))

    # --- reads ------------------------------------------------------------------------
    def report_exists(self, report_id: str) -> bool:
        return bool(self.read_nodes(Label.REPORT, [report_id]))

    def reports_with_source(self, source: str) -> list[str]:
        if source not in self._sources:
            self._load_sources([source])
        return sorted(self._sources[source])

    def policy_aliases(self, aliases: Sequence[str]) -> dict[str, str]:
        missing = [alias for alias in dict.fromkeys(aliases) if alias not in self._aliases]
        if missing:
            found = self.inner.policy_aliases(missing)
            self._aliases.update({alias: found.get(alias) for alias in missing})
        owners = {alias: self._aliases[alias] for alias in aliases}
        return {alias: owner for alias, owner in owners.items() if owner is not None}

    def read_nodes(self, label: Label, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        missing = [key for key in dict.fromkeys(keys) if (label, key) not in self._nodes]
        if missing:
            found = self.inner.read_nodes(label, missing)
            self._nodes.update({(label, key): found.get(key) for key in missing})
        props = {key: self._nodes[(label, key)] for key in keys}
        return {key: dict(p) for key, p in props.items() if p is not None}

    def incident_edges(self, label: Label, key: str) -> list[Edge]:
        self.flush()
        return self.inner.incident_edges(label, key)

    # --- writes -----------------------------------------------------------------------
    def write_nodes(self, label: Label, nodes: Sequence[Node]) -> None:
        for node in nodes:
            ref = (label, node.key)
            props = dict(node.props)
            if self._nodes.get(ref) == props:
                continue  # already held, or held by the database, exactly so: most shared entities
            absent = ref in self._nodes and self._nodes[ref] is None
            if absent:
                self._held.created.add(ref)
            self._nodes[ref] = self._held.nodes[ref] = props
            if label == Label.REPORT:
                self.touched_reports[node.key] = None
                (self.fresh.created if absent else self.fresh.updated)(node.key, props)
            source = node.props.get("source") if label == Label.REPORT else None
            if isinstance(source, str) and source in self._sources:
                self._sources[source].add(node.key)

    def write_edges(self, edges: Sequence[Edge]) -> None:
        for edge in edges:
            key = (edge.type, edge.source, edge.target)
            if edge.type in _COUNTED and edge.source[0] == Label.REPORT:
                self.touched_reports[edge.source[1]] = None
                self._picture(edge)
            if key not in self._held.edges and self._sent_edges.get(key) == edge.props:
                continue  # sent exactly so by this transaction: shared entities' relationships
            self._held.edges[key] = edge.props

    def set_policy_aliases(self, aliases: Mapping[str, str]) -> None:
        changed = {a: owner for a, owner in aliases.items() if self._aliases.get(a) != owner}
        self._held.new_aliases.update(
            a for a in changed if a in self._aliases and self._aliases[a] is None
        )
        self._aliases.update(changed)
        self._held.aliases.update(changed)

    def delete_node(self, label: Label, key: str) -> None:
        self.flush()
        self.walked = True
        self._sent_edges.clear()
        self.inner.delete_node(label, key)
        self.fresh.deleted(label, key)
        self._nodes[(label, key)] = None
        if label == Label.POLICY:  # its aliases went with it
            gone = [alias for alias, owner in self._aliases.items() if owner == key]
            self._aliases.update(dict.fromkeys(gone))

    def delete_report(self, report_id: str) -> bool:
        self.flush()
        self.walked = True
        self.touched_reports[report_id] = None
        self.fresh.report_deleted(report_id)
        self._sent_edges.clear()
        deleted = self.inner.delete_report(report_id)
        # Liveness may have removed any entity the report reached: read them again.
        self._nodes.clear()
        self._aliases.clear()
        self._sources.clear()
        return deleted

    def flush(self, *, early: bool = False) -> None:
        """Send every held write in one statement (or one per ``batch_size`` rows): nodes by
        label, then aliases, then relationships.

        Nodes the database did not have are created, not merged, and so are the relationships
        touching them (nothing can exist to merge with), and aliases it did not have; the rest
        are merged by key. ``early``: sent without waiting for the transaction before to commit
        (see :meth:`~graph.neo4j_store.Neo4jTx.write`).
        """
        if self._held:
            self.inner.write(self._held, early=early)
            self._sent_edges.update(self._held.edges)
        self._held = HeldWrites()

    def _picture(self, edge: Edge) -> None:
        """A counted relationship of a report, in the picture of it when it is fresh."""
        report, far = edge.source[1], edge.target[1]
        if edge.type == Rel.CITES:
            self.fresh.cites(report, far, int(edge.props.get("count") or 0))
        else:
            self.fresh.about(report, far)

    def _load_sources(self, sources: Sequence[str]) -> None:
        """Source → report ids, from the database and from the Reports held here."""
        missing = [source for source in sources if source not in self._sources]
        if missing:
            self._remember_sources(missing, self.inner.reports_with_sources(missing))

    def _remember_sources(self, sources: Sequence[str], found: Mapping[str, list[str]]) -> None:
        for source in sources:
            self._sources[source] = set(found.get(source, ()))
        asked = set(sources)
        for (label, key), props in self._held.nodes.items():
            if label == Label.REPORT and props.get("source") in asked:
                self._sources[props["source"]].add(key)


def _wanted(batch: Sequence[ReportRows]) -> tuple[dict[Label, list[str]], list[str]]:
    """The node keys by label and the policy aliases that writing ``batch`` reads."""
    wanted: dict[Label, set[str]] = {label: set() for label in Label}
    aliases: set[str] = set()
    for rows in batch:
        wanted[Label.REPORT].add(rows.report_id)
        for node in rows.nodes:
            wanted[node.label].add(node.key)
            if node.label == Label.POLICY:
                aliases.update(resolution_aliases(node.props))
    return {label: sorted(keys) for label, keys in wanted.items()}, sorted(aliases)
