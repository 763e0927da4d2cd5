"""Named government, party, congress, judicial bodies and their offices, with canonical names.

A dictionary of body names (``ingest/data/institution_bodies.tsv``: how Chinese public bodies
are named, with their abbreviations) is matched with Aho–Corasick. Where the name starts is
decided by what precedes the body: a region the region extractor found (郧阳区 + 司法局), a
level word (区/县/市/盟 … + 政府) resolved against the report's own region path, or nothing
(a bare 综合行政执法局 belongs to the report region). Only township offices (马山司法所) need a
word boundary, and there jieba's part-of-speech tagger reads the place name before the body.
Open-ended leading groups (…工作领导小组) are cut back to their modifier with jieba.

Example:
    >>> meta = ReportMeta(region="郧阳区", region_code="420304",
    ...                   region_path=("湖北省", "十堰市", "郧阳区"))
    >>> refs = extract_institutions("区司法局向市政府报告。", report=meta, regions=())
    >>> [i.canonical for i in refs]
    ['郧阳区司法局', '十堰市人民政府']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal, cast, get_args

import ahocorasick_rs
import jieba
import jieba.posseg

from ingest.datafiles import data_lines, data_path
from ingest.model import InstitutionKind, InstitutionRef, Mention, RegionRef, ReportMeta

DATA_FILE = data_path("institution_bodies.tsv")

Flag = Literal["prefixed", "bare", "named", "league", "pair", "exclude"]

# Level words that stand for "the region at this level" (区政府, 市委, 自治区人民政府).
_AUTONOMOUS = "自治"
_MULTI_LEVELS = tuple(_AUTONOMOUS + level for level in "区州县旗")
_LEVELS = "省市州盟县区旗"
# A level character glued to these neighbours is part of another word (社区, 城市, 全县, 各区)
# or of a plural enumeration (市县, 县乡): then it names no single region.
_BEFORE_LEVEL_NOT_PREFIX = {
    "区": "社园城辖景片小山库矿街湾牧林郊老全各该新灾疫县市省盟旗乡镇",
    "市": "城都超上门夜股省县地全各盟该区",
    "县": "市区州郡省旗全各乡该",
    "省": "全各外该跨",
    "州": "全各神杭苏广",
    "盟": "联同加结全各",
    "旗": "国红彩锦党升全各县",
}
_DEICTIC = "我本"
_GENERIC_BEFORE = re.compile(
    r"(?:各|各级|乡镇|苏木|苏木乡镇|基层|全国|国家|中央|上级|有关|相关|等|个|其他|所属)的?$"
)
# Plural or generic context in the same clause: 全盟70个苏木乡镇统一设立了综合行政执法局.
_GENERIC_CLAUSE = re.compile(r"各|乡镇|苏木|街道|\d+个")
_CLAUSE_BREAK = re.compile(r"[\n,，。;；:：、!！?？]")
# Site operators in page footers are not mentions (主办单位:阜新市海州区人民政府办公室).
_FOOTER_BEFORE = re.compile(
    r"(?:主办|承办|协办|版权所有|维护|技术支持|主管)(?:单位)?\s*[:：][^\n]{0,12}$"
)
_NUMERAL_START = re.compile(r"^[一二三四五六七八九十两0-9]")
_PLACE_TAGS = {"ns", "nz", "nr", "nrfg", "nrt"}
# …领导小组 is found as a literal and 工作 read back: a regex led by an optional group scans
# ~40x slower than one led by a literal.
_GROUP_NOUN = re.compile("领导小组")
_GROUP_WORK = "工作"
_GROUP_PREFIX = re.compile(
    rf"^[{_DEICTIC}]?(?:{'|'.join(_MULTI_LEVELS)}|[{_LEVELS}])(?:人民政府|政府|委|党委)?"
)
_CACHED_WINDOWS = 8192  # jieba readings of short windows; phrases repeat across reports
_GROUP_STOP_WORDS = frozenset(
    [
        "成立",
        "设立",
        "组建",
        "调整",
        "建立",
        "健全",
        "召开",
        "发挥",
        "通过",
        "由",
        "经",
        "在",
        "向",
        "对",
        "的",
        "和",
        "与",
        "及",
        "了",
        "等",
        "各",
        "并",
        "是",
        "为",
        "以",
        "充实",
        "牵头",
        "印发",
        "下发",
        "审议",
        "研究",
        "主持",
        "按照",
        "根据",
        "落实",
        "加强",
        "完善",
        "强化",
        "其中",
        "同时",
        "作为",
        "担任",
        "任",
        "组长",
        "副组长",
        "成员",
        "会议",
    ]
)
_NAME_PUNCT = re.compile(r"[\s,，。;；:：、!！?？“”\"'‘’()（）《》〈〉【】\[\]]")


@dataclass(frozen=True, slots=True)
class Body:
    """One written form of a body name and how it becomes a canonical name."""

    written: str
    template: str
    kind: InstitutionKind
    flag: Flag


@dataclass(frozen=True, slots=True)
class _Place:
    """A region a body name is anchored to."""

    full_name: str
    code: str | None


# (canonical name, kind, region code) of one body a mention names.
Canonical = tuple[str, InstitutionKind, str | None]


@dataclass(frozen=True, slots=True)
class _Hit:
    """One resolved occurrence: ``text[start:end]`` names the bodies in ``canonicals``."""

    start: int
    end: int
    canonicals: tuple[Canonical, ...]


def load_bodies(path: Path = DATA_FILE) -> tuple[Body, ...]:
    """Read the body-name dictionary (TSV: written form, template, kind, flag).

    Example:
        >>> any(b.written == "司法局" for b in load_bodies())
        True
    """
    return tuple(_parse_body(path, number, line) for number, line in data_lines(path))


def _parse_body(path: Path, number: int, line: str) -> Body:
    fields = line.split("\t")
    if len(fields) != 4:
        raise ValueError(f"{path}:{number}: expected 4 tab-separated fields, got {len(fields)}")
    written, template, kind, flag = fields
    if kind not in get_args(InstitutionKind):
        raise ValueError(f"{path}:{number}: unknown institution kind {kind!r}")
    if flag not in get_args(Flag):
        raise ValueError(f"{path}:{number}: unknown flag {flag!r}")
    return Body(written, template, cast(InstitutionKind, kind), cast(Flag, flag))


@cache
def _scanner() -> tuple[ahocorasick_rs.AhoCorasick, tuple[Body, ...]]:
    """An Aho–Corasick scanner over every written form (a later line wins for a repeated one).

    ahocorasick-rs: pyahocorasick's unicode build was a third of institution extraction time.
    """
    by_written = {body.written: body for body in load_bodies()}
    dfa = ahocorasick_rs.Implementation.DFA  # the fastest scan; a few hundred forms build at once
    automaton = ahocorasick_rs.AhoCorasick(list(by_written), implementation=dfa)
    return automaton, tuple(by_written.values())


def _body_matches(text: str) -> list[tuple[int, int, Body]]:
    """(start, end, body) of every written form, overlapping, by end and then longest first."""
    automaton, bodies = _scanner()
    found = automaton.find_matches_as_indexes(text, overlapping=True)
    return sorted(((start, end, bodies[i]) for i, start, end in found), key=_by_end)


def _by_end(match: tuple[int, int, Body]) -> tuple[int, int]:
    return match[1], match[0]


class _Resolver:
    """Turns level words and region mentions into regions for one report."""

    def __init__(self, report: ReportMeta, regions: Sequence[RegionRef]) -> None:
        self.path = report.region_path or ((report.region,) if report.region else ())
        self.code = report.region_code
        self.codes_by_name = {r.canonical: r.code for r in regions if r.code}
        self.region_ending_at: dict[int, tuple[int, RegionRef]] = {}
        for region in regions:
            for mention in region.mentions:
                known = self.region_ending_at.get(mention.end)
                if known is None or known[0] > mention.start:
                    self.region_ending_at[mention.end] = (mention.start, region)
        # A report names the same few bodies of the same few places many times.
        self._level_places: dict[str, _Place | None] = {}
        self._canonicals: dict[tuple[str, str, str | None], tuple[Canonical, ...]] = {}
        self.report_place = self.place_at(-1)

    def place_at(self, index: int) -> _Place | None:
        """The region ``region_path[index]`` with its code (from the mentions or GB/T 2260)."""
        if not self.path or not -len(self.path) <= index < len(self.path):
            return None
        name = self.path[index]
        code = self.codes_by_name.get(name) or self._ancestor_code(index % len(self.path))
        return _Place(name, code)

    def _ancestor_code(self, index: int) -> str | None:
        if self.code is None or len(self.code) != 6:
            return None
        depth = len(self.path) - 1 - index
        keep = {0: 6, 1: 4, 2: 2}.get(depth)
        return None if keep is None else self.code[:keep].ljust(6, "0")

    def place_for_level(self, level: str) -> _Place | None:
        """区 in a district report → the district; 市 in a county report → its prefecture."""
        if level not in self._level_places:
            self._level_places[level] = self._place_for_level(level)
        return self._level_places[level]

    def _place_for_level(self, level: str) -> _Place | None:
        for index in range(len(self.path) - 1, -1, -1):
            if self.path[index].endswith(level):
                return self.place_at(index)
        return None

    def canonicals(self, body: Body, place: _Place) -> tuple[Canonical, ...]:
        """The canonical names ``body`` has at ``place`` (see :func:`_canonicals`)."""
        key = (body.written, place.full_name, place.code)  # a body is known by its written form
        if key not in self._canonicals:
            self._canonicals[key] = _canonicals(body, place, self)
        return self._canonicals[key]

    @property
    def county(self) -> str:
        return self.path[-1] if len(self.path) >= 3 else ""

    @property
    def is_league(self) -> bool:
        return bool(self.path) and self.path[-1].endswith(("盟", "地区"))


def extract_institutions(
    text: str, *, report: ReportMeta, regions: Sequence[RegionRef]
) -> tuple[InstitutionRef, ...]:
    """Named bodies of specific sub-national regions, canonicalised with their region prefix.

    Example:
        >>> meta = ReportMeta(region="通江县", region_code="511921",
        ...                   region_path=("四川省", "巴中市", "通江县"))
        >>> refs = extract_institutions("县委、县政府高度重视。", report=meta, regions=())
        >>> [r.canonical for r in refs]
        ['中共通江县委员会', '通江县人民政府']
    """
    resolver = _Resolver(report, regions)
    hits = [*_dictionary_hits(text, resolver), *_group_hits(text, resolver)]
    return _collect(text, _non_overlapping(hits))


def _dictionary_hits(text: str, resolver: _Resolver) -> Iterable[_Hit]:
    for start, end, body in _body_matches(text):
        if body.flag == "exclude":
            yield _Hit(start, end, ())
            continue
        hit = _resolve(text, start, end, body, resolver)
        if hit is not None:
            yield hit


def _resolve(text: str, start: int, end: int, body: Body, resolver: _Resolver) -> _Hit | None:
    if body.flag == "named":
        return _named_hit(text, start, end, body, resolver)
    anchored = _anchor(text, start, resolver)
    if anchored is None:
        return _bare_hit(text, start, end, body, resolver)
    prefix_start, place = anchored
    if place is None or _generic_or_footer(text, prefix_start):
        return None
    return _Hit(prefix_start, end, resolver.canonicals(body, place))


def _anchor(text: str, start: int, resolver: _Resolver) -> tuple[int, _Place | None] | None:
    """Where the name starts and its region, or None when no region/level word precedes it."""
    region = resolver.region_ending_at.get(start)
    if region is not None:
        mention_start, ref = region
        return mention_start, _Place(ref.canonical, ref.code)
    level = text[start - 1] if start > 0 else ""
    if not level or level not in _LEVELS:  # 自治区/州/县/旗 end in a level character too
        return None
    multi = _AUTONOMOUS + level
    if multi in _MULTI_LEVELS and _ends_with(text, start, multi):
        return start - len(multi), resolver.place_for_level(multi)
    before = text[start - 2] if start > 1 else ""
    if before and before in _BEFORE_LEVEL_NOT_PREFIX[level]:
        return start - 1, None
    if before and before in _DEICTIC:
        return start - 1, resolver.report_place
    return start - 1, resolver.place_for_level(level)


def _ends_with(text: str, position: int, word: str) -> bool:
    """Whether ``word`` ends at ``position`` (a negative start would wrap round to the end)."""
    return text.startswith(word, max(0, position - len(word)), position)


def _bare_hit(text: str, start: int, end: int, body: Body, resolver: _Resolver) -> _Hit | None:
    allowed = body.flag in ("bare", "pair") or (body.flag == "league" and resolver.is_league)
    place = resolver.report_place
    if not allowed or place is None or _generic_or_footer(text, start):
        return None
    clause = _CLAUSE_BREAK.split(text[max(0, start - 30) : start])[-1]
    if _GENERIC_CLAUSE.search(clause):
        return None
    return _Hit(start, end, resolver.canonicals(body, place))


def _generic_or_footer(text: str, start: int) -> bool:
    """各部门/乡镇政府-style plural context, or a footer naming the site operator."""
    window_start = max(0, start - 30)
    return bool(
        _GENERIC_BEFORE.search(text, window_start, start)
        or _FOOTER_BEFORE.search(text, window_start, start)
    )


def _canonicals(body: Body, place: _Place, resolver: _Resolver) -> tuple[Canonical, ...]:
    if body.flag == "pair":
        government = "行政公署" if place.full_name.endswith(("盟", "地区")) else "人民政府"
        return (
            (f"中共{place.full_name}委员会办公室", "office", place.code),
            (f"{place.full_name}{government}办公室", "office", place.code),
        )
    province = resolver.path[0] if resolver.path else place.full_name
    canonical = body.template.format(
        R=place.full_name, P=province, r=_short_name(place.full_name), C="", N=""
    )
    return ((canonical, body.kind, place.code),)


def _short_name(full_name: str) -> str:
    """锡林郭勒盟 → 锡林郭勒; 湖北省 → 湖北 (for names such as …人民检察院锡林郭勒分院)."""
    for suffix in ("自治区", "自治州", "自治县", "地区", "省", "市", "盟", "县", "区", "旗"):
        if full_name.endswith(suffix) and len(full_name) > len(suffix) + 1:
            return full_name[: -len(suffix)]
    return full_name


def _named_hit(text: str, start: int, end: int, body: Body, resolver: _Resolver) -> _Hit | None:
    """马山司法所 → 柳城县马山司法所: a township office is named by its place."""
    region = resolver.region_ending_at.get(start)
    if region is not None:
        name_start, place_name = region[0], text[region[0] : start]
    else:
        found = _place_name_before(text, start)
        if found is None:
            return None
        name_start, place_name = found
    place = resolver.report_place
    code = place.code if place else None
    canonical = body.template.format(C=resolver.county, N=place_name, R="", P="", r="")
    return _Hit(name_start, end, ((canonical, body.kind, code),))


def _place_name_before(text: str, start: int) -> tuple[int, str] | None:
    window_start = max(0, start - 8)
    window = _NAME_PUNCT.split(text[window_start:start])[-1]
    pairs = _tagged_words(window)
    if not pairs:
        return None
    name, flag = pairs[-1]
    if len(name) == 1 and len(pairs) > 1 and pairs[-2][1] in _PLACE_TAGS:
        name, flag = pairs[-2][0] + name, pairs[-2][1]
    if flag not in _PLACE_TAGS or not 2 <= len(name) <= 4 or _NUMERAL_START.match(name):
        return None
    return start - len(name), name


@lru_cache(maxsize=_CACHED_WINDOWS)
def _tagged_words(window: str) -> tuple[tuple[str, str], ...]:
    """(word, part of speech) of a short window, as jieba's tagger reads it."""
    return tuple((pair.word, pair.flag) for pair in jieba.posseg.cut(window))


