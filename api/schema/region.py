"""The ``Region`` type and what a region's reports cite (``CitedPolicy``).

Example:
    >>> from graph.store import Node
    >>> Region.from_node(Node(Label.REGION, "420304", {"name": "郧阳", "level": "county"})).level
    <RegionLevel.COUNTY: 'county'>
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence

import strawberry

from api.schema import mentions as mention_types
from api.schema import policy as policy_types
from api.schema import report as report_types
from api.schema.common import (
    Info,
    described,
    gateway,
    neighbours,
    newest_first,
    related,
    related_one,
    window,
    year_in,
)
from api.schema.lookahead import End, fill_ends
from api.schema.pagination import Connection, connection_from_list, connection_from_slice
from api.schema.refs import InstitutionRef, MentionRef, PolicyRef, ReportRef
from api.schema.vocabulary import RegionLevel, member_or_other
from graph.model import Label, Rel
from graph.store import Edge, Node
from queries.ranking import most_cited_key


@strawberry.type(description="An administrative region, keyed by its 6-digit GB/T 2260 code.")
class Region:
    code: str
    name: str | None = strawberry.field(description="Standard name, e.g. 海州区.")
    short_name: str | None = strawberry.field(description="Short name, e.g. 海州.")
    full_name: str | None = strawberry.field(description="With its path: 辽宁省阜新市海州区.")
    level: RegionLevel | None
    lon: float | None
    lat: float | None

    @classmethod
    def from_node(cls, node: Node) -> Region:
        """The GraphQL view of a Region node."""
        p = node.props
        level = member_or_other(RegionLevel, p.get("level"))
        return cls(
            code=node.key,
            name=p.get("name"),
            short_name=p.get("short_name"),
            full_name=p.get("full_name"),
            level=level,
            lon=p.get("lon"),
            lat=p.get("lat"),
        )

    @described(description="The region this one is part of.")
    async def parent(self, info: Info) -> Region | None:
        return await related_one(
            info, Label.REGION, self.code, Rel.PART_OF, "out", Region.from_node
        )

    @described(description="Regions directly under this one that the graph knows.")
    async def children(self, info: Info) -> list[Region]:
        return await related(info, Label.REGION, self.code, Rel.PART_OF, "in", Region.from_node)

    @described(description="Reports about this region, newest first.")
    async def reports(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        year: int | None = None,
    ) -> Connection[ReportRef]:
        page = window(info, first, after)
        nodes = await neighbours(info, Label.REGION, self.code, Rel.ABOUT, "in")
        kept = sorted(
            (n for n in nodes if year_in(n.props.get("year"), year, year)), key=newest_first
        )
        return connection_from_list([report_types.Report.from_node(n) for n in kept], page)

    @described(
        description="Policies cited by reports about this region (and its subregions when "
        "asked), most cited first."
    )
    async def cited_policies(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        include_subregions: bool = False,
        year_from: int | None = None,
        year_to: int | None = None,
    ) -> Connection[CitedPolicy]:
        page = window(info, first, after)
        codes = await region_codes(info, self.code, include_subregions)
        ranked = await cited_from(info, codes, year_from, year_to)
        cited = [
            CitedPolicy(policy_id=policy, count=count, report_count=n, years=sorted(years))
            for policy, count, n, years in page.slice(ranked)
        ]
        await fill_ends(info, cited, CITED_POLICY_ENDS)
        return connection_from_slice(cited, total=len(ranked), window=page)

    @described(description="Institutions located in this region.")
    async def institutions(self, info: Info) -> list[InstitutionRef]:
        return await related(
            info, Label.REGION, self.code, Rel.IN_REGION, "in", mention_types.Institution.from_node
        )

    @described(description="Policies issued in this region.")
    async def issued_policies(self, info: Info) -> list[PolicyRef]:
        return await related(
            info, Label.REGION, self.code, Rel.ISSUED_IN, "in", policy_types.Policy.from_node
        )

    @described(description="Reports that mention this region by name.")
    async def mentioned_in(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[MentionRef]:
        return await mention_types.mentions_of(
            info, Label.REGION, self.code, window(info, first, after)
        )


async def region_codes(info: Info, code: str, include_subregions: bool) -> list[str]:
    """``code``, and every region below it when asked (one batched call per level)."""
    codes, level = [code], [code]
    while include_subregions and level:
        children = await gateway(info).edges_many(Label.REGION, level, Rel.PART_OF, "in")
        below = sorted({edge.source[1] for edges in children for edge in edges})
        level = [child for child in below if child not in codes]
        codes.extend(level)
    return codes


Tally = tuple[str, int, int, set[int]]  # policy id, citations, citing reports, their years


async def cited_from(
    info: Info, codes: Sequence[str], year_from: int | None, year_to: int | None
) -> list[Tally]:
    """The policies cited by the reports about any of ``codes`` whose year lies in the range,
    most cited first. The reports and their citations are fetched side by side (two batched
    calls at once, not one after the other)."""
    about = await gateway(info).edges_many(Label.REGION, codes, Rel.ABOUT, "in")
    keys = sorted({edge.source[1] for edges in about for edge in edges})
    reports, cites = await asyncio.gather(
        gateway(info).nodes(Label.REPORT, keys),
        gateway(info).edges_many(Label.REPORT, keys, Rel.CITES, "out"),
    )
    return tally(
        (report, edges)
        for report, edges in zip(reports, cites, strict=True)
        if report is not None and year_in(report.props.get("year"), year_from, year_to)
    )


def tally(citing_reports: Iterable[tuple[Node, list[Edge]]]) -> list[Tally]:
    """The policies cited through these (distinct) reports' CITES edges, most cited first
    (:func:`queries.ranking.most_cited_key`, as the named queries rank them)."""
    counts: dict[str, int] = {}
    citing: dict[str, int] = {}  # a report cites a policy through one CITES relationship
    years: dict[str, set[int]] = {}
    for report, edges in citing_reports:
        year = report.props.get("year")
        for edge in edges:
            policy = edge.target[1]
            counts[policy] = counts.get(policy, 0) + int(edge.props.get("count", 1))
            citing[policy] = citing.get(policy, 0) + 1
            if isinstance(year, int):
                years.setdefault(policy, set()).add(year)
    ranked = sorted(counts, key=lambda p: most_cited_key(citing[p], counts[p], p))
    return [(p, counts[p], citing[p], years.get(p, set())) for p in ranked]


@strawberry.type(description="A policy as cited by a set of reports: how often and in which years.")
class CitedPolicy:
    policy_id: strawberry.Private[str]
    count: int = strawberry.field(description="Citations in all the reports together.")
    report_count: int = strawberry.field(description="Reports citing the policy.")
    years: list[int] = strawberry.field(description="Years of the citing reports.")
    # Filled for the whole page by the connection when asked for (CITED_POLICY_ENDS): a plain
    # field resolves several times faster than a resolver, and a page has many.
    policy: PolicyRef | None = None


async def policies_of(info: Info, cited: Sequence[CitedPolicy]) -> list[Node | None]:
    """The policy node of each cited policy."""
    return await gateway(info).nodes(Label.POLICY, [c.policy_id for c in cited])


CITED_POLICY_ENDS: Mapping[str, End[CitedPolicy]] = {
    "policy": End(policies_of, lambda node: policy_types.Policy.from_node(node)),
}
