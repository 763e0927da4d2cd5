"""A whole graph as the CSV files of Neo4j's offline importer (``neo4j-admin database import
full``), for a first load into an empty database.

Pure file writing: the nodes and relationships come from a store that already resolved them
(the embedded store, :mod:`services.bulk_loading`), so what is imported is exactly what the
online path would have written, the policy alias index included
(``(:PolicyAlias {alias})-[:ALIAS_OF]->(:Policy)``, see :mod:`graph.cypher`).

The format (Neo4j operations manual, "Import"): one file per label (or type) and property
signature, each with its own header — the key as ``code:ID(Region)`` (stored as the property
``code``, and the ID space relationships name it by), relationships as
``:START_ID(Report),:END_ID(Policy)``, typed properties (``year:long``, ``needs_review:boolean``,
``evidence_text:string[]``). A node without some property goes to another file rather than
leaving an empty cell, so an absent property stays absent. Arrays are joined by a control
character that occurs in no value (:data:`ARRAY_DELIMITERS`); values are CSV-quoted (quotes
doubled), and newlines inside values ask the importer for multi-line fields.

Example:
    >>> import tempfile
    >>> from graph.model import Label
    >>> from graph.store import Node
    >>> folder = Path(tempfile.mkdtemp())
    >>> hubei = Node(Label.REGION, "420000", {"name": "湖北省"})
    >>> files = write_import_files([hubei], [], {}, folder)
    >>> (folder / files.nodes[0][1]).read_text(encoding="utf-8")
    'code:ID(Region),name:string\\n420000,湖北省\\n'
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph import cites_order
from graph.cypher import ALIAS_LABEL, ALIAS_REL, MARKER_LABEL
from graph.model import KEYS, Label, Rel
from graph.neo4j_tallies import AGGREGATES_VERSION, tally_nodes
from graph.store import Edge, Node

# Control characters no report text should hold, tried in turn: the first that occurs in no
# value joins the elements of arrays.
ARRAY_DELIMITERS = ("\x1f", "\x1e", "\x1d", "\x1c")
_SCALAR_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),  # before int: a bool is an int to Python
    (int, "long"),
    (float, "double"),
    (str, "string"),
)
_Signature = tuple[tuple[str, str], ...]  # (property, importer type), sorted
# The citation aggregates (graph.neo4j_tallies) and their version marker, so a bulk-loaded
# database has nothing to count at open: typed columns, an empty cell where a value is None.
TALLY_COLUMNS: dict[str, _Signature] = {
    "ReportTally": (
        ("report", "string"),
        ("year", "long"),
        ("published", "string"),
        ("region_code", "string"),
        ("regions", "string[]"),
        ("policies", "string[]"),
        ("counts", "long[]"),
    ),
    "PolicyTally": (
        ("policy", "string"),
        ("reports", "long"),
        ("mentions", "long"),
        ("regions", "long"),
    ),
    "PolicyRegionTally": (
        ("policy", "string"),
        ("region", "string"),
        ("reports", "long"),
        ("years", "long[]"),
        ("year_reports", "long[]"),
    ),
    "RegionTally": (("region", "string"), ("policies", "long")),
    "RegionYearTally": (
        ("region", "string"),
        ("year", "long"),
        ("reports", "long"),
        ("dates", "string[]"),
        ("first_published", "string"),
    ),
    MARKER_LABEL: (("name", "string"), ("version", "long")),
}


class BulkFormatError(ValueError):
    """A value the importer's CSV format cannot carry (a map, a mixed list …), named."""


