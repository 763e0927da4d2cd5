"""What a report says about itself: title, region, year reported on, author, publication date.

Each of region, year and author is chosen from scored candidates, and keeps the evidence that
decided it (:class:`~ingest.model.Attribution`). Region, in order of trust: the title, the
metadata field naming the issuer (发布机构/发文机关), the opening sentence (not the superiors
"在某州委、州政府的领导下" names, not a cited 《》 title), the signature, the addressee when it is
the region's own people's congress (某县人大常委会：), self-references (我县, 本区) resolved
against the page's fields, the page header's 来源, and last the region the body names most.
The page header's 来源 is who posted the page, never the author. A report whose region or year
is missing or weakly attested ``needs_review``.

Example:
    >>> from ingest.gazetteer import load_gazetteer
    >>> from ingest.model import PageMeta
    >>> gaz = load_gazetteer()
    >>> text = "通江县2019年度法治政府建设工作情况报告\\n2019年，我县持续推进法治建设。\\n"
    >>> text += "通江县人民政府\\n2020年3月12日"
    >>> meta = extract_report_meta(text, page=PageMeta(), regions=(), gazetteer=gaz)
    >>> (meta.region, meta.region_code, meta.year, meta.author, meta.published)
    ('通江县', '511921', 2019, '通江县人民政府', '2020-03-12')
    >>> meta.region_attribution.source, meta.needs_review
    ('title', False)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from ingest.extract.regions import extract_regions
from ingest.extract.report_head import (
    HEAD_LINES,
    Candidate,
    ReportHead,
    Source,
    best,
    candidate,
    read_head,
    read_in_order,
)
from ingest.extract.report_year import report_year
from ingest.gazetteer import COUNTY_OR_ABOVE, LEVEL_RANK, Gazetteer
from ingest.model import AttributionSource, PageMeta, RegionRef, ReportMeta
from ingest.normalize import canonical_doc_number, iso_date

__all__ = [
    "REVIEW_BELOW",
    "attribution_warnings",
    "extract_report_meta",
    "read_head",
    "year_of_head",
]

REVIEW_BELOW = 0.6  # a region or year attested less surely than this asks for review
# 我县 and 本县 apart: a pattern led by a literal scans ~10x faster than one led by a class.
_SELF_REFERENCES = (
    re.compile(r"我(省|市|州|盟|区|县|旗)"),
    re.compile(r"本(省|市|州|盟|区|县|旗)"),
)
_WHOLE_REGION = re.compile(r"全(省|市|州|盟|区|县|旗)")  # weaker: 全省 also ranks a county
_SELF_REFERENCE_SPAN = 3000
_SUPERIORS = re.compile(r"在[^，,。；;]{0,80}?(?:领导|指导|监督|支持|关心)[^，,。；;]{0,10}?下")
_QUOTED = re.compile(r"《[^》]*》")
_SENTENCE_END = re.compile(r"[。！？!?]")
_DOMINANT_MENTIONS = 3
_SLOGAN_WORD = re.compile(r"(?:法治|平安|美丽|幸福|数字|诚信|活力|现代化)$")
_SUBJECT_REACH = 30  # characters into the opening sentence within which its subject is named
_OWN_CONGRESS = re.compile(r"人大常委会|人民代表大会常务委员会|人大")
_SIGNATORY = re.compile(
    r"^[\u4e00-\u9fff（）()]{3,40}(人民政府|政府|行政公署|委员会|办公室|局|委)$"
)
# The issuing body a title names before its year or topic: 某县人民政府关于…,
# 某市人民政府 2022年度…, 2024年某区发展和改革委员会法治政府建设情况报告.
_TITLE_ISSUER = re.compile(
    r"^(?:(?:19|20)\d{2}年度?)?([\u4e00-\u9fff（）()]{2,40}?(?:人民政府|行政公署|委员会|办公室|局))"
    r"\s*(?:关于|(?:19|20)\d{2}\s*年|法治|依法行政)"
)
_INSTITUTION_NAME = re.compile(r"(人民政府|行政公署|委员会|办公室|局|政府|办|委)$")
_DATE_LINE = re.compile(r"^(\S{2,4})年(\S{1,2})月(\S{1,3})日$")
_DAMAGED_DATE_LINE = re.compile(r"^(?:19|20)\d{4,6}$")
_CHINESE_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "O": 0, "○": 0}
# How surely each place names the report's region.
_TITLE_MENTION, _TITLE_TEXT = 0.95, 0.9
_PUBLISHER = 0.85
_OPENING_SUBJECT = 0.8
_SIGNATURE = 0.8
_SALUTATION = 0.7
_SELF_REFERENCE_FIELD, _SELF_REFERENCE_DOMINANT, _SELF_REFERENCE_MOST = 0.7, 0.65, 0.5
_SHORT_NAME_UNDER, _SHORT_NAME_SLOGAN = 0.6, 0.55
_SELF_REFERENCES_CONFIDENCE = (
    _SELF_REFERENCE_FIELD,
    _SELF_REFERENCE_DOMINANT,
    _SELF_REFERENCE_MOST,
    _SHORT_NAME_UNDER,
    _SHORT_NAME_SLOGAN,
)
_SOURCE_FIELD = 0.6
_MOST_NAMED = 0.35


def extract_report_meta(
    text: str,
    *,
    page: PageMeta,
    regions: Sequence[RegionRef],
    gazetteer: Gazetteer,
    head: ReportHead | None = None,
) -> ReportMeta:
    """Title, region (code and path), year reported on, author and publication date.

    ``regions`` are the regions extracted from ``text`` (their mentions locate the title and
    opening regions; their resolution carries the text's other names into shared ones).
    ``head`` is ``read_head(text, page)`` when the caller already has it.

    Example:
        >>> from ingest.gazetteer import load_gazetteer
        >>> gaz = load_gazetteer()
        >>> text = "2020年，锡林郭勒盟认真贯彻落实……"
        >>> regions = extract_regions(text, gazetteer=gaz)
        >>> meta = extract_report_meta(text, page=PageMeta(), regions=regions, gazetteer=gaz)
        >>> (meta.region, meta.region_path, meta.year, meta.year_attribution.source)
        ('锡林郭勒盟', ('内蒙古自治区', '锡林郭勒盟'), 2020, 'opening')
    """
    head = head or read_head(text, page)
    tail = _signature_block(head)
    published = _published(head)
    author = best(_author_candidates(head, tail))
    year = report_year(head, published=published)
    finder = _RegionFinder(
        text,
        head,
        regions,
        gazetteer,
        author.value if author else None,
        year.value if year else None,
    )
    region = finder.decided(finder.candidates())
    ref = region.value if region else None
    return ReportMeta(
        title=head.title.text if head.title else None,
        region=ref.canonical if ref else None,
        region_code=ref.code if ref else None,
        region_path=_region_path(ref.code if ref else None, gazetteer),
        year=year.value if year else None,
        author=author.value if author else None,
        published=published,
        region_attribution=region.attribution if region else None,
        year_attribution=year.attribution if year else None,
        author_attribution=author.attribution if author else None,
        needs_review=_needs_review(region, year),
        doc_number=own_doc_number(head),
    )


def own_doc_number(head: ReportHead) -> str | None:
    """The report's own 发文字号: the page's 文号 field, else a line of the head that holds
    only a 文号 (under the title of a document-style page).

    Example:
        >>> text = "某县2020年法治政府建设报告\\n某政呈〔2021〕3号\\n正文。"
        >>> own_doc_number(read_head(text, PageMeta()))
        '某政呈〔2021〕3号'
    """
    lines = [line.text for line in head.lines[:HEAD_LINES]]
    for written in (head.page.doc_number, *lines):
        if not written or "号" not in written:  # every 文号 ends in 号: most lines fail fast
            continue
        try:
            return canonical_doc_number(written)
        except ValueError:
            continue
    return None


def year_of_head(head: ReportHead) -> int | None:
    """The year a head states or implies, before regions are known (they are read in it).

    Example:
        >>> year_of_head(read_head("某县2019年法治政府建设工作报告", PageMeta()))
        2019
    """
    found = report_year(head, published=_published(head))
    return found.value if found else None


def _signature_block(head: ReportHead) -> list[str]:
    return list(head.tail)


def _published(head: ReportHead) -> str | None:
    """The signature date when legible, else the page's date."""
    return _signature_date(_signature_block(head)) or head.page.date


def attribution_warnings(meta: ReportMeta) -> tuple[str, ...]:
    """One line per report fact that is missing or weakly attested, for the reviewer.

    Example:
        >>> attribution_warnings(ReportMeta(needs_review=True))
        ('report region not found', 'report year not found')
    """
    found: list[str] = []
    for name, value, attribution in (
        ("region", meta.region_code, meta.region_attribution),
        ("year", meta.year, meta.year_attribution),
    ):
        if value is None:
            named = f" ({meta.region}: a name several regions share)" if meta.region else ""
            found.append(f"report {name} not found{named}")
        elif attribution and (attribution.inferred or attribution.confidence < REVIEW_BELOW):
            how = "inferred" if attribution.inferred else "weak"
            found.append(
                f"report {name} {value} is {how}: from {attribution.source}"
                f" (confidence {attribution.confidence:.2f})"
            )
    return tuple(found)


def _needs_review(region: Candidate[RegionRef] | None, year: Candidate[int] | None) -> bool:
    if region is None or year is None or region.value.code is None:
        return True
    weakest = min(region.attribution.confidence, year.attribution.confidence)
    return weakest < REVIEW_BELOW


@dataclass(frozen=True, slots=True)
class _RegionFinder:
    """The places a report names its own region, each read as a scored candidate."""

    text: str
    head: ReportHead
    regions: Sequence[RegionRef]
    gazetteer: Gazetteer
    author: str | None
    year: int | None
    lines_read: dict[str, RegionRef | None] = field(default_factory=dict)

    def decided(self, found: Sequence[Candidate[RegionRef]]) -> Candidate[RegionRef] | None:
        """The best candidate; a name shared by regions (朝阳区) decided by the other candidates."""
        chosen = best(found)
        if chosen is None or chosen.value.code is not None:
            return chosen
        context = [c.value.code for c in found if c.value.code]
        named = chosen.value.canonical
        resolved = extract_regions(
            named, gazetteer=self.gazetteer, year=self.year, context_codes=context
        )
        ref = next((r for r in resolved if r.code and r.canonical == named), None)
        return Candidate(ref, chosen.attribution) if ref else chosen

    def candidates(self) -> list[Candidate[RegionRef]]:
        """The candidates in order of trust. Once one that has a code is as sure as any later
        place can be, the later ones are not read: they could not win, and only a shared name
        (no code) needs them as context (see ``decided``)."""
        page = self.head.page
        sources: tuple[Source[RegionRef], ...] = (
            (self.in_title, max(_TITLE_MENTION, _TITLE_TEXT)),
            (partial(self.in_line, page.publisher, "metadata", _PUBLISHER), _PUBLISHER),
            (self.in_opening, _OPENING_SUBJECT),
            (partial(self.in_line, self.author, "signature", _SIGNATURE), _SIGNATURE),
            (self.in_salutation, _SALUTATION),
            (self.by_self_reference, max(_SELF_REFERENCES_CONFIDENCE)),
            (partial(self.in_line, page.source, "source_field", _SOURCE_FIELD), _SOURCE_FIELD),
            (self.most_named, _MOST_NAMED),
        )
        return read_in_order(sources, settles=_has_code)

    def in_title(self) -> Candidate[RegionRef] | None:
        title = self.head.title
        if title is None:
            return None
        if not title.spans:
            return self.in_line(title.text, "metadata", _TITLE_TEXT)
        named = [ref for start, end in title.spans for ref in self.named_between(start, end)]
        ref = _most_specific(named)
        if ref:
            return candidate(ref, "title", _TITLE_MENTION)
        return self.in_line(title.text, "title", _TITLE_TEXT)

    def in_opening(self) -> Candidate[RegionRef] | None:
        """The first region the opening sentence names as its subject ("2020年，某盟…")."""
        opening = self.head.opening
        if opening is None:
            return None
        sentence_end = _SENTENCE_END.search(opening.text)
        end = opening.start + (sentence_end.end() if sentence_end else len(opening.text))
        sentence = self.text[opening.start : end]
        hidden = [m.span() for p in (_QUOTED, _SUPERIORS) for m in p.finditer(sentence)]
        named = [
            (mention.start, ref)
            for ref in self.regions
            for mention in ref.mentions
            if opening.start <= mention.start < end
            and _in_subject_position(mention.start - opening.start, hidden)
            and ref.level in COUNTY_OR_ABOVE
        ]
        if not named:
            return None
        first = min(named, key=lambda item: item[0])
        return candidate(self.adjacent_chain(first[1], first[0]), "opening", _OPENING_SUBJECT)

    def in_salutation(self) -> Candidate[RegionRef] | None:
        """The addressee, when it is the region's own people's congress (某县人大常委会：)."""
        salutation = self.head.salutation
        if salutation is None or not _OWN_CONGRESS.search(salutation.text):
            return None
        ref = _most_specific(self.named_between(salutation.start, salutation.end))
        return candidate(ref, "salutation", _SALUTATION) if ref else None

    def by_self_reference(self) -> Candidate[RegionRef] | None:
        """我县/本区 (else 全县), resolved against the page's fields, else the body's regions.

        The suffix the report uses most decides: a district report may quote 我市 once.
        """
        suffix = _self_reference_suffix(self.text[:_SELF_REFERENCE_SPAN])
        if suffix is None:
            return None
        page = self.head.page
        for line in (page.publisher, page.source, self.author, page.title):
            found = self.in_line(line, "self_reference", _SELF_REFERENCE_FIELD)
            if found and found.value.canonical.endswith(suffix):
                return found
        fitting = sorted(
            (r for r in self.regions if r.canonical.endswith(suffix) and r.code),
            key=lambda r: len(r.mentions),
            reverse=True,
        )
        if not fitting:
            return self.short_name_under_named_regions(suffix)
        return candidate(fitting[0], "self_reference", _dominance(fitting))

    def short_name_under_named_regions(self, suffix: str) -> Candidate[RegionRef] | None:
        """A report that calls itself 我市/全州 names itself in slogans by its short name
        (现代化达州, 法治巴州); the extractor leaves such bare short names alone, so read them
        here: where the name lies under a region the text names (四川省, 新疆), or, less surely,
        where a slogan word stands before a name only one region bears (法治大埔建设)."""
        named = {ref.code for ref in self.regions if ref.code}
        under: Counter[str] = Counter()
        in_slogan: Counter[str] = Counter()
        head = self.text[:_SELF_REFERENCE_SPAN]
        for start, _, name in self.gazetteer.find_all(head):
            options = [
                o
                for o in self.gazetteer.candidates(name, self.year)
                if o.full_name.endswith(suffix)
            ]
            for option in options:
                if {a.code for a in self.gazetteer.ancestors(option.code)} & named:
                    under[option.code] += 1
            if len(options) == 1 and _SLOGAN_WORD.search(head, max(0, start - 3), start):
                in_slogan[options[0].code] += 1
        for counts, confidence in ((under, _SHORT_NAME_UNDER), (in_slogan, _SHORT_NAME_SLOGAN)):
            if len(counts) == 1 and (found := self.gazetteer.get(next(iter(counts)))):
                ref = RegionRef(found.full_name, found.full_name, found.level, (), code=found.code)
                return candidate(ref, "self_reference", confidence)
        return None

    def most_named(self) -> Candidate[RegionRef] | None:
        ranked = [r for r in self.regions if r.level in COUNTY_OR_ABOVE and r.code]
        ref = max(ranked, key=lambda r: (len(r.mentions), LEVEL_RANK[r.level]), default=None)
        return candidate(ref, "body", _MOST_NAMED) if ref else None

    def in_line(
        self, line: str | None, source: AttributionSource, confidence: float
    ) -> Candidate[RegionRef] | None:
        """Regions in a line outside the text, decided with the text's regions as context."""
        ref = self.region_in(line) if line else None
        return candidate(ref, source, confidence) if ref else None

    def region_in(self, line: str) -> RegionRef | None:
        """The most specific region a line names (a page field is asked by several sources)."""
        if line not in self.lines_read:
            context = [ref.code for ref in self.regions if ref.code]
            found = extract_regions(
                line, gazetteer=self.gazetteer, year=self.year, context_codes=context
            )
            self.lines_read[line] = _most_specific(found)
        return self.lines_read[line]

    def named_between(self, start: int, end: int) -> list[RegionRef]:
        quoted = [m.span() for m in _QUOTED.finditer(self.text, start, end)]
        return [
            r
            for r in self.regions
            if any(start <= m.start < end and not _inside(m.start, quoted) for m in r.mentions)
        ]

    def adjacent_chain(self, ref: RegionRef, start: int) -> RegionRef:
        """The last of names written back to back (宝鸡市陈仓区 → 陈仓区)."""
        end = start + len(ref.name)
        for other in self.regions:
            for mention in other.mentions:
                below = LEVEL_RANK[other.level] > LEVEL_RANK[ref.level]
                if mention.start == end and below and other.level in COUNTY_OR_ABOVE:
                    return self.adjacent_chain(other, mention.start)
        return ref


def _has_code(found: Candidate[RegionRef]) -> bool:
    return found.value.code is not None


def _dominance(ranked: Sequence[RegionRef]) -> float:
    """How surely the most named region is the one 我区 means: named often and far more often
    than any other region of its level (郧阳区 ×12 in a report that says 我区) is sure enough."""
    top = len(ranked[0].mentions)
    runner_up = len(ranked[1].mentions) if len(ranked) > 1 else 0
    dominant = top >= _DOMINANT_MENTIONS and top >= 2 * runner_up
    return _SELF_REFERENCE_DOMINANT if dominant else _SELF_REFERENCE_MOST


def _self_reference_suffix(text: str) -> str | None:
    """The level suffix of the report's most frequent 我X/本X, else of its 全X.

    Example:
        >>> _self_reference_suffix("我区坚持……落实我市部署……我区推进")
        '区'
    """
    for patterns in (_SELF_REFERENCES, (_WHOLE_REGION,)):
        # in text order, as most_common breaks ties by the first seen
        found = sorted((m.start(), m.group(1)) for p in patterns for m in p.finditer(text))
        counts = Counter(suffix for _, suffix in found)
        if counts:
            return counts.most_common(1)[0][0]
    return None


def _in_subject_position(offset: int, hidden: Sequence[tuple[int, int]]) -> bool:
    """Whether a name opens the sentence ("2023年，某县坚持…"), once the superiors it names
    ("在某州委的领导下") and cited titles are set aside: a name deep in the sentence is an
    object ("…谱写中国式现代化新疆实践"), not the report's subject."""
    if _inside(offset, hidden):
        return False
    hidden_before = sum(min(b, offset) - a for a, b in hidden if a < offset)
    return offset - hidden_before <= _SUBJECT_REACH


def _inside(offset: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= offset < b for a, b in spans)


def _most_specific(regions: Sequence[RegionRef]) -> RegionRef | None:
    ranked = [r for r in regions if r.level in COUNTY_OR_ABOVE]
    return max(ranked, key=lambda r: LEVEL_RANK[r.level], default=None)


def _region_path(code: str | None, gazetteer: Gazetteer) -> tuple[str, ...]:
    info = gazetteer.get(code) if code else None
    if info is None:
        return ()
    return (*(a.full_name for a in gazetteer.ancestors(info.code)), info.full_name)


def _author_candidates(head: ReportHead, tail: Sequence[str]) -> list[Candidate[str]]:
    """The signature, the issuer a title starts with (某县人民政府关于…), the 发文机关 field."""
    found: list[Candidate[str]] = []
    if signed := _signatory(tail):
        found.append(candidate(signed, "signature", 0.9))
    if head.title and (match := _TITLE_ISSUER.match(head.title.text)):
        found.append(candidate(match.group(1), head.title.source, 0.85))
    publisher = head.page.publisher
    if publisher and _INSTITUTION_NAME.search(publisher):
        found.append(candidate(publisher, "metadata", 0.75))
    return found


def _signatory(tail: Sequence[str]) -> str | None:
    """A body's name on its own line, closing the text or followed by the date line."""
    for index, line in enumerate(tail):
        following = tail[index + 1] if index + 1 < len(tail) else None
        dated = following is None or _is_date_line(following)
        if _SIGNATORY.match(line) and dated:
            return line
    return None


def _is_date_line(line: str) -> bool:
    compact = line.replace(" ", "")
    return bool(_DATE_LINE.match(compact) or _DAMAGED_DATE_LINE.match(compact))


def _signature_date(tail: Sequence[str]) -> str | None:
    """ISO date of a legible date line at the very end (2019年12月31日, 二〇二〇年三月十二日)."""
    last = tail[-1] if tail else ""
    match = _DATE_LINE.match(last.replace(" ", ""))
    if match is None or _DAMAGED_DATE_LINE.match(last):
        return None
    year, month, day = (_number(part) for part in match.groups())
    if year is None or month is None or day is None:
        return None
    return iso_date(year, month, day)


def _number(written: str) -> int | None:
    """Arabic digits, or Chinese numerals as dates write them (二〇一九, 十二, 三十一)."""
    if written.isdigit():
        return int(written)
    if all(c in _CHINESE_DIGITS for c in written):
        return int("".join(str(_CHINESE_DIGITS[c]) for c in written))
    tens, _, units = written.partition("十")
    if not all(c in _CHINESE_DIGITS for c in tens + units) or "十" not in written:
        return None
    return (_CHINESE_DIGITS[tens] if tens else 1) * 10 + (_CHINESE_DIGITS[units] if units else 0)
