"""Reports that need a researcher's look, read from a store with the evidence behind their
region, year and author, and the correction lines (:mod:`ingest.corrections`) that settle them.

One reading for every front end: the ``fazhi review`` command and the notebook client.

Example:
    >>> from graph.memory import MemoryStore
    >>> from ingest.model import Extraction, ReportMeta
    >>> store = MemoryStore(None)
    >>> _ = store.upsert_report(Extraction("r.txt", "r1", "文。", ReportMeta(needs_review=True)))
    >>> [review.source for review in reviews(store)]
    ['r.txt']
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from graph.model import PROPERTIES, Label
from graph.store import GraphStore, Node
from ingest.corrections import COLUMNS

REPORT_COLUMNS: tuple[str, ...] = ("id", *PROPERTIES[Label.REPORT])
PAGE_SIZE = 1000


def find_reports(
    store: GraphStore,
    *,
    needs_review: bool | None = None,
    year: int | None = None,
    region_code: str | None = None,
) -> list[Node]:
    """Every Report matching the filters that were given (None: any), by source path.

    Example:
        >>> from graph.memory import MemoryStore
        >>> find_reports(MemoryStore(None), needs_review=True)
        []
    """
    given = {"needs_review": needs_review, "year": year, "region_code": region_code}
    where = {name: value for name, value in given.items() if value is not None}
    found: list[Node] = []
    while True:
        page = store.find_nodes(
            Label.REPORT, where=where, order_by="source", limit=PAGE_SIZE, offset=len(found)
        )
        found.extend(page.items)
        if not page.items or len(found) >= page.total:
            return found


def report_row(node: Node) -> dict[str, Any]:
    """A Report node as one flat row of :data:`REPORT_COLUMNS` (None where absent).

    Example:
        >>> report_row(Node(Label.REPORT, "r1", {"year": 2020}))["year"]
        2020
    """
    return {"id": node.key, **{name: node.props.get(name) for name in REPORT_COLUMNS[1:]}}


@dataclass(frozen=True, slots=True)
class ReportReview:
    """One report to review: what it is, and each attributed fact with its evidence."""

    report_id: str
    source: str | None
    title: str | None
    region_code: str | None
    region_name: str | None
    region_source: str | None
    region_confidence: float | None
    year: int | None
    year_source: str | None
    year_confidence: float | None
    year_inferred: bool | None
    author: str | None
    author_source: str | None
    author_confidence: float | None

    def correction(self) -> dict[str, str]:
        """The correction line that would settle this report, filled with what it holds now
        (a line kept as it is confirms these values).

        Example:
            >>> review = reviews_of([Node(Label.REPORT, "r1", {"source": "a.txt", "year": 2019})])
            >>> review[0].correction()["year"]
            '2019'
        """
        now = {
            "report": self.source or self.report_id,
            "region_code": self.region_code,
            "year": self.year,
            "author": self.author,
            "note": self.title,
        }
        return {column: "" if now.get(column) is None else str(now[column]) for column in COLUMNS}

    def as_json(self) -> dict[str, Any]:
        """The review and its correction line, JSON-ready."""
        return {**asdict(self), "correction": self.correction()}


def reviews(store: GraphStore) -> list[ReportReview]:
    """The stored reports that need review, by source path, with their regions' names."""
    nodes = find_reports(store, needs_review=True)
    codes = sorted({str(n.props["region_code"]) for n in nodes if n.props.get("region_code")})
    regions = zip(codes, store.get_nodes(Label.REGION, codes), strict=True)
    names = {code: str(n.props["name"]) for code, n in regions if n and n.props.get("name")}
    return reviews_of(nodes, names)


def reviews_of(
    nodes: Iterable[Node], region_names: Mapping[str, str] | None = None
) -> list[ReportReview]:
    """Report nodes as reviews; ``region_names``: code → name."""
    names = region_names or {}
    return [_review(node, names) for node in nodes]


def _review(node: Node, names: Mapping[str, str]) -> ReportReview:
    p = node.props
    return ReportReview(
        report_id=node.key,
        source=p.get("source"),
        title=p.get("title"),
        region_code=p.get("region_code"),
        region_name=names.get(p.get("region_code") or ""),
        region_source=p.get("region_source"),
        region_confidence=p.get("region_confidence"),
        year=p.get("year"),
        year_source=p.get("year_source"),
        year_confidence=p.get("year_confidence"),
        year_inferred=p.get("year_inferred"),
        author=p.get("author"),
        author_source=p.get("author_source"),
        author_confidence=p.get("author_confidence"),
    )


def correction_template(items: Sequence[ReportReview]) -> str:
    """A corrections CSV (header, then one line per report) ready to edit and ingest with.

    Example:
        >>> print(correction_template(reviews_of([Node(Label.REPORT, "r1", {"year": 2019})])))
        report,region_code,year,author,policy,policy_title,policy_kind,note
        r1,,2019,,,,,
        <BLANKLINE>
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(item.correction() for item in items)
    return buffer.getvalue()
