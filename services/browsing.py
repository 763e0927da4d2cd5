"""What the explorer's pages show, read through the named queries GraphQL answers with.

A policy's page (:func:`policy_view`): the reports citing it with their evidence sentences
(``regions_citing_policy``), the first year each region cited it, the cumulative number of
citing regions per year by level, its spread (``policy_diffusion``) and the policies cited
beside it (``co_cited_policies``). A region's page (:func:`region_view`): its reports by year,
what they cite (``policies_cited_by_region``), the regions citing alike (``similar_regions``),
the regions it lies in and its neighbours under the same parent. :func:`search` finds policies
(title or 文号), regions (name or code), programmes and institutions.

Example:
    >>> from graph.memory import MemoryStore
    >>> search(MemoryStore(None), "行政处罚法")
    []
    >>> cumulative_by_level([FirstCitation("420304", "郧阳区", "county", 2019, None, None)])
    {'county': [(2019, 1)]}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from graph.model import Label, Rel, evidence_triples
from graph.store import Edge, GraphStore, Node
from queries.base import Row
from services.errors import UserInputError
from services.geography import region_point
from services.lookups import find_policy, find_region_written
from services.querying import run_named

SEARCHED_LABELS = (Label.POLICY, Label.REGION, Label.PROGRAM, Label.INSTITUTION)
SEARCH_LIMIT = 50
CO_CITED_SHOWN = 15
SIMILAR_SHOWN = 10
CITATIONS_SHOWN = 100


@dataclass(frozen=True, slots=True)
class Hit:
    """A node a search found: label, key and the name to show."""

    label: str
    key: str
    name: str | None


@dataclass(frozen=True, slots=True)
class CitingReport:
    """One report about one region citing the policy, with the sentences that cite it."""

    report_id: str
    title: str | None
    year: int | None
    region_code: str
    region_name: str | None
    level: str | None
    mentions: int
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FirstCitation:
    """A citing region, where it lies and the year its reports first cite the policy."""

    code: str
    name: str | None
    level: str | None
    year: int | None
    lon: float | None
    lat: float | None


@dataclass(frozen=True, slots=True)
class PolicyView:
    """Everything the policy page shows."""

    policy: Node
    citations: list[CitingReport]  # the newest :data:`CITATIONS_SHOWN`
    citation_count: int  # every citing report
    first_citations: list[FirstCitation]
    diffusion: list[Row]
    co_cited: list[Row]

    @property
    def spellings(self) -> list[str]:
        """The title, 文号 and other spellings the policy is written as (longest first)."""
        props = self.policy.props
        written = [self.policy.key, props.get("title"), props.get("doc_number")]
        written += list(props.get("aliases") or [])
        return sorted({w for w in written if w}, key=len, reverse=True)


@dataclass(frozen=True, slots=True)
class ReportSummary:
    """A report about the region: id, title, year and how many policies it cites."""

    report_id: str
    title: str | None
    year: int | None
    policies: int


@dataclass(frozen=True, slots=True)
class Neighbour:
    """A region under the same parent, and how many reports about it the graph holds."""

    code: str
    name: str | None
    level: str | None
    reports: int


@dataclass(frozen=True, slots=True)
class RegionView:
    """Everything the region page shows."""

    region: Node
    within: list[Node]  # the regions it lies in, nearest first (up to the province)
    reports: list[ReportSummary]
    cited: list[Row]
    similar: list[Row]
    neighbours: list[Neighbour] = field(default_factory=list)


# --- search --------------------------------------------------------------------------------


def search(store: GraphStore, text: str, limit: int = SEARCH_LIMIT) -> list[Hit]:
    """Policies (title or 文号), regions (name or code), programmes and institutions matching
    ``text``: the exact finds first (any spelling ingestion unifies), then every node whose
    key, name, title or full name contains it (named query ``search``)."""
    text = text.strip()
    if not text:
        return []
    hits = _exact_hits(store, text)
    labels = [str(label) for label in SEARCHED_LABELS]
    rows = run_named(store, "search", {"text": text[:200], "labels": labels, "limit": limit})
    hits += [Hit(row["label"], row["key"], row["name"]) for row in rows]
    return _unique(hits)[:limit]


def _exact_hits(store: GraphStore, text: str) -> list[Hit]:
    found = [find_policy(store, title=text), find_policy(store, doc_number=text)]
    with suppress(UserInputError):  # a name several regions share: the substring search has them
        found.append(find_region_written(store, text))
    return [_hit(node) for node in found if node is not None]


def _hit(node: Node) -> Hit:
    props = node.props
    name = props.get("title") or props.get("name") or props.get("full_name")
    return Hit(str(node.label), node.key, name)


def _unique(hits: Iterable[Hit]) -> list[Hit]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for hit in hits:
        if (hit.label, hit.key) not in seen:
            seen.add((hit.label, hit.key))
            kept.append(hit)
    return kept


# --- the policy page -----------------------------------------------------------------------


def find_policy_written(store: GraphStore, written: str) -> Node | None:
    """The policy with this id, title or 文号 (in any spelling ingestion unifies).

    Example:
        >>> from graph.memory import MemoryStore
        >>> find_policy_written(MemoryStore(None), "国发〔2004〕10号") is None
        True
    """
    return (
        find_policy(store, id=written)
        or find_policy(store, title=written)
        or find_policy(store, doc_number=written)
    )


def policy_view(store: GraphStore, written: str) -> PolicyView | None:
    """The policy page's data for the policy written as ``written``; None when unknown."""
    policy = find_policy_written(store, written)
    if policy is None:
        return None
    asked = {"policy": policy.key}
    rows = run_named(store, "regions_citing_policy", asked, every_row=True)
    return PolicyView(
        policy=policy,
        citations=_citing_reports(store, policy.key, rows),
        citation_count=len(rows),
        first_citations=_first_citations(store, rows),
        diffusion=run_named(store, "policy_diffusion", asked),
        co_cited=run_named(store, "co_cited_policies", asked | {"limit": CO_CITED_SHOWN}),
    )


