"""Bare FastAPI JSON endpoints answering the benchmark's five queries with the same store calls.

They are the reference for what GraphQL adds (parsing, validation, resolvers, DataLoaders):
each endpoint makes the calls the GraphQL resolvers make, in worker threads through
:func:`api.loaders.call_store`, and returns the same rows as plain JSON. Benchmark-only code,
not part of the product API.

Example:
    >>> from fastapi import FastAPI
    >>> from graph.memory import MemoryStore
    >>> app = FastAPI()
    >>> add_reference_routes(app, MemoryStore(data_dir=None))
    >>> sorted(r.path for r in app.routes if r.path.startswith("/bare"))[0]
    '/bare/policies'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, HTTPException

from api.loaders import call_store
from graph.model import Label, Rel, evidence_triples
from graph.store import Edge, GraphStore, Node
from queries import get_query
from services import lookups

Json = dict[str, Any]


def add_reference_routes(app: FastAPI, store: GraphStore) -> None:
    """Mount the five bare endpoints under ``/bare`` on ``app``, reading ``store``."""
    routes = ReferenceRoutes(store)
    app.add_api_route("/bare/policy", routes.policy_citations, methods=["GET"])
    app.add_api_route("/bare/region", routes.region_cited_policies, methods=["GET"])
    app.add_api_route("/bare/top-cited", routes.top_cited, methods=["GET"])
    app.add_api_route("/bare/policies", routes.policies, methods=["GET"])
    app.add_api_route("/bare/search", routes.search, methods=["GET"])


def _region_json(node: Node | None) -> Json | None:
    return None if node is None else {"name": node.props.get("name"), "code": node.key}


class ReferenceRoutes:
    """The endpoint functions, bound to one store."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    async def policy_citations(self, title: str, first: int = 50) -> Json:
        """A policy by title and its newest citations with region and evidence."""
        policy = await call_store(lookups.find_policy, self.store, title=title)
        if policy is None:
            raise HTTPException(404, f"no policy titled {title!r}")
        [found] = await call_store(self.store.citations, [policy.key], limit=first)
        regions = await self._regions_of([e.source[1] for e in found.edges])
        rows = [
            {
                "year": year,
                "region": _region_json(region),
                "evidence": [{"text": text} for text, _, _ in evidence_triples(e.props)],
            }
            for e, year, region in zip(found.edges, found.years, regions, strict=True)
        ]
        kind = policy.props.get("kind")
        heading = policy.props.get("title")
        return {"title": heading, "kind": kind, "total": found.total, "rows": rows}

    async def region_cited_policies(self, code: str, first: int = 20) -> Json:
        """A region, its parent and the policies its reports cite, most cited first."""
        [region] = await self._nodes(Label.REGION, [code])
        if region is None:
            raise HTTPException(404, f"no region {code}")
        [parents] = await call_store(self.store.edges_of, Label.REGION, [code], Rel.PART_OF, "out")
        parent = await self._nodes(Label.REGION, [e.target[1] for e in parents[:1]])
        [about] = await call_store(self.store.edges_of, Label.REGION, [code], Rel.ABOUT, "in")
        reports = [n for n in await self._nodes(Label.REPORT, [e.source[1] for e in about]) if n]
        ranked = await self._cited_by(reports)
        policies = await self._nodes(Label.POLICY, [key for key, _, _ in ranked[:first]])
        rows = [
            {
                "count": count,
                "reportCount": n,
                "policy": p and {"id": p.key, "title": p.props.get("title")},
            }
            for (_, count, n), p in zip(ranked[:first], policies, strict=True)
        ]
        name = region.props.get("name")
        parent_json = _region_json(parent[0]) if parent else None
        return {"name": name, "parent": parent_json, "total": len(ranked), "rows": rows}

    async def top_cited(self, limit: int = 20) -> list[Json]:
        """The ``top_cited_policies`` named query."""
        query = get_query("top_cited_policies")
        return await call_store(self.store.run, query, query.bind({"limit": limit}))

    async def policies(self, kind: str, first: int = 50) -> Json:
        """Policies of one kind, by id."""
        page = await call_store(
            self.store.find_nodes, Label.POLICY, where={"kind": kind}, limit=first
        )
        rows = [
            {"id": n.key, "title": n.props.get("title"), "year": n.props.get("year")}
            for n in page.items
        ]
        return {"total": page.total, "rows": rows}

    async def search(self, text: str, limit: int = 20) -> list[Json]:
        """The ``search`` named query."""
        query = get_query("search")
        return await call_store(self.store.run, query, query.bind({"text": text, "limit": limit}))

    async def _nodes(self, label: Label, keys: Sequence[str]) -> list[Node | None]:
        return await call_store(self.store.get_nodes, label, keys)

    async def _regions_of(self, report_ids: Sequence[str]) -> list[Node | None]:
        about = await call_store(self.store.edges_of, Label.REPORT, report_ids, Rel.ABOUT, "out")
        codes = sorted({e.target[1] for edges in about for e in edges})
        by_code = dict(zip(codes, await self._nodes(Label.REGION, codes), strict=True))
        return [by_code.get(edges[0].target[1]) if edges else None for edges in about]

    async def _cited_by(self, reports: Sequence[Node]) -> list[tuple[str, int, int]]:
        """(policy id, citations, citing reports), most cited first."""
        keys = [r.key for r in reports]
        cites: list[list[Edge]] = await call_store(
            self.store.edges_of, Label.REPORT, keys, Rel.CITES, "out"
        )
        counts: Counter[str] = Counter()
        report_counts: Counter[str] = Counter()
        for edges in cites:
            for edge in edges:
                counts[edge.target[1]] += int(edge.props.get("count", 1))
                report_counts[edge.target[1]] += 1
        ranked = sorted(counts, key=lambda k: (-counts[k], -report_counts[k], k))
        return [(k, counts[k], report_counts[k]) for k in ranked]
