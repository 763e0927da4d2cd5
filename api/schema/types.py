"""The GraphQL object types: one per node label, plus citations, mentions and evidence.

Each type is built from a store :class:`~graph.store.Node`; its relationship fields resolve
through the per-request :class:`~api.loaders.StoreGateway`, so a list of N items costs one
batched store call per relationship, not N.

Example:
    >>> from graph.store import Node
    >>> Region.from_node(Node(Label.REGION, "420304", {"name": "郧阳", "level": "county"})).level
    <RegionLevel.COUNTY: 'county'>
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from enum import Enum
from typing import Annotated, Any, TypeVar, cast

import strawberry
from graphql import OperationDefinitionNode
from graphql.pyutils import Path
from strawberry.types.nodes import SelectedField, Selection

from api.deps import FazhiContext
from api.errors import UserInputError
from api.loaders import StoreGateway
from api.schema.pagination import Connection, Window, connection_from_list, connection_from_slice
from api.schema.vocabulary import PolicyKind, RegionLevel, member_or_other
from graph.model import Label, Rel, evidence_triples
from graph.store import Direction, Edge, Node

Info = strawberry.Info[FazhiContext, None]
E = TypeVar("E", bound=Enum)
F = TypeVar("F", bound=Callable[..., Any])


def described(description: str) -> Callable[[F], F]:
    """``@strawberry.field(description=…)`` for a resolver, keeping its type for mypy."""
    return cast(Callable[[F], F], strawberry.field(description=description))


def window(info: Info, first: int | None, after: str | None) -> Window:
    """The page asked for, checked against ``api_max_page_size``."""
    max_page_size = info.context.settings.api_max_page_size
    return Window.of(first=first, after=after, max_page_size=max_page_size)


def gateway(info: Info) -> StoreGateway:
    """The request's store gateway."""
    return info.context.gateway


def far_end(edge: Edge, direction: Direction) -> tuple[Label, str]:
    """The (label, key) at the other end of ``edge`` seen from its ``direction`` side."""
    return edge.target if direction == "out" else edge.source


async def neighbours(
    info: Info, label: Label, key: str, rel: Rel, direction: Direction
) -> list[Node]:
    """The nodes at the far end of ``rel`` relationships, sorted by key."""
    edges = await gateway(info).edges(label, key, rel, direction)
    return await far_nodes(info, edges, direction)


async def far_nodes(info: Info, edges: Sequence[Edge], direction: Direction) -> list[Node]:
    """The nodes at the far ends of ``edges``, sorted by key: one batched load per label."""
    keys: dict[Label, list[str]] = {}
    for edge in edges:
        far_label, far_key = far_end(edge, direction)
        keys.setdefault(far_label, []).append(far_key)
    loaded = await asyncio.gather(*(gateway(info).nodes(lbl, ks) for lbl, ks in keys.items()))
    return sorted((n for nodes in loaded for n in nodes if n is not None), key=lambda n: n.key)


def item_fields(info: Info) -> frozenset[str]:
    """The fields a connection's selection asks of its items (under ``edges.node`` and
    ``nodes``, fragments included), so the resolver can fetch them for the whole page.

    Connections fetch what their items are asked for in one batched call each, and the item
    fields then resolve without awaiting: a page of 50 costs 50 attribute reads, not 50
    resolver coroutines and loader futures. Field names depend only on the query document
    and the field's place in it, so they are remembered per (operation, path): building
    strawberry's ``selected_fields`` cost more than the rest of a small connection.
    """
    place = (id(info.operation), field_place(info.path))
    known = _ITEM_FIELDS.get(place)
    if known is not None and known[0] is info.operation:  # the id is not another's, reused
        return known[1]
    # one entry per field node the response key merges (the same field asked twice)
    names = frozenset(
        name for field in info.selected_fields for name in selected_item_fields(field.selections)
    )
    _ITEM_FIELDS[place] = (info.operation, names)
    while len(_ITEM_FIELDS) > ITEM_FIELDS_KEPT:
        del _ITEM_FIELDS[next(iter(_ITEM_FIELDS))]  # the oldest entry
    return names


