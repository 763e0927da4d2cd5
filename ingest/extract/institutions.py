"""Named government, party, congress, judicial bodies and their offices, with canonical names.

A dictionary of body names (``ingest/data/institution_bodies.tsv``: how Chinese public bodies
are named, with their abbreviations) is matched with Aho–Corasick. Where the name starts is
decided by what precedes the body: a region the region extractor found (郧阳区 + 司法局), a
level word (区/县/市/盟 … + 政府) resolved against the report's own region path, or nothing
(a bare 综合行政执法局 belongs to the report region). Only township offices (马山司法所) need a
word boundary, and there jieba's part-of-speech tagger reads the place name before the body.
Open-ended leading groups (…工作领导小组) are cut back to their modifier with jieba, and
committees of a party committee (市委法治建设委员会) are named after it.

Canonical names carry the region prefix official names carry: a county, city, banner or
league its own name (通江县人民政府), a district its city's too, since district names repeat
across China (海州区 is in 阜新 and in 连云港: 阜新市海州区人民政府); party committees are
中共<prefix>委员会 and their own bodies 中共<prefix>委… . Central bodies (国务院, 司法部,
中共中央) have no prefix and no region. Meetings (区政府常务会议), study groups
(县委理论学习中心组) and the CPPCC are not bodies the graph keeps.

Example:
    >>> meta = ReportMeta(region="郧阳区", region_code="420304",
    ...                   region_path=("湖北省", "十堰市", "郧阳区"))
    >>> text = "区司法局向市政府报告，落实司法部要求。"
    >>> [(i.canonical, i.kind) for i in extract_institutions(text, report=meta, regions=())]
    [('十堰市郧阳区司法局', 'department'), ('十堰市人民政府', 'government'), ('司法部', 'central')]
"""

from __future__ import annotations

import bisect
import operator
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal, cast, get_args

from ingest.datafiles import data_lines, data_path
from ingest.extract.dictionaries import DictionaryMatches, scan_dictionaries
from ingest.gazetteer import COUNTY_OR_ABOVE, Gazetteer, load_gazetteer
from ingest.model import (
    InstitutionKind,
    InstitutionRef,
    Mention,
    PageMeta,
    RegionRef,
    ReportMeta,
)
from ingest.wordseg import load_jieba_dictionary, pos_tagger

DATA_FILE = data_path("institution_bodies.tsv")

Flag = Literal["prefixed", "bare", "named", "league", "pair", "central", "exclude"]