@lru_cache(maxsize=_CACHED_WINDOWS)
def _words(clause: str) -> tuple[str, ...]:
    """The words of a short clause, as jieba cuts it."""
    return tuple(jieba.cut(clause))


def _group_hits(text: str, resolver: _Resolver) -> Iterable[_Hit]:
    """…工作领导小组: the modifier is read back with jieba up to a verb or a region prefix."""
    for match in _GROUP_NOUN.finditer(text):
        start = match.start()
        if _ends_with(text, start, _GROUP_WORK):
            start -= len(_GROUP_WORK)
        clause = _NAME_PUNCT.split(text[max(0, start - 24) : start])[-1]
        hit = _group_hit(text, start, match.end(), clause, resolver)
        if hit is not None:
            yield hit


def _group_hit(text: str, start: int, end: int, clause: str, resolver: _Resolver) -> _Hit | None:
    words = list(_words(clause))
    taken: list[str] = []
    while words and words[-1] not in _GROUP_STOP_WORDS:
        taken.insert(0, words.pop())
    modifier = "".join(taken)
    written_start = start - len(modifier)
    modifier, place = _strip_group_prefix(modifier, text, written_start, resolver)
    if len(modifier) < 2 or place is None:
        return None
    canonical = f"{place.full_name}{modifier}{text[start:end]}"
    return _Hit(written_start, end, ((canonical, "group", place.code),))


