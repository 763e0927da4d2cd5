"""Writing one report, the same way in every store: cross-report policy resolution, merges,
property merging and the replacement of a changed source.

Stores implement the small :class:`WriteTx` interface over one transaction (Neo4j: a managed
write transaction; embedded: an undo journal); :func:`write_report` holds the logic, so both
stores make the same decisions and end in the same state.

**Policy resolution rule.** The alias index maps an alias — a canonical title or a canonical
文号 — to one Policy id. A policy row of the incoming report resolves, in this order:

1. its title, when the index knows it, to that policy;
2. else its 文号, when the index knows it and the owner has a title, to that policy;
3. else a new node: id = the title, or the 文号 when it has no title.

When a titled row meets a 文号 whose owner has *no* title (a policy known so far only by its
number), that node is merged into the titled one: the title wins as id, the 文号-only node's
relationships move over (evidence combined) and its 文号 points to the titled node. So a policy
cited by title in one report, by title + 文号 in another and by 文号 alone in a third is one node,
``id`` = the title, in whatever order the reports arrive. An alias, once taken, keeps its owner
(except that re-pointing): two different titles written with the same 文号 stay two nodes, the
文号 resolving to the first.

**Liveness (what :meth:`WriteTx.delete_report` keeps).** After a report node and its own
relationships (``REPORT_RELS``) are gone:

* a Policy, Institution or Program lives iff some Report reaches it: ``(:Report)-[:CITES|
  MENTIONS|AUTHORED_BY]->()-[:IMPLEMENTS|ISSUED_BY*0..]->(it)``;
* a Region lives iff it or one of its ``PART_OF`` descendants has an incoming ``ABOUT`` or
  ``MENTIONS`` (from a Report), ``IN_REGION`` (from a living Institution) or ``ISSUED_IN``
  (from a living Policy);
* everything else the report reached is deleted with its relationships (and a deleted policy's
  aliases). Relationships between surviving entities (``IMPLEMENTS``, ``ISSUED_BY`` …) and the
  surviving entities' properties stay: they are facts about the entities, not the report.

**Properties.** A node's properties are merged with :func:`graph.rows.merge_props` (the newer
non-None scalar wins, ``aliases`` accumulate); a relationship written twice combines its evidence
with :func:`graph.rows.merge_edge_props`.

Example:
    >>> from graph.memory import MemoryStore
    >>> from ingest.model import Extraction, ReportMeta
    >>> MemoryStore(None).upsert_report(Extraction("a.txt", "r1", "文。", ReportMeta())).status
    'new'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from graph.model import Label, Rel
from graph.rows import (
    DIGEST_PROPERTY,
    EdgeKey,
    NodeRef,
    ReportRows,
    merge_edge_props,
    merge_props,
    rows_for,
    sort_edges,
)
from graph.store import Edge, Node, UpsertResult
from ingest.model import Extraction
from ingest.names import source_name

ENTITY_LINKS = frozenset({Rel.IMPLEMENTS, Rel.ISSUED_BY})  # keep their targets alive
REGION_ANCHORS = frozenset({Rel.ABOUT, Rel.MENTIONS, Rel.IN_REGION, Rel.ISSUED_IN})


class WriteTx(Protocol):
    """The primitive operations of one write transaction."""

    def report_exists(self, report_id: str) -> bool:
        """Whether a Report with this id exists."""
        ...

    def reports_with_source(self, source: str) -> list[str]:
        """Ids of the Reports read from ``source``, sorted."""
        ...

    def delete_report(self, report_id: str) -> bool:
        """Delete the report, its relationships and what is no longer alive (module doc)."""
        ...

    def policy_aliases(self, aliases: Sequence[str]) -> dict[str, str]:
        """alias → Policy id, for the aliases the index knows."""
        ...

    def set_policy_aliases(self, aliases: Mapping[str, str]) -> None:
        """Point each alias at a Policy id (creating or re-pointing the entry)."""
        ...

    def read_nodes(self, label: Label, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        """key → properties of the existing nodes among ``keys``."""
        ...

    def incident_edges(self, label: Label, key: str) -> list[Edge]:
        """Every relationship into or out of one node."""
        ...

    def write_nodes(self, label: Label, nodes: Sequence[Node]) -> None:
        """Create or overwrite nodes; ``props`` become the node's whole property set."""
        ...

    def write_edges(self, edges: Sequence[Edge]) -> None:
        """Create or overwrite relationships (both ends exist)."""
        ...

    def delete_node(self, label: Label, key: str) -> None:
        """Delete a node with its relationships (and its aliases when a Policy)."""
        ...