# Level words that stand for "the region at this level" (区政府, 市委, 自治区人民政府).
_AUTONOMOUS = "自治"
_MULTI_LEVELS = tuple(_AUTONOMOUS + level for level in "区州县旗")
_MULTI_LEVEL_OF = {multi[-1]: multi for multi in _MULTI_LEVELS}  # 区 → 自治区
_LEVELS = "省市州盟县区旗"
_LEVEL_CHARS = frozenset(_LEVELS)  # a set: '' is in every string
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
# 部 followed by these is a kind (公安部门), a plan (部署) or a part (部分), not a ministry.
_AFTER_MINISTRY_NOT_BODY = "门署分"
_CONGRESS = ("人大", "人民代表大会")
# 市委书记 is a person: the committee is not named by its secretary's title.
_PARTY_OFFICERS = ("书记", "副书")
# 中办/国办 hide in 集中办理 and 全国办理; 国办发 is a document number's issuer code.
_GENERAL_OFFICES = ("中办", "国办")
_BEFORE_GENERAL_OFFICE_NOT_BODY = "全集"
_AFTER_GENERAL_OFFICE = "发函理公"
_TEMPLATE_SEPARATOR = "|"
# A 地区 is never 区 for short: 区党委 in a county of 阿里地区 is the autonomous region's.
_PREFECTURE_AREA = "地区"
_LEAGUES = ("盟", _PREFECTURE_AREA)
_BEFORE_AREA_NOT_PREFECTURE = "当属驻本外异基各该在两场"  # 当地委托 names no 地委
# 县委、政府 and 自治区党委政府: one level word for both bodies.
_SHARES_PARTY_LEVEL = ("政府", "人民政府")
_PARTY_BEFORE = re.compile("(?:党委|委)、?$")
# What a _PARTY_BEFORE match ends with, or the newline its ``$`` also matches before: after
# any other character the regex cannot match, and is not run (see _GENERIC_LAST).
_PARTY_LAST = frozenset("委、\n")
# The field an enforcement team serves, written before its name (区市场监管综合执法大队).
_ENFORCEMENT_TEAM = "综合"
_ENFORCEMENT_FIELD = re.compile(
    "(?:市场监管|市场监督管理|生态环境保护|生态环境|文化市场|应急管理|交通运输|农业农村|农业"
    "|自然资源|城市管理|卫生健康|水务|林业)$"
)
_ENUMERATION = "、"
_CPPCC_BEFORE = re.compile("(?:政协|政治协商会议)$")
_CPPCC_LAST = frozenset("协议\n")  # see _PARTY_LAST
_PLAIN_COURTS = ("法院", "人民法院")
_PROVINCE_CODE_END = "0000"
# Regions ending in 区 that are no city's district: their names are unique as they stand.
_NOT_DISTRICTS = ("自治区", "地区", "林区", "特区")
_GENERIC_WORDS = (
    "各|各级|乡镇|苏木|苏木乡镇|基层|全国|国家|中央|上级|有关|相关|等|个|其他|所属|部分"
)
_GENERIC_BEFORE = re.compile(f"(?:{_GENERIC_WORDS})的?$")
# The characters a generic word (or its 的) ends with, and the newline ``$`` also matches
# before: after any other one, no regex is run.
_GENERIC_LAST = frozenset(word[-1] for word in _GENERIC_WORDS.split("|")) | {"的", "\n"}
# Its longest match: the longest word, 的, and the newline ``$`` also matches before.
_LONGEST_GENERIC_BEFORE = len("苏木乡镇的\n")
# Plural or generic context in the same clause: 全盟70个苏木乡镇统一设立了综合行政执法局.
_GENERIC_CLAUSE = re.compile(r"各|乡镇|苏木|街道|\d+个")
_CLAUSE_BREAK = re.compile(r"[\n,，。;；:：、!！?？]")
# Site operators in page footers are not mentions (主办单位:阜新市海州区人民政府办公室).
_FOOTER_BEFORE = re.compile(
    r"(?:主办|承办|协办|版权所有|维护|技术支持|主管)(?:单位)?\s*[:：][^\n]{0,12}$"
)
# 全面依法治县委员会 belongs to a county wherever it is named; in a city report it is none.
_RULED_LEVEL = re.compile("依法治([省市州盟县区旗])")
_NUMERAL_START = re.compile(r"^[一二三四五六七八九十两0-9]")
_PLACE_TAGS = {"ns", "nz", "nr", "nrfg", "nrt"}
# …领导小组 is found as a literal (str.find) and 领导/工作 read back: a regex led by an optional
# group scans ~40x slower than one led by a literal. Either noun may head an office (…办公室).
_GROUP_NOUN = "小组"
_GROUP_KINDS = ("领导", "协调")
_COMMITTEE_NOUN = "委员会"
_OFFICE = "办公室"
_STANDING = ("常委", "常务")  # 区委常委委员会 is the standing committee (a dictionary name)
_PARTY_OWNER = re.compile("党?委")
_COMMITTEE_TAIL = "员会"  # 县委员会全面依法治县委员会: the owner written in full
_LONGEST_COMMITTEE_WORDS = 16
_COUNTED = re.compile("[0-9一二三四五六七八九十两]个")  # 4个协调小组: several groups
_GROUP_WORK = "工作"
_GROUP_LEVEL = re.compile(rf"^[{_DEICTIC}]?(?:{'|'.join(_MULTI_LEVELS)}|[{_LEVELS}])")
# Whose a group is, after its region: 县委… is the party committee's, 县政府… the county's.
_GROUP_OWNER = re.compile("^(?:人民政府|政府|党委|委员会|委)")
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
        "经过",
        "部分",
        "各级",
        "高规格",
        "中共",
        "关于",
        "下设",
        "各个",
        "被",
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


@dataclass(slots=True, unsafe_hash=True)  # not frozen, made per place: see model._PickledAsFrozen
class _Place:
    """A region a body name is anchored to, and the prefix official names give it."""

    full_name: str  # 海州区
    code: str | None
    prefix: str  # 阜新市海州区: a district's name repeats across China, its city's does not


# (canonical name, kind, region code) of one body a mention names.
Canonical = tuple[str, InstitutionKind, str | None]


# One resolved occurrence, (start, end, canonicals): ``text[start:end]`` names the bodies in
# ``canonicals``. A tuple, made in C: a dataclass ran its __init__ frame once per match.
_Hit = tuple[int, int, tuple[Canonical, ...]]


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


@dataclass(frozen=True, slots=True)
class _Form:
    """A written form of :func:`body_forms` with what the scan asks of every match, worked out
    once for the dictionary instead of once per match."""

    body: Body
    needs_anchor: bool  # a prefixed name that no enforcement field can lead (which moves its start)
    shares_level: bool  # 政府 after 县委、: anchored by the party committee's level word
    in_field: bool  # 综合执法大队: an enforcement field may lead it
    excluded: bool
    may_name_something_else: bool  # see _names_something_else


@cache
def body_forms() -> tuple[_Form, ...]:
    """Every written form, each once (a later line wins for a repeated one), in the order
    :func:`ingest.extract.dictionaries.scan_dictionaries` numbers them."""
    by_written = {body.written: body for body in load_bodies()}
    return tuple(_form(body) for body in by_written.values())


def _form(body: Body) -> _Form:
    in_field = body.written.startswith(_ENFORCEMENT_TEAM)
    return _Form(
        body,
        needs_anchor=body.flag == "prefixed" and not in_field,
        shares_level=body.written in _SHARES_PARTY_LEVEL,
        in_field=in_field,
        excluded=body.flag == "exclude",
        may_name_something_else=_may_name_something_else(body.written),
    )