ITEM_FIELDS_KEPT = 2048
Place = tuple[tuple[str, str | None], ...]
_ITEM_FIELDS: dict[tuple[int, Place], tuple[OperationDefinitionNode, frozenset[str]]] = {}


def field_place(path: Path) -> Place:
    """Where a field sits in its document: the response keys and parent types on its path,
    list indices left out (every item of a list has the same selection). A response key
    names one field per parent type (GraphQL's field merging), so this names one field."""
    place = []
    step: Path | None = path
    while step is not None:
        if isinstance(step.key, str):
            place.append((step.key, step.typename))
        step = step.prev
    return tuple(place)


def selected_item_fields(selections: Sequence[Selection]) -> Iterator[str]:
    """The names of the fields under ``nodes`` and ``edges.node`` of a connection's selection."""
    for part in fields_of(selections):
        if part.name == "nodes":
            yield from (f.name for f in fields_of(part.selections))
        elif part.name == "edges":
            for node in (f for f in fields_of(part.selections) if f.name == "node"):
                yield from (f.name for f in fields_of(node.selections))


def fields_of(selections: Sequence[Selection]) -> Iterator[SelectedField]:
    """The fields of a selection set, looking through fragments."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        else:
            yield from fields_of(selection.selections)


def year_in(year: int | None, year_from: int | None, year_to: int | None) -> bool:
    """Whether ``year`` lies in the closed range (open ends allowed; unknown years never do)."""
    if year_from is None and year_to is None:
        return True
    if year is None:
        return False
    return (year_from is None or year >= year_from) and (year_to is None or year <= year_to)


def newest_first(node: Node) -> tuple[int, str]:
    """Sort key for reports: newest year first, unknown years last, then by id."""
    year = node.props.get("year")
    return (-year if isinstance(year, int) else 1, node.key)


@strawberry.type(description="The sentence a fact was read from, with its character offsets.")
class Evidence:
    text: str
    start: int
    end: int


def evidence_of(props: Mapping[str, Any]) -> list[Evidence]:
    """The evidence kept on a relationship (three parallel lists)."""
    return [Evidence(text=t, start=s, end=e) for t, s, e in evidence_triples(props)]


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
        parents = await neighbours(info, Label.REGION, self.code, Rel.PART_OF, "out")
        return Region.from_node(parents[0]) if parents else None

    @described(description="Regions directly under this one that the graph knows.")
    async def children(self, info: Info) -> list[Region]:
        nodes = await neighbours(info, Label.REGION, self.code, Rel.PART_OF, "in")
        return [Region.from_node(node) for node in nodes]

    @described(description="Reports about this region, newest first.")
    async def reports(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        year: int | None = None,
    ) -> Connection[Report]:
        page = window(info, first, after)
        nodes = await neighbours(info, Label.REGION, self.code, Rel.ABOUT, "in")
        kept = sorted(
            (n for n in nodes if year_in(n.props.get("year"), year, year)), key=newest_first
        )
        return connection_from_list([Report.from_node(n) for n in kept], page)

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
        if "policy" in item_fields(info):
            policies = await gateway(info).nodes(Label.POLICY, [c.policy_id for c in cited])
            for item, node in zip(cited, policies, strict=True):
                item.policy = Policy.from_node(node) if node else None
        return connection_from_slice(cited, total=len(ranked), window=page)

    @described(description="Institutions located in this region.")
    async def institutions(self, info: Info) -> list[Institution]:
        nodes = await neighbours(info, Label.REGION, self.code, Rel.IN_REGION, "in")
        return [Institution.from_node(node) for node in nodes]

    @described(description="Policies issued in this region.")
    async def issued_policies(self, info: Info) -> list[Policy]:
        nodes = await neighbours(info, Label.REGION, self.code, Rel.ISSUED_IN, "in")
        return [Policy.from_node(node) for node in nodes]

    @described(description="Reports that mention this region by name.")
    async def mentioned_in(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Mention]:
        return await mentions_of(info, Label.REGION, self.code, window(info, first, after))


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
    """The policies cited through these (distinct) reports' CITES edges, most cited first."""
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
    ranked = sorted(counts, key=lambda policy: (-counts[policy], -citing[policy], policy))
    return [(p, counts[p], citing[p], years.get(p, set())) for p in ranked]


