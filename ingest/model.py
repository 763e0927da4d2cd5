"""Typed results of extraction: plain data, never changed once made, with character offsets
for every fact.

Offsets are into ``Extraction.text`` (the cleaned text that extraction saw), so evidence
sentences can always be recovered with :meth:`Extraction.evidence`.

Example:
    >>> m = Mention(start=3, end=7)
    >>> m.end - m.start
    4
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ingest.sentences import sentence_bounds
from ingest.vocabulary import PolicyKind, RegionLevel

__all__ = ["PolicyKind", "RegionLevel"]  # the vocabulary, re-exported beside the model


class _PickledAsFrozen:
    """Pickle state as a frozen, slotted dataclass has it (its field values, in order).

    The kinds an extraction holds hundreds of (mentions, figures, references) are plain slotted
    dataclasses compared and hashed by value (``unsafe_hash``), not frozen ones: a frozen one
    sets each field through ``object.__setattr__``, which made a mention ~2x and a figure ~5x as
    long to build. Nothing assigns to their fields. With this state, pickles made while they were
    frozen (the benchmark corpora) still load.
    """

    __slots__ = ()

    def __getstate__(self) -> list[object]:
        return [getattr(self, name) for name in self._fields()]

    def __setstate__(self, state: list[object]) -> None:
        for name, value in zip(self._fields(), state, strict=True):
            object.__setattr__(self, name, value)

    def _fields(self) -> tuple[str, ...]:
        names: tuple[str, ...] = self.__slots__  # the dataclass's: its fields, in order
        return names


InstitutionKind = Literal[
    "government",
    "party",
    "congress",
    "cppcc",
    "court",
    "procuratorate",
    "department",
    "office",
    "centre",
    "group",
    "central",  # a body of the central state or party (国务院, 司法部, 中共中央 …): no region
    "other",
]


@dataclass(slots=True, unsafe_hash=True)  # see _PickledAsFrozen
class Mention(_PickledAsFrozen):
    """One occurrence: ``text[start:end]`` of the cleaned report text."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Evidence:
    """The sentence a fact came from and where it sits in the cleaned text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class PageMeta:
    """Fields a web page's header states about the post (kept when the header line is cleaned)."""

    date: str | None = None  # ISO date of the page header (日期/时间/发布时间)
    source: str | None = None  # 来源: the posting body, e.g. 县司法局 (not the author)
    title: str | None = None  # a 标题/名称 field, else the HTML <title> or document title
    publisher: str | None = (
        None  # 发布机构 / 发文机关 / 制发机构: the body the page names as issuer
    )
    doc_number: str | None = None  # 发文字号 of the posted document, as written


@dataclass(frozen=True, slots=True)
class RegionInfo:
    """A gazetteer entry for a region the report refers to (or an ancestor of one)."""

    code: str  # 6-digit GB/T 2260
    name: str  # short name, e.g. 郧阳
    full_name: str  # 郧阳区
    level: RegionLevel
    parent_code: str | None = None
    lon: float | None = None
    lat: float | None = None


AttributionSource = Literal[
    "title",  # a title line in the head (or the page's <title>)
    "metadata",  # a metadata field: 标题 / 发文机关 / 发布机构 / 成文日期 …
    "doc_number",  # the issuer code of the report's own 发文字号
    "salutation",  # the line after a salutation (某某委员会：)
    "opening",  # the opening sentence ("2023年，某县…", "现将…2019年…报告如下")
    "self_reference",  # 我县 / 本区 resolved against 来源 / 发布机构 / author / page title
    "signature",  # the signature block at the end
    "source_field",  # the page header's 来源 field
    "publication_date",  # inferred: published January–April covers the year before
    "body",  # the most frequent region or year of the body
    "correction",  # a researcher's correction file
]


@dataclass(frozen=True, slots=True)
class Attribution:
    """Which evidence decided one fact about the report, and how sure it is (0–1).

    Example:
        >>> Attribution("publication_date", 0.5, inferred=True).inferred
        True
    """

    source: AttributionSource
    confidence: float
    inferred: bool = False  # no text states it; deduced (e.g. from the publication date)


@dataclass(frozen=True, slots=True)
class ReportMeta:
    """What the report says about itself, with the evidence behind region, year and author."""

    title: str | None = None
    region: str | None = None  # short name as used by the report, e.g. 郧阳区
    region_code: str | None = None  # 6-digit GB/T 2260
    region_path: tuple[str, ...] = ()  # province → prefecture → county (full names)
    year: int | None = None  # the year reported on
    author: str | None = None  # issuing body when stated (signature line)
    published: str | None = None  # ISO date, YYYY-MM-DD
    author_institution: str | None = None  # canonical institution the author line names
    doc_number: str | None = None  # the report's own 发文字号, canonical (西政〔2021〕5号)
    region_attribution: Attribution | None = None
    year_attribution: Attribution | None = None
    author_attribution: Attribution | None = None
    needs_review: bool = False  # region or year missing or weakly attested