def _body_matches(
    text: str, resolver: _Resolver, matches: Sequence[tuple[int, int, int]]
) -> list[tuple[int, int, int]]:
    """(end, start, form index) of every written form that may name a body, overlapping, by end
    and then longest first (``matches``: the forms found in ``text``, as scan_dictionaries
    gives them).

    Prefixed names nothing can anchor (法治政府: about half of all matches) are dropped here,
    before any other work on them: without an anchor :func:`_resolve` finds no body. The test
    is one comprehension over form indexes (no call or attribute per match, not even max()):
    it runs for every match of every report.
    """
    unanchored, sharing = _form_index_sets()
    region_ends = resolver.region_ending_at
    kept = [
        (end, start, i)
        for i, start, end in matches
        if i in unanchored
        or start in region_ends
        or text[start - 1 : start] in _LEVEL_CHARS
        or (i in sharing and "委" in text[start - 3 if start > 3 else 0 : start])
    ]
    # Two forms never span the same characters, so (end, start) tuples sort without a key.
    kept.sort()
    return kept


@cache
def _form_index_sets() -> tuple[frozenset[int], frozenset[int]]:
    """Indexes of the forms kept without an anchor, and of those sharing a party level word."""
    forms = body_forms()
    unanchored = frozenset(i for i, form in enumerate(forms) if not form.needs_anchor)
    sharing = frozenset(i for i, form in enumerate(forms) if form.shares_level)
    return unanchored, sharing


class _Resolver:
    """Turns level words and region mentions into regions for one report."""

    def __init__(
        self, report: ReportMeta, regions: Sequence[RegionRef], gazetteer: Gazetteer
    ) -> None:
        self.path = report.region_path or ((report.region,) if report.region else ())
        self.code = report.region_code
        self.gazetteer = gazetteer
        self.codes_by_name = {r.canonical: r.code for r in regions if r.code}
        self.region_ending_at: dict[int, tuple[int, RegionRef]] = {}
        self.region_starting_at: dict[int, tuple[int, RegionRef]] = {}
        for region in regions:
            for mention in region.mentions:
                known = self.region_ending_at.get(mention.end)
                if known is None or known[0] > mention.start:
                    self.region_ending_at[mention.end] = (mention.start, region)
                known = self.region_starting_at.get(mention.start)
                if known is None or known[0] < mention.end:
                    self.region_starting_at[mention.start] = (mention.end, region)
        self.region_ends = sorted(self.region_ending_at)
        # A report names the same few bodies of the same few places many times.
        self._level_places: dict[str, _Place | None] = {}
        self._canonicals: dict[tuple[str, str, str | None], tuple[Canonical, ...]] = {}
        self._region_places: dict[int, _Place] = {}  # by id: a report's few regions, asked often
        self.report_place = self.place_at(-1)
        self._league: tuple[_Place | None] | None = None  # see league_place

    def place_at(self, index: int) -> _Place | None:
        """The region ``region_path[index]`` with its code (from the mentions or GB/T 2260)."""
        if not self.path or not -len(self.path) <= index < len(self.path):
            return None
        index %= len(self.path)
        name = self.path[index]
        code = self.codes_by_name.get(name) or self._ancestor_code(index)
        parent = self.path[index - 1] if index > 0 else ""
        return _Place(name, code, _official_prefix(name, parent))

    def place_of(self, region: RegionRef) -> _Place:
        """A region the text names: the report's own path first, else its GB/T 2260 parent."""
        place = self._region_places.get(id(region))  # the regions live as long as the resolver
        if place is None:
            place = self._region_places[id(region)] = self._place_of(region)
        return place

    def _place_of(self, region: RegionRef) -> _Place:
        if region.canonical in self.path:
            place = self.place_at(self.path.index(region.canonical))
            if place is not None and (region.code is None or place.code == region.code):
                return place
        code = region.code or self._candidate_on_report_branch(region)
        codes = (code,) if code else region.candidates
        parents = {self._gazetteer_parent(candidate) for candidate in codes}
        parent = parents.pop() if len(parents) == 1 else ""
        return _Place(region.canonical, code, _official_prefix(region.canonical, parent))

    def _candidate_on_report_branch(self, region: RegionRef) -> str | None:
        """海州区 in a 阜新市 report is 阜新's, whatever else it could be."""
        related = [code for code in region.candidates if _same_branch(code, self.code)]
        return related[0] if len(related) == 1 else None

    def _gazetteer_parent(self, code: str) -> str:
        ancestors = self.gazetteer.ancestors(code)
        return ancestors[-1].full_name if ancestors else ""

    def _ancestor_code(self, index: int) -> str | None:
        """The code of ``region_path[index]``: the report region's or one of its ancestors'."""
        if self.code is None or len(self.code) != 6:
            return None
        if index == len(self.path) - 1:
            return self.code
        chain = self.gazetteer.ancestors(self.code)
        if len(chain) == len(self.path) - 1:  # 天津市 above 静海区 is 120000, not 120100
            return chain[index].code
        depth = len(self.path) - 1 - index
        keep = {1: 4, 2: 2}.get(depth)
        return None if keep is None else self.code[:keep].ljust(6, "0")

    def place_for_level(self, level: str) -> _Place | None:
        """区 in a district report → the district; 市 in a county report → its prefecture."""
        if level not in self._level_places:
            self._level_places[level] = self._place_for_level(level)
        return self._level_places[level]

    def _place_for_level(self, level: str) -> _Place | None:
        for index in range(len(self.path) - 1, -1, -1):
            name = self.path[index]
            if name.endswith(level) and not name.endswith(_PREFECTURE_AREA):
                return self.place_at(index)
        return None

    def canonicals(self, body: Body, place: _Place) -> tuple[Canonical, ...]:
        """The canonical names ``body`` has at ``place`` (see :func:`_canonicals`)."""
        key = (body.written, place.prefix, place.code)  # a body is known by its written form
        names = self._canonicals.get(key)  # one lookup: asked for every name a report writes
        if names is None:
            names = self._canonicals[key] = _canonicals(body, place, self)
        return names

    @property
    def county(self) -> str:
        """The report's county-level prefix, which township offices carry (柳城县马山司法所)."""
        place = self.report_place
        county_level = len(self.path) >= 3 or bool(self.code and self.code[4:] != "00")
        return place.prefix if place is not None and county_level else ""

    @property
    def league_place(self) -> _Place | None:
        """The 盟 or 地区 the report region is (or lies in): 行署 and 地委 are its bodies."""
        if self._league is None:  # asked for every 地委 and 行署 a report writes: found once
            self._league = (self._find_league_place(),)
        return self._league[0]

    def _find_league_place(self) -> _Place | None:
        for index in range(len(self.path) - 1, -1, -1):
            if self.path[index].endswith(_LEAGUES):
                return self.place_at(index)
        return None