@strawberry.type(description="A policy as cited by a set of reports: how often and in which years.")
class CitedPolicy:
    policy_id: strawberry.Private[str]
    count: int = strawberry.field(description="Citations in all the reports together.")
    report_count: int = strawberry.field(description="Reports citing the policy.")
    years: list[int] = strawberry.field(description="Years of the citing reports.")
    # Filled for the whole page by the connection when asked for: a plain field resolves
    # several times faster than a resolver, and a page has many.
    policy: Policy | None = None


@strawberry.type(description="A body of government or party: 郧阳区司法局, 县委依法治县办 …")
class Institution:
    id: str
    name: str | None
    kind: str | None

    @classmethod
    def from_node(cls, node: Node) -> Institution:
        """The GraphQL view of an Institution node."""
        return cls(id=node.key, name=node.props.get("name"), kind=node.props.get("kind"))

    @described(description="The region the institution belongs to.")
    async def region(self, info: Info) -> Region | None:
        regions = await neighbours(info, Label.INSTITUTION, self.id, Rel.IN_REGION, "out")
        return Region.from_node(regions[0]) if regions else None

    @described(description="Reports this institution signed.")
    async def authored_reports(self, info: Info) -> list[Report]:
        nodes = await neighbours(info, Label.INSTITUTION, self.id, Rel.AUTHORED_BY, "in")
        return [Report.from_node(node) for node in sorted(nodes, key=newest_first)]

    @described(description="Policies this institution issued.")
    async def issued_policies(self, info: Info) -> list[Policy]:
        nodes = await neighbours(info, Label.INSTITUTION, self.id, Rel.ISSUED_BY, "in")
        return [Policy.from_node(node) for node in nodes]

    @described(description="Reports that mention this institution.")
    async def mentioned_in(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Mention]:
        return await mentions_of(info, Label.INSTITUTION, self.id, window(info, first, after))


@strawberry.type(description="A law, regulation, plan or normative document cited in 《》.")
class Policy:
    id: str = strawberry.field(
        description="Canonical title, or canonical 文号 when only it is known."
    )
    title: str | None
    doc_number: str | None = strawberry.field(
        description="The canonical 文号, e.g. 国发〔2004〕10号."
    )
    kind: PolicyKind | None
    year: int | None
    aliases: list[str] = strawberry.field(description="Other spellings seen in reports.")

    @classmethod
    def from_node(cls, node: Node) -> Policy:
        """The GraphQL view of a Policy node."""
        p = node.props
        return cls(
            id=node.key,
            title=p.get("title"),
            doc_number=p.get("doc_number"),
            kind=member_or_other(PolicyKind, p.get("kind")),
            year=p.get("year"),
            aliases=list(p.get("aliases") or []),
        )

    @described(description="Reports citing this policy, newest first, with evidence.")
    async def citations(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        year_from: int | None = None,
        year_to: int | None = None,
        province_code: str | None = None,
    ) -> Connection[Citation]:
        page = window(info, first, after)
        province = province_prefix(province_code)
        edges = await gateway(info).edges(Label.POLICY, self.id, Rel.CITES, "in")
        years = await report_years(info, edges)
        kept = newest_edges_first(edges, years)
        if year_from is not None or year_to is not None:  # a policy may have thousands
            kept = [e for e in kept if year_in(years.get(e.source[1]), year_from, year_to)]
        if province is not None:
            kept = await in_province(info, kept, province)
        citations = [Citation.from_edge(e, years.get(e.source[1])) for e in page.slice(kept)]
        await fetch_citation_ends(info, citations)
        return connection_from_slice(citations, total=len(kept), window=page)

    @described(description="Documents this one implements (nested 〈〉 titles).")
    async def implements(self, info: Info) -> list[Policy]:
        nodes = await neighbours(info, Label.POLICY, self.id, Rel.IMPLEMENTS, "out")
        return [Policy.from_node(node) for node in nodes]

    @described(description="Documents that implement this one.")
    async def implemented_by(self, info: Info) -> list[Policy]:
        nodes = await neighbours(info, Label.POLICY, self.id, Rel.IMPLEMENTS, "in")
        return [Policy.from_node(node) for node in nodes]

    @described(description="Institutions that issued the document.")
    async def issued_by(self, info: Info) -> list[Institution]:
        nodes = await neighbours(info, Label.POLICY, self.id, Rel.ISSUED_BY, "out")
        return [Institution.from_node(node) for node in nodes]

    @described(description="Regions whose authorities issued the document.")
    async def issued_in(self, info: Info) -> list[Region]:
        nodes = await neighbours(info, Label.POLICY, self.id, Rel.ISSUED_IN, "out")
        return [Region.from_node(node) for node in nodes]


