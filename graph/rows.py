"""One :class:`~ingest.model.Extraction` as graph rows: the nodes and relationships it asserts.

Pure: no store, no I/O. Both stores write exactly these rows (after cross-report policy
resolution, see :mod:`graph.resolve`), so the shape of the graph is decided here, once.

Rules worth knowing:

* Every entity a report writes is reachable from its Report node (the liveness rule of
  :mod:`graph.resolve`): entities get a report relationship (``CITES``/``MENTIONS``/
  ``AUTHORED_BY``) even without mentions (``count`` 0), a Region is written only when
  something refers to it (``ABOUT``, ``MENTIONS``, ``IN_REGION``, ``ISSUED_IN``) or it is a
  ``PART_OF`` ancestor of such a region, and documents known only as nested titles hang off
  an ``IMPLEMENTS`` relationship.
* A short title that stands for the region's own plan (``PolicyRef.refers_to``) is not a node
  of its own: its mentions are citations of the referred plan and its spelling one of the
  plan's aliases (short titles repeat from region to region, so they are never ids).
* A 文号 written after a title belongs to that title's Policy; a 文号 that no title claims is a
  Policy of its own, keyed by the canonical 文号, without a title.
* ``ISSUED_BY`` links a policy to its ``PolicyRef.issuer`` and ``AUTHORED_BY`` the report to
  ``ReportMeta.author_institution`` (the author line itself when that is unset): extraction
  decides both (:mod:`ingest.extract.issuers`); nothing here reads text.
* A policy's ``year`` is the year of its 文号 (:class:`~ingest.model.DocNumberRef`).
* The Report node carries how its region, year and author were decided as flat properties
  (Neo4j holds no maps): ``region_source``, ``region_confidence``, ``region_inferred`` and the
  same for ``year_`` and ``author_`` (only for the facts that have an attribution), and
  ``needs_review`` (always, so that ``False`` can be asked for).
* The Report node's ``facts_digest`` fingerprints every row of the report but its source: a
  store re-writes a report whose text is unchanged but whose facts are not (a correction, a
  newer extractor) and leaves it alone otherwise.
* Properties are never None and lists never empty; tuples become lists (what Neo4j returns).

Example:
    >>> from ingest.model import Extraction, ReportMeta
    >>> rows = rows_for(Extraction("a.txt", "r1", "正文。", ReportMeta(year=2020)), evidence_cap=3)
    >>> {k: v for k, v in rows.nodes[0].props.items() if k != "facts_digest"}
    {'year': 2020, 'source': 'a.txt', 'char_count': 3, 'needs_review': False}
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.model import EVIDENCE_PROPERTIES, Label, Rel
from graph.store import Edge, Node
from ingest.model import (
    Attribution,
    DocNumberRef,
    Extraction,
    Mention,
    PolicyRef,
    RegionInfo,
    ReportMeta,
)
from ingest.names import source_name
from ingest.sentences import SentenceIndex

NodeRef = tuple[Label, str]
EdgeKey = tuple[Rel, NodeRef, NodeRef]

LIST_PROPERTIES = frozenset({"aliases"})
ATTRIBUTED_FACTS = ("region", "year", "author")  # ReportMeta.<fact>_attribution
DIGEST_PROPERTY = "facts_digest"
# Where a report was read from: not one of its facts (the same text elsewhere asserts the same).
_WHERE_FROM = frozenset({"source", "url", "fetched_at", "archive_record"})
_LABEL_ORDER = {label: i for i, label in enumerate(Label)}


@dataclass(frozen=True, slots=True)
class ReportRows:
    """The rows of one report: nodes unique by (label, key), edges unique by (type, ends)."""

    report_id: str
    source: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def of_label(self, label: Label) -> list[Node]:
        """The node rows of one label."""
        return [node for node in self.nodes if node.label == label]

    @property
    def digest(self) -> str:
        """The report's ``facts_digest`` (its Report node comes first)."""
        return str(self.nodes[0].props[DIGEST_PROPERTY])