def _official_prefix(name: str, parent: str) -> str:
    """阜新市 + 海州区 → 阜新市海州区; a county, city, banner or prefecture is its own name.

    Example:
        >>> _official_prefix("海州区", "阜新市"), _official_prefix("通江县", "巴中市")
        ('阜新市海州区', '通江县')
    """
    is_district = name.endswith("区") and not name.endswith(_NOT_DISTRICTS)
    return parent + name if is_district and parent else name


def extract_institutions(
    text: str,
    *,
    report: ReportMeta,
    regions: Sequence[RegionRef],
    gazetteer: Gazetteer | None = None,
    page: PageMeta | None = None,
    dictionary_matches: DictionaryMatches | None = None,
) -> tuple[InstitutionRef, ...]:
    """Named bodies, canonicalised with their region prefix; central bodies without one.

    Bodies the page header names (来源, 发布机构) follow those of the text, without offsets.
    ``dictionary_matches`` is ``scan_dictionaries(text, gazetteer)`` when the caller has it.

    Example:
        >>> meta = ReportMeta(region="通江县", region_code="511921",
        ...                   region_path=("四川省", "巴中市", "通江县"))
        >>> refs = extract_institutions("县委、县政府高度重视。", report=meta, regions=())
        >>> [r.canonical for r in refs]
        ['中共通江县委员会', '通江县人民政府']
    """
    gazetteer = gazetteer or load_gazetteer()
    found_forms = (dictionary_matches or scan_dictionaries(text, gazetteer)).institutions
    resolver = _Resolver(report, regions, gazetteer)
    hits = [
        *_dictionary_hits(text, resolver, found_forms),
        *_group_hits(text, resolver),
        *_committee_hits(text, resolver),
    ]
    found = _collect(text, _non_overlapping(hits))
    return found + _header_institutions(page, report, gazetteer, {r.canonical for r in found})


def _header_institutions(
    page: PageMeta | None, report: ReportMeta, gazetteer: Gazetteer, known: set[str]
) -> tuple[InstitutionRef, ...]:
    """来源:区司法局 names a body of the report region, though outside the text's offsets."""
    fields = (page.source, page.publisher) if page is not None else ()
    refs: list[InstitutionRef] = []
    for field in filter(None, fields):
        resolver = _Resolver(report, _field_regions(field, report, gazetteer), gazetteer)
        found_forms = scan_dictionaries(field, gazetteer).institutions
        hits = _non_overlapping(_dictionary_hits(field, resolver, found_forms))
        for ref in _collect(field, hits):
            if ref.canonical not in known:
                known.add(ref.canonical)
                refs.append(replace(ref, mentions=()))
    return tuple(refs)


def _field_regions(field: str, report: ReportMeta, gazetteer: Gazetteer) -> list[RegionRef]:
    """Regions a header field names, each read as the one on the report region's branch."""
    regions = []
    for start, end, name in gazetteer.find_all(field):
        candidates = gazetteer.candidates(name, report.year)
        related = [c for c in candidates if _same_branch(c.code, report.region_code)]
        chosen = related if len(related) == 1 else candidates
        if len(chosen) == 1:
            info = chosen[0]
            regions.append(
                RegionRef(name, info.full_name, info.level, (Mention(start, end),), info.code)
            )
    return regions


def _same_branch(code: str, other: str | None) -> bool:
    """420304 and 420300 lie on one branch of GB/T 2260; 420304 and 210902 do not.

    Example:
        >>> _same_branch("420300", "420304"), _same_branch("210902", "420304")
        (True, False)
    """
    if other is None:
        return False
    mine, theirs = _significant(code), _significant(other)
    return mine.startswith(theirs) or theirs.startswith(mine)


def _significant(code: str) -> str:
    while code.endswith("00"):
        code = code[:-2]
    return code