def _strip_group_prefix(
    modifier: str, text: str, written_start: int, resolver: _Resolver
) -> tuple[str, _Place | None]:
    """区政府推进法治政府工作 → (推进法治政府工作, the district); no prefix → report region."""
    region = resolver.region_ending_at.get(written_start)
    if region is not None:
        return modifier, _Place(region[1].canonical, region[1].code)
    match = _GROUP_PREFIX.match(modifier)
    if match is None:
        return modifier, resolver.report_place
    level = match.group().lstrip(_DEICTIC)
    level = next((m for m in _MULTI_LEVELS if level.startswith(m)), level[:1])
    return modifier[match.end() :], resolver.place_for_level(level)


def _non_overlapping(hits: list[_Hit]) -> list[_Hit]:
    """Leftmost-longest: a body named inside a longer body's name is not a mention of its own."""
    chosen: list[_Hit] = []
    last_end = -1
    for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if hit.start >= last_end:
            chosen.append(hit)
            last_end = hit.end
        elif (
            hit.end > last_end
            and chosen
            and chosen[-1].end - chosen[-1].start < hit.end - hit.start
        ):
            chosen[-1] = hit
            last_end = hit.end
    return [hit for hit in chosen if hit.canonicals]


def _collect(text: str, hits: list[_Hit]) -> tuple[InstitutionRef, ...]:
    spellings: dict[str, list[str]] = {}
    mentions: dict[str, list[Mention]] = {}
    details: dict[str, tuple[InstitutionKind, str | None]] = {}
    for hit in hits:
        written = text[hit.start : hit.end]
        for canonical, kind, code in hit.canonicals:
            details.setdefault(canonical, (kind, code))
            names = spellings.setdefault(canonical, [])
            if written not in names:
                names.append(written)
            mentions.setdefault(canonical, []).append(Mention(hit.start, hit.end))
    return tuple(
        InstitutionRef(
            canonical=canonical,
            name=names[0],
            mentions=tuple(mentions[canonical]),
            variants=tuple(names[1:]),
            region_code=details[canonical][1],
            kind=details[canonical][0],
        )
        for canonical, names in spellings.items()
    )
