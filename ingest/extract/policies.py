"""Documents cited by title in 《》, with nested 〈〉/<> titles, 文号, kind and issuing region.

Mentions span the title text inside the brackets (without 《》 or 〈〉), so
``text[m.start:m.end]`` is the spelling as written; the store shows the sentence around it.

What is left out, from how reports are written:
- alias titles that only point back to a document named before (《纲要》, 《实施方案》, 《该办法》);
- cut-off titles (a 《 not closed on the same line, or at the end of the text);
- newspapers, journals and programmes (《人民日报》, 《…》栏目): they are media, not documents.

The issuing region comes, in this order, from the kind (laws and State Council regulations are
national), a region named in the title, a central issuer or well-known central document, a
deictic level word (自治区…, 区政府…, 依法治盟…), an earlier full title the short title points to
(《法治政府建设实施方案(2016—2020年)》 after 《郧阳区法治政府建设实施方案(2016-2020年)》), and
finally an issuing verb right before the title (印发/制定/审议通过 《…》: the report's own body).

Example:
    >>> from ingest.model import ReportMeta
    >>> refs = extract_policies("学习《宪法》。", regions=(), report=ReportMeta(), doc_numbers=())
    >>> refs[0].canonical, refs[0].kind.value, refs[0].issuer_region
    ('中华人民共和国宪法', 'law', 'national')
"""

from __future__ import annotations

import bisect
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from ingest.extract.positions import char_positions
from ingest.gazetteer import COUNTY_OR_ABOVE
from ingest.model import DocNumberRef, Mention, PolicyKind, PolicyRef, RegionRef, ReportMeta
from ingest.normalize import (
    NATIONAL,
    canonical_title,
    classify_policy_kind,
    is_central_title,
    region_short_name,
)

MAX_TITLE_CHARS = 150