def _dictionary_hits(
    text: str, resolver: _Resolver, matches: Sequence[tuple[int, int, int]]
) -> list[_Hit]:
    hits: list[_Hit] = []
    forms = body_forms()
    for end, start, i in _body_matches(text, resolver, matches):
        form = forms[i]
        if form.excluded:
            hits.append((start, end, ()))
            continue
        body = form.body
        if form.in_field:
            field = _ENFORCEMENT_FIELD.search(text, max(0, start - 6), start)
            if field is not None:
                start, body = field.start(), _in_field(body, field.group())
        # a field leading the name changes neither end of it that the test reads
        if form.may_name_something_else and _names_something_else(text, start, end, body):
            continue
        hit = _resolve(text, start, end, body, resolver)
        if hit is not None:
            hits.append(hit)
    return hits


def _in_field(body: Body, field: str) -> Body:
    """综合执法大队 after 市场监管: the market regulators' team, named as written."""
    template = body.template.replace("{R}", "{R}" + field, 1)
    return Body(field + body.written, template, body.kind, body.flag)


def _resolve(text: str, start: int, end: int, body: Body, resolver: _Resolver) -> _Hit | None:
    if body.flag == "central":
        return _central_hit(start, end, body, resolver)
    if body.flag == "named":
        return _named_hit(text, start, end, body, resolver)
    anchored = _anchor(text, start, resolver) or _shared_anchor(text, start, body, resolver)
    if anchored is None:
        return _bare_hit(text, start, end, body, resolver)
    prefix_start, place = anchored
    if place is None:
        return None
    if prefix_start >= 2 and text[prefix_start - 1] == _ENUMERATION:  # 省、市政府
        return _enumerated_hit(text, prefix_start, end, body, resolver, place)
    if _not_named_here(text, prefix_start, body, place):
        return None
    return (prefix_start, end, resolver.canonicals(body, place))


def _enumerated_hit(
    text: str, prefix_start: int, end: int, body: Body, resolver: _Resolver, place: _Place
) -> _Hit | None:
    """省、市政府: the bodies of every level the enumeration names."""
    prefix_start, places = _enumerated_levels(text, prefix_start, resolver, [place])
    if _not_named_here(text, prefix_start, body, place):
        return None
    return (prefix_start, end, tuple(c for p in places for c in resolver.canonicals(body, p)))


def _not_named_here(text: str, prefix_start: int, body: Body, place: _Place) -> bool:
    """A plural or footer context, a province's courts, or a CPPCC committee (政协通江县委员会
    is the CPPCC's committee, not the party's): the anchored name names no body here."""
    return (
        _generic_or_footer(text, prefix_start)
        or (body.written in _PLAIN_COURTS and _court_system(place))
        or (
            text[prefix_start - 1 : prefix_start] in _CPPCC_LAST
            and _CPPCC_BEFORE.search(text, max(0, prefix_start - 6), prefix_start) is not None
        )
    )


def _court_system(place: _Place) -> bool:
    """天津法院 are the courts of 天津: a province's own court is its 高级人民法院."""
    return place.code is not None and place.code.endswith(_PROVINCE_CODE_END)


def _enumerated_levels(
    text: str, prefix_start: int, resolver: _Resolver, places: list[_Place]
) -> tuple[int, list[_Place]]:
    """省、市政府: the province shares the head noun 政府 with the city named after it."""
    while prefix_start >= 2 and text[prefix_start] in _LEVELS:
        if text[prefix_start - 1] != _ENUMERATION or text[prefix_start - 2] not in _LEVELS:
            break
        level = text[prefix_start - 2]
        before = text[prefix_start - 3] if prefix_start >= 3 else ""
        place = resolver.place_for_level(level)
        if (
            place is None
            or place in places
            or (before and before in _BEFORE_LEVEL_NOT_PREFIX[level])
        ):
            break
        places.insert(0, place)
        prefix_start -= 2
    return prefix_start, places


def _names_something_else(text: str, start: int, end: int, body: Body) -> bool:
    """公安部门 is a kind of department, 人大代表 a deputy, 集中办理 no 中办: not the body
    (asked only of the names :func:`_may_name_something_else` lets through)."""
    after = text[end : end + 2]
    before = text[start - 1] if start > 0 else ""
    return (
        (body.written.endswith("部") and after[:1] in _AFTER_MINISTRY_NOT_BODY)
        or (body.written.endswith(_CONGRESS) and after == "代表")
        or (body.written.endswith("委") and after.startswith(_PARTY_OFFICERS))
        or (body.written.startswith("地") and before in _BEFORE_AREA_NOT_PREFECTURE)
        or (
            body.written in _GENERAL_OFFICES
            and (before in _BEFORE_GENERAL_OFFICE_NOT_BODY or after[:1] in _AFTER_GENERAL_OFFICE)
        )
    )


def _may_name_something_else(written: str) -> bool:
    """Whether a neighbour can make ``written`` something else (most names it cannot)."""
    return (
        written.endswith(("部", *_CONGRESS, "委"))
        or written.startswith("地")
        or (written in _GENERAL_OFFICES)
    )


def _central_hit(start: int, end: int, body: Body, resolver: _Resolver) -> _Hit | None:
    """国务院 → 国务院; 中办国办 → both general offices; none when a local branch follows."""
    if end in resolver.region_starting_at:  # 国家税务总局通江县税务局 is the county's bureau
        return None
    names = body.template.split(_TEMPLATE_SEPARATOR)
    return (start, end, tuple((name, body.kind, None) for name in names))