def _citing_reports(store: GraphStore, policy_id: str, rows: list[Row]) -> list[CitingReport]:
    """The first :data:`CITATIONS_SHOWN` rows of ``regions_citing_policy``, newest first, with
    titles and evidence (a policy may be cited by thousands of reports)."""
    rows = sorted(rows, key=lambda r: (-(r["year"] or 0), r["region_code"], r["report_id"]))
    rows = rows[:CITATIONS_SHOWN]
    report_ids = [row["report_id"] for row in rows]
    reports = dict(zip(report_ids, store.get_nodes(Label.REPORT, report_ids), strict=True))
    cites = store.edges_of(Label.REPORT, report_ids, Rel.CITES, "out")
    evidence = {rid: _evidence(es, policy_id) for rid, es in zip(report_ids, cites, strict=True)}
    return [_citing(row, reports[row["report_id"]], evidence[row["report_id"]]) for row in rows]


def _evidence(edges: Sequence[Edge], policy_id: str) -> tuple[str, ...]:
    """The evidence sentences of the CITES edges to ``policy_id``."""
    return tuple(
        text
        for edge in edges
        if edge.target[1] == policy_id
        for text, _, _ in evidence_triples(edge.props)
    )


def _citing(row: Row, report: Node | None, evidence: tuple[str, ...]) -> CitingReport:
    return CitingReport(
        report_id=row["report_id"],
        title=report.props.get("title") if report is not None else None,
        year=row["year"],
        region_code=row["region_code"],
        region_name=row["region_name"],
        level=row["level"],
        mentions=row["count"],
        evidence=evidence,
    )


def _first_citations(store: GraphStore, rows: list[Row]) -> list[FirstCitation]:
    """Each citing region once, with its first citing year and its coordinates."""
    first: dict[str, Row] = {}
    for row in rows:
        seen = first.get(row["region_code"])
        if seen is None or (row["year"] or 9999) < (seen["year"] or 9999):
            first[row["region_code"]] = row
    codes = sorted(first)
    nodes = store.get_nodes(Label.REGION, codes)
    return [_first(first[code], node) for code, node in zip(codes, nodes, strict=True)]


