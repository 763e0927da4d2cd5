"""``search``: nodes whose key, name, title or full name contains the text (Chinese included).

The result is defined by substring semantics — exactly the nodes where one of those properties
contains ``text`` (case-sensitive), ordered by label then key — so both stores agree exactly.
Neo4j uses the full-text index :data:`FULLTEXT_INDEX` of :mod:`graph.cypher` (Policy, Region,
Institution, Program, Report on id, title, aliases, name, full_name; cjk analyzer: Han characters
indexed as bigrams) only to narrow the candidates: the longest run of two or more Han characters
in the text, as a phrase query, finds every indexed node containing the text (and some more,
which ``CONTAINS`` then drops); a region's code, the one searched property not indexed, never
holds Han characters. Text without such a run (digits, a single character) scans all nodes.

Example:
    >>> lucene_phrase("郧政办发〔2019〕29号")
    '"郧政办发"'
    >>> lucene_phrase("2019") is None
    True
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, TypedDict

import networkx as nx
from pydantic import Field, field_validator

from graph.cypher import FULLTEXT_INDEX
from graph.memory_index import GraphIndex, index_of
from graph.model import Label
from queries.base import NamedQuery, QueryParams, Row
from queries.embedded import display_name, key_of
from queries.matching import Limit

SEARCHED = ("name", "title", "full_name")  # besides the key
# Ideographs every Lucene version tokenises as Han (CJK Unified Ideographs and Extension A).
_HAN_RUN = re.compile(r"[\u3400-\u4db5\u4e00-\u9fcc]{2,}")
_LABELS = "[" + ", ".join(f"'{label}'" for label in Label) + "]"


def lucene_phrase(text: str) -> str | None:
    """The full-text phrase query that narrows ``text``'s candidates, or None to scan."""
    runs = _HAN_RUN.findall(text)
    return f'"{max(runs, key=len)}"' if runs else None


class Params(QueryParams):
    """The text, optional labels to keep, and how many rows."""

    text: str = Field(min_length=1, max_length=200, description="Text to find (substring).")
    labels: Annotated[list[Label], Field(min_length=1)] | None = Field(
        None, description="Only nodes with these labels (list, or comma-separated text)."
    )
    limit: Limit = 20

    derived_keys: ClassVar[frozenset[str]] = frozenset({"lucene"})

    @field_validator("labels", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return [part.strip() for part in value.split(",")] if isinstance(value, str) else value

    def derived(self) -> dict[str, Any]:
        """``lucene``: the narrowing phrase query (None: scan)."""
        return {"lucene": lucene_phrase(self.text)}


class SearchHit(TypedDict):
    """A node that contains the text."""

    label: str
    key: str
    name: str | None


CYPHER = f"""
CALL () {{
  WITH 1 AS go
  WHERE $lucene IS NOT NULL
  CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', $lucene) YIELD node
  RETURN node
  UNION
  WITH 1 AS go
  WHERE $lucene IS NULL
  MATCH (node)
  RETURN node
}}
WITH node, [l IN labels(node) WHERE l IN {_LABELS}][0] AS label
WHERE label IS NOT NULL AND ($labels IS NULL OR label IN $labels)
WITH node, label, coalesce(node.id, node.code) AS key
WHERE key CONTAINS $text OR node.name CONTAINS $text OR node.title CONTAINS $text
   OR node.full_name CONTAINS $text
RETURN label, key, coalesce(node.name, node.title) AS name
ORDER BY label, key
LIMIT $limit
"""


def run(graph: nx.MultiDiGraph, params: Params) -> list[Row]:
    """The networkx twin of :data:`CYPHER`."""
    wanted = set(params.labels or Label)
    index = index_of(graph)
    if index is not None:
        return _from_index(graph, index, wanted, params)
    nodes = graph.nodes(data=True)
    hits = [
        {"label": attrs["label"], "key": key_of(graph, nid), "name": display_name(graph, nid)}
        for nid, attrs in nodes
        if attrs.get("label") in wanted and _contains(graph, nid, attrs, params.text)
    ]
    hits.sort(key=lambda hit: (hit["label"], hit["key"]))
    return hits[: params.limit]


def _from_index(
    graph: nx.MultiDiGraph, index: GraphIndex, wanted: set[Label], params: Params
) -> list[Row]:
    """The embedded store's text index finds the candidates label by label, each label's in
    key order (the rows' order): the search stops at the limit."""
    hits: list[Row] = []
    for label in sorted(wanted):
        for nid in index.in_key_order(params.text, label):
            if len(hits) == params.limit:
                return hits
            attrs = graph.nodes[nid]
            if _contains(graph, nid, attrs, params.text):
                key = index.key(nid)
                hits.append({"label": attrs["label"], "key": key, "name": display_name(graph, nid)})
    return hits


def _contains(graph: nx.MultiDiGraph, nid: str, attrs: dict[str, Any], text: str) -> bool:
    if text in key_of(graph, nid, attrs):
        return True
    for name in SEARCHED:
        value = attrs.get(name)
        if isinstance(value, str) and text in value:
            return True
    return False


QUERY = NamedQuery(
    name="search",
    description=(
        "Nodes whose key, name, title or full name contains the text (Chinese included), "
        "optionally only some labels; ordered by label then key."
    ),
    params_model=Params,
    row=SearchHit,
    cypher=CYPHER,
    networkx=run,
)