def _anchor(text: str, start: int, resolver: _Resolver) -> tuple[int, _Place | None] | None:
    """Where the name starts and its region, or None when no region/level word precedes it."""
    region = resolver.region_ending_at.get(start)
    if region is not None:
        mention_start, ref = region
        return mention_start, resolver.place_of(ref)
    level = text[start - 1 : start]
    if level not in _LEVEL_CHARS:  # 自治区/州/县/旗 end in a level character too
        return None
    before = text[start - 2] if start > 1 else ""
    if before == _AUTONOMOUS[-1] and level in _MULTI_LEVEL_OF:  # 治 is rare: test it first
        multi = _MULTI_LEVEL_OF[level]
        if _ends_with(text, start, multi):
            return start - len(multi), resolver.place_for_level(multi)
    if before and before in _BEFORE_LEVEL_NOT_PREFIX[level]:
        return start - 1, None
    if before and before in _DEICTIC:
        return start - 1, resolver.report_place
    named = _named_just_before(text, start - 1, level, resolver) if before in _PARTY_LAST else None
    return start - 1, named or resolver.place_for_level(level)


def _named_just_before(
    text: str, level_start: int, level: str, resolver: _Resolver
) -> _Place | None:
    """青岛市委、市政府: the 市 of 市政府 is the city the committee before it was named by
    (asked when a party committee may end before the level word: see _PARTY_LAST)."""
    party = _PARTY_BEFORE.search(text, max(0, level_start - 3), level_start)
    region = resolver.region_ending_at.get(party.start()) if party is not None else None
    if region is None or not region[1].canonical.endswith(level):
        return None
    return resolver.place_of(region[1])


def _shared_anchor(
    text: str, start: int, body: Body, resolver: _Resolver
) -> tuple[int, _Place | None] | None:
    """自治区党委、政府: the government shares the party committee's level word."""
    if body.written not in _SHARES_PARTY_LEVEL:
        return None
    if text[start - 1 : start] not in _PARTY_LAST:
        return None
    party = _PARTY_BEFORE.search(text, max(0, start - 3), start)
    if party is None:
        return None
    anchored = _anchor(text, party.start(), resolver)
    return None if anchored is None else (start, anchored[1])


def _ends_with(text: str, position: int, word: str) -> bool:
    """Whether ``word`` ends at ``position`` (a negative start would wrap round to the end)."""
    begin = position - len(word)
    return text.startswith(word, begin if begin > 0 else 0, position)  # max() is a slow call


def _bare_hit(text: str, start: int, end: int, body: Body, resolver: _Resolver) -> _Hit | None:
    if body.flag not in ("bare", "pair", "league"):
        return None
    ruled = _ruled_level(body.written)
    if body.flag == "league":  # 行署 in a banner of 锡林郭勒盟 is the league's
        place = resolver.league_place
    else:
        place = resolver.place_for_level(ruled) if ruled else resolver.report_place
    if place is None or _generic_or_footer(text, start):
        return None
    clause = _CLAUSE_BREAK.split(text[start - 30 if start > 30 else 0 : start])[-1]
    if _GENERIC_CLAUSE.search(clause):
        return None
    named = _region_named_in_clause(start - len(clause), start, resolver)
    if named is not None and body.flag == "bare" and not ruled:
        if named.level not in COUNTY_OR_ABOVE:
            return None  # 在马山镇设立综合执法队: a township's, which the graph does not name
        place = resolver.place_of(named)  # 指导平度市组建行政审批局: 平度市's bureau
    return (start, end, resolver.canonicals(body, place))


@cache
def _ruled_level(written: str) -> str | None:
    """The level a body of 全面依法治县 belongs to (县), whatever report names it."""
    ruled = _RULED_LEVEL.search(written)
    return ruled.group(1) if ruled else None


def _region_named_in_clause(clause_start: int, start: int, resolver: _Resolver) -> RegionRef | None:
    """The last region the clause names before a bare body, which the body then belongs to."""
    ends = resolver.region_ends  # the few ends in the clause, not each of its positions
    index = bisect.bisect_right(ends, start)
    while index > 0 and ends[index - 1] > clause_start:
        index -= 1
        mention_start, region = resolver.region_ending_at[ends[index]]
        if mention_start >= clause_start:
            return region
    return None


def _generic_or_footer(text: str, start: int) -> bool:
    """各部门/乡镇政府-style plural context, or a footer naming the site operator."""
    # A generic word ends right before ``start`` (or before a newline there): only the last
    # few characters can match, and a footer needs a colon. Scanning 30 positions with each
    # regex, for every name a report writes, was a tenth of institution extraction.
    # Conditionals, not max(): a call through its generic machinery, for every name.
    if text[start - 1 : start] in _GENERIC_LAST and _GENERIC_BEFORE.search(
        text, start - _LONGEST_GENERIC_BEFORE if start > _LONGEST_GENERIC_BEFORE else 0, start
    ):
        return True
    window_start = start - 30 if start > 30 else 0
    window = text[window_start:start]  # one slice: cheaper than two bounded str.find calls
    return ("：" in window or ":" in window) and bool(
        _FOOTER_BEFORE.search(text, window_start, start)
    )