def province_prefix(province_code: str | None) -> str | None:
    """The two-digit prefix every region code of a province shares (GB/T 2260)."""
    if province_code is None:
        return None
    if not (province_code.isdigit() and len(province_code) in (2, 6)):
        raise UserInputError(
            f"provinceCode must be a 6-digit GB/T 2260 code such as 420000, got {province_code!r}"
        )
    return province_code[:2]


async def report_years(info: Info, edges: Sequence[Edge]) -> dict[str, int | None]:
    """The year of each report at the source end of ``edges``."""
    reports = await gateway(info).nodes(Label.REPORT, [edge.source[1] for edge in edges])
    return {r.key: r.props.get("year") for r in reports if r is not None}


def newest_edges_first(edges: Sequence[Edge], years: Mapping[str, int | None]) -> list[Edge]:
    """CITES edges ordered by their report: newest year first, then report and policy id.

    Only the page asked for becomes :class:`Citation` objects (a policy may have thousands).
    """
    return sorted(edges, key=lambda e: (-(years.get(e.source[1]) or 0), e.source[1], e.target[1]))


async def in_province(info: Info, edges: list[Edge], prefix: str) -> list[Edge]:
    """The CITES edges whose report is about a region of the province with code ``prefix``."""
    reports = [edge.source[1] for edge in edges]
    about = await gateway(info).edges_many(Label.REPORT, reports, Rel.ABOUT, "out")
    return [
        edge
        for edge, regions in zip(edges, about, strict=True)
        if (code := region_code(regions)) is not None and code[:2] == prefix
    ]


def region_code(about: Sequence[Edge]) -> str | None:
    """The region a report is about, from its ABOUT edges (the lowest code if several)."""
    return min(edge.target[1] for edge in about) if about else None


@strawberry.type(description="A named programme, reform or campaign: 放管服, 双随机一公开 …")
class Program:
    id: str
    name: str | None
    aliases: list[str]

    @classmethod
    def from_node(cls, node: Node) -> Program:
        """The GraphQL view of a Program node."""
        aliases = list(node.props.get("aliases") or [])
        return cls(id=node.key, name=node.props.get("name"), aliases=aliases)

    @described(description="Reports that mention this programme.")
    async def mentioned_in(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Mention]:
        return await mentions_of(info, Label.PROGRAM, self.id, window(info, first, after))


@strawberry.type(description="The evidence that decided a report's region, year or author.")
class Attribution:
    source: str = strawberry.field(
        description="title, metadata, doc_number, salutation, opening, self_reference, "
        "signature, source_field, publication_date, body or correction."
    )
    confidence: float = strawberry.field(description="How sure, from 0 to 1.")
    inferred: bool = strawberry.field(
        description="No text states it: deduced (e.g. the year from the publication date)."
    )

    @classmethod
    def from_props(cls, props: Mapping[str, Any], fact: str) -> Attribution | None:
        """The attribution of ``fact`` (region, year, author) kept on a Report node."""
        source = props.get(f"{fact}_source")
        if source is None:
            return None
        return cls(
            source=source,
            confidence=float(props.get(f"{fact}_confidence", 0.0)),
            inferred=bool(props.get(f"{fact}_inferred", False)),
        )