@dataclass(frozen=True)
class ImportFiles:
    """The files written for one import, relative to their folder: ``(label, file)`` and
    ``(type, file)`` pairs, the array delimiter, and whether a value spans lines."""

    nodes: list[tuple[str, str]]
    relationships: list[tuple[str, str]]
    array_delimiter: str
    multiline: bool

    def arguments(self, folder: Path, database: str) -> list[str]:
        """The ``neo4j-admin database import full`` arguments importing these files.

        Example:
            >>> files = ImportFiles([("Region", "n.csv")], [], "\\x1f", False)
            >>> arguments = files.arguments(Path("/x"), "neo4j")
            >>> arguments[3], arguments[-2:]
            ('neo4j', ['--report-file=/x/import.report', '--nodes=Region=/x/n.csv'])
        """
        options = [
            "--overwrite-destination=true",
            "--bad-tolerance=0",  # faithful or nothing: a bad row stops the import
            "--strict=true",
            f"--array-delimiter=U+{ord(self.array_delimiter):04X}",
            f"--report-file={folder / 'import.report'}",  # not the caller's working directory
        ]
        if self.multiline:
            options.append("--multiline-fields=true")
        options += [f"--nodes={label}={folder / name}" for label, name in self.nodes]
        options += [f"--relationships={rel}={folder / name}" for rel, name in self.relationships]
        return ["database", "import", "full", database, *options]  # (--nodes takes many files)


def write_import_files(
    nodes: Sequence[Node], edges: Sequence[Edge], aliases: Mapping[str, str], folder: Path
) -> ImportFiles:
    """Write ``nodes``, ``edges`` and the policy ``aliases`` (alias → Policy id) into
    ``folder`` as importer CSV files; what was written, for :meth:`ImportFiles.arguments`.
    A policy's own id is no alias node (as online: :data:`graph.cypher.POLICY_ALIASES`)."""
    aliases = {alias: owner for alias, owner in aliases.items() if alias != owner}
    delimiter = array_delimiter(_values(nodes, edges))
    node_files: list[tuple[str, str]] = []
    edge_files: list[tuple[str, str]] = []
    multiline = False
    for index, ((label, signature), rows) in enumerate(
        sorted(_node_groups(nodes, aliases).items())
    ):
        name = f"nodes-{index:03d}-{label}.csv"
        header = [f"{_key(label)}:ID({label})", *(f"{p}:{t}" for p, t in signature)]
        multiline |= _write_csv(folder / name, header, rows, delimiter)
        node_files.append((label, name))
    for label, rows in _tally_rows(nodes, edges).items():
        name = f"tallies-{label}.csv"
        header = [f"{p}:{t}" for p, t in TALLY_COLUMNS[label]]
        multiline |= _write_csv(folder / name, header, rows, delimiter)
        node_files.append((label, name))
    keyed = _with_cites_keys(edges, nodes)
    for index, (shape, rows) in enumerate(sorted(_edge_groups(keyed, aliases).items())):
        rel, source, target, signature = shape
        name = f"relationships-{index:03d}-{rel}.csv"
        header = [f":START_ID({source})", f":END_ID({target})"]
        header += [f"{p}:{t}" for p, t in signature]
        multiline |= _write_csv(folder / name, header, rows, delimiter)
        edge_files.append((rel, name))
    return ImportFiles(node_files, edge_files, delimiter, multiline)


def array_delimiter(values: Iterable[Any]) -> str:
    """The first of :data:`ARRAY_DELIMITERS` that occurs in no string of ``values`` (strings,
    or lists of them).

    Example:
        >>> array_delimiter(["a", ["b\\x1fc"]]) == "\\x1e"
        True
    """
    remaining = list(ARRAY_DELIMITERS)
    for value in values:
        for text in value if isinstance(value, list | tuple) else [value]:
            if isinstance(text, str):
                remaining = [d for d in remaining if d not in text]
    if not remaining:
        raise BulkFormatError(
            "every array delimiter (U+001C to U+001F) occurs in some value: use the online path"
        )
    return remaining[0]


def importer_type(value: Any, where: str) -> str:
    """The importer's type of a property value (``long``, ``string[]`` …).

    Example:
        >>> importer_type(True, "x"), importer_type([1, 2], "x"), importer_type("a", "x")
        ('boolean', 'long[]', 'string')
    """
    if isinstance(value, list | tuple):
        kinds = {_scalar_type(item, where) for item in value}
        if len(kinds) != 1:
            raise BulkFormatError(f"{where}: an empty list or one of mixed types: {value!r:.80}")
        return f"{kinds.pop()}[]"
    return _scalar_type(value, where)