_LINE_BREAKS = "\r\n"  # they cut open titles off
_NESTED = re.compile(r"[<〈《＜]([^<>〈〉《》＜＞\r\n]+)[>〉》＞]")
_NESTED_OPEN = re.compile(r"[<〈《＜]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CJK_FIRST, _CJK_LAST = "\u4e00", "\u9fff"  # the range _CJK reads
_ALIAS = re.compile(
    r"^(?:该|本|此|上述|前述|两个|两|三个|各项|相关|新|新版)?"
    r"(?:实施|工作|指导|若干|暂行|试行|管理|总体|专项|应急)?"
    r"(?:纲要|条例|规定|办法|意见|方案|通知|决定|规划|计划|准则|规则|细则|要点|清单|预案|制度|措施|"
    r"法|报告|决议|公告|通告|规程|指南|目录)$"
)
_LONGEST_ALIAS = len("两个实施纲要")  # the longest title _ALIAS matches: longer ones need no regex
_MEDIA_TITLE = re.compile(
    r"(?:日报|晚报|时报|早报|法治报|法制报|杂志|周刊|月刊|旬刊|学报|画报|电视台|频道|之声|广播)$"
    r"|(?<![通汇公情简快年月])报$"
)
_MEDIA_AFTER_QUOTES = frozenset('”"')  # what _MEDIA_AFTER may start with, besides ideographs
_LONGEST_MEDIA_ENDING = len("电视台")  # the longest word _MEDIA_TITLE ends with
_MEDIA_LAST = frozenset("报志刊台道声播")  # the characters a _MEDIA_TITLE match ends with
_MEDIA_AFTER = re.compile(
    r"^[”\"]?(?:栏目|节目|专栏|频道|杂志|报道|刊发|刊登|播出|发表|头版|版面|上刊|上发表)"
    r"|^[”\"]?[\u4e00-\u9fff]{0,6}?(?:栏目|节目|专栏|视频|微电影|短视频|动漫|宣传片)"
)
_ALIAS_LEAD = re.compile(r"(?:以下简称|以下称|下称|简称)\s*[:：为]?\s*[“\"]?$")
_REDACTED = re.compile(
    r"[(（]\s*略\s*[)）]"
)  # mirror sites cut words out of titles; what is left names no document
_ALIAS_GAP = 24  # room for a 文号 between the title and "(以下简称"
_LIST_GLUE = re.compile(r"[、，,\s和及与]*$")
_ISSUING_VERB = re.compile(
    r"(?:印发|制定|制订|制发|出台|编制|修订|修改|起草|审议通过|发布|公布|下发|颁布|拟定)"
    r"(?:完善|实施|并印发|并发布|了)?\s*$"
)
_FORWARDED = re.compile(r"转发\s*$")
_DOC_NUMBER_LEAD = " \t(（[［【"
_REGION_END = re.compile(r"(?:省|自治区|市|盟|州|地区|县|旗|区)$")
_YEAR_LEAD = re.compile(r"^(?:\d{4}年度?|年度)")
_LEVEL_WORDS = "委|政府|人民政府|本级|级|人大|政协|直"


@dataclass(slots=True)
class _Occurrence:
    """One bracketed title as written: its span and, for a top-level title, its 《 position."""

    start: int
    end: int
    spelling: str
    open_pos: int | None  # position of 《 for top-level titles, None for nested ones
    nested: tuple[_Occurrence, ...] = ()  # most titles nest none: no list made for each


@dataclass(slots=True)
class _Draft:
    """What is known about one document while the report is read."""

    title: str
    canonical: str
    occurrences: list[_Occurrence] = field(default_factory=list)
    implements: list[str] = field(default_factory=list)
    doc_number: str | None = None
    kind: PolicyKind | None = None  # see _Context.kind


@dataclass(slots=True, unsafe_hash=True)  # not frozen, made per title: see model._PickledAsFrozen
class _Issuer:
    region: str | None
    code: str | None = None
    named_in_title: bool = False


_NATIONAL_ISSUER = _Issuer(NATIONAL)
_UNKNOWN_ISSUER = _Issuer(None)
_SPAN = operator.itemgetter(0, 1)  # (start, end) of a (start, end, region) span


def extract_policies(
    text: str,
    *,
    regions: Sequence[RegionRef],
    report: ReportMeta,
    doc_numbers: Sequence[DocNumberRef],
) -> tuple[PolicyRef, ...]:
    """One PolicyRef per distinct document cited by a title in 《》 (nested titles included).

    ``regions`` are the regions found in the same text (their mentions inside a title name the
    issuer), ``report`` gives the report's own region for deictic and implicit issuers, and
    ``doc_numbers`` are matched to the title written right before them.

    Example:
        >>> from ingest.model import ReportMeta
        >>> text = "印发《进一步推进法治建设的通知》(办字〔2020〕14号)"
        >>> from ingest.extract.doc_numbers import extract_doc_numbers
        >>> numbers = extract_doc_numbers(text)
        >>> meta = ReportMeta(region="锡林郭勒盟")
        >>> ref = extract_policies(text, regions=(), report=meta, doc_numbers=numbers)[0]
        >>> ref.doc_number, ref.issuer_region
        ('办字〔2020〕14号', '锡林郭勒盟')
    """
    occurrences = _top_level_titles(text)
    drafts = _drafts(text, occurrences)
    _attach_doc_numbers(text, drafts, doc_numbers)
    context = _Context(text, regions, report, occurrences)
    issuers = {d.canonical: context.issuer(d) for d in drafts}
    # Only titles that name their region can be the full title a short one points to.
    full_titles = [d for d in drafts if issuers[d.canonical].named_in_title]
    return tuple([_policy_ref(d, full_titles, issuers, context) for d in drafts])


def _top_level_titles(text: str) -> list[_Occurrence]:
    """Titles closed on their own line, outermost 《》 only; nested ones are read inside."""
    found: list[_Occurrence] = []
    breaks = tuple(char for char in _LINE_BREAKS if char in text)
    open_pos = text.find("《")
    while open_pos >= 0:  # a line break cuts open titles off: each line is read on its own
        line_end = _line_end(text, open_pos, breaks)
        found.extend(_titles_in_line(text, open_pos, line_end))
        open_pos = text.find("《", line_end)
    return found


def _line_end(text: str, position: int, breaks: tuple[str, ...]) -> int:
    """Where the line holding ``position`` ends (``breaks``: the line breaks ``text`` has)."""
    line_end = len(text)
    for char in breaks:  # most texts break lines with one of them only
        end = text.find(char, position, line_end)
        if end >= 0:
            line_end = end
    return line_end


def _titles_in_line(text: str, start: int, end: int) -> list[_Occurrence]:
    """The document titles in ``text[start:end]``, a line (part) without line breaks, from the
    《 at ``start``.

    Most titles nest none: each is read with two ``str.find`` (its 》 and the next 《, which
    tells whether it nests one) until one does, and the rest of the line is read bracket by
    bracket.
    """
    found: list[_Occurrence] = []
    open_pos = start
    next_open = text.find("《", open_pos + 1, end)
    while True:
        close_pos = text.find("》", open_pos + 1, end)
        if close_pos < 0:
            break  # a title not closed on its line is cut off
        if 0 <= next_open < close_pos:
            found.extend(_nested_titles_in_line(text, open_pos, end))
            break
        spelling = text[open_pos + 1 : close_pos]
        if len(spelling) <= MAX_TITLE_CHARS and _is_document_title(text, spelling, close_pos):
            found.append(_occurrence(spelling, open_pos, close_pos))
        if next_open < 0:
            break
        open_pos, next_open = next_open, text.find("《", next_open + 1, end)
    return found


def _nested_titles_in_line(text: str, start: int, end: int) -> list[_Occurrence]:
    """The outermost titles in ``text[start:end]``, whose 《》 may nest (read with a stack)."""
    found: list[_Occurrence] = []
    opened: list[int] = []
    for pos in char_positions(text, "《》", start, end):
        if text[pos] == "《":
            opened.append(pos)
        elif opened:
            open_pos = opened.pop()
            if not opened and pos - open_pos - 1 <= MAX_TITLE_CHARS:
                found.extend(_document_title(text, open_pos, pos))
    return found


def _document_title(text: str, open_pos: int, close_pos: int) -> list[_Occurrence]:
    """The title between ``open_pos`` and ``close_pos`` unless it is no document's (or none)."""
    spelling = text[open_pos + 1 : close_pos]
    if not _is_document_title(text, spelling, close_pos):
        return []
    return [_occurrence(spelling, open_pos, close_pos)]


def _occurrence(spelling: str, open_pos: int, close_pos: int) -> _Occurrence:
    start, end = open_pos + 1, close_pos
    if not _NESTED_OPEN.search(spelling):  # most titles nest none
        return _Occurrence(start, end, spelling, open_pos)
    nested = [
        _Occurrence(start + m.start(1), start + m.end(1), m.group(1), None)
        for m in _NESTED.finditer(spelling)
    ]
    named = tuple([n for n in nested if _is_named(n.spelling)])
    return _Occurrence(start, end, spelling, open_pos, named)


def _is_document_title(text: str, spelling: str, close_pos: int) -> bool:
    # Most titles start with an ideograph (a comparison, not a call: asked of every title).
    if not (_CJK_FIRST <= spelling[:1] <= _CJK_LAST or _CJK.search(spelling)):
        return False
    if "略" in spelling and _REDACTED.search(spelling):
        return False
    title = spelling.strip()
    # Media names end the title: only its last characters need a look.
    if title[-1:] in _MEDIA_LAST and _MEDIA_TITLE.search(
        title, max(0, len(title) - _LONGEST_MEDIA_ENDING)
    ):
        return False
    # What follows a media name starts with a quote or an ideograph; most titles are followed
    # by punctuation, and then the regex (up to 6 ideographs, then each word) need not run.
    first = text[close_pos + 1 : close_pos + 2]
    if not (_CJK_FIRST <= first <= _CJK_LAST or first in _MEDIA_AFTER_QUOTES):
        return True
    return not _MEDIA_AFTER.match(text[close_pos + 1 : close_pos + 12])


def _is_named(spelling: str) -> bool:
    """A real title names its document; 《纲要》 or 《该办法》 only point back to one."""
    title = spelling.strip()
    if not (_CJK_FIRST <= title[:1] <= _CJK_LAST or _CJK.search(title)):
        return False
    return len(title) > _LONGEST_ALIAS or not _ALIAS.match(title)


def _drafts(text: str, occurrences: Sequence[_Occurrence]) -> list[_Draft]:
    """Documents by canonical title. A short name the report defines (《…纲要(2021—2025年)》
    (以下简称《纲要》)) is a spelling of the document before it, wherever it recurs."""
    by_canonical: dict[str, _Draft] = {}
    aliases: dict[str, _Draft] = {}
    previous: _Draft | None = None
    for outer in occurrences:
        spelling = outer.spelling.strip()
        if previous is not None and _defines_alias(text, previous, outer):
            aliases[spelling] = previous
        if spelling in aliases:
            aliases[spelling].occurrences.append(outer)
            continue
        if not _is_named(spelling):
            continue
        draft = previous = _add(by_canonical, outer)
        for inner in outer.nested:
            nested = _add(by_canonical, inner)
            if nested.canonical not in draft.implements:
                draft.implements.append(nested.canonical)
    return list(by_canonical.values())


def _defines_alias(text: str, previous: _Draft, occurrence: _Occurrence) -> bool:
    """Whether ``occurrence`` follows "(以下简称" right after the title of ``previous``."""
    if occurrence.open_pos is None:
        return False
    gap_start = previous.occurrences[-1].end + 1
    if occurrence.open_pos - gap_start > _ALIAS_GAP:  # most: no slice of what lies between
        return False
    gap = text[gap_start : occurrence.open_pos]
    # every alias lead has a 称: the regex, which tries each position, only reads gaps with one
    return "称" in gap and bool(_ALIAS_LEAD.search(gap))


def _add(by_canonical: dict[str, _Draft], occurrence: _Occurrence) -> _Draft:
    canonical = canonical_title(occurrence.spelling)
    draft = by_canonical.get(canonical)
    if draft is None:
        draft = by_canonical[canonical] = _Draft(occurrence.spelling.strip(), canonical)
    draft.occurrences.append(occurrence)
    return draft


def _attach_doc_numbers(
    text: str, drafts: Sequence[_Draft], doc_numbers: Sequence[DocNumberRef]
) -> None:
    """A 文号 written right after the closing 》 (optionally in brackets) belongs to the title."""
    if not doc_numbers:  # most reports cite no 文号
        return
    starts = {m.start: ref.canonical for ref in doc_numbers for m in ref.mentions}
    for draft in drafts:
        for occurrence in draft.occurrences:
            if occurrence.open_pos is None or draft.doc_number:
                continue
            pos = occurrence.end + 1
            while pos < len(text) and pos - occurrence.end <= 3 and text[pos] in _DOC_NUMBER_LEAD:
                pos += 1
            draft.doc_number = starts.get(pos)


class _Context:
    """Where issuing regions come from: region mentions, the report region and the text."""

    def __init__(
        self,
        text: str,
        regions: Sequence[RegionRef],
        report: ReportMeta,
        occurrences: Sequence[_Occurrence],
    ) -> None:
        self.text = text
        self.report = report
        spans = sorted(((m.start, m.end, r) for r in regions for m in r.mentions), key=_SPAN)
        self.region_spans = spans
        self.region_starts = [s[0] for s in spans]
        self.open_of_close = {o.end: o.open_pos for o in occurrences if o.open_pos is not None}

    def issuer(self, draft: _Draft) -> _Issuer:
        """The issuing region of a document, without the short-title resolution."""
        named = self.named_region(draft.occurrences[0])
        kind = self._kind(draft, named)
        if kind in ("law", "administrative_regulation") or (
            kind == "party_regulation" and named is None
        ):
            return _NATIONAL_ISSUER
        if named is not None:
            return named
        if is_central_title(draft.canonical):
            return _NATIONAL_ISSUER
        return self.deictic_region(draft.canonical) or _UNKNOWN_ISSUER

    def kind(self, draft: _Draft) -> PolicyKind:
        """The document's kind (asked for its issuer and for its reference: known once)."""
        if draft.kind is None:
            return self._kind(draft, self.named_region(draft.occurrences[0]))
        return draft.kind

    def _kind(self, draft: _Draft, named: _Issuer | None) -> PolicyKind:
        """:meth:`kind`, given the region the title names (which :meth:`issuer` knows)."""
        if draft.kind is None:
            draft.kind = classify_policy_kind(draft.canonical, has_region=named is not None or None)
        return draft.kind

    def named_region(self, occurrence: _Occurrence) -> _Issuer | None:
        """The first region named in the title (outside nested titles), lowest level ≥ county."""
        chain = self._leading_chain(occurrence)
        if not chain:
            return None
        eligible = [r for r in chain if r.level in COUNTY_OR_ABOVE]
        region = eligible[-1] if eligible else chain[0]
        return _Issuer(region_short_name(region.canonical, region.level), region.code, True)

    def _leading_chain(self, occurrence: _Occurrence) -> list[RegionRef]:
        """``阜新市海州区韩家店镇``: the first region mention and those directly after it."""
        first = bisect.bisect_left(self.region_starts, occurrence.start)
        if first == len(self.region_starts) or self.region_starts[first] >= occurrence.end:
            return []  # most titles name no region
        nested = occurrence.nested
        chain: list[RegionRef] = []
        last_end: int | None = None
        for index in range(first, len(self.region_spans)):  # no copy of the list's tail
            start, end, region = self.region_spans[index]
            if end > occurrence.end or (last_end is not None and start != last_end):
                break
            if nested and any(n.start <= start < n.end for n in nested):
                continue
            chain.append(region)
            last_end = end
        return chain

    def deictic_region(self, canonical: str) -> _Issuer | None:
        """自治区…/市政府…/区政府…/全盟…/依法治县… in a title: the report's own region or above."""
        title = _YEAR_LEAD.sub("", canonical.split("〈")[0])
        path = self.report.region_path
        if title.startswith("自治区") and path and path[0].endswith("自治区"):
            return _Issuer(region_short_name(path[0], "province"))
        own = self.report.region
        candidates = [(own, self.report.region_code)] if own else []
        candidates += [(name, None) for name in reversed(path) if name != own]
        for name, code in candidates:
            # every reference holds the level character: most titles hold none of them
            if name and name[-1] in title and _refers_to_level(title, name[-1]):
                level = "province" if name == (path[0] if path else None) else "county"
                return _Issuer(region_short_name(name, level), code)
        return None

    def issued_here(self, draft: _Draft) -> bool:
        """Whether an issuing verb stands right before a top-level mention (or its list)."""
        for occurrence in draft.occurrences:
            if occurrence.open_pos is None:
                continue
            start = self._list_start(occurrence.open_pos)
            before = self.text[max(0, start - 12) : start]
            if _ISSUING_VERB.search(before) and not _FORWARDED.search(before):
                return True
        return False

    def _list_start(self, open_pos: int) -> int:
        """``审议通过《甲》《乙》、《丙》``: the verb before 《甲》 governs the whole list."""
        pos = open_pos
        while True:
            glue = _LIST_GLUE.search(self.text, max(0, pos - 4), pos)
            before = glue.start() if glue else pos
            previous = self.open_of_close.get(before - 1)
            if previous is None:
                return pos
            pos = previous

    def own_region(self) -> _Issuer:
        return _Issuer(self.report.region, self.report.region_code)


def _policy_ref(
    draft: _Draft, full_titles: Sequence[_Draft], issuers: dict[str, _Issuer], context: _Context
) -> PolicyRef:
    issuer = issuers[draft.canonical]
    refers_to = None
    if issuer.region is None:
        refers_to = _full_title_of(draft, full_titles)
        if refers_to is not None:
            issuer = issuers[refers_to]
        elif context.issued_here(draft) and context.report.region:
            issuer = context.own_region()
    # Positional, in field order: a class called with keywords gets them as a dict, which made
    # each reference several times as long to build.
    return PolicyRef(
        draft.title,  # title
        draft.canonical,  # canonical
        context.kind(draft),  # kind
        tuple([Mention(o.start, o.end) for o in draft.occurrences]),  # mentions
        _variants(draft),  # variants
        draft.doc_number,  # doc_number
        issuer.region,  # issuer_region
        issuer.code,  # issuer_region_code
        tuple(draft.implements),  # implements
        refers_to,  # refers_to
    )


def _refers_to_level(title: str, level_char: str) -> bool:
    """区政府…, 全区…, 依法治区…, 区本级…: the title speaks of the body at that level."""
    return _level_reference(level_char).search(title) is not None


@cache
def _level_reference(level_char: str) -> re.Pattern[str]:
    c = re.escape(level_char)
    return re.compile(rf"^{c}(?:{_LEVEL_WORDS})|全{c}|依法治{c}|{c}本级")


def _full_title_of(draft: _Draft, full_titles: Sequence[_Draft]) -> str | None:
    """The region's own full title a short title points to: ``<region name>`` + short title
    (``full_titles``: the documents whose titles name their region, in order)."""
    for other in full_titles:
        prefix_length = len(other.canonical) - len(draft.canonical)
        if prefix_length <= 0 or not other.canonical.endswith(draft.canonical):
            continue
        if _REGION_END.search(other.canonical[:prefix_length]):
            return other.canonical
    return None


def _variants(draft: _Draft) -> tuple[str, ...]:
    if len(draft.occurrences) == 1:  # most documents: the title is its only spelling
        return ()
    seen = {draft.title}
    variants: list[str] = []
    for occurrence in draft.occurrences:
        spelling = occurrence.spelling.strip()
        if spelling not in seen:
            seen.add(spelling)
            variants.append(spelling)
    return tuple(variants)