def merge_props(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """Node properties after ``new`` is written over ``old``.

    Scalars: the newer non-None value wins. Lists (``aliases``): sorted union.

    Example:
        >>> merge_props({"kind": "law", "aliases": ["b"]}, {"kind": None, "aliases": ["a"]})
        {'kind': 'law', 'aliases': ['a', 'b']}
    """
    merged = dict(old)
    for name, value in new.items():
        if value is None:
            continue
        if name in LIST_PROPERTIES:
            merged[name] = sorted(set(merged.get(name, ())) | set(value))
        else:
            merged[name] = value
    return merged


def merge_edge_props(
    old: Mapping[str, Any], new: Mapping[str, Any], *, evidence_cap: int
) -> dict[str, Any]:
    """Two sets of evidence for the same relationship, combined: counts add up, sentences
    are deduplicated and the first ``evidence_cap`` in text order kept.

    Example:
        >>> a = {"count": 1, "evidence_text": ["甲。"], "evidence_start": [0], "evidence_end": [2]}
        >>> merge_edge_props(a, a, evidence_cap=3)["count"]
        2
    """
    if "count" not in old and "count" not in new:
        return {}
    sentences = set(_evidence_triples(old)) | set(_evidence_triples(new))
    count = int(old.get("count", 0)) + int(new.get("count", 0))
    return _evidence_props(count, sentences, evidence_cap)


def rows_for(extraction: Extraction, *, evidence_cap: int) -> ReportRows:
    """The graph rows one report asserts, before cross-report policy resolution.

    Example:
        >>> from ingest.model import Extraction, ReportMeta
        >>> x = Extraction("a.txt", "r1", "文。", ReportMeta(region_code="420304"))
        >>> [e.type.value for e in rows_for(x, evidence_cap=3).edges]
        ['ABOUT']
    """
    builder = _Rows(extraction, evidence_cap)
    builder.add_report()
    builder.add_policies()
    builder.add_institutions()
    builder.add_programs()
    builder.add_regions()
    return builder.build()


@dataclass
class _Rows:
    """Accumulates the rows of one report; duplicates merge as they arrive."""

    x: Extraction
    cap: int
    nodes: dict[NodeRef, dict[str, Any]] = field(default_factory=dict)
    edges: dict[EdgeKey, dict[str, Any]] = field(default_factory=dict)
    region_refs: set[str] = field(default_factory=set)
    doc_numbers: dict[str, DocNumberRef] = field(init=False)
    sentences: SentenceIndex = field(init=False)  # what Extraction.evidence finds, faster

    def __post_init__(self) -> None:
        self.doc_numbers = {number.canonical: number for number in self.x.doc_numbers}
        self.sentences = SentenceIndex(self.x.text)

    @property
    def report(self) -> NodeRef:
        return (Label.REPORT, self.x.report_id)

    def node(self, label: Label, key: str, props: Mapping[str, Any] | None = None) -> NodeRef:
        ref = (label, key)
        self.nodes[ref] = merge_props(self.nodes.get(ref, {}), props or {})
        return ref

    def edge(
        self, rel: Rel, source: NodeRef, target: NodeRef, props: Mapping[str, Any] | None = None
    ) -> None:
        if source == target:
            return
        key = (rel, source, target)
        old = self.edges.get(key)
        new = dict(props or {})
        self.edges[key] = new if old is None else merge_edge_props(old, new, evidence_cap=self.cap)

    def evidence(self, mentions: Iterable[Mention]) -> dict[str, Any]:
        found = list(mentions)
        sentences = set()
        for mention in found:
            start, end = self.sentences.bounds(mention.start, mention.end)
            sentences.add((start, end, self.x.text[start:end]))
        return _evidence_props(len(found), sentences, self.cap)

    def region(self, code: str) -> NodeRef:
        self.region_refs.add(code)
        return (Label.REGION, code)

    # --- the report -----------------------------------------------------------------
    def add_report(self) -> None:
        meta, page = self.x.report, self.x.page
        self.node(
            Label.REPORT,
            self.x.report_id,
            {
                "title": meta.title or page.title,
                "year": meta.year,
                "published": meta.published or page.date,
                "author": meta.author,
                "doc_number": meta.doc_number,
                "source": source_name(self.x.source),
                **provenance_props(self.x),
                "region_code": meta.region_code,
                "char_count": len(self.x.text),
                "needs_review": meta.needs_review,
                **attribution_props(meta),
            },
        )
        if meta.region_code:
            self.edge(Rel.ABOUT, self.report, self.region(meta.region_code))
        if meta.author:
            author = self.node(Label.INSTITUTION, meta.author_institution or meta.author)
            self.nodes[author].setdefault("name", author[1])
            self.edge(Rel.AUTHORED_BY, self.report, author)

    # --- policies -------------------------------------------------------------------
    def add_policies(self) -> None:
        titled = {policy.canonical for policy in self.x.policies if not policy.refers_to}
        for policy in self.x.policies:
            target = self.policy_node(policy, titled)
            self.edge(Rel.CITES, self.report, target, self.evidence(policy.mentions))
            self.policy_links(policy, target, titled)
        self.add_loose_doc_numbers()

    def policy_node(self, policy: PolicyRef, titled: set[str]) -> NodeRef:
        written = [policy.title, *policy.variants]
        if policy.refers_to and policy.refers_to in titled:
            return self.node(Label.POLICY, policy.refers_to, {"aliases": written})
        canonical = policy.refers_to or policy.canonical
        return self.node(
            Label.POLICY,
            canonical,
            {
                "title": canonical,
                "doc_number": policy.doc_number,
                "kind": str(policy.kind),
                "year": self.doc_year(policy.doc_number),
                "aliases": [canonical, *written, *self.doc_spellings(policy.doc_number)],
            },
        )

    def policy_links(self, policy: PolicyRef, source: NodeRef, titled: set[str]) -> None:
        for nested in policy.implements:
            target = self.node(Label.POLICY, nested, {"title": nested, "aliases": [nested]})
            self.edge(Rel.IMPLEMENTS, source, target)
        if policy.issuer_region_code:
            self.edge(Rel.ISSUED_IN, source, self.region(policy.issuer_region_code))
        if policy.issuer and not policy.refers_to:
            self.edge(Rel.ISSUED_BY, source, (Label.INSTITUTION, policy.issuer))

    def add_loose_doc_numbers(self) -> None:
        claimed = {policy.doc_number for policy in self.x.policies if policy.doc_number}
        for number in self.x.doc_numbers:
            if number.canonical in claimed:
                continue
            props = {
                "doc_number": number.canonical,
                "year": number.year,
                "aliases": [number.canonical, number.text],
            }
            target = self.node(Label.POLICY, number.canonical, props)
            self.edge(Rel.CITES, self.report, target, self.evidence(number.mentions))

    def doc_year(self, doc_number: str | None) -> int | None:
        number = self.doc_numbers.get(doc_number or "")
        return number.year if number else None

    def doc_spellings(self, doc_number: str | None) -> list[str]:
        if doc_number is None:
            return []
        number = self.doc_numbers.get(doc_number)
        return [doc_number, number.text] if number else [doc_number]

    # --- institutions, programmes -------------------------------------------------------
    def add_institutions(self) -> None:
        for inst in self.x.institutions:
            props = {"name": inst.canonical, "kind": inst.kind, "region_code": inst.region_code}
            target = self.node(Label.INSTITUTION, inst.canonical, props)
            self.edge(Rel.MENTIONS, self.report, target, self.evidence(inst.mentions))
            if inst.region_code:
                self.edge(Rel.IN_REGION, target, self.region(inst.region_code))

    def add_programs(self) -> None:
        for program in self.x.programs:
            aliases = [program.canonical, program.name, *program.variants]
            props = {"name": program.canonical, "aliases": aliases}
            target = self.node(Label.PROGRAM, program.canonical, props)
            self.edge(Rel.MENTIONS, self.report, target, self.evidence(program.mentions))

    # --- regions ----------------------------------------------------------------------
    def add_regions(self) -> None:
        for ref in self.x.regions:
            if ref.code:
                self.edge(
                    Rel.MENTIONS, self.report, self.region(ref.code), self.evidence(ref.mentions)
                )
        info = {entry.code: entry for entry in self.x.region_info}
        fallback = {ref.code: ref for ref in self.x.regions if ref.code}
        for code in sorted(self.region_refs):
            self.add_region_chain(code, info, fallback)

    def add_region_chain(
        self, code: str, info: Mapping[str, RegionInfo], fallback: Mapping[str, Any]
    ) -> None:
        seen: set[str] = set()
        current: str | None = code
        while current is not None and current not in seen:
            seen.add(current)
            entry = info.get(current)
            self.node(Label.REGION, current, _region_props(entry, fallback.get(current), info))
            parent = entry.parent_code if entry else None
            if parent:
                self.edge(Rel.PART_OF, (Label.REGION, current), (Label.REGION, parent))
            current = parent

    def build(self) -> ReportRows:
        nodes = [Node(label, key, props) for (label, key), props in self.nodes.items()]
        nodes.sort(key=lambda n: (n.label != Label.REPORT, _LABEL_ORDER[n.label], n.key))
        edges = sort_edges(
            Edge(rel, src, tgt, props) for (rel, src, tgt), props in self.edges.items()
        )
        report = nodes[0]  # add_report runs first
        digest = {DIGEST_PROPERTY: facts_digest(nodes, edges)}
        nodes[0] = Node(report.label, report.key, {**report.props, **digest})
        return ReportRows(self.x.report_id, self.x.source, tuple(nodes), tuple(edges))


def provenance_props(extraction: Extraction) -> dict[str, Any]:
    """Where a fetched report came from (URL, fetch time, archive record); {} for a file.

    Example:
        >>> from ingest.model import Provenance
        >>> x = Extraction("http://a.gov.cn/r.html", "r", "文。", ReportMeta(),
        ...                provenance=Provenance("http://a.gov.cn/r.html", "2024-04-01T08:00:00Z",
        ...                                      "warc/a.warc.gz#0"))
        >>> sorted(provenance_props(x))
        ['archive_record', 'fetched_at', 'url']
    """
    found = extraction.provenance
    if found is None:
        return {}
    return {
        "url": found.url,
        "fetched_at": found.fetched_at,
        "archive_record": found.archive_record,
    }


def attribution_props(meta: ReportMeta) -> dict[str, Any]:
    """The attributions of a report's region, year and author as flat node properties.

    Example:
        >>> from ingest.model import Attribution, ReportMeta
        >>> attribution_props(ReportMeta(year_attribution=Attribution("opening", 0.9)))
        {'year_source': 'opening', 'year_confidence': 0.9, 'year_inferred': False}
    """
    props: dict[str, Any] = {}
    for fact in ATTRIBUTED_FACTS:
        attribution: Attribution | None = getattr(meta, f"{fact}_attribution")
        if attribution is not None:
            props[f"{fact}_source"] = attribution.source
            props[f"{fact}_confidence"] = float(attribution.confidence)
            props[f"{fact}_inferred"] = bool(attribution.inferred)
    return props


def facts_digest(nodes: Iterable[Node], edges: Iterable[Edge]) -> str:
    """A fingerprint of what a report asserts, leaving out where it was read from (the same
    text under another path asserts the same facts).

    Example:
        >>> def report(source: str) -> Node:
        ...     return Node(Label.REPORT, "r", {"source": source, "year": 2020})
        >>> facts_digest([report("a.txt")], []) == facts_digest([report("b.txt")], [])
        True
    """
    facts = [
        [node.label, node.key, {k: v for k, v in node.props.items() if k not in _WHERE_FROM}]
        for node in nodes
    ]
    facts += [[edge.type, *edge.source, *edge.target, edge.props] for edge in edges]
    text = json.dumps(facts, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def sort_edges(edges: Iterable[Edge]) -> list[Edge]:
    """Edges in a stable order: type, then source, then target (each end by label, then key).

    The key is one flat tuple (a Rel compares as its value): every report's rows are sorted,
    and a nested key or ``Rel.value`` (an enum descriptor) cost more than the sort itself.
    """
    order = _LABEL_ORDER
    return sorted(
        edges,
        key=lambda e: (e.type, order[e.source[0]], e.source[1], order[e.target[0]], e.target[1]),
    )


def _evidence_triples(props: Mapping[str, Any]) -> list[tuple[int, int, str]]:
    texts, starts, ends = (props.get(name, []) for name in EVIDENCE_PROPERTIES)
    return [(int(s), int(e), str(t)) for t, s, e in zip(texts, starts, ends, strict=True)]


def _evidence_props(
    count: int, sentences: Iterable[tuple[int, int, str]], cap: int
) -> dict[str, Any]:
    kept = sorted(sentences)[:cap]
    props: dict[str, Any] = {"count": count}
    if kept:
        props["evidence_text"] = [text for _, _, text in kept]
        props["evidence_start"] = [start for start, _, _ in kept]
        props["evidence_end"] = [end for _, end, _ in kept]
    return props


def _region_props(
    entry: RegionInfo | None, ref: Any, info: Mapping[str, RegionInfo]
) -> dict[str, Any]:
    """``name`` is the standard name (海州区), ``full_name`` the path (辽宁省阜新市海州区)."""
    if entry is not None:
        return {
            "name": entry.full_name,
            "short_name": entry.name,
            "full_name": _path_name(entry, info),
            "level": str(entry.level),
            "lon": None if entry.lon is None else float(entry.lon),
            "lat": None if entry.lat is None else float(entry.lat),
        }
    if ref is not None:
        return {"name": ref.canonical, "full_name": ref.canonical, "level": str(ref.level)}
    return {}


def _path_name(entry: RegionInfo, info: Mapping[str, RegionInfo]) -> str:
    names = [entry.full_name]
    parent = info.get(entry.parent_code or "")
    while parent is not None and len(names) < 4:
        names.append(parent.full_name)
        parent = info.get(parent.parent_code or "")
    return "".join(reversed(names))
