"""How a user's words find nodes: a policy by title or 文号, a region by code or name.

Shared by every query, in both languages: the Cypher predicates are module constants and the
networkx resolvers apply exactly the same rules. Parameter mix-ins carry the validated fields.

* A policy matches when its ``id``, its ``doc_number`` or one of its ``aliases`` equals the text
  as given, its canonical title (:func:`ingest.normalize.canonical_title`) or its canonical 文号
  (:func:`ingest.normalize.canonical_doc_number`).
* A region matches when its ``code``, ``name`` or ``full_name`` equals the text. A name that
  several regions share (海州区 is in 阜新 and in 连云港) matches them all: pass the code to
  pick one.

Example:
    >>> policy_keys("《行政处罚法》")[0]
    '《行政处罚法》'
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Self

import networkx as nx
from pydantic import Field, model_validator

from graph.cypher import FULLTEXT_INDEX
from graph.memory_index import index_of
from graph.model import Label
from ingest.normalize import canonical_doc_number, canonical_title
from queries.base import QueryParams
from queries.embedded import nodes_of

Year = Annotated[int, Field(ge=1949, le=2100, description="A calendar year, e.g. 2021.")]
RegionCode = Annotated[
    str, Field(pattern=r"^\d{6}(\d{3})?$", description="A GB/T 2260 code, e.g. 420304.")
]
Limit = Annotated[int, Field(ge=1, le=1000, description="At most this many rows.")]
PAGE_SIZE, MAX_PAGE_SIZE = 1000, 100_000
PageLimit = Annotated[
    int, Field(ge=1, le=MAX_PAGE_SIZE, description="At most this many rows (one page).")
]
Offset = Annotated[int, Field(ge=0, description="Rows to skip first (the page's start).")]

# ``p`` is the Policy variable; ``$policy_keys`` comes from :func:`policy_keys`.
POLICY_MATCH = """(
    p.id IN $policy_keys
    OR p.doc_number IN $policy_keys
    OR any(alias IN coalesce(p.aliases, []) WHERE alias IN $policy_keys)
)"""

# The policies :data:`POLICY_MATCH` selects, found through indexes instead of a scan of every
# Policy: id and doc_number by their range indexes, an alias (a list, which range indexes do
# not look into) by the full-text index, whose phrase query for a spelling finds every node
# holding it (and a few more, which the exact test then drops). Binds ``p``; ``$policy_phrases``
# comes from :func:`lucene_phrases`.
POLICY_NODES = f"""CALL () {{
  MATCH (p:Policy) WHERE p.id IN $policy_keys RETURN p
  UNION
  MATCH (p:Policy) WHERE p.doc_number IN $policy_keys RETURN p
  UNION
  CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', $policy_phrases) YIELD node AS p
  WITH p WHERE p:Policy AND any(alias IN coalesce(p.aliases, []) WHERE alias IN $policy_keys)
  RETURN p
}}"""

# The region variable is named by the query; this is the predicate for ``t``.
REGION_MATCH = (
    "(t.code = $region OR t.name = $region OR t.short_name = $region OR t.full_name = $region)"
)

YEAR_FILTER = """($year_from IS NULL OR rep.year >= $year_from)
  AND ($year_to IS NULL OR rep.year <= $year_to)"""


def policy_keys(raw: str) -> list[str]:
    """The spellings a policy node may be stored under: as given, canonical title, canonical 文号.

    Example:
        >>> policy_keys("郧政办发[2019]29号")[-1]
        '郧政办发〔2019〕29号'
    """
    keys = [raw]
    for canonical in (canonical_title, canonical_doc_number):
        try:
            spelled = canonical(raw)
        except ValueError:  # not a title, or not a 文号: that spelling simply does not apply
            continue
        if spelled and spelled not in keys:
            keys.append(spelled)
    return keys


def lucene_phrases(keys: list[str]) -> str:
    """A Lucene query of each spelling as an exact phrase, any of them.

    Example:
        >>> lucene_phrases(["《行政处罚法》", 'say "hi"'])
        '"《行政处罚法》" OR "say \\\\"hi\\\\""'
    """
    quoted = (key.replace("\\", "\\\\").replace('"', '\\"') for key in keys)
    return " OR ".join(f'"{key}"' for key in quoted)


def matching_policies(graph: nx.MultiDiGraph, keys: list[str]) -> list[str]:
    """Ids of the policy nodes :data:`POLICY_MATCH` selects."""
    index = index_of(graph)
    if index is not None:
        return index.policies_spelled(keys)
    wanted = set(keys)
    found = []
    for nid, attrs in nodes_of(graph, Label.POLICY):
        spellings = {nid.partition(":")[2], attrs.get("id"), attrs.get("doc_number")}
        if spellings & wanted or wanted.intersection(attrs.get("aliases") or ()):
            found.append(nid)
    return found


def matching_regions(graph: nx.MultiDiGraph, text: str) -> list[str]:
    """Ids of the region nodes :data:`REGION_MATCH` selects."""
    index = index_of(graph)
    if index is not None:
        return index.named(Label.REGION, text)
    return [
        nid
        for nid, attrs in nodes_of(graph, Label.REGION)
        if text
        in (
            nid.partition(":")[2],
            attrs.get("name"),
            attrs.get("short_name"),
            attrs.get("full_name"),
        )
    ]


def year_ok(year: Any, year_from: int | None, year_to: int | None) -> bool:
    """:data:`YEAR_FILTER` for one report year (a missing year fails any bound)."""
    if year_from is not None and (year is None or year < year_from):
        return False
    return not (year_to is not None and (year is None or year > year_to))


class PolicyParam(QueryParams):
    """A policy given by title (with or without 《》) or 文号."""

    policy: str = Field(min_length=1, max_length=500, description="Policy title or 文号.")

    derived_keys: ClassVar[frozenset[str]] = frozenset({"policy_keys", "policy_phrases"})

    def spellings(self) -> list[str]:
        """The spellings the policy may be stored under (:func:`policy_keys`)."""
        return policy_keys(self.policy)

    def derived(self) -> dict[str, Any]:
        """``policy_keys`` and ``policy_phrases`` for :data:`POLICY_NODES`."""
        keys = self.spellings()
        return {"policy_keys": keys, "policy_phrases": lucene_phrases(keys)}


class Paged(QueryParams):
    """A page of a long, stably ordered answer: ``limit`` rows after the first ``offset``
    (Cypher ends with ``SKIP $offset LIMIT $limit``; the networkx twin slices the same way)."""

    limit: PageLimit = PAGE_SIZE
    offset: Offset = 0

    def page(self, rows: list[Any]) -> list[Any]:
        """The rows of this page out of all of them, in order.

        Example:
            >>> Paged(limit=2, offset=1).page([1, 2, 3, 4])
            [2, 3]
        """
        return rows[self.offset : self.offset + self.limit]


class RegionParam(QueryParams):
    """A region given by 6-digit code, short name (郧阳) or full name (郧阳区)."""

    region: str = Field(min_length=1, max_length=100, description="Region code or name.")


class YearRange(QueryParams):
    """An optional inclusive range of report years."""

    year_from: Year | None = Field(None, description="Only reports of this year or later.")
    year_to: Year | None = Field(None, description="Only reports of this year or earlier.")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if (
            self.year_from is not None
            and self.year_to is not None
            and self.year_from > self.year_to
        ):
            raise ValueError(f"year_from ({self.year_from}) is after year_to ({self.year_to})")
        return self