def _scalar_type(value: Any, where: str) -> str:
    for python_type, name in _SCALAR_TYPES:
        if isinstance(value, python_type):
            return name
    raise BulkFormatError(f"{where}: no importer type for {type(value).__name__} {value!r:.80}")


def _key(label: str) -> str:
    return "alias" if label == ALIAS_LABEL else KEYS[Label(label)]


def _signature(props: Mapping[str, Any], where: str) -> _Signature:
    return tuple(
        sorted((name, importer_type(value, f"{where} {name}")) for name, value in props.items())
    )


def _node_groups(
    nodes: Sequence[Node], aliases: Mapping[str, str]
) -> dict[tuple[str, _Signature], list[list[Any]]]:
    groups: dict[tuple[str, _Signature], list[list[Any]]] = {}
    for node in nodes:
        signature = _signature(node.props, f"{node.label.value} {node.key!r:.60}")
        row = [node.key, *(node.props[name] for name, _ in signature)]
        groups.setdefault((node.label.value, signature), []).append(row)
    if aliases:
        groups[(ALIAS_LABEL, ())] = [[alias] for alias in sorted(aliases)]
    return groups


def _tally_rows(nodes: Sequence[Node], edges: Sequence[Edge]) -> dict[str, list[list[Any]]]:
    tallies = tally_nodes(nodes, edges)
    tallies[MARKER_LABEL] = [
        {"name": "aggregates", "version": AGGREGATES_VERSION},
        {"name": cites_order.MARKER, "version": cites_order.VERSION},  # keyed in the CSV
    ]
    return {
        label: [[row.get(p) for p, _ in TALLY_COLUMNS[label]] for row in rows]
        for label, rows in tallies.items()
    }


def _with_cites_keys(edges: Sequence[Edge], nodes: Sequence[Node]) -> list[Edge]:
    """The edges, each CITES with its sort keys (:mod:`graph.cites_order`) among its
    properties, as the online path writes them."""
    reports = {node.key: node.props for node in nodes if node.label == Label.REPORT}
    return [_keyed(edge, reports) if edge.type == Rel.CITES else edge for edge in edges]


def _keyed(edge: Edge, reports: Mapping[str, Mapping[str, Any]]) -> Edge:
    report = {**reports.get(edge.source[1], {}), "id": edge.source[1]}
    keys = cites_order.order_keys(edge.target[1], report)
    return Edge(edge.type, edge.source, edge.target, {**edge.props, **keys})


def _edge_groups(
    edges: Sequence[Edge], aliases: Mapping[str, str]
) -> dict[tuple[str, str, str, _Signature], list[list[Any]]]:
    groups: dict[tuple[str, str, str, _Signature], list[list[Any]]] = {}
    for edge in edges:
        where = f"{edge.type.value} {edge.source[1]!r:.40}->{edge.target[1]!r:.40}"
        signature = _signature(edge.props, where)
        shape = (edge.type.value, edge.source[0].value, edge.target[0].value, signature)
        row = [edge.source[1], edge.target[1], *(edge.props[name] for name, _ in signature)]
        groups.setdefault(shape, []).append(row)
    if aliases:
        shape = (ALIAS_REL, ALIAS_LABEL, Label.POLICY.value, ())
        groups[shape] = [[alias, owner] for alias, owner in sorted(aliases.items())]
    return groups


def _write_csv(path: Path, header: list[str], rows: list[list[Any]], delimiter: str) -> bool:
    """Write one importer file; whether a value in it spans lines."""
    multiline = False
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            cells = [_cell(value, delimiter) for value in row]
            multiline |= any("\n" in cell or "\r" in cell for cell in cells)
            writer.writerow(cells)
    return multiline


def _cell(value: Any, delimiter: str) -> str:
    if value is None:
        return ""  # the importer leaves the property absent
    if isinstance(value, list | tuple):
        return delimiter.join(_cell(item, delimiter) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _values(nodes: Sequence[Node], edges: Sequence[Edge]) -> Iterable[Any]:
    for node in nodes:
        yield node.key
        yield from node.props.values()
    for edge in edges:
        yield from edge.props.values()
