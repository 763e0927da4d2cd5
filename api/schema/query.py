"""The root ``Query`` type: lookups by key, filtered lists and counts.

Example:
    >>> from api.schema import print_sdl
    >>> "  region(code: String = null, name: String = null): Region" in print_sdl()
    True
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from api.schema.common import Info, described, gateway, province_prefix, window
from api.schema.mentions import Institution, Program
from api.schema.pagination import Connection, Window, connection_from_list, connection_from_slice
from api.schema.policy import Policy
from api.schema.region import Region, region_codes
from api.schema.report import Report
from api.schema.vocabulary import PolicyKind, RegionLevel
from graph.model import Label
from graph.store import Node
from services import lookups


@strawberry.enum(description="How to order policies.", graphql_name_from="value")
class PolicyOrder(Enum):
    ID = "id"
    TITLE = "title"
    YEAR = "year"
    YEAR_DESC = "year_desc"


@strawberry.type(description="How many nodes carry a label, or relationships a type.")
class Count:
    name: str
    count: int


@strawberry.type(description="Size of the graph.")
class Stats:
    nodes: list[Count]
    relationships: list[Count]

    @described(description="All nodes together.")
    def node_total(self) -> int:
        return sum(c.count for c in self.nodes)

    @described(description="All relationships together.")
    def relationship_total(self) -> int:
        return sum(c.count for c in self.relationships)


def where(**conditions: Any) -> dict[str, Any]:
    """The equality conditions that were given (None means 'any')."""
    return {name: value for name, value in conditions.items() if value is not None}


async def find_page(
    info: Info, label: Label, page: Window, *, order_by: str | None = None, **conditions: Any
) -> tuple[list[Node], int]:
    """One page of ``label`` nodes matching ``conditions``, and how many match in all."""
    descending = order_by is not None and order_by.endswith("_desc")
    result = await gateway(info).find(
        label,
        where=where(**conditions),
        order_by=order_by.removesuffix("_desc") if order_by else None,
        descending=descending,
        limit=page.limit,
        offset=page.offset,
    )
    return list(result.items), result.total


@strawberry.type(description="法治图谱: regions, reports, policies and who cites what.")
class Query:
    @described(
        description="A region by 6-digit code, or by name (error if ambiguous). An unknown one "
        "is a NOT_FOUND error whose `suggestions` extension lists the closest names."
    )
    async def region(
        self, info: Info, code: str | None = None, name: str | None = None
    ) -> Region | None:
        store = gateway(info).store
        node = await gateway(info).call(lookups.require_region, store, code=code, name=name)
        return Region.from_node(node)

    @described(description="Regions by level, province or name, ordered by code.")
    async def regions(
        self,
        info: Info,
        level: RegionLevel | None = None,
        province_code: str | None = None,
        name: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Region]:
        page = window(info, first, after)
        if name is not None:
            candidates = await regions_named_in(info, name, province_code)
        elif province_code is not None:
            candidates = await regions_in_province(info, province_code)
        else:
            level_value = level.value if level else None
            nodes, total = await find_page(
                info, Label.REGION, page, order_by="code", level=level_value
            )
            items = [Region.from_node(n) for n in nodes]
            return connection_from_slice(items, total=total, window=page)
        kept = [n for n in candidates if level is None or n.props.get("level") == level.value]
        return connection_from_list([Region.from_node(n) for n in kept], page)

    @described(
        description="A policy by id, title (any spelling) or 文号 (any brackets). An unknown "
        "one is a NOT_FOUND error whose `suggestions` extension lists the closest titles."
    )
    async def policy(
        self,
        info: Info,
        id: strawberry.ID | None = None,
        title: str | None = None,
        doc_number: str | None = None,
    ) -> Policy | None:
        store = gateway(info).store
        node = await gateway(info).call(
            lookups.require_policy, store, id=id, title=title, doc_number=doc_number
        )
        return Policy.from_node(node)

    @described(description="Policies, optionally of one kind or year.")
    async def policies(
        self,
        info: Info,
        kind: PolicyKind | None = None,
        year: int | None = None,
        order_by: PolicyOrder = PolicyOrder.ID,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Policy]:
        page = window(info, first, after)
        kind_value = kind.value if kind else None
        order = None if order_by is PolicyOrder.ID else order_by.value
        nodes, total = await find_page(
            info, Label.POLICY, page, order_by=order, kind=kind_value, year=year
        )
        return connection_from_slice([Policy.from_node(n) for n in nodes], total=total, window=page)

    @described(description="A report by id (the content hash).")
    async def report(self, info: Info, id: strawberry.ID) -> Report | None:
        node = await gateway(info).node(Label.REPORT, id)
        return Report.from_node(node) if node else None

    @described(
        description="Reports, newest first, optionally of one year or region, or only those "
        "that need (or do not need) a researcher's review."
    )
    async def reports(
        self,
        info: Info,
        year: int | None = None,
        region_code: str | None = None,
        needs_review: bool | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Report]:
        page = window(info, first, after)
        nodes, total = await find_page(
            info,
            Label.REPORT,
            page,
            order_by="year_desc",
            year=year,
            region_code=region_code,
            needs_review=needs_review,
        )
        return connection_from_slice([Report.from_node(n) for n in nodes], total=total, window=page)

    @described(description="An institution by id (its canonical full name).")
    async def institution(self, info: Info, id: strawberry.ID) -> Institution | None:
        node = await gateway(info).node(Label.INSTITUTION, id)
        return Institution.from_node(node) if node else None

    @described(description="Institutions, optionally of one region or kind, by id.")
    async def institutions(
        self,
        info: Info,
        region_code: str | None = None,
        kind: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Institution]:
        page = window(info, first, after)
        nodes, total = await find_page(
            info, Label.INSTITUTION, page, region_code=region_code, kind=kind
        )
        items = [Institution.from_node(n) for n in nodes]
        return connection_from_slice(items, total=total, window=page)

    @described(description="A programme by id (its canonical name).")
    async def program(self, info: Info, id: strawberry.ID) -> Program | None:
        node = await gateway(info).node(Label.PROGRAM, id)
        return Program.from_node(node) if node else None

    @described(description="Programmes, by id.")
    async def programs(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Program]:
        page = window(info, first, after)
        nodes, total = await find_page(info, Label.PROGRAM, page)
        return connection_from_slice(
            [Program.from_node(n) for n in nodes], total=total, window=page
        )

    @described(description="Node counts by label and relationship counts by type.")
    async def stats(self, info: Info) -> Stats:
        stats = await gateway(info).stats()
        return Stats(
            nodes=[Count(name=k, count=v) for k, v in sorted(stats.nodes.items())],
            relationships=[Count(name=k, count=v) for k, v in sorted(stats.relationships.items())],
        )


async def regions_named_in(info: Info, name: str, province_code: str | None) -> list[Node]:
    """Regions with this full (else short) name, in the province when one is given."""
    found = await gateway(info).call(lookups.regions_named, gateway(info).store, name)
    prefix = province_prefix(province_code)
    return [n for n in found if prefix is None or n.key.startswith(prefix)]


async def regions_in_province(info: Info, province_code: str) -> list[Node]:
    """The province and every region below it that the graph knows, by code."""
    codes = await region_codes(info, f"{province_prefix(province_code)}0000", True)
    nodes = await gateway(info).nodes(Label.REGION, codes)
    return sorted((n for n in nodes if n is not None), key=lambda n: n.key)
