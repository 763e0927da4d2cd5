"""Indexes and aggregates the embedded store keeps beside its graph, up to date at write time.

The named queries' networkx twins read the whole graph; at 100,000 reports (a million nodes)
that is seconds per request. :class:`GraphIndex` keeps what they need instead:

* nodes by label, policies by every spelling (id, 文号, aliases), regions by code and names;
  per issuer (institution or region), the policies it issued;
* a text index: per label, the key, name, title and full name of every node joined into one
  string (rebuilt on the first search after a change), which ``str.find`` runs through in C
  and whose hits map back to their nodes, instead of testing every node in Python;
* per report, what it contributes to the citation aggregates (its year, regions and cited
  policies with their counts), and per policy the sum of those: citing reports, mentions,
  reports per region and per (region, year); per region its reports (with their year) and the
  policies they cite; per report, built on first use, its cited policies as one numpy array
  (policy number and count) for vectorised co-citation counts; per policy its citations in
  ``regions_citing_policy``
  order (year, region code, report id), sorted on the first read after that policy changed.

:class:`graph.memory.MemoryStore` builds it when it loads a graph and, after every write that
succeeds, refreshes the nodes the write touched (:meth:`GraphIndex.refresh`); a rolled-back
write leaves the graph as it was, so there is nothing to refresh. Rankings derived from the
aggregates (most cited) are computed on the first read after a write and kept until the next.
The index is never saved: it is rebuilt on load.

The queries find it with :func:`index_of`; a graph no store indexes (one built by hand)
answers None and the queries read the graph itself, with the same result.

Example:
    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("Policy:行政处罚法", label="Policy", title="行政处罚法")
    >>> index = attach_index(g)
    >>> sorted(index.candidates("处罚"))
    ['Policy:行政处罚法']
"""

from __future__ import annotations

import weakref
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt

from graph.model import KEYS, Label, Rel, split_node_id
from graph.nxgraph import node_attributes, typed_neighbours

SEARCHED = ("name", "title", "full_name")  # besides the key (queries/search.py)
_SEPARATOR, _END = "\x1f", "\x1e"  # between a node's strings, between nodes: never searched

# Nodes found by exact name (besides policies' spellings): the fields each label is named by.
# (Institutions, ten times as many, are found through the text index: no postings kept.)
NAMED_BY = {Label.REGION: ("name", "short_name", "full_name")}
ISSUER_RELS = (Rel.ISSUED_BY, Rel.ISSUED_IN)

Numbers = npt.NDArray[np.int32]
Packed = npt.NDArray[np.int64]  # policy number << 32 | CITES count
# A policy's citations in regions_citing_policy order: (year unknown, year, region code,
# report key, region node id, report node id, CITES count).
Citation = tuple[bool, int, str, str, str, str, int]

_INDEXES: weakref.WeakKeyDictionary[nx.MultiDiGraph, GraphIndex] = weakref.WeakKeyDictionary()


def index_of(graph: nx.MultiDiGraph) -> GraphIndex | None:
    """The index a store keeps for ``graph``, None when none does."""
    return _INDEXES.get(graph)


