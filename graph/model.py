"""The graph schema, in one place: node labels and keys, relationship types and their properties.

Both stores hold exactly this shape.

* Neo4j: a node ``(:Label {key: …, …props})``; relationships carry the properties below.
* Embedded (networkx ``MultiDiGraph``): node id ``node_id(label, key)`` = ``"Label:key"``, node
  attributes ``{"label": label, **props}``; an edge from ``u`` to ``v`` has the relationship type as
  its multigraph key and attributes ``{"type": type, **props}`` (one edge per type and pair).

Evidence lives on relationships as three parallel lists (Neo4j properties cannot hold maps):
``evidence_text``, ``evidence_start``, ``evidence_end`` — capped per relationship by
``Settings.evidence_per_relationship``; ``count`` keeps the full number of mentions.

Example:
    >>> node_id(Label.REGION, "420304")
    'Region:420304'
    >>> KEYS[Label.POLICY]
    'id'
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any


class Label(StrEnum):
    """Node labels."""

    REPORT = "Report"
    REGION = "Region"
    INSTITUTION = "Institution"
    POLICY = "Policy"
    PROGRAM = "Program"


class Rel(StrEnum):
    """Relationship types (direction as written: source → target)."""

    ABOUT = "ABOUT"  # Report → Region
    AUTHORED_BY = "AUTHORED_BY"  # Report → Institution
    CITES = "CITES"  # Report → Policy {count, evidence_*}
    MENTIONS = "MENTIONS"  # Report → Institution | Program | Region {count, evidence_*}
    PART_OF = "PART_OF"  # Region → Region (child → parent)
    IN_REGION = "IN_REGION"  # Institution → Region
    ISSUED_BY = "ISSUED_BY"  # Policy → Institution
    ISSUED_IN = "ISSUED_IN"  # Policy → Region
    IMPLEMENTS = "IMPLEMENTS"  # Policy → Policy (outer title → nested title)


KEYS: dict[Label, str] = {
    Label.REPORT: "id",  # content hash of the cleaned text
    Label.REGION: "code",  # 6-digit GB/T 2260
    Label.INSTITUTION: "id",  # canonical full name, e.g. 郧阳区司法局
    Label.POLICY: "id",  # canonical title, or canonical 文号 when only the number is known
    Label.PROGRAM: "id",  # canonical name, e.g. 双随机一公开
}

# How a report's region, year and author were decided: ``<fact>_source`` … (graph.rows).
_ATTRIBUTION = ("source", "confidence", "inferred")

# Properties each label carries besides its key (documentation and export column order).
PROPERTIES: dict[Label, tuple[str, ...]] = {
    Label.REPORT: (
        "title",
        "year",
        "published",
        "author",
        "source",
        "url",
        "fetched_at",
        "archive_record",
        "region_code",
        "char_count",
        "doc_number",
        "needs_review",
        *(f"{fact}_{part}" for fact in ("region", "year", "author") for part in _ATTRIBUTION),
        "facts_digest",
    ),
    Label.REGION: ("name", "short_name", "full_name", "level", "lon", "lat"),
    Label.INSTITUTION: ("name", "kind", "region_code"),
    Label.POLICY: ("title", "doc_number", "kind", "year", "aliases"),
    Label.PROGRAM: ("name", "aliases"),
}

EVIDENCE_PROPERTIES = ("evidence_text", "evidence_start", "evidence_end")
EvidenceTriple = tuple[str, int, int]  # sentence, start, end


def evidence_triples(props: Mapping[str, Any]) -> list[EvidenceTriple]:
    """The evidence kept on a relationship (three parallel lists) as (text, start, end).

    Example:
        >>> props = {"evidence_text": ["依法行政。"], "evidence_start": [3], "evidence_end": [8]}
        >>> evidence_triples(props)
        [('依法行政。', 3, 8)]
    """
    texts, starts, ends = (props.get(name) or [] for name in EVIDENCE_PROPERTIES)
    return list(zip(texts, starts, ends, strict=False))


# Relationships whose source is a Report: they belong to that report and die with it.
REPORT_RELS: frozenset[Rel] = frozenset({Rel.ABOUT, Rel.AUTHORED_BY, Rel.CITES, Rel.MENTIONS})


def node_id(label: Label | str, key: str) -> str:
    """The embedded store's node id for ``(label, key)``."""
    return f"{label}:{key}"


def node_attrs(label: Label, props: Mapping[str, Any]) -> dict[str, Any]:
    """The embedded store's attributes for a node: its label, then its properties.

    Example:
        >>> node_attrs(Label.REGION, {"name": "郧阳区"})
        {'label': 'Region', 'name': '郧阳区'}
    """
    return {"label": label.value, **props}


def edge_attrs(rel: Rel, props: Mapping[str, Any]) -> dict[str, Any]:
    """The embedded store's attributes for an edge (keyed by ``rel`` too): type, then properties.

    Example:
        >>> edge_attrs(Rel.CITES, {"count": 2})
        {'type': 'CITES', 'count': 2}
    """
    return {"type": rel.value, **props}


def split_node_id(nid: str) -> tuple[Label, str]:
    """Inverse of :func:`node_id`.

    Example:
        >>> split_node_id("Policy:中华人民共和国行政处罚法")
        (<Label.POLICY: 'Policy'>, '中华人民共和国行政处罚法')
    """
    label, _, key = nid.partition(":")
    try:
        return _LABELS_BY_NAME[label], key  # a dict, not Label(label): 8x faster on hot reads
    except KeyError:
        raise ValueError(f"{nid!r} is not a node id: {label!r} is no label") from None


_LABELS_BY_NAME: dict[str, Label] = {label.value: label for label in Label}