def _canonicals(body: Body, place: _Place, resolver: _Resolver) -> tuple[Canonical, ...]:
    if body.flag == "pair":
        government = "行政公署" if place.full_name.endswith(("盟", "地区")) else "人民政府"
        return (
            (f"中共{place.prefix}委员会办公室", "office", place.code),
            (f"{place.prefix}{government}办公室", "office", place.code),
        )
    around_prefix = _around_prefix(body.template)
    if around_prefix is not None:  # most templates: 中共{R}委员会, {R}司法局
        return ((place.prefix.join(around_prefix), body.kind, place.code),)
    province = resolver.path[0] if resolver.path else place.full_name
    fields = {"R": place.prefix, "P": province, "r": _short_name(place.full_name), "C": "", "N": ""}
    # format_map reads the fields where format(**fields) would copy them, once per name.
    if _TEMPLATE_SEPARATOR not in body.template:  # most bodies are one
        return ((body.template.format_map(fields), body.kind, place.code),)
    names = body.template.split(_TEMPLATE_SEPARATOR)  # 人大及其常委会: the congress and its SC
    return tuple([(name.format_map(fields), body.kind, place.code) for name in names])


@cache  # asked for every canonical name built; the dictionary has a few hundred templates
def _around_prefix(template: str) -> tuple[str, str] | None:
    """What a template of one name writes before and after its one field, the region prefix
    ({R}), when it has no other: joined round the prefix without building the fields.

    Example:
        >>> _around_prefix("中共{R}委员会"), _around_prefix("{R}人大常委会|{R}人大")
        (('中共', '委员会'), None)
    """
    before, field, after = template.partition("{R}")
    rest = before + after
    if not field or _TEMPLATE_SEPARATOR in rest or "{" in rest or "}" in rest:
        return None
    return before, after


@cache  # asked for every canonical name built; a report names few places
def _short_name(full_name: str) -> str:
    """锡林郭勒盟 → 锡林郭勒; 湖北省 → 湖北 (for names such as …人民检察院锡林郭勒分院)."""
    for suffix in ("自治区", "自治州", "自治县", "地区", "省", "市", "盟", "县", "区", "旗"):
        if full_name.endswith(suffix) and len(full_name) > len(suffix) + 1:
            return full_name[: -len(suffix)]
    return full_name


def _named_hit(text: str, start: int, end: int, body: Body, resolver: _Resolver) -> _Hit | None:
    """马山司法所 → 柳城县马山司法所: a township office is named by its place."""
    region = resolver.region_ending_at.get(start)
    if region is not None and region[1].level in COUNTY_OR_ABOVE:
        return None  # 西城区司法所: a county's township offices, taken together
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
    return (name_start, end, ((canonical, body.kind, code),))


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
    return tuple((pair.word, pair.flag) for pair in pos_tagger().cut(window))


@lru_cache(maxsize=_CACHED_WINDOWS)
def _words(clause: str) -> tuple[str, ...]:
    """The words of a short clause, as jieba cuts it."""
    return tuple(load_jieba_dictionary().cut(clause))


def _group_hits(text: str, resolver: _Resolver) -> Iterable[_Hit]:
    """…工作领导小组: the modifier is read back with jieba up to a verb or a region prefix."""
    for noun_start, noun_end in _noun_spans(text, _GROUP_NOUN):
        start = noun_start - 2
        if start < 0 or text[start:noun_start] not in _GROUP_KINDS:
            continue
        if _ends_with(text, start, _GROUP_WORK):
            start -= len(_GROUP_WORK)
        hit = _group_hit(text, start, noun_end, resolver)
        if hit is not None:
            yield hit


def _committee_hits(text: str, resolver: _Resolver) -> Iterable[_Hit]:
    """县委…委员会(办公室): a committee of the party committee (营口市委法治建设委员会办公室)."""
    for start, end in _noun_spans(text, _COMMITTEE_NOUN):
        hit = _committee_hit(text, start, end, resolver)
        if hit is not None:
            yield hit