def attach_index(graph: nx.MultiDiGraph) -> GraphIndex:
    """Build the index of ``graph`` and keep it with it (until the graph is gone)."""
    index = GraphIndex(graph)
    nodes = list(graph.nodes)
    index.refresh(nodes, reissued=(nid for nid in nodes if nid.startswith("Policy:")))
    _INDEXES[graph] = index
    return index


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one report adds to the citation aggregates."""

    year: int | None
    regions: tuple[str, ...]
    cites: dict[str, int]  # policy node id → the CITES count
    published: Any = None  # the report's publication date as written (None when unknown)


@dataclass(slots=True)
class PolicyTally:
    """The citations of one policy, summed over its citing reports."""

    reports: dict[str, int | None] = field(default_factory=dict)  # report node id → year
    mentions: int = 0
    regions: Counter[str] = field(default_factory=Counter)  # region → citing reports
    region_years: Counter[tuple[str, int]] = field(default_factory=Counter)
    # (citing report, its year) in citation order, until a change; kept whole because a
    # page of a policy 30k reports cite would otherwise rebuild 30k pairs per request
    newest_first: tuple[tuple[str, int | None], ...] | None = None
    citations: list[Citation] | None = None  # see Citation; kept until a change
    kept: dict[str, Any] = field(default_factory=dict)  # per_policy values, until a change


class GraphIndex:
    """See the module docstring."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.graph = graph
        self.by_label: dict[str, dict[str, None]] = {label: {} for label in Label}
        self.spellings: dict[str, set[str]] = {}  # policy spelling → policy node ids
        self.names: dict[str, dict[str, set[str]]] = {label: {} for label in NAMED_BY}
        self.issued: dict[tuple[Rel, str], set[str]] = {}  # (rel, issuer) → policies
        self._issuers: dict[str, tuple[tuple[Rel, str], ...]] = {}  # policy → its issuers
        self.policy_numbers: dict[str, int] = {}  # policy node id → its number in arrays
        self.numbered: list[str] = []  # policy node ids by number
        self.region_numbers: dict[str, int] = {}  # region node id → its number in arrays
        self.regions_numbered: list[str] = []
        self.texts: dict[str, dict[str, str]] = {label: {} for label in Label}
        self._joined: dict[str, tuple[int, str, list[int], list[str]]] = {}
        self._text_versions: dict[str, int] = {}
        self._indexed: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {}
        self.contributions: dict[str, Contribution] = {}
        self.policies: dict[str, PolicyTally] = {}
        self.region_policies: dict[str, Counter[str]] = {}
        self.about: dict[str, dict[str, int | None]] = {}  # region → its reports → their year
        self._packed: dict[str, Packed] = {}  # report → its cited policies (cited_array)
        self.version = 0
        self._derived: dict[Any, tuple[int, Any]] = {}

    # --- writes ---------------------------------------------------------------------------
    def refresh(self, nids: Iterable[str], reissued: Iterable[str] = ()) -> None:
        """Bring the index up to date for nodes whose attributes or relationships changed;
        ``reissued``: the policies among them whose issuer relationships changed (re-reading
        every touched policy's issuers made a 100k ingest spend 17% of its time there)."""
        reissued = set(reissued)
        for nid in dict.fromkeys(nids):
            attrs = node_attributes(self.graph, nid)
            indexed = None if attrs is None else _indexed_strings(nid, attrs)
            if indexed != self._indexed.get(nid):  # a region a report names is written again
                self._unindex(nid)
                if attrs is not None and indexed is not None:
                    self._index(nid, indexed)
            if nid.startswith("Report:"):
                self._recount(nid, attrs)
            elif nid in reissued:
                self._reissue(nid, attrs)
        self.version += 1

    def _index(self, nid: str, indexed: tuple[str, tuple[str, ...], tuple[str, ...]]) -> None:
        label, texts, spellings = indexed
        self.by_label.setdefault(label, {})[nid] = None
        self.texts.setdefault(label, {})[nid] = _SEPARATOR.join(texts)
        self._text_versions[label] = self._text_versions.get(label, 0) + 1
        for spelling in spellings:
            self._postings(label).setdefault(spelling, set()).add(nid)
        self._indexed[nid] = indexed

    def _unindex(self, nid: str) -> None:
        indexed = self._indexed.pop(nid, None)
        if indexed is None:
            return
        label, _, spellings = indexed
        self.by_label[label].pop(nid, None)
        self.texts[label].pop(nid, None)
        self._text_versions[label] = self._text_versions.get(label, 0) + 1
        for spelling in spellings:
            _discard(self._postings(label), spelling, nid)

    def _postings(self, label: str) -> dict[str, set[str]]:
        return self.spellings if label == Label.POLICY else self.names.setdefault(label, {})

    def _reissue(self, policy: str, attrs: dict[str, Any] | None) -> None:
        for issuer in self._issuers.pop(policy, ()):
            held = self.issued.get(issuer)
            if held is not None:
                held.discard(policy)
                if not held:
                    del self.issued[issuer]
        if attrs is None:
            return
        issuers = tuple(
            (rel, far)
            for rel in ISSUER_RELS
            for far, _ in typed_neighbours(self.graph, policy, rel, "out")
        )
        for issuer in issuers:
            self.issued.setdefault(issuer, set()).add(policy)
        if issuers:
            self._issuers[policy] = issuers

    def _recount(self, report: str, attrs: dict[str, Any] | None) -> None:
        old = self.contributions.pop(report, None)
        self._packed.pop(report, None)
        if old is not None:
            self._add(report, old, -1)
        if attrs is None:
            return
        cites = {
            far: e.get("count") or 0
            for far, e in typed_neighbours(self.graph, report, Rel.CITES, "out")
        }
        new = Contribution(
            attrs.get("year"),
            tuple(far for far, _ in typed_neighbours(self.graph, report, Rel.ABOUT, "out")),
            cites,
            attrs.get("published"),
        )
        self.contributions[report] = new
        self._add(report, new, +1)

    def cited_array(self, report: str) -> Packed:
        """The policies ``report`` cites as one array of ``number << 32 | count`` (numbers:
        :attr:`policy_numbers`), built on first use and kept until the report changes.

        Example:
            >>> g = nx.MultiDiGraph()
            >>> g.add_node("Report:r", label="Report")
            >>> _ = g.add_edge("Report:r", "Policy:p", key="CITES", type="CITES", count=3)
            >>> g.add_node("Policy:p", label="Policy")
            >>> index = attach_index(g)
            >>> [(int(v) >> 32, int(v) & 0xFFFFFFFF) for v in index.cited_array("Report:r")]
            [(0, 3)]
        """
        packed = self._packed.get(report)
        if packed is None:
            cites = self.contributions[report].cites
            values = ((self._number(p) << 32) | count for p, count in cites.items())
            packed = self._packed[report] = np.fromiter(values, np.int64, len(cites))
        return packed

    def _number(self, policy: str) -> int:
        """The policy's number in the per-report arrays (given once, never reused)."""
        return _numbered(policy, self.policy_numbers, self.numbered)

    def _add(self, report: str, c: Contribution, sign: int) -> None:
        for region in c.regions:
            about = self.about.setdefault(region, {})
            if sign > 0:
                about[report] = c.year
                continue
            about.pop(report, None)
            if not about:
                del self.about[region]
        for region in c.regions:
            if region not in self.region_policies:  # no Counter built per citation to drop
                self.region_policies[region] = Counter()
        for policy, count in c.cites.items():
            tally = self.policies.get(policy)
            if tally is None:
                tally = self.policies[policy] = PolicyTally()
            tally.newest_first = tally.citations = None
            tally.kept.clear()
            if sign > 0:
                tally.reports[report] = c.year
            else:
                tally.reports.pop(report, None)
            tally.mentions += sign * count
            for region in c.regions:
                _count(tally.regions, region, sign)
                if c.year is not None:
                    _count(tally.region_years, (region, c.year), sign)
                _count(self.region_policies[region], policy, sign)
            if not tally.reports:
                del self.policies[policy]

    # --- reads ----------------------------------------------------------------------------
    def nodes(self, label: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """``(node id, attributes)`` of every node with ``label``."""
        node = self.graph._node
        for nid in self.by_label.get(label, {}):
            yield nid, node[nid]

    def policies_spelled(self, spellings: Iterable[str]) -> list[str]:
        """Policy node ids with any of these spellings (id, 文号 or alias)."""
        found: set[str] = set()
        for spelling in spellings:
            found |= self.spellings.get(spelling, set())
        return sorted(found)

    def citing_reports(self, policy: str) -> Sequence[tuple[str, int | None]]:
        """``(report node id, year)`` of the reports citing ``policy`` (a node id): newest
        year first, unknown years last, then report id; sorted once after a change.

        Example:
            >>> g = nx.MultiDiGraph()
            >>> for rid, year in (("a", 2020), ("b", 2023), ("c", None)):
            ...     g.add_node(f"Report:{rid}", label="Report", year=year)
            ...     _ = g.add_edge(f"Report:{rid}", "Policy:p", key="CITES", type="CITES")
            >>> g.add_node("Policy:p", label="Policy")
            >>> attach_index(g).citing_reports("Policy:p")
            (('Report:b', 2023), ('Report:a', 2020), ('Report:c', None))
        """
        tally = self.policies.get(policy)
        if tally is None:
            return []
        if tally.newest_first is None:
            tally.newest_first = tuple(
                sorted(tally.reports.items(), key=lambda r: (r[1] is None, -(r[1] or 0), r[0]))
            )
        return tally.newest_first

    def citations(self, policy: str) -> list[Citation]:
        """The citations of ``policy`` (a node id), one per citing report and region it is
        about, ordered as ``regions_citing_policy`` orders its rows: year (unknown last),
        region code, report id. Sorted once after the policy's citations change."""
        tally = self.policies.get(policy)
        if tally is None:
            return []
        if tally.citations is None:
            tally.citations = sorted(self._citations_of(policy, tally))
        return tally.citations

    def _citations_of(self, policy: str, tally: PolicyTally) -> Iterator[Citation]:
        for report, year in tally.reports.items():
            contribution = self.contributions[report]
            count = contribution.cites[policy]
            report_key = self.key(report)
            for region in contribution.regions:
                yield (year is None, year or 0, self.key(region), report_key, region, report, count)

    def per_policy(self, policy: str, key: str, compute: Callable[[PolicyTally], Any]) -> Any:
        """``compute(tally)`` for a cited policy, kept until a report citing it changes (any
        change to such a report recounts its tally); None for a policy nothing cites."""
        tally = self.policies.get(policy)
        if tally is None:
            return None
        if key not in tally.kept:
            tally.kept[key] = compute(tally)
        return tally.kept[key]

    def citing_regions(self, policy: str) -> Numbers:
        """Numbers (:attr:`region_numbers`) of the regions whose reports cite ``policy``,
        kept until a report citing it changes."""
        found = self.per_policy(policy, "regions", self._region_array)
        return np.zeros(0, np.int32) if found is None else found

    def _region_array(self, tally: PolicyTally) -> Numbers:
        return np.fromiter(map(self._region_number, tally.regions), np.int32, len(tally.regions))

    def _region_number(self, region: str) -> int:
        return _numbered(region, self.region_numbers, self.regions_numbered)

    def key(self, nid: str) -> str:
        """The key property value (id or code) of an indexed node."""
        indexed = self._indexed.get(nid)
        if indexed is None:
            return _key(nid, self.graph._node[nid])
        return indexed[1][0]  # the first searched string is always the key

    def named(self, label: str, text: str) -> list[str]:
        """Nodes of ``label`` (Region: :data:`NAMED_BY`) whose key or a name field is ``text``."""
        return sorted(self._postings(label).get(text, ()))

    def issued_by(self, issuer: str, rel: Rel) -> set[str]:
        """The policies with a ``rel`` (ISSUED_BY, ISSUED_IN) relationship to ``issuer``."""
        return self.issued.get((rel, issuer), set())

    def candidates(self, text: str, labels: Iterable[str] = tuple(Label)) -> set[str]:
        """Nodes of ``labels`` whose key, name, title or full name contains ``text``."""
        if _SEPARATOR in text or _END in text:
            return {
                n for label in labels for n, t in self.texts.get(label, {}).items() if text in t
            }
        return {nid for label in labels for nid in self.in_key_order(text, label)}

    def in_key_order(self, text: str, label: str) -> Iterator[str]:
        """Nodes of ``label`` whose key, name, title or full name contains ``text``, in the
        order of their keys (the joined texts are in that order): a caller wanting the first
        few stops early.

        Example:
            >>> g = nx.MultiDiGraph()
            >>> for key in ("b", "a", "c"):
            ...     g.add_node(f"Region:{key}", label="Region", name=f"{key}县")
            >>> list(attach_index(g).in_key_order("县", "Region"))
            ['Region:a', 'Region:b', 'Region:c']
        """
        if _SEPARATOR in text or _END in text:
            texts = self.texts.get(label, {})
            yield from sorted((n for n, t in texts.items() if text in t), key=self.key)
            return
        joined, starts, nids = self._joined_texts(label)
        at = joined.find(text)
        while at >= 0:
            node = bisect_right(starts, at) - 1
            yield nids[node]
            at = joined.find(text, starts[node + 1]) if node + 1 < len(starts) else -1

    def _joined_texts(self, label: str) -> tuple[str, list[int], list[str]]:
        """The label's texts as one string in key order, where each starts, and whose each is."""
        version = self._text_versions.get(label, 0)
        held = self._joined.get(label)
        if held is None or held[0] != version:
            texts = self.texts.get(label, {})
            nids = sorted(texts, key=self.key)
            starts, at = [], 0
            for nid in nids:
                starts.append(at)
                at += len(texts[nid]) + 1
            held = (version, _END.join(texts[nid] for nid in nids), starts, nids)
            self._joined[label] = held
        return held[1], held[2], held[3]

    def derived(self, key: Any, compute: Any) -> Any:
        """``compute()``, kept until the next write (rankings over the aggregates)."""
        held = self._derived.get(key)
        if held is not None and held[0] == self.version:
            return held[1]
        value = compute()
        self._derived[key] = (self.version, value)
        return value


def _indexed_strings(
    nid: str, attrs: dict[str, Any]
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """What the index holds of a node: its label, searched strings and (policies) spellings."""
    label = attrs["label"]
    texts = tuple(v for v in (_key(nid, attrs), *map(attrs.get, SEARCHED)) if isinstance(v, str))
    spellings: tuple[str, ...] = ()
    if label == Label.POLICY:
        found = {_key(nid, attrs), attrs.get("doc_number"), *(attrs.get("aliases") or ())}
        spellings = tuple(sorted(s for s in found if isinstance(s, str)))
    elif label in NAMED_BY:
        found = {_key(nid, attrs), *map(attrs.get, NAMED_BY[label])}
        spellings = tuple(sorted(s for s in found if isinstance(s, str)))
    return label, texts, spellings


def _numbered(nid: str, numbers: dict[str, int], listing: list[str]) -> int:
    """``nid``'s number in ``numbers`` (its place in ``listing``), the next one if new."""
    number = numbers.get(nid)
    if number is None:
        number = numbers[nid] = len(listing)
        listing.append(nid)
    return number


def _key(nid: str, attrs: dict[str, Any]) -> str:
    label, key = split_node_id(nid)
    return str(attrs.get(KEYS[label], key))


def _discard(postings: dict[str, set[str]], key: str, nid: str) -> None:
    held = postings.get(key)
    if held is not None:
        held.discard(nid)
        if not held:
            del postings[key]


def _count(counts: Counter[Any], key: Any, sign: int) -> None:
    """Add ``sign`` to ``counts[key]``, dropping the key at zero."""
    counts[key] += sign
    if counts[key] <= 0:
        del counts[key]
