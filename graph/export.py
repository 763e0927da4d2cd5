"""Export a graph (``GraphStore.dump()``) to GraphML, CSV or JSON Lines.

* ``graphml``: one file, via networkx; list-valued properties as JSON strings (GraphML has
  no list type). Nodes are ``Label:key`` ids with a ``label`` attribute; edges carry ``type``.
* ``csv``: a folder with ``nodes.csv`` (label, key, then every property) and
  ``relationships.csv`` (type, source/target label and key, then every property); lists as JSON.
* ``jsonl``: one JSON object per line, nodes first (``{"kind": "node", ...}``) then
  relationships (``{"kind": "relationship", ...}``); lists stay lists.

Example:
    >>> from graph.store import Node
    >>> graph = to_networkx([Node(Label.REGION, "420304", {"name": "郧阳"})], [])
    >>> dict(graph.nodes["Region:420304"])
    {'label': 'Region', 'key': '420304', 'name': '郧阳'}
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import networkx as nx

from graph.model import EVIDENCE_PROPERTIES, PROPERTIES, Label, edge_attrs, node_attrs, node_id
from graph.store import Edge, Node

ExportFormat = Literal["graphml", "csv", "jsonl"]
FORMATS: tuple[ExportFormat, ...] = ("graphml", "csv", "jsonl")
RELATIONSHIP_PROPERTIES = ("count", *EVIDENCE_PROPERTIES)
PROPERTIES_IN_ORDER: tuple[str, ...] = tuple(
    dict.fromkeys(prop for label in Label for prop in PROPERTIES[label])
)


def export_graph(
    nodes: Sequence[Node], edges: Sequence[Edge], fmt: ExportFormat, out: Path
) -> list[Path]:
    """Write the graph to ``out`` in ``fmt``; returns the files written.

    ``out`` is a file for graphml and jsonl, a folder (created) for csv.
    """
    if fmt == "graphml":
        return [write_graphml(nodes, edges, out)]
    if fmt == "csv":
        return write_csv(nodes, edges, out)
    if fmt == "jsonl":
        return [write_jsonl(nodes, edges, out)]
    raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")


def flat(value: Any) -> Any:
    """A property value a flat format can hold: lists and maps become JSON text."""
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def to_networkx(nodes: Iterable[Node], edges: Iterable[Edge]) -> nx.MultiDiGraph:
    """A MultiDiGraph with flat attributes (no ``None``, lists as JSON), as GraphML needs."""
    graph = nx.MultiDiGraph()
    for node in nodes:
        props = {"key": node.key, **flat_props(node.props)}
        graph.add_node(node_id(node.label, node.key), **node_attrs(node.label, props))
    for edge in edges:
        attrs = edge_attrs(edge.type, flat_props(edge.props))
        source, target = node_id(*edge.source), node_id(*edge.target)
        graph.add_edge(source, target, key=edge.type.value, **attrs)
    return graph


def flat_props(props: Mapping[str, Any]) -> dict[str, Any]:
    """Properties as flat values (:func:`flat`), the ``None`` ones left out.

    Example:
        >>> flat_props({"aliases": ["甲", "乙"], "year": None})
        {'aliases': '["甲", "乙"]'}
    """
    return {k: flat(v) for k, v in props.items() if v is not None}


def write_graphml(nodes: Sequence[Node], edges: Sequence[Edge], out: Path) -> Path:
    """One GraphML file."""
    out.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(to_networkx(nodes, edges), out, encoding="utf-8")
    return out


def write_csv(nodes: Sequence[Node], edges: Sequence[Edge], out: Path) -> list[Path]:
    """``nodes.csv`` and ``relationships.csv`` in the folder ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    node_columns = ["label", "key", *columns(PROPERTIES_IN_ORDER, (n.props for n in nodes))]
    edge_columns = ["type", "source_label", "source_key", "target_label", "target_key"]
    edge_columns += columns(RELATIONSHIP_PROPERTIES, (e.props for e in edges))
    node_rows = ({"label": n.label, "key": n.key, **n.props} for n in nodes)
    edge_rows = (relationship_row(e) for e in edges)
    return [
        write_rows(out / "nodes.csv", node_columns, node_rows),
        write_rows(out / "relationships.csv", edge_columns, edge_rows),
    ]


def columns(known: Sequence[str], props: Iterable[Mapping[str, Any]]) -> list[str]:
    """The known property columns in model order, then any others found, sorted."""
    seen: set[str] = set()
    for p in props:
        seen.update(p)
    extra = sorted(seen.difference(known))
    return [*known, *extra]


def relationship_row(edge: Edge) -> dict[str, Any]:
    """One relationship as a flat row."""
    return {
        "type": edge.type,
        "source_label": edge.source[0],
        "source_key": edge.source[1],
        "target_label": edge.target[0],
        "target_key": edge.target[1],
        **edge.props,
    }


def write_rows(path: Path, header: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> Path:
    """A UTF-8 CSV file (None → empty cell, lists → JSON)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(header))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else flat(v) for k, v in row.items()})
    return path


def write_jsonl(nodes: Sequence[Node], edges: Sequence[Edge], out: Path) -> Path:
    """One JSON object per line: every node, then every relationship."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for node in nodes:
            record = {
                "kind": "node",
                "label": node.label,
                "key": node.key,
                "props": dict(node.props),
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        for edge in edges:
            record = {
                "kind": "relationship",
                "type": edge.type,
                "source": list(edge.source),
                "target": list(edge.target),
                "props": dict(edge.props),
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return out