@strawberry.type(description="One annual rule-of-law report (法治政府建设年度报告).")
class Report:
    id: str = strawberry.field(description="Content hash of the cleaned text.")
    title: str | None
    year: int | None = strawberry.field(description="The year reported on.")
    published: str | None = strawberry.field(description="ISO date of publication.")
    author: str | None
    doc_number: str | None = strawberry.field(
        description="The report's own 发文字号 (canonical), when the page states one."
    )
    source: str | None = strawberry.field(description="Path or URL the report was read from.")
    char_count: int | None
    needs_review: bool = strawberry.field(
        description="Region or year missing or weakly attested: worth a researcher's look."
    )
    region_attribution: Attribution | None = strawberry.field(
        description="What decided the region."
    )
    year_attribution: Attribution | None = strawberry.field(description="What decided the year.")
    author_attribution: Attribution | None = strawberry.field(
        description="What decided the author."
    )

    @classmethod
    def from_node(cls, node: Node) -> Report:
        """The GraphQL view of a Report node."""
        p = node.props
        return cls(
            id=node.key,
            title=p.get("title"),
            year=p.get("year"),
            published=p.get("published"),
            author=p.get("author"),
            doc_number=p.get("doc_number"),
            source=p.get("source"),
            char_count=p.get("char_count"),
            needs_review=bool(p.get("needs_review", False)),
            region_attribution=Attribution.from_props(p, "region"),
            year_attribution=Attribution.from_props(p, "year"),
            author_attribution=Attribution.from_props(p, "author"),
        )

    @described(description="The region the report is about.")
    async def region(self, info: Info) -> Region | None:
        regions = await neighbours(info, Label.REPORT, self.id, Rel.ABOUT, "out")
        return Region.from_node(regions[0]) if regions else None

    @described(description="The institutions that signed the report.")
    async def authored_by(self, info: Info) -> list[Institution]:
        nodes = await neighbours(info, Label.REPORT, self.id, Rel.AUTHORED_BY, "out")
        return [Institution.from_node(node) for node in nodes]

    @described(description="The policies the report cites, most cited first.")
    async def cites(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Citation]:
        page = window(info, first, after)
        edges = await gateway(info).edges(Label.REPORT, self.id, Rel.CITES, "out")
        citations = [Citation.from_edge(edge, self.year) for edge in edges]
        citations.sort(key=lambda c: (-c.count, c.policy_id))
        shown = page.slice(citations)
        await fetch_citation_ends(info, shown)
        return connection_from_slice(shown, total=len(citations), window=page)

    @described(description="Institutions, programmes and regions the report names.")
    async def mentions(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Mention]:
        page = window(info, first, after)
        edges = await gateway(info).edges(Label.REPORT, self.id, Rel.MENTIONS, "out")
        mentions = [Mention.from_edge(edge) for edge in edges]
        mentions.sort(key=lambda m: (-m.count, m.target_label, m.target_key))
        return connection_from_list(mentions, page)


@strawberry.type(description="One report citing one policy: how often, and the sentences.")
class Citation:
    report_id: strawberry.Private[str]
    policy_id: strawberry.Private[str]
    year: int | None = strawberry.field(description="The year of the citing report.")
    count: int = strawberry.field(description="Times the report cites the policy.")
    evidence: list[Evidence] = strawberry.field(description="Sentences citing it (capped).")
    # Filled for the whole page by the connection when asked for (fetch_citation_ends): plain
    # fields resolve several times faster than resolvers, and a page has many.
    report: Report | None = strawberry.field(default=None, description="The citing report.")
    policy: Policy | None = strawberry.field(default=None, description="The cited policy.")
    region: Region | None = strawberry.field(
        default=None, description="The region the citing report is about."
    )

    @classmethod
    def from_edge(cls, edge: Edge, year: int | None) -> Citation:
        """The citation a CITES edge records."""
        return cls(
            report_id=edge.source[1],
            policy_id=edge.target[1],
            year=year,
            count=int(edge.props.get("count", 1)),
            evidence=evidence_of(edge.props),
        )