def _noun_spans(text: str, noun: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each ``noun`` and the 办公室 it may be followed by, as the regex
    ``noun(?:办公室)?`` finds them: ``str.find`` skips the text in between in C, several times
    as fast as the regex engine's literal scan over a whole report.
    """
    position = text.find(noun)
    while position >= 0:
        end = position + len(noun)
        if text.startswith(_OFFICE, end):
            end += len(_OFFICE)
        yield position, end
        position = text.find(noun, end)


def _committee_hit(text: str, start: int, end: int, resolver: _Resolver) -> _Hit | None:
    """Named after the nearest party committee before it whose region is known."""
    clause = _NAME_PUNCT.split(text[max(0, start - 24) : start])[-1]
    for owner in reversed(list(_PARTY_OWNER.finditer(text, start - len(clause), start))):
        anchored = _anchor(text, owner.start(), resolver)
        if anchored is None or anchored[1] is None:
            continue
        own_words = text[owner.end() : start].removeprefix(_COMMITTEE_TAIL)
        if not _names_a_committee(own_words):
            return None
        place = anchored[1]
        canonical = f"中共{place.prefix}委{own_words}{text[start:end]}"
        kind: InstitutionKind = "office" if canonical.endswith("办公室") else "group"
        return (anchored[0], end, ((canonical, kind, place.code),))
    return None


def _names_a_committee(own_words: str) -> bool:
    """法治建设 names a committee; 书记担任主任的法治建设 and 常委 (the standing one) do not."""
    return (
        2 <= len(own_words) <= _LONGEST_COMMITTEE_WORDS
        and not own_words.startswith(_STANDING)
        and not _COUNTED.search(own_words)
        and not any(word in _GROUP_STOP_WORDS for word in _words(own_words))
    )


def _group_hit(text: str, start: int, end: int, resolver: _Resolver) -> _Hit | None:
    """The group whose noun is ``text[start:end]``, named by the words before it."""
    clause = _NAME_PUNCT.split(text[max(0, start - 24) : start])[-1]
    words = list(_words(clause))
    taken: list[str] = []
    while words and words[-1] not in _GROUP_STOP_WORDS:
        taken.insert(0, words.pop())
    modifier = "".join(taken)
    written_start = start - len(modifier)
    owner = _group_owner(modifier, written_start, resolver)
    if owner is None or _generic_or_footer(text, written_start):
        return None
    place, own_words_start, of_party = owner
    modifier = modifier[own_words_start:]
    if len(modifier) < 2 or _NUMERAL_START.match(modifier) or _COUNTED.search(modifier):
        return None
    prefix = f"中共{place.prefix}委" if of_party else place.prefix
    if not of_party and _short_name(place.full_name) in modifier:
        prefix = ""  # 法治石家庄建设领导小组 names its place itself
    canonical = f"{prefix}{modifier}{text[start:end]}"
    kind: InstitutionKind = "office" if canonical.endswith("办公室") else "group"
    return (written_start, end, ((canonical, kind, place.code),))


def _group_owner(
    modifier: str, written_start: int, resolver: _Resolver
) -> tuple[_Place, int, bool] | None:
    """The region a group belongs to, where its own words start, and whether the party owns it.

    区政府推进法治政府工作 → (the district, 3, False); 省委依法治省 → (the province, 2, True);
    海西州深入推进依法行政 → (海西州, 3, False); no prefix → the report region.
    """
    place: _Place | None
    before = resolver.region_ending_at.get(written_start)
    inside = _regions_leading(modifier, written_start, resolver)
    level = _GROUP_LEVEL.match(modifier)
    if inside is not None:
        place, region_end = inside
    elif before is not None:
        place, region_end = resolver.place_of(before[1]), 0
    elif level is not None:
        word = level.group().lstrip(_DEICTIC)
        word = next((m for m in _MULTI_LEVELS if word.startswith(m)), word[:1])
        place, region_end = resolver.place_for_level(word), level.end()
    else:
        place, region_end = resolver.report_place, 0
    if place is None:
        return None
    owner = _GROUP_OWNER.match(modifier[region_end:])
    if owner is None:
        return place, region_end, False
    return place, region_end + owner.end(), owner.group().endswith("委")


def _regions_leading(
    modifier: str, written_start: int, resolver: _Resolver
) -> tuple[_Place, int] | None:
    """The last of the regions ``modifier`` starts with (广州市番禺区… → 番禺区) and its end."""
    found: tuple[_Place, int] | None = None
    position = written_start
    while (region := resolver.region_starting_at.get(position)) is not None:
        end, ref = region
        if end - written_start >= len(modifier):
            break
        found, position = (resolver.place_of(ref), end - written_start), end
    return found


_START = operator.itemgetter(0)
_END = operator.itemgetter(1)


def _non_overlapping(hits: list[_Hit]) -> list[_Hit]:
    """Leftmost-longest: a body named inside a longer body's name is not a mention of its own."""
    chosen: list[_Hit] = []
    last_end = -1
    # By start, and longest first at one start: two stable sorts with C-level keys.
    by_start = sorted(sorted(hits, key=_END, reverse=True), key=_START)
    for hit in by_start:
        start, end, _ = hit
        if start >= last_end:
            chosen.append(hit)
            last_end = end
        elif end > last_end and chosen and _outweighs(hit, chosen[-1]):
            chosen[-1] = hit
            last_end = end
    return [hit for hit in chosen if hit[2]]


def _outweighs(hit: _Hit, earlier: _Hit) -> bool:
    """A longer name wins; an exclusion (区政府常务会议: a meeting) wins over what it overlaps."""
    return not hit[2] or earlier[1] - earlier[0] < hit[1] - hit[0]


def _collect(text: str, hits: list[_Hit]) -> tuple[InstitutionRef, ...]:
    # canonical → (kind, region code, spellings, mentions): one lookup per name of a hit
    found: dict[str, tuple[InstitutionKind, str | None, list[str], list[Mention]]] = {}
    for start, end, canonicals in hits:
        written = text[start:end]
        mention = Mention(start, end)
        for canonical, kind, code in canonicals:
            known = found.get(canonical)
            if known is None:
                found[canonical] = (kind, code, [written], [mention])
                continue
            if written not in known[2]:
                known[2].append(written)
            known[3].append(mention)
    return tuple(
        [
            InstitutionRef(canonical, names[0], tuple(mentions), tuple(names[1:]), code, kind)
            for canonical, (kind, code, names, mentions) in found.items()
        ]
    )
