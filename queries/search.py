"""``search``: nodes whose key, name, title or full name contains the text (Chinese included).

The result is defined by substring semantics — exactly the nodes where one of those properties
contains ``text`` (case-sensitive), ordered by label then key — so both stores agree exactly.
Neo4j uses the full-text index :data:`FULLTEXT_INDEX` of :mod:`graph.cypher` (Policy, Region,
Institution, Program, Report on id, title, aliases, name, full_name; cjk analyzer: Han characters
indexed as bigrams) only to narrow the candidates: the longest run of two or more Han characters
in the text, as a phrase query, finds every indexed node containing the text (and some more,
which ``CONTAINS`` then drops); a region's code, the one searched property not indexed, never
holds Han characters. Text without such a run (digits, a single character) scans the nodes.
Labels are read in the rows' order, each while the page is not full, and a label's first
:data:`SCAN_FIRST` nodes in key order (its key's index) before its full-text candidates: a
text common in a label fills the page there, without sorting thousands of candidates.

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
from graph.model import KEYS, Label
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


# How many nodes of a label, in key order, are read before the full-text index is asked: text
# that is common in a label (行政复议: 3% of institutions) fills the page within them, in order,
# where the index would hand over thousands of candidates to sort.
SCAN_FIRST = 2000


def _holds_text(node: str, key: str) -> str:
    """The Cypher test that ``node`` holds ``$text`` in its key or a searched property."""
    return " OR ".join(f"{node}.{name} CONTAINS $text" for name in (key, *SEARCHED))


def _label_part(label: Label) -> str:
    """Add ``label``'s hits to ``rows`` (up to ``$limit``, in key order), while the page is not
    full: its first :data:`SCAN_FIRST` nodes by key (or all in key order when ``$lucene`` is
    None); when those neither fill the page nor were all of them, the full-text candidates.
    Each step aggregates without grouping, so it yields exactly one row however many match, and
    unwinds an empty list when not needed, so its subquery reads nothing (a predicate on
    parameters alone the planner may test after the scan); the scans are subqueries of their
    own so that the planner reads the key's index in order and stops at the LIMIT."""
    key, hit = KEYS[label], f"({_holds_text('n', KEYS[label])})"
    wanted = f"size(rows) < $limit AND ($labels IS NULL OR '{label}' IN $labels)"
    return f"""CALL (rows) {{
  UNWIND CASE WHEN $lucene IS NOT NULL AND {wanted} THEN [1] ELSE [] END AS needed
  CALL () {{
    MATCH (n:{label}) WHERE n.{key} IS NOT NULL
    RETURN n ORDER BY n.{key} LIMIT {SCAN_FIRST}
  }}
  RETURN collect(n) AS seen
}}
CALL (rows) {{
  UNWIND CASE WHEN $lucene IS NULL AND {wanted} THEN [1] ELSE [] END AS needed
  CALL () {{
    MATCH (n:{label}) WHERE n.{key} IS NOT NULL AND {hit}
    RETURN n ORDER BY n.{key} LIMIT $limit
  }}
  RETURN collect(n) AS scanned
}}
WITH rows, seen, scanned, [n IN seen WHERE {hit}][..$limit] AS early
WITH rows, scanned + early AS found,
     $lucene IS NOT NULL AND size(early) < $limit AND size(seen) = {SCAN_FIRST} AS unsure
CALL (unsure) {{
  WITH unsure WHERE unsure
  CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', $lucene) YIELD node AS n
  WITH n WHERE n:{label} AND {hit}
  WITH n ORDER BY n.{key} LIMIT $limit
  RETURN collect(n) AS late
}}
WITH rows, [n IN CASE WHEN unsure THEN late ELSE found END
             | {{label: '{label}', key: n.{key}, name: coalesce(n.name, n.title)}}] AS hits
WITH rows + hits AS rows"""


# The labels in the rows' order, each read only while the page is not full.
CYPHER = (
    "WITH [] AS rows\n"
    + "\n".join(_label_part(label) for label in sorted(Label))
    + "\nUNWIND rows[..$limit] AS row\n"
    "RETURN row.label AS label, row.key AS key, row.name AS name\n"
    "ORDER BY label, key"
)


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
