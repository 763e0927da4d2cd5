"""The ``Policy`` type: a cited document, its citations, issuers and nested documents.

Example:
    >>> from graph.store import Node
    >>> Policy.from_node(Node(Label.POLICY, "行政处罚法", {"kind": "law"})).kind
    <PolicyKind.LAW: 'law'>
"""

from __future__ import annotations

import strawberry

from api.loaders import CitationAsk
from api.schema import mentions as mention_types
from api.schema import region as region_types
from api.schema import report as report_types
from api.schema.common import (
    Info,
    described,
    gateway,
    province_prefix,
    related,
    window,
)
from api.schema.pagination import Connection, connection_from_slice
from api.schema.refs import CitationRef, InstitutionRef, RegionRef
from api.schema.vocabulary import PolicyKind, member_or_other
from graph.model import Label, Rel
from graph.store import Node


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
    ) -> Connection[CitationRef]:
        page = window(info, first, after)
        ask = CitationAsk(
            page.limit, page.offset, year_from, year_to, province_prefix(province_code)
        )  # ordered and paged in the store: a policy may have thousands
        found = await gateway(info).citations(self.id, ask)
        citations = [
            report_types.Citation.from_edge(edge, year)
            for edge, year in zip(found.edges, found.years, strict=True)
        ]
        await report_types.fetch_citation_ends(info, citations)
        return connection_from_slice(citations, total=found.total, window=page)

    @described(description="Documents this one implements (nested 〈〉 titles).")
    async def implements(self, info: Info) -> list[Policy]:
        return await related(info, Label.POLICY, self.id, Rel.IMPLEMENTS, "out", Policy.from_node)

    @described(description="Documents that implement this one.")
    async def implemented_by(self, info: Info) -> list[Policy]:
        return await related(info, Label.POLICY, self.id, Rel.IMPLEMENTS, "in", Policy.from_node)

    @described(description="Institutions that issued the document.")
    async def issued_by(self, info: Info) -> list[InstitutionRef]:
        return await related(
            info, Label.POLICY, self.id, Rel.ISSUED_BY, "out", mention_types.Institution.from_node
        )

    @described(description="Regions whose authorities issued the document.")
    async def issued_in(self, info: Info) -> list[RegionRef]:
        return await related(
            info, Label.POLICY, self.id, Rel.ISSUED_IN, "out", region_types.Region.from_node
        )
