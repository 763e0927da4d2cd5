"""The ``Report`` type, the evidence behind its attribution, and ``Citation`` (one report
citing one policy).

Example:
    >>> Attribution.from_props({"year_source": "opening", "year_confidence": 0.85}, "year")
    Attribution(source='opening', confidence=0.85, inferred=False)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import strawberry

from api.schema import mentions as mention_types
from api.schema import policy as policy_types
from api.schema import region as region_types
from api.schema.common import (
    Evidence,
    Info,
    described,
    evidence_of,
    gateway,
    region_code,
    related,
    related_one,
    window,
)
from api.schema.lookahead import End, fill_ends
from api.schema.pagination import Connection, connection_from_list, connection_from_slice
from api.schema.refs import InstitutionRef, MentionRef, PolicyRef, RegionRef
from graph.model import Label, Rel
from graph.store import Edge, Node


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
    url: str | None = strawberry.field(description="The URL it was fetched from (fazhi fetch).")
    fetched_at: str | None = strawberry.field(description="When it was fetched (ISO 8601, UTC).")
    archive_record: str | None = strawberry.field(
        description="Its record in the crawl archive: <WARC file>#<offset>."
    )
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
            url=p.get("url"),
            fetched_at=p.get("fetched_at"),
            archive_record=p.get("archive_record"),
            char_count=p.get("char_count"),
            needs_review=bool(p.get("needs_review", False)),
            region_attribution=Attribution.from_props(p, "region"),
            year_attribution=Attribution.from_props(p, "year"),
            author_attribution=Attribution.from_props(p, "author"),
        )

    @described(description="The region the report is about.")
    async def region(self, info: Info) -> RegionRef | None:
        return await related_one(
            info, Label.REPORT, self.id, Rel.ABOUT, "out", region_types.Region.from_node
        )

    @described(description="The institutions that signed the report.")
    async def authored_by(self, info: Info) -> list[InstitutionRef]:
        return await related(
            info, Label.REPORT, self.id, Rel.AUTHORED_BY, "out", mention_types.Institution.from_node
        )

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
    ) -> Connection[MentionRef]:
        page = window(info, first, after)
        edges = await gateway(info).edges(Label.REPORT, self.id, Rel.MENTIONS, "out")
        mentions = [mention_types.Mention.from_edge(edge) for edge in edges]
        mentions.sort(key=lambda m: (-m.count, m.target_label, m.target_key))
        return connection_from_list(mentions, page)


@strawberry.type(description="One report citing one policy: how often, and the sentences.")
class Citation:
    report_id: strawberry.Private[str]
    policy_id: strawberry.Private[str]
    year: int | None = strawberry.field(description="The year of the citing report.")
    count: int = strawberry.field(description="Times the report cites the policy.")
    evidence: list[Evidence] = strawberry.field(description="Sentences citing it (capped).")
    # Filled for the whole page by the connection when asked for (CITATION_ENDS): plain
    # fields resolve several times faster than resolvers, and a page has many.
    report: Report | None = strawberry.field(default=None, description="The citing report.")
    policy: PolicyRef | None = strawberry.field(default=None, description="The cited policy.")
    region: RegionRef | None = strawberry.field(
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
    """Fill the report, policy and region of a page of citations, those its items are asked
    for, in one batched call each and side by side (:func:`~api.schema.lookahead.fill_ends`)."""
    await fill_ends(info, citations, CITATION_ENDS)


async def citing_reports(info: Info, citations: Sequence[Citation]) -> list[Node | None]:
    """The report of each citation."""
    return await gateway(info).nodes(Label.REPORT, [c.report_id for c in citations])


async def cited_policies(info: Info, citations: Sequence[Citation]) -> list[Node | None]:
    """The policy of each citation."""
    return await gateway(info).nodes(Label.POLICY, [c.policy_id for c in citations])


async def citing_regions(info: Info, citations: Sequence[Citation]) -> list[Node | None]:
    """The region of each citation's report."""
    return await regions_of(info, [c.report_id for c in citations])


# Resolved when called: the types of the other modules are not defined yet at import.
CITATION_ENDS: Mapping[str, End[Citation]] = {
    "report": End(citing_reports, lambda node: Report.from_node(node)),
    "policy": End(cited_policies, lambda node: policy_types.Policy.from_node(node)),
    "region": End(citing_regions, lambda node: region_types.Region.from_node(node)),
}


async def regions_of(info: Info, report_ids: Sequence[str]) -> list[Node | None]:
    """The region each report is about (None where it has none)."""
    about = await gateway(info).edges_many(Label.REPORT, report_ids, Rel.ABOUT, "out")
    codes = [region_code(edges) for edges in about]
    known = sorted({code for code in codes if code is not None})
    by_code = dict(zip(known, await gateway(info).nodes(Label.REGION, known), strict=True))
    return [by_code.get(code) if code else None for code in codes]