@dataclass(slots=True, unsafe_hash=True)  # see _PickledAsFrozen
class PolicyRef(_PickledAsFrozen):
    """A document cited by title in 《》 (nested 〈〉 titles are their own PolicyRef)."""

    title: str  # first spelling, without 《》
    canonical: str
    kind: PolicyKind
    mentions: tuple[Mention, ...]
    variants: tuple[str, ...] = ()  # other bracketed spellings in this report
    doc_number: str | None = None  # canonical 文号 written right after the title
    issuer_region: str | None = None  # short name, or "national"
    issuer_region_code: str | None = None
    implements: tuple[str, ...] = ()  # canonical titles of documents nested in this title
    refers_to: str | None = None  # canonical title of the region's own plan (short titles)
    issuer: str | None = None  # canonical institution named at the start of the title


@dataclass(slots=True, unsafe_hash=True)  # see _PickledAsFrozen
class DocNumberRef(_PickledAsFrozen):
    """An official 文号 such as 郧政办发〔2019〕29号, parsed per GB/T 9704-2012 §7.2.5."""

    text: str  # first spelling
    canonical: str  # brackets normalised to 〔〕
    issuer_code: str
    year: int
    serial: int
    mentions: tuple[Mention, ...]


@dataclass(slots=True, unsafe_hash=True)  # see _PickledAsFrozen
class RegionRef(_PickledAsFrozen):
    """A named administrative region. ``code`` is None when the name stays ambiguous."""

    name: str  # first spelling
    canonical: str  # full standard name
    level: RegionLevel
    mentions: tuple[Mention, ...]
    code: str | None = None
    candidates: tuple[str, ...] = ()  # codes still possible when ambiguous
    parent_codes: tuple[str, ...] = ()  # province → … → direct parent, when resolved


@dataclass(slots=True, unsafe_hash=True)  # see _PickledAsFrozen
class InstitutionRef(_PickledAsFrozen):
    """A named body, canonicalised with its region prefix (区司法局 → 郧阳区司法局)."""

    canonical: str
    name: str  # first spelling
    mentions: tuple[Mention, ...]
    variants: tuple[str, ...] = ()
    region_code: str | None = None
    kind: InstitutionKind = "other"


@dataclass(slots=True, unsafe_hash=True)  # see _PickledAsFrozen
class ProgramRef(_PickledAsFrozen):
    """A named programme, reform or campaign (放管服, 双随机一公开 …)."""

    canonical: str
    name: str  # first spelling
    mentions: tuple[Mention, ...]
    variants: tuple[str, ...] = ()


@dataclass(slots=True, unsafe_hash=True)  # see _PickledAsFrozen
class Metric(_PickledAsFrozen):
    """A rule-of-law figure: 行政复议案件 12 件. ``start``/``end`` span the figure in the text."""

    subject: str
    value: float
    unit: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a fetched report came from: the URL, when it was fetched, and its record in the
    crawl archive (``<WARC file>#<offset>``, what ``warcio extract FILE OFFSET`` takes)."""

    url: str
    fetched_at: str  # ISO 8601, UTC (the record's WARC-Date)
    archive_record: str


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one report, with the text all offsets point into."""

    source: str  # path or URL the report was read from
    report_id: str  # content hash of the cleaned text
    text: str
    report: ReportMeta
    policies: tuple[PolicyRef, ...] = ()
    doc_numbers: tuple[DocNumberRef, ...] = ()
    regions: tuple[RegionRef, ...] = ()
    institutions: tuple[InstitutionRef, ...] = ()
    programs: tuple[ProgramRef, ...] = ()
    metrics: tuple[Metric, ...] = ()
    region_info: tuple[RegionInfo, ...] = ()  # every resolved region above, with its ancestors
    page: PageMeta = field(default_factory=PageMeta)
    warnings: tuple[str, ...] = field(default=())
    provenance: Provenance | None = None  # set for a report read from a crawl archive

    def evidence(self, mention: Mention) -> Evidence:
        """The sentence around ``mention``.

        Example:
            >>> x = Extraction("s", "id", "甲。乙《丙》。", ReportMeta())
            >>> x.evidence(Mention(3, 6)).text
            '乙《丙》。'
        """
        start, end = sentence_bounds(self.text, mention.start, mention.end)
        return Evidence(text=self.text[start:end], start=start, end=end)