@dataclass
class Resolution:
    """Where each policy row of a report goes."""

    ids: dict[str, str] = field(default_factory=dict)  # row key → final Policy id
    merges: list[tuple[str, str]] = field(default_factory=list)  # 文号-only id → titled id
    aliases: dict[str, str] = field(default_factory=dict)  # alias → id, to record


def write_report(
    tx: WriteTx, extraction: Extraction, *, evidence_cap: int, rows: ReportRows | None = None
) -> UpsertResult:
    """Write one report through ``tx``: unchanged, new, or replacing its source's old version.

    A report already stored with the same text is unchanged only when it asserts the same
    facts (``facts_digest``); otherwise (a correction, a newer extractor) it replaces itself.

    ``rows`` are the report's :func:`graph.rows.rows_for`, when the caller has them already.

    Example:
        >>> from graph.memory import MemoryStore
        >>> from ingest.model import Extraction, ReportMeta
        >>> with MemoryStore(None) as store:
        ...     _ = store.upsert_report(Extraction("a.txt", "r1", "文。", ReportMeta()))
        ...     store.upsert_report(Extraction("a.txt", "r2", "新。", ReportMeta())).replaced_id
        'r1'
    """
    rows = rows or rows_for(extraction, evidence_cap=evidence_cap)
    report_id = extraction.report_id
    stored = tx.read_nodes(Label.REPORT, [report_id]).get(report_id)
    if stored is not None and stored.get(DIGEST_PROPERTY) == rows.digest:
        return UpsertResult(report_id, "unchanged")
    previous = tx.reports_with_source(source_name(extraction.source))
    if stored is not None and report_id not in previous:  # same text, new facts, other path
        previous.append(report_id)
    for old in previous:
        tx.delete_report(old)
    resolution = resolve_policies(tx, rows)
    for source, target in resolution.merges:
        merge_policy(tx, source, target, evidence_cap=evidence_cap)
    nodes, edges = rename_policies(rows, resolution.ids, evidence_cap=evidence_cap)
    written = write_rows(tx, nodes, edges)
    tx.set_policy_aliases(resolution.aliases)
    return UpsertResult(
        extraction.report_id,
        "replaced" if previous else "new",
        nodes_written=written,
        relationships_written=len(edges),
        replaced_id=previous[0] if previous else None,
    )


def resolve_policies(tx: WriteTx, rows: ReportRows) -> Resolution:
    """Apply the resolution rule (module doc) to the report's policy rows."""
    policies = rows.of_label(Label.POLICY)
    wanted = sorted({alias for node in policies for alias in resolution_aliases(node.props)})
    hits = tx.policy_aliases(wanted)
    owners = tx.read_nodes(Label.POLICY, sorted(set(hits.values())))
    titled = {key for key, props in owners.items() if "title" in props}
    index = {alias: (owner, owner in titled) for alias, owner in hits.items()}
    resolution = Resolution()
    for node in sorted(policies, key=lambda n: ("title" not in n.props, n.key)):
        _resolve_one(node, index, resolution)
    return resolution


def resolution_aliases(props: Mapping[str, Any]) -> list[str]:
    """The aliases a policy row is resolved by: its title and 文号, when it has them.

    Example:
        >>> resolution_aliases({"title": "某某办法", "kind": "办法"})
        ['某某办法']
    """
    return [props[name] for name in ("title", "doc_number") if props.get(name)]


def _resolve_one(node: Node, index: dict[str, tuple[str, bool]], out: Resolution) -> None:
    title, number = node.props.get("title"), node.props.get("doc_number")
    by_number = index.get(number) if number else None
    if title is None:
        target = by_number[0] if by_number else node.key
        _claim(index, out, node.key, target, titled=False)
    else:
        target = _titled_target(title, by_number, index)
        if number and by_number and not by_number[1] and by_number[0] != target:
            out.merges.append((by_number[0], target))
            index[number] = (target, True)
            out.aliases[number] = target
        _claim(index, out, title, target, titled=True)
        if number:
            _claim(index, out, number, target, titled=True)
    out.ids[node.key] = target


