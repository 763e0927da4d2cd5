"""Named administrative regions (province, prefecture, county) in a report, resolved to codes.

Dictionary matching is one Aho–Corasick pass over the text. Each match is then judged by how
the language marks a place name:

- a suffixed name (通江县, 广西壮族自治区, 东乌旗) is a region unless the suffix starts a
  common word (市场, 区域) or, for two-character names such as 和县/城区, the characters
  around it belong to other words (各乡镇和县直部门);
- a province short name (湖北, 广西) is a region unless it is a direction (黄河南岸);
- a bare short name of a prefecture or county (通江, 海州, 马山) is a region only when the
  report already places it: the region or a relative is named in full, is in
  ``context_codes``, or names it as a chain (广西柳州柳城县). Before a township marker
  (马山司法所, 凤山镇) it is a township, not the county of the same name.

Where two-character names need a word boundary, jieba (with the gazetteer as user
dictionary) cuts a short window around the match — never the whole text.

A name shared by several regions (海州区: 阜新 and 连云港) is decided by the other regions in
the text and by ``context_codes``; otherwise it stays ambiguous (``code`` None).

Example:
    >>> from ingest.gazetteer import load_gazetteer
    >>> refs = extract_regions("阜新市海州区司法局", gazetteer=load_gazetteer())
    >>> [(r.canonical, r.code) for r in refs]
    [('阜新市', '210900'), ('海州区', '210902')]
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import attrgetter

import jieba

from ingest.extract.dictionaries import DictionaryMatches, scan_dictionaries
from ingest.gazetteer import Gazetteer
from ingest.model import Mention, RegionInfo, RegionRef
from ingest.wordseg import load_jieba_dictionary

# What follows a bare place name when it names a township, a street, a river or a building.
_NOT_COUNTY_AFTER = re.compile(
    r"镇|乡|街道|苏木|嘎查|村|社区|屯|司法所|派出所|卫生院|中心校|中学|小学|法庭|办事处|"
    r"路|街|大道|公园|广场|小区|大厦|宾馆|酒店|大桥|河|湖|水库|装"
)
# Directions: 河南岸 is the south bank of a river, not 河南.
_DIRECTION_AFTER = re.compile(r"岸|侧|面|边|麓|坡")
# A suffix character that begins a common word: 市场 is a market, 区域 an area.
_SUFFIX_WORDS = {"市": "场", "区": "域间块"}
# Words that make a bare place name the seat of a county-or-higher body.
_BODY_AFTER = re.compile(
    r"人民政府|政府|人大|政协|法院|检察院|县委|市委|区委|旗委|盟委|州委|党委|行署|"
    r"公安局|司法局"
)
_HAN = re.compile(r"[\u3400-\u9fff]")
_CACHED_WINDOWS = 8192  # jieba cuts of short windows: place names recur in the same phrases


@dataclass(slots=True)
class _Match:
    """One accepted occurrence of a name and the regions it may denote."""

    start: int
    end: int
    name: str
    suffixed: bool
    options: tuple[RegionInfo, ...]
    chosen: RegionInfo | None = None

    def undecided(self) -> _Match:
        """A copy to decide afresh (deciding sets ``chosen``)."""
        return _Match(self.start, self.end, self.name, self.suffixed, self.options)


@dataclass(slots=True)
class _Evidence:
    """Codes the text (or the caller) places the report in: regions named and their ancestors."""

    context: frozenset[str]
    codes: set[str] = field(default_factory=set)

    def add(self, info: RegionInfo, gazetteer: Gazetteer) -> None:
        if info.code in self.codes:  # added with its ancestors: a region is named many times
            return
        self.codes.add(info.code)
        self.codes.update(a.code for a in gazetteer.ancestors(info.code))

    def score(self, info: RegionInfo, gazetteer: Gazetteer) -> int:
        """Ancestors of ``info`` placed, and 2 more when ``info`` is in the context."""
        codes, context = self.codes, self.context  # an ancestor chain holds each code once
        placed = sum(a.code in codes or a.code in context for a in gazetteer.ancestors(info.code))
        return placed + 2 * (info.code in context)


def extract_regions(
    text: str,
    *,
    gazetteer: Gazetteer,
    year: int | None = None,
    context_codes: Sequence[str] = (),
) -> tuple[RegionRef, ...]:
    """Every named province/prefecture/county in ``text``, with mentions, resolved when decidable.

    ``year`` is the year the report covers (names valid then win); ``context_codes`` are codes
    the report is known to be about (its region and ancestors), used to decide shared names.

    Example:
        >>> from ingest.gazetteer import load_gazetteer
        >>> gaz = load_gazetteer()
        >>> [r.code for r in extract_regions("海州区法治建设", gazetteer=gaz)]
        [None]
        >>> [r.code for r in extract_regions("海州区", gazetteer=gaz, context_codes=["210900"])]
        ['210902']
    """
    return scan_regions(text, gazetteer=gazetteer, year=year).resolve(context_codes)


def scan_regions(
    text: str,
    *,
    gazetteer: Gazetteer,
    year: int | None = None,
    dictionary_matches: DictionaryMatches | None = None,
) -> RegionScan:
    """The part of :func:`extract_regions` no context changes, to resolve with several contexts.

    ``dictionary_matches`` is ``scan_dictionaries(text, gazetteer)`` when the caller has it.

    Example:
        >>> from ingest.gazetteer import load_gazetteer
        >>> scan = scan_regions("海州区法治建设", gazetteer=load_gazetteer())
        >>> [r.code for r in scan.resolve()], [r.code for r in scan.resolve(["210900"])]
        ([None], ['210902'])
    """
    raw = (dictionary_matches or scan_dictionaries(text, gazetteer)).regions
    options = _options(gazetteer, year)
    kinds_of = options.kinds  # one lookup a match, which the three readings below share
    read = [(start, end, name, kinds_of(name)) for start, end, name in raw]
    suffixed = tuple(_suffixed_matches(text, read, gazetteer))
    taken = _Taken(suffixed)
    provinces = tuple(_province_short_matches(text, read, gazetteer, taken))
    if provinces:
        taken = _Taken(suffixed + provinces)
    # Each resolve reads the bare names of prefectures and counties (about half the matches).
    bare = [(start, end, name, kinds[2]) for start, end, name, kinds in read if kinds[2]]
    return RegionScan(text, bare, options, suffixed, provinces, taken)


@dataclass(frozen=True, slots=True)
class RegionScan:
    """A text's bare names of prefectures and counties (with those options), and the suffixed
    names and province short names accepted."""

    text: str
    bare: list[tuple[int, int, str, tuple[RegionInfo, ...]]]
    options: _Options
    suffixed: tuple[_Match, ...]
    provinces: tuple[_Match, ...]
    # Where the suffixed and province names stand, and their options: what a resolve's copies
    # of them (which it decides) share.
    taken: _Taken

    def resolve(self, context_codes: Sequence[str] = ()) -> tuple[RegionRef, ...]:
        """The regions, shared names decided with ``context_codes`` (see extract_regions)."""
        gazetteer = self.options.gazetteer
        evidence = _Evidence(frozenset(_with_ancestors(context_codes, gazetteer)))
        suffixed = [match.undecided() for match in self.suffixed]
        provinces = [match.undecided() for match in self.provinces]
        _resolve(suffixed + provinces, evidence, gazetteer)
        shorts = _short_matches(self.text, self.bare, gazetteer, self.taken, evidence)
        _resolve(suffixed + provinces + shorts, evidence, gazetteer)
        return _region_refs(_non_overlapping(suffixed + provinces + shorts), gazetteer)


def _with_ancestors(codes: Iterable[str], gazetteer: Gazetteer) -> set[str]:
    found: set[str] = set()
    for code in codes:
        found.add(code)
        found.update(a.code for a in gazetteer.ancestors(code))
    return found


@functools.lru_cache(maxsize=64)
def _options(gazetteer: Gazetteer, year: int | None) -> _Options:
    """The candidates of names as read in ``year``, kept across reports of that year."""
    return _Options(gazetteer, year)


# The candidates of a name by how it is written: suffixed (通江县, 东乌旗), and bare, split into
# provinces (湖北) and prefectures and counties (通江).
_Kinds = tuple[tuple[RegionInfo, ...], tuple[RegionInfo, ...], tuple[RegionInfo, ...]]


class _Options:
    """Candidates of a name, split by kind (suffixed or bare), computed once per name."""

    def __init__(self, gazetteer: Gazetteer, year: int | None) -> None:
        self.gazetteer, self.year = gazetteer, year
        self._kinds: dict[str, _Kinds] = {}

    def kinds(self, name: str) -> _Kinds:
        """The candidates of ``name`` as (suffixed, province, prefecture or county) names.

        A plain method and dictionary (asked for every name of every report): calling the
        instance with a keyword made a frame, a bound method and a dict of keywords each time.
        """
        found = self._kinds.get(name)
        if found is None:
            bare = self._read(name, suffixed=False)
            provinces = tuple(o for o in bare if o.level == "province")
            others = tuple(o for o in bare if o.level != "province")
            found = self._kinds[name] = (self._read(name, suffixed=True), provinces, others)
        return found

    def _read(self, name: str, *, suffixed: bool) -> tuple[RegionInfo, ...]:
        entries = self.gazetteer.entries(name)
        codes = {e.info.code for e in entries if (e.kind != "short") == suffixed}
        found = self.gazetteer.candidates(name, self.year)
        return tuple(info for info in found if info.code in codes)


def _suffixed_matches(
    text: str, read: Iterable[tuple[int, int, str, _Kinds]], gazetteer: Gazetteer
) -> Iterator[_Match]:
    for start, end, name, (options, _, _) in read:
        if options and _suffix_stands(text, start, end, name, gazetteer):
            yield _Match(start, end, name, True, options)


def _suffix_stands(text: str, start: int, end: int, name: str, gazetteer: Gazetteer) -> bool:
    """The suffix ends the name here (not 市场/区域), and a two-char name is a word of its own."""
    following = text[end : end + 1]
    if following and following in _SUFFIX_WORDS.get(name[-1], ""):
        return False
    if len(name) > 2:
        return True
    if name.endswith("区"):  # 城区, 郊区, 矿区: ordinary words unless a parent precedes them
        return _parent_precedes(text, start, name, gazetteer)
    if _HAN.match(text[start - 1 : start] if start else ""):
        return _parent_precedes(text, start, name, gazetteer)
    return is_word(text, start, end, gazetteer)


def _parent_precedes(text: str, start: int, name: str, gazetteer: Gazetteer) -> bool:
    """Whether the text right before ``start`` names a parent of a region called ``name``."""
    return text.endswith(_parents_named(name, gazetteer), 0, start)


@functools.lru_cache(maxsize=4096)
def _parents_named(name: str, gazetteer: Gazetteer) -> tuple[str, ...]:
    """The names of the parents of every region called ``name``, for one ``endswith``."""
    parents = {p for info in gazetteer.candidates(name) for p in _parent_names(info, gazetteer)}
    return tuple(sorted(parents))


def _parent_names(info: RegionInfo, gazetteer: Gazetteer) -> set[str]:
    names: set[str] = set()
    for ancestor in gazetteer.ancestors(info.code):
        names.update((ancestor.full_name, ancestor.name))
    return names


def _province_short_matches(
    text: str,
    read: Iterable[tuple[int, int, str, _Kinds]],
    gazetteer: Gazetteer,
    taken: _Taken,
) -> list[_Match]:
    found = []
    for start, end, name, (_, provinces, _) in read:
        if not provinces or taken.covers(start, end):
            continue
        if _DIRECTION_AFTER.match(text, end) or _NOT_COUNTY_AFTER.match(text, end):
            continue
        if is_word(text, start, end, gazetteer):
            found.append(_Match(start, end, name, False, provinces))
    return found


def _short_matches(
    text: str,
    bare: Iterable[tuple[int, int, str, tuple[RegionInfo, ...]]],
    gazetteer: Gazetteer,
    taken: _Taken,
    evidence: _Evidence,
) -> list[_Match]:
    placed = evidence.codes | evidence.context
    found = []
    for start, end, name, options in bare:
        if taken.covers(start, end) or _NOT_COUNTY_AFTER.match(text, end):
            continue
        known = tuple(o for o in options if o.code in placed)
        chosen = (
            known
            or _chained(start, end, options, taken, gazetteer)
            or (options if _BODY_AFTER.match(text, end) else ())
        )
        if chosen and (len(name) > 2 or is_word(text, start, end, gazetteer)):
            found.append(_Match(start, end, name, False, chosen))
    return found


def _chained(
    start: int,
    end: int,
    options: tuple[RegionInfo, ...],
    taken: _Taken,
    gazetteer: Gazetteer,
) -> tuple[RegionInfo, ...]:
    """Options written right after an ancestor or right before a descendant (广西柳州柳城县)."""
    ending, starting = taken.by_end.get(start, ()), taken.by_start.get(end, ())
    if not ending and not starting:  # most names: no accepted match touches them
        return ()
    before = {o.code for m in ending for o in m.options}
    after = {o.code for m in starting for o in m.options}
    after_ancestors = _with_ancestors(after, gazetteer)
    return tuple(
        o
        for o in options
        if o.code in after_ancestors or before & {a.code for a in gazetteer.ancestors(o.code)}
    )


class _Taken:
    """Accepted matches indexed by where they start and end, for adjacency and containment."""

    def __init__(self, matches: Iterable[_Match]) -> None:
        self.by_start: dict[int, list[_Match]] = {}
        self.by_end: dict[int, list[_Match]] = {}
        spans = []
        for match in matches:
            self.by_start.setdefault(match.start, []).append(match)
            self.by_end.setdefault(match.end, []).append(match)
            spans.append((match.start, match.end))
        spans.sort()
        self._starts = [start for start, _ in spans]
        # The furthest end among the matches up to each start: one bisect answers covers().
        # A loop, not accumulate(..., max): max() is a slow call to make for every match.
        self._reach: list[int] = []
        furthest = -1
        for _, end in spans:
            furthest = end if end > furthest else furthest
            self._reach.append(furthest)

    def covers(self, start: int, end: int) -> bool:
        """Whether an accepted match spans ``start:end``."""
        index = bisect.bisect_right(self._starts, start) - 1
        return index >= 0 and self._reach[index] >= end


def _resolve(matches: Sequence[_Match], evidence: _Evidence, gazetteer: Gazetteer) -> None:
    """Decide every match that can be decided; each decision may decide others (siblings).

    A match left undecided is asked again only once the evidence has grown: a decision reads
    nothing else, and the evidence only grows (so its size tells whether it changed).
    """
    pending = [match for match in matches if match.chosen is None]
    undecided_at = [-1] * len(pending)  # the size of the evidence a match was last asked with
    changed = True
    while changed:
        changed = False
        for index, match in enumerate(pending):
            if match.chosen is not None or undecided_at[index] == len(evidence.codes):
                continue
            match.chosen = _decide(match.options, evidence, gazetteer)
            if match.chosen is None:
                undecided_at[index] = len(evidence.codes)
            else:
                evidence.add(match.chosen, gazetteer)
                changed = True


def _decide(
    options: tuple[RegionInfo, ...], evidence: _Evidence, gazetteer: Gazetteer
) -> RegionInfo | None:
    if len(options) == 1:
        return options[0]
    scores = [evidence.score(o, gazetteer) for o in options]
    top = max(scores)
    if top > 0:  # the option scored highest, when no other scores as high
        return options[scores.index(top)] if scores.count(top) == 1 else None
    provinces = [o for o in options if o.level == "province"]
    return provinces[0] if len(provinces) == 1 else None


def _non_overlapping(matches: Iterable[_Match]) -> list[_Match]:
    """Leftmost-longest among the accepted matches."""
    kept: list[_Match] = []
    # By start, the longest first: two stable sorts by attribute, with no key function to call.
    by_end = sorted(matches, key=attrgetter("end"), reverse=True)
    for match in sorted(by_end, key=attrgetter("start")):
        if not kept or match.start >= kept[-1].end:
            kept.append(match)
    return kept


def _region_refs(matches: Sequence[_Match], gazetteer: Gazetteer) -> tuple[RegionRef, ...]:
    groups: dict[tuple[str, ...], list[_Match]] = {}
    for match in matches:
        key = (match.chosen.code,) if match.chosen else tuple(o.code for o in match.options)
        groups.setdefault(key, []).append(match)
    return tuple(_region_ref(group, gazetteer) for group in groups.values())


def _region_ref(group: Sequence[_Match], gazetteer: Gazetteer) -> RegionRef:
    first = group[0]
    mentions = tuple(Mention(m.start, m.end) for m in group)
    info = first.chosen or first.options[0]
    if first.chosen is None:
        return RegionRef(
            first.name,
            info.full_name,
            info.level,
            mentions,
            candidates=tuple(o.code for o in first.options),
        )
    parents = tuple(a.code for a in gazetteer.ancestors(info.code))
    return RegionRef(
        first.name, info.full_name, info.level, mentions, code=info.code, parent_codes=parents
    )


def is_word(text: str, start: int, end: int, gazetteer: Gazetteer) -> bool:
    """Whether jieba, cutting a short window around it, keeps ``text[start:end]`` whole.

    Only a window of a few characters is cut, and only when a neighbour is a Han character
    (punctuation or the text's edge is already a boundary).

    Example:
        >>> from ingest.gazetteer import load_gazetteer
        >>> gaz = load_gazetteer()
        >>> is_word("平安康复", 1, 3, gaz), is_word("法治海州建设", 2, 4, gaz)
        (False, True)
    """
    left, right = max(0, start - 6), min(len(text), end + 6)
    if not _HAN.match(text[start - 1 : start] or "。") and not _HAN.match(
        text[end : end + 1] or "。"
    ):
        return True
    offsets = _cut_offsets(text[left:right], gazetteer)
    return start - left in offsets and end - left in offsets


@functools.lru_cache(maxsize=_CACHED_WINDOWS)
def _cut_offsets(window: str, gazetteer: Gazetteer) -> frozenset[int]:
    """Offsets where jieba cuts ``window`` (both ends included)."""
    offsets, position = {0}, 0
    for token in _tokenizer(gazetteer).cut(window, HMM=False):
        position += len(token)
        offsets.add(position)
    return frozenset(offsets)


@functools.cache
def _tokenizer(gazetteer: Gazetteer) -> jieba.Tokenizer:
    """A private jieba tokenizer that knows every gazetteer name (shared words keep their freq).

    It starts from a copy of jieba's default dictionary, which the other extractors load anyway:
    loading it a second time from jieba's cache took ~0.8 s of the first report's extraction.
    """
    default = load_jieba_dictionary()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total = dict(default.FREQ), default.total
    tokenizer.initialized = True
    for line in gazetteer.jieba_user_dict_lines():
        word, freq, tag = line.split(" ")
        if not tokenizer.FREQ.get(word):
            tokenizer.add_word(word, int(freq), tag)
    return tokenizer
