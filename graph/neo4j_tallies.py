"""The citation aggregates the Neo4j store keeps at write time, computed here in Python.

The research questions a reader asks interactively (most cited policies, a policy's diffusion,
similar regions, a year's coverage) would otherwise read every citation per request. Neo4j
keeps, beside the graph and unreachable from it (no relationships, own labels):

* ``(:ReportTally {report, year, published, region_code, regions, policies, counts})`` — what
  one report contributed when it was last counted (its ABOUT region codes, cited policy ids
  and CITES counts), so it can be taken back exactly, whatever the graph holds by then;
* ``(:PolicyTally {policy, reports, mentions, regions})`` — per cited policy: citing reports,
  mentions (CITES counts, once per report) and distinct regions of its citing reports;
* ``(:PolicyRegionTally {policy, region, reports, years, year_reports})`` — per policy and
  region: citing reports, and how many of them per report year (``years`` sorted, with
  ``year_reports`` beside them), so a deletion knows whether the region still cites;
* ``(:RegionTally {region, policies})`` — per region: the policies its reports cite (how many
  ``PolicyRegionTally`` it has);
* ``(:RegionYearTally {region, year, reports, dates, first_published})`` — per region code
  and report year: the reports (by ``region_code``) and their ISO publication dates.

An empty list property is left absent (``years`` of a pair whose reports have no year, ``dates``
without an ISO date, a report's ``policies`` when it cites none), as neo4j-admin import leaves
an empty array cell; readers take absent for empty.

A write transaction names the reports it touched; :data:`graph.cypher.TALLY_REFRESH` takes
their former snapshots back and adds their new ones as deltas, server-side. Here,
:func:`updated_tallies` computes the same in Python (what the tests compare the database with),
and :func:`tally_nodes` every tally of a whole graph (what the bulk importer writes).

Example:
    >>> snap = {"report": "r1", "year": 2020, "region_code": "420304", "regions": ["420304"],
    ...         "policies": ["行政处罚法"], "counts": [2], "published": "2021-03-01"}
    >>> changes = updated_tallies(Current({}, {}, {}, {}), before=[], after=[snap])
    >>> changes.policies
    [{'policy': '行政处罚法', 'reports': 1, 'mentions': 2, 'regions': 1}]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.model import Label, Rel
from graph.store import Edge, Node

AGGREGATES_VERSION = 2  # a database marked with another version is counted afresh
_ISO_DATE = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")  # coverage's $iso_date, whole string
_Props = Mapping[str, Any]
Pair = tuple[str, str]  # (policy, region)
RegionYear = tuple[str, int]


@dataclass(frozen=True)
class Current:
    """The tallies the database holds for the keys a change touches, as read."""

    policies: dict[str, _Props]
    pairs: dict[Pair, _Props]
    region_years: dict[RegionYear, _Props]
    regions: dict[str, _Props]


@dataclass
class Changes:
    """Tally rows to write (whole property sets) and keys to drop (nothing left to count)."""

    policies: list[dict[str, Any]] = field(default_factory=list)
    drop_policies: list[str] = field(default_factory=list)
    pairs: list[dict[str, Any]] = field(default_factory=list)
    drop_pairs: list[list[str]] = field(default_factory=list)
    region_years: list[dict[str, Any]] = field(default_factory=list)
    drop_region_years: list[list[Any]] = field(default_factory=list)
    regions: list[dict[str, Any]] = field(default_factory=list)
    drop_regions: list[str] = field(default_factory=list)

    def params(self) -> dict[str, list[Any]]:
        """The rows by kind, as plain lists."""
        return dict(vars(self))


def affected_keys(
    snapshots: Iterable[_Props],
) -> tuple[list[str], list[Pair], list[RegionYear]]:
    """The policy, (policy, region) and (region, year) keys these snapshots count in.

    Example:
        >>> affected_keys([{"policies": ["p"], "regions": ["r"], "region_code": "r",
        ...                 "year": 2020}])
        (['p'], [('p', 'r')], [('r', 2020)])
    """
    policies: dict[str, None] = {}
    pairs: dict[Pair, None] = {}
    region_years: dict[RegionYear, None] = {}
    for snap in snapshots:
        for policy in snap.get("policies") or ():
            policies[policy] = None
            pairs.update(dict.fromkeys((policy, region) for region in snap.get("regions") or ()))
        if _region_year(snap) is not None:
            region_years[_region_year(snap)] = None  # type: ignore[index]
    return list(policies), list(pairs), list(region_years)


@dataclass
class _Working:
    """Tallies being changed, in plain Python values."""

    policies: dict[str, list[int]]  # policy → [reports, mentions, regions]
    pairs: dict[Pair, Counter[int | None]]  # citing reports by year (None: year unknown)
    region_years: dict[RegionYear, list[str]]  # one entry per report: its ISO date or ""
    regions: dict[str, int]  # region → the policies its reports cite


def updated_tallies(
    current: Current, *, before: Sequence[_Props], after: Sequence[_Props]
) -> Changes:
    """The tallies after taking the ``before`` snapshots back and adding the ``after`` ones."""
    work = _working(current)
    old_pairs = {pair for pair, years in work.pairs.items() if sum(years.values()) > 0}
    for snap in before:
        _count(work, snap, -1)
    for snap in after:
        _count(work, snap, +1)
    for pair, years in work.pairs.items():  # distinct regions follow the pairs that came or went
        now = sum(years.values()) > 0
        if now != (pair in old_pairs):
            work.policies.setdefault(pair[0], [0, 0, 0])[2] += 1 if now else -1
            work.regions[pair[1]] = work.regions.get(pair[1], 0) + (1 if now else -1)
    return _changes(work)


def _working(current: Current) -> _Working:
    policies = {
        key: [int(t["reports"]), int(t["mentions"]), int(t["regions"])]
        for key, t in current.policies.items()
    }
    pairs: dict[Pair, Counter[int | None]] = {}
    for key, t in current.pairs.items():
        years = Counter(dict(zip(t.get("years") or [], t.get("year_reports") or [], strict=True)))
        unknown = int(t["reports"]) - sum(years.values())
        pairs[key] = years + Counter({None: unknown}) if unknown else years
    region_years = {
        key: [*(t.get("dates") or []), *[""] * (int(t["reports"]) - len(t.get("dates") or []))]
        for key, t in current.region_years.items()
    }
    regions = {key: int(t["policies"]) for key, t in current.regions.items()}
    return _Working(policies, pairs, region_years, regions)


def _count(work: _Working, snap: _Props, sign: int) -> None:
    year = snap.get("year")
    regions = snap.get("regions") or []
    for policy, mentions in zip(snap.get("policies") or [], snap.get("counts") or [], strict=True):
        tally = work.policies.setdefault(policy, [0, 0, 0])
        tally[0] += sign
        tally[1] += sign * int(mentions)
        for region in regions:
            work.pairs.setdefault((policy, region), Counter())[year] += sign
    key = _region_year(snap)
    if key is not None:
        dates = work.region_years.setdefault(key, [])
        date = _iso_date(snap.get("published"))
        if sign > 0:
            dates.append(date)
        elif date in dates:
            dates.remove(date)


def _changes(work: _Working) -> Changes:
    out = Changes()
    for policy, (reports, mentions, regions) in work.policies.items():
        if reports > 0:
            row = {"policy": policy, "reports": reports, "mentions": mentions, "regions": regions}
            out.policies.append(row)
        else:
            out.drop_policies.append(policy)
    for (policy, region), years in work.pairs.items():
        if sum(years.values()) > 0:
            out.pairs.append(_pair_row(policy, region, years))
        else:
            out.drop_pairs.append([policy, region])
    for (region, year), dates in work.region_years.items():
        if dates:
            out.region_years.append(_region_year_row(region, year, dates))
        else:
            out.drop_region_years.append([region, year])
    for region, policies in work.regions.items():
        if policies > 0:
            out.regions.append({"region": region, "policies": policies})
        else:
            out.drop_regions.append(region)
    return out


def _pair_row(policy: str, region: str, years: Counter[int | None]) -> dict[str, Any]:
    known = sorted(y for y, n in years.items() if y is not None and n > 0)
    row: dict[str, Any] = {"policy": policy, "region": region, "reports": sum(years.values())}
    if known:  # an empty list is left absent, as the database (and its importer) leave it
        row |= {"years": known, "year_reports": [years[y] for y in known]}
    return row


def _region_year_row(region: str, year: int, dates: list[str]) -> dict[str, Any]:
    iso = sorted(d for d in dates if d)
    row: dict[str, Any] = {"region": region, "year": year, "reports": len(dates)}
    if iso:
        row |= {"dates": iso, "first_published": iso[0]}
    return row


def _region_year(snap: _Props) -> RegionYear | None:
    region, year = snap.get("region_code"), snap.get("year")
    return None if region is None or year is None else (str(region), int(year))


def _iso_date(published: Any) -> str:
    """The date when it is an ISO date (what coverage counts as a publication date), else ""."""
    text = published if isinstance(published, str) else ""
    return text if _ISO_DATE.fullmatch(text) else ""


def report_snapshots(nodes: Iterable[Node], edges: Iterable[Edge]) -> list[dict[str, Any]]:
    """What each report of a whole graph counts in (the ``ReportTally`` properties; ``None``
    where the report lacks the property, as the database leaves it absent).

    Example:
        >>> report = Node(Label.REPORT, "r1", {"year": 2020, "region_code": "420304"})
        >>> [snap["policies"] for snap in report_snapshots([report], [])]
        [[]]
    """
    reports = {node.key: node.props for node in nodes if node.label == Label.REPORT}
    cites: dict[str, dict[str, int]] = {key: {} for key in reports}
    about: dict[str, list[str]] = {key: [] for key in reports}
    for edge in edges:
        if edge.type == Rel.CITES and edge.source[1] in cites:
            cites[edge.source[1]][edge.target[1]] = int(edge.props.get("count") or 0)
        elif edge.type == Rel.ABOUT and edge.source[1] in about:
            about[edge.source[1]].append(edge.target[1])
    return [
        {
            "report": key,
            "year": props.get("year"),
            "published": props.get("published"),
            "region_code": props.get("region_code"),
            "regions": about[key],
            "policies": list(cites[key]),
            "counts": list(cites[key].values()),
        }
        for key, props in reports.items()
    ]


def tally_nodes(nodes: Iterable[Node], edges: Iterable[Edge]) -> dict[str, list[dict[str, Any]]]:
    """Every aggregate node of a whole graph by label, ``ReportTally`` included: what the
    database holds once these nodes and edges are written online.

    Example:
        >>> report = Node(Label.REPORT, "r1", {"year": 2020, "region_code": "420304"})
        >>> tally_nodes([report], [])["RegionYearTally"]
        [{'region': '420304', 'year': 2020, 'reports': 1}]
    """
    snapshots = report_snapshots(nodes, edges)
    changes = updated_tallies(Current({}, {}, {}, {}), before=[], after=snapshots)
    return {
        "ReportTally": snapshots,
        "PolicyTally": changes.policies,
        "PolicyRegionTally": changes.pairs,
        "RegionTally": changes.regions,
        "RegionYearTally": changes.region_years,
    }


@dataclass
class _Picture:
    """A fresh report as this transaction wrote it: its node's properties and the ends of
    its counted relationships (CITES counts by policy, ABOUT regions), in writing order."""

    props: _Props
    cites: dict[str, int] = field(default_factory=dict)
    about: dict[str, None] = field(default_factory=dict)


class FreshReports:
    """The snapshots of the reports a write transaction created, kept on the client side.

    A report the database did not hold when the transaction began has no former snapshot, and
    everything it counts in was written by this transaction: so its snapshot is known here and
    the aggregates need not read it back from the graph. A report the transaction deletes
    (replaced, or deleted and written again) is never fresh: the database counts it.

    Example:
        >>> fresh = FreshReports()
        >>> fresh.created("r1", {"year": 2020, "region_code": "420304"})
        >>> fresh.cites("r1", "行政处罚法", 2)
        >>> fresh.about("r1", "420304")
        >>> fresh.snapshots()[0]["policies"], fresh.snapshots()[0]["counts"]
        (['行政处罚法'], [2])
    """

    def __init__(self) -> None:
        self._pictures: dict[str, _Picture] = {}
        self._deleted: set[str] = set()

    def __contains__(self, report: object) -> bool:
        return report in self._pictures

    def created(self, report: str, props: _Props) -> None:
        """``report`` was written as a node the database does not hold (or rewritten so)."""
        if report in self._pictures:
            self._pictures[report].props = props
        elif report not in self._deleted:
            self._pictures[report] = _Picture(props)

    def updated(self, report: str, props: _Props) -> None:
        """``report``'s node was written again: its properties (if fresh) are these now."""
        if report in self._pictures:
            self._pictures[report].props = props

    def cites(self, report: str, policy: str, count: int) -> None:
        if report in self._pictures:
            self._pictures[report].cites[policy] = count

    def about(self, report: str, region: str) -> None:
        if report in self._pictures:
            self._pictures[report].about[region] = None

    def deleted(self, label: Label, key: str) -> None:
        """A node went (DETACH DELETE): a fresh report's relationships to it with it."""
        if label == Label.REPORT:
            self.report_deleted(key)
        for picture in self._pictures.values():
            if label == Label.POLICY:
                picture.cites.pop(key, None)
            elif label == Label.REGION:
                picture.about.pop(key, None)

    def report_deleted(self, report: str) -> None:
        """``report`` was deleted in the transaction: the database counts it from now on."""
        self._pictures.pop(report, None)
        self._deleted.add(report)

    def snapshots(self) -> list[dict[str, Any]]:
        """The fresh reports' ``ReportTally`` properties (an empty list as ``None``)."""
        return [_snapshot(report, picture) for report, picture in self._pictures.items()]


def _snapshot(report: str, picture: _Picture) -> dict[str, Any]:
    return {
        "report": report,
        "year": picture.props.get("year"),
        "published": picture.props.get("published"),
        "region_code": picture.props.get("region_code"),
        "policies": list(picture.cites) or None,
        "counts": list(picture.cites.values()) or None,
        "regions": list(picture.about) or None,
    }