def _first(row: Row, region: Node | None) -> FirstCitation:
    """The region's first citation, at the gazetteer's point (the node's, else
    :func:`services.geography.region_point`: a point inside its boundary, or under its other
    code)."""
    props: dict[str, Any] = dict(region.props) if region is not None else {}
    lon, lat = props.get("lon"), props.get("lat")
    if lon is None or lat is None:
        point = region_point(row["region_code"])
        lon, lat = (point.lon, point.lat) if point is not None else (None, None)
    code, name, level, year = (row[k] for k in ("region_code", "region_name", "level", "year"))
    return FirstCitation(code, name, level, year, lon, lat)


def cumulative_by_level(firsts: Iterable[FirstCitation]) -> dict[str, list[tuple[int, int]]]:
    """Per level, the number of regions that have cited the policy by each year (years with a
    first citation at any level; regions without a year left out)."""
    dated = [f for f in firsts if f.year is not None]
    years = sorted({f.year for f in dated if f.year is not None})
    levels = sorted({f.level or "other" for f in dated})
    new = Counter((f.level or "other", f.year) for f in dated)
    curves: dict[str, list[tuple[int, int]]] = {}
    for level in levels:
        total, points = 0, []
        for year in years:
            total += new[level, year]
            points.append((year, total))
        curves[level] = points
    return curves


# --- the region page -----------------------------------------------------------------------


def region_view(store: GraphStore, written: str) -> RegionView | None:
    """The region page's data for the region written as a code or name; None when unknown.

    Raises :class:`~services.errors.UserInputError` when a name is ambiguous.
    """
    region = find_region_written(store, written)
    if region is None:
        return None
    asked = {"region": region.key}
    within = _within(store, region.key)
    return RegionView(
        region=region,
        within=within,
        reports=_reports_about(store, region.key),
        cited=run_named(store, "policies_cited_by_region", asked, every_row=True),
        similar=run_named(store, "similar_regions", asked | {"limit": SIMILAR_SHOWN}),
        neighbours=_neighbours(store, region.key, within[0].key) if within else [],
    )


def _within(store: GraphStore, code: str) -> list[Node]:
    """The regions ``code`` lies in, nearest first."""
    chain: list[Node] = []
    current = code
    while parents := store.edges_of(Label.REGION, [current], Rel.PART_OF, "out")[0]:
        current = parents[0].target[1]
        node = store.get_nodes(Label.REGION, [current])[0]
        if node is None or len(chain) > 5:
            break
        chain.append(node)
    return chain


def _reports_about(store: GraphStore, code: str) -> list[ReportSummary]:
    """The reports about the region, newest first."""
    ids = [edge.source[1] for edge in store.edges_of(Label.REGION, [code], Rel.ABOUT, "in")[0]]
    nodes = store.get_nodes(Label.REPORT, ids)
    cites = store.edges_of(Label.REPORT, ids, Rel.CITES, "out")
    summaries = [
        ReportSummary(rid, _prop(node, "title"), _prop(node, "year"), len(edges))
        for rid, node, edges in zip(ids, nodes, cites, strict=True)
    ]
    return sorted(summaries, key=lambda r: (-(r.year or 0), r.report_id))


def _neighbours(store: GraphStore, code: str, parent: str) -> list[Neighbour]:
    """The other regions under ``parent`` that the graph holds, most reports first."""
    children = store.edges_of(Label.REGION, [parent], Rel.PART_OF, "in")[0]
    codes = sorted(edge.source[1] for edge in children if edge.source[1] != code)
    nodes = store.get_nodes(Label.REGION, codes)
    about = store.edges_of(Label.REGION, codes, Rel.ABOUT, "in")
    found = [
        Neighbour(c, _prop(node, "name"), _prop(node, "level"), len(reports))
        for c, node, reports in zip(codes, nodes, about, strict=True)
    ]
    return sorted(found, key=lambda n: (-n.reports, n.code))


def _prop(node: Node | None, name: str) -> Any:
    return node.props.get(name) if node is not None else None