def _titled_target(
    title: str, by_number: tuple[str, bool] | None, index: Mapping[str, tuple[str, bool]]
) -> str:
    by_title = index.get(title)
    if by_title:
        return by_title[0]
    if by_number and by_number[1]:
        return by_number[0]
    return title


def _claim(
    index: dict[str, tuple[str, bool]], out: Resolution, alias: str, target: str, *, titled: bool
) -> None:
    """Record ``alias`` → ``target`` unless the alias already has an owner."""
    if alias not in index:
        index[alias] = (target, titled)
        out.aliases[alias] = target


def merge_policy(tx: WriteTx, source: str, target: str, *, evidence_cap: int) -> None:
    """Fold the 文号-only policy ``source`` into ``target``: properties, then relationships."""
    found = tx.read_nodes(Label.POLICY, [source, target])
    props = merge_props(found.get(source, {}), found.get(target, {}))
    tx.write_nodes(Label.POLICY, [Node(Label.POLICY, target, props)])
    existing = {_edge_key(e): e.props for e in tx.incident_edges(Label.POLICY, target)}
    moved: list[Edge] = []
    for edge in tx.incident_edges(Label.POLICY, source):
        renamed = _rename_edge(edge, {(Label.POLICY, source): (Label.POLICY, target)})
        if renamed.source == renamed.target:
            continue
        old = existing.get(_edge_key(renamed))
        if old is not None:
            merged = merge_edge_props(old, renamed.props, evidence_cap=evidence_cap)
            renamed = Edge(renamed.type, renamed.source, renamed.target, merged)
        moved.append(renamed)
    tx.delete_node(Label.POLICY, source)
    tx.write_edges(moved)


def rename_policies(
    rows: ReportRows, ids: Mapping[str, str], *, evidence_cap: int
) -> tuple[list[Node], list[Edge]]:
    """The report's rows with policy keys replaced by their resolved ids (duplicates merged)."""
    renames = {(Label.POLICY, k): (Label.POLICY, final) for k, final in ids.items() if k != final}
    if not renames:  # most reports: rows_for's rows are merged, unique and sorted already
        return [Node(n.label, n.key, dict(n.props)) for n in rows.nodes], [
            Edge(e.type, e.source, e.target, dict(e.props)) for e in rows.edges
        ]
    nodes: dict[NodeRef, dict[str, Any]] = {}
    for node in rows.nodes:
        ref = renames.get((node.label, node.key), (node.label, node.key))
        nodes[ref] = merge_props(nodes.get(ref, {}), node.props)
    edges: dict[EdgeKey, dict[str, Any]] = {}
    for edge in rows.edges:
        renamed = _rename_edge(edge, renames)
        key = _edge_key(renamed)
        old = edges.get(key)
        edges[key] = (
            dict(renamed.props)
            if old is None
            else merge_edge_props(old, renamed.props, evidence_cap=evidence_cap)
        )
    node_list = [Node(label, key, props) for (label, key), props in nodes.items()]
    edge_list = [Edge(rel, s, t, props) for (rel, s, t), props in edges.items() if s != t]
    return node_list, sort_edges(edge_list)


def write_rows(tx: WriteTx, nodes: Sequence[Node], edges: Sequence[Edge]) -> int:
    """Write nodes (merged into what exists) then edges; returns the number of nodes."""
    for label in Label:
        batch = [node for node in nodes if node.label == label]
        if not batch:
            continue
        existing = tx.read_nodes(label, [node.key for node in batch])
        merged = [Node(label, n.key, merge_props(existing.get(n.key, {}), n.props)) for n in batch]
        tx.write_nodes(label, merged)
    tx.write_edges(edges)
    return len(nodes)


def _edge_key(edge: Edge) -> EdgeKey:
    return (edge.type, edge.source, edge.target)


def _rename_edge(edge: Edge, renames: Mapping[NodeRef, NodeRef]) -> Edge:
    source = renames.get(edge.source, edge.source)
    target = renames.get(edge.target, edge.target)
    return Edge(edge.type, source, target, edge.props)