async def fetch_citation_ends(info: Info, citations: Sequence[Citation]) -> None:
    """Fetch the report, policy and region of a page of citations, those its items are
    asked for, in one batched call each and side by side (see :func:`item_fields`)."""
    asked = item_fields(info)
    report_ids = [c.report_id for c in citations]
    policy_ids = [c.policy_id for c in citations]
    reports, policies, regions = await asyncio.gather(
        ends_if("report" in asked, lambda: gateway(info).nodes(Label.REPORT, report_ids)),
        ends_if("policy" in asked, lambda: gateway(info).nodes(Label.POLICY, policy_ids)),
        ends_if("region" in asked, lambda: regions_of(info, report_ids)),
    )
    for i, citation in enumerate(citations):
        citation.report = Report.from_node(node) if reports and (node := reports[i]) else None
        citation.policy = Policy.from_node(node) if policies and (node := policies[i]) else None
        citation.region = Region.from_node(node) if regions and (node := regions[i]) else None


async def ends_if(
    asked: bool, load: Callable[[], Awaitable[list[Node | None]]]
) -> list[Node | None] | None:
    """``load()`` when ``asked``, else None (nothing fetched)."""
    return await load() if asked else None


async def regions_of(info: Info, report_ids: Sequence[str]) -> list[Node | None]:
    """The region each report is about (None where it has none)."""
    about = await gateway(info).edges_many(Label.REPORT, report_ids, Rel.ABOUT, "out")
    codes = [region_code(edges) for edges in about]
    known = sorted({code for code in codes if code is not None})
    by_code = dict(zip(known, await gateway(info).nodes(Label.REGION, known), strict=True))
    return [by_code.get(code) if code else None for code in codes]


MentionTarget = Annotated[
    Institution | Program | Region,
    strawberry.union("MentionTarget", description="What a report can mention by name."),
]


def as_mention_target(node: Node) -> Institution | Program | Region:
    """The GraphQL object for a mentioned node."""
    if node.label is Label.INSTITUTION:
        return Institution.from_node(node)
    if node.label is Label.PROGRAM:
        return Program.from_node(node)
    return Region.from_node(node)


@strawberry.type(description="One report naming one institution, programme or region.")
class Mention:
    report_id: strawberry.Private[str]
    target_label: strawberry.Private[Label]
    target_key: strawberry.Private[str]
    count: int
    evidence: list[Evidence]

    @classmethod
    def from_edge(cls, edge: Edge) -> Mention:
        """The mention a MENTIONS edge records."""
        label, key = edge.target
        count = int(edge.props.get("count", 1))
        evidence = evidence_of(edge.props)
        return cls(
            report_id=edge.source[1],
            target_label=label,
            target_key=key,
            count=count,
            evidence=evidence,
        )

    @described(description="The mentioning report.")
    async def report(self, info: Info) -> Report | None:
        node = await gateway(info).node(Label.REPORT, self.report_id)
        return Report.from_node(node) if node else None

    @described(description="What the report mentions.")
    async def target(self, info: Info) -> MentionTarget | None:
        node = await gateway(info).node(self.target_label, self.target_key)
        return as_mention_target(node) if node else None


async def mentions_of(info: Info, label: Label, key: str, page: Window) -> Connection[Mention]:
    """The reports mentioning one node, newest first."""
    edges = await gateway(info).edges(label, key, Rel.MENTIONS, "in")
    reports = await gateway(info).nodes(Label.REPORT, [edge.source[1] for edge in edges])
    order = {r.key: newest_first(r) for r in reports if r is not None}
    mentions = [Mention.from_edge(edge) for edge in edges]
    mentions.sort(key=lambda m: order.get(m.report_id, (1, m.report_id)))
    return connection_from_list(mentions, page)


def node_types() -> Mapping[Label, Any]:
    """The GraphQL type of each node label."""
    return {
        Label.REGION: Region,
        Label.INSTITUTION: Institution,
        Label.POLICY: Policy,
        Label.PROGRAM: Program,
        Label.REPORT: Report,
    }
