"""``documents_issued_by``: the policies an institution issued, or that were issued in a region.

Example:
    >>> QUERY.columns
    ('policy_id', 'title', 'kind', 'doc_number', 'year', 'institutions', 'regions')
"""

from __future__ import annotations

from typing import Any, TypedDict

import networkx as nx
from pydantic import Field

from graph.memory_index import index_of
from graph.model import Label, Rel
from queries.base import NamedQuery, Row
from queries.embedded import in_edges, key_of, nodes_of, nulls_last, prop, targets
from queries.matching import Paged


class Params(Paged):
    """The issuer: an institution (id or name) or a region (code, name or full name); the page."""

    issuer: str = Field(
        min_length=1, max_length=200, description="Institution id/name or region code/name."
    )


class IssuedDocument(TypedDict):
    """A policy and all of its issuers (institution ids and region codes, sorted)."""

    policy_id: str
    title: str | None
    kind: str | None
    doc_number: str | None
    year: int | None
    institutions: list[str]
    regions: list[str]


CYPHER = """
CALL () {
  MATCH (i:Institution) WHERE i.id = $issuer OR i.name = $issuer
  MATCH (p:Policy)-[:ISSUED_BY]->(i)
  RETURN p
  UNION
  MATCH (r:Region)
  WHERE r.code = $issuer OR r.name = $issuer OR r.short_name = $issuer OR r.full_name = $issuer
  MATCH (p:Policy)-[:ISSUED_IN]->(r)
  RETURN p
}
OPTIONAL MATCH (p)-[:ISSUED_BY]->(i:Institution)
WITH p, i
ORDER BY i.id
WITH p, collect(i.id) AS institutions
OPTIONAL MATCH (p)-[:ISSUED_IN]->(r:Region)
WITH p, institutions, r
ORDER BY r.code
WITH p, institutions, collect(r.code) AS regions
RETURN p.id AS policy_id, p.title AS title, p.kind AS kind, p.doc_number AS doc_number,
       p.year AS year, institutions, regions
ORDER BY year, policy_id
SKIP $offset LIMIT $limit
"""

_ISSUER_FIELDS = {Label.INSTITUTION: ("name",), Label.REGION: ("name", "short_name", "full_name")}


def run(graph: nx.MultiDiGraph, params: Params) -> list[Row]:
    """The networkx twin of :data:`CYPHER`: the issuers named so, then what they issued
    (sorted on the year and id alone: rows are built for the page only)."""
    ordered = sorted(_issued(graph, params.issuer), key=lambda p: _order(graph, p))
    return [
        _row(
            graph,
            policy,
            _issuers(graph, policy, Rel.ISSUED_BY, Label.INSTITUTION),
            _issuers(graph, policy, Rel.ISSUED_IN, Label.REGION),
        )
        for policy in params.page(ordered)
    ]


def _order(graph: nx.MultiDiGraph, policy: str) -> tuple[tuple[bool, Any], str]:
    attrs = graph.nodes[policy]
    return nulls_last(attrs.get("year")), key_of(graph, policy, attrs)


def _issued(graph: nx.MultiDiGraph, issuer: str) -> set[str]:
    """The policies issued by or in the issuers named ``issuer`` (the index keeps each
    issuer's policies; without it, the relationships arriving at the issuers)."""
    index = index_of(graph)
    if index is not None:
        return {
            p for node, rel in _issuers_named(graph, issuer) for p in index.issued_by(node, rel)
        }
    return {
        policy
        for node, rel in _issuers_named(graph, issuer)
        for policy, _ in in_edges(graph, node, rel)
        if graph.nodes[policy].get("label") == Label.POLICY
    }


def _issuers_named(graph: nx.MultiDiGraph, issuer: str) -> list[tuple[str, Rel]]:
    """Institutions and regions with ``issuer`` as key or name, with the relationship that
    points to them from what they issued. Institutions come from the store's text index when
    it keeps one (their key and name are indexed), else from every institution."""
    index = index_of(graph)
    institutions = (
        nodes_of(graph, Label.INSTITUTION)
        if index is None  # else its key and name hold the issuer: the text index finds it
        else ((n, graph.nodes[n]) for n in index.candidates(issuer, [Label.INSTITUTION]))
    )
    found = [(n, Rel.ISSUED_BY) for n, a in institutions if _named(graph, n, a, issuer)]
    if index is not None:  # regions by key and name fields
        return found + [(n, Rel.ISSUED_IN) for n in index.named(Label.REGION, issuer)]
    regions = nodes_of(graph, Label.REGION)
    return found + [(n, Rel.ISSUED_IN) for n, a in regions if _named(graph, n, a, issuer)]


def _issuers(graph: nx.MultiDiGraph, policy: str, rel: Rel, label: Label) -> list[str]:
    return [n for n in targets(graph, policy, rel) if graph.nodes[n].get("label") == label]


def _named(graph: nx.MultiDiGraph, node: str, attrs: dict[str, Any], issuer: str) -> bool:
    """Whether the node's key or one of its name fields is ``issuer`` (none is a key)."""
    fields = _ISSUER_FIELDS[attrs["label"]]
    return key_of(graph, node, attrs) == issuer or any(attrs.get(f) == issuer for f in fields)


def _row(
    graph: nx.MultiDiGraph, policy: str, institutions: list[str], regions: list[str]
) -> dict[str, Any]:
    return {
        "policy_id": key_of(graph, policy),
        "title": prop(graph, policy, "title"),
        "kind": prop(graph, policy, "kind"),
        "doc_number": prop(graph, policy, "doc_number"),
        "year": prop(graph, policy, "year"),
        "institutions": sorted(key_of(graph, n) for n in institutions),
        "regions": sorted(key_of(graph, n) for n in regions),
    }


QUERY = NamedQuery(
    name="documents_issued_by",
    description=(
        "Policies issued by an institution (id or name) or issued in a region (code or name), "
        "each with all of its issuing institutions and regions."
    ),
    params_model=Params,
    row=IssuedDocument,
    cypher=CYPHER,
    networkx=run,
)
