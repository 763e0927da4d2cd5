"""What reports name: ``Institution`` and ``Program`` (with ``Region``, the targets of a
``Mention``), and the mentions themselves.

Example:
    >>> from graph.store import Node
    >>> Program.from_node(Node(Label.PROGRAM, "放管服", {"aliases": ["放管服"]})).aliases
    ['放管服']
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.schema import policy as policy_types
from api.schema import region as region_types
from api.schema import report as report_types
from api.schema.common import (
    Evidence,
    Info,
    described,
    evidence_of,
    gateway,
    neighbours,
    newest_first,
    related,
    related_one,
    window,
)
from api.schema.pagination import Connection, Window, connection_from_list
from api.schema.refs import PolicyRef, RegionRef, ReportRef
from graph.model import Label, Rel
from graph.store import Edge, Node


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
    async def region(self, info: Info) -> RegionRef | None:
        return await related_one(
            info, Label.INSTITUTION, self.id, Rel.IN_REGION, "out", region_types.Region.from_node
        )

    @described(description="Reports this institution signed.")
    async def authored_reports(self, info: Info) -> list[ReportRef]:
        nodes = await neighbours(info, Label.INSTITUTION, self.id, Rel.AUTHORED_BY, "in")
        return [report_types.Report.from_node(node) for node in sorted(nodes, key=newest_first)]

    @described(description="Policies this institution issued.")
    async def issued_policies(self, info: Info) -> list[PolicyRef]:
        return await related(
            info, Label.INSTITUTION, self.id, Rel.ISSUED_BY, "in", policy_types.Policy.from_node
        )

    @described(description="Reports that mention this institution.")
    async def mentioned_in(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Mention]:
        return await mentions_of(info, Label.INSTITUTION, self.id, window(info, first, after))


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


MentionTarget = Annotated[
    Institution | Program | RegionRef,
    strawberry.union("MentionTarget", description="What a report can mention by name."),
]


def as_mention_target(node: Node) -> Institution | Program | RegionRef:
    """The GraphQL object for a mentioned node."""
    if node.label is Label.INSTITUTION:
        return Institution.from_node(node)
    if node.label is Label.PROGRAM:
        return Program.from_node(node)
    return region_types.Region.from_node(node)


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
    async def report(self, info: Info) -> ReportRef | None:
        node = await gateway(info).node(Label.REPORT, self.report_id)
        return report_types.Report.from_node(node) if node else None

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
