"""Named research questions, each answerable by Neo4j (Cypher) and by the embedded store (networkx).

``QUERIES`` maps a name to its :class:`~queries.base.NamedQuery`: ``description`` (shown in
GraphQL and the CLI), ``params_model`` (a pydantic model: field names, types, defaults and
descriptions of the parameters), ``row`` (a TypedDict: the columns of every row, in order, with
their types), ``cypher`` (a constant text, ``$parameters`` only) and ``run_networkx``. Both
stores give identical rows: same keys in the same order, same values, same sort order.

==========================  ========================================  ===========================
name                        parameters                                row
==========================  ========================================  ===========================
regions_citing_policy       policy, province_code?, level?,           region_code, region_name,
                            year_from?, year_to?                      level, year, report_id, count
policies_cited_by_region    region, year_from?, year_to?, kind?,      policy_id, title, kind,
                            include_subregions=False                  doc_number, reports,
                                                                      first_year, last_year,
                                                                      mentions
top_cited_policies          province_code?, level?, year_from?,       group, policy_id, title,
                            year_to?, kind?, group_by=none|province|  regions, reports, mentions
                            year, limit=20 (per group)
co_cited_policies           policy, limit=20                          policy_id, title, kind,
                                                                      reports, mentions
similar_regions             region, limit=10, min_shared=1            region_code, region_name,
                                                                      level, shared, jaccard
policy_diffusion            policy                                    year, citing_regions,
                                                                      new_regions,
                                                                      cumulative_regions, regions
documents_issued_by         issuer                                    policy_id, title, kind,
                                                                      doc_number, year,
                                                                      institutions, regions
path_between                from_label, from_key, to_label, to_key,   step, label, key, name, rel
                            max_hops=4 (1..6)
search                      text, labels?, limit=20                   label, key, name
coverage                    year, level?, province?                   region_code, region_name,
                                                                      level, province_code,
                                                                      reports, first_published,
                                                                      on_time, delay_days
==========================  ========================================  ===========================

``regions_citing_policy``, ``policies_cited_by_region``, ``documents_issued_by`` and
``coverage`` are paged besides (:class:`queries.matching.Paged`): ``limit`` (default 1000, at
most 100,000) rows after ``offset`` (default 0), cut in the store after the query's stable
order (Cypher ``SKIP $offset LIMIT $limit``; the twin slices alike).

Run one with :func:`run_query` (validates, binds, asks the store); a bad name or parameter
raises :class:`QueryError` with a message naming it.

Example:
    >>> from graph.memory import MemoryStore
    >>> run_query(MemoryStore(data_dir=None), "search", {"text": "法治"})
    []
    >>> get_query("nope")
    Traceback (most recent call last):
    ...
    queries.base.QueryError: unknown query 'nope'; valid names: co_cited_policies, ...
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from graph.store import GraphStore
from queries import (
    co_cited_policies,
    coverage,
    documents_issued_by,
    path_between,
    policies_cited_by_region,
    policy_diffusion,
    regions_citing_policy,
    search,
    similar_regions,
    top_cited_policies,
)
from queries.base import NamedQuery, QueryError, QueryParams, Row

__all__ = ["QUERIES", "NamedQuery", "QueryError", "QueryParams", "Row", "get_query", "run_query"]

QUERIES: Mapping[str, NamedQuery[Any]] = MappingProxyType(
    {
        module.QUERY.name: module.QUERY
        for module in (
            regions_citing_policy,
            policies_cited_by_region,
            top_cited_policies,
            co_cited_policies,
            similar_regions,
            policy_diffusion,
            documents_issued_by,
            path_between,
            search,
            coverage,
        )
    }
)


def get_query(name: str) -> NamedQuery[Any]:
    """The query called ``name``, or :class:`QueryError` listing the valid names."""
    try:
        return QUERIES[name]
    except KeyError:
        valid = ", ".join(sorted(QUERIES))
        raise QueryError(f"unknown query {name!r}; valid names: {valid}") from None


def run_query(
    store: GraphStore, query: str | NamedQuery[Any], params: Mapping[str, Any]
) -> list[Row]:
    """Validate ``params`` for the query (by name or object) and answer it from ``store``."""
    named = get_query(query) if isinstance(query, str) else query
    return store.run(named, named.bind(params))
