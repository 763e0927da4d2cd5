"""Named programmes, reforms, campaigns and mechanism slogans (放管服, 双随机一公开, 八五普法 …).

Reports put programme names in quotation marks, but they also quote for emphasis (“清洁”),
for honour titles (“全国模范人民调解员”称号), website columns (“在线访谈”) and political
formulations (“四个意识”). A quoted string is taken as a programme when its shape is that of a
programme name (numeral structures 三项制度/一网通办, 谁X谁Y, 应X尽X, X+Y, parallel slogans
一次申报、一窗办理、只跑一次, service words 跑/一扇门/办) or when the word after the closing quote
is a mechanism head (改革, 制度, 机制, 模式, 行动, 工程, 平台 …). Known national programmes
(``ingest/data/program_lexicon.tsv``) are also found unquoted, for pages whose quotes were lost.

Example:
    >>> [p.canonical for p in extract_programs("深化“放管服”改革，推行“双随机、一公开”监管。")]
    ['放管服', '双随机一公开']
"""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import ahocorasick_rs

from ingest.datafiles import data_lines, data_path
from ingest.model import Mention, ProgramRef

LEXICON_FILE = data_path("program_lexicon.tsv")
EXCLUSIONS_FILE = data_path("program_exclusions.txt")

_QUOTED = re.compile(r"[“「『‘]([^“”「」『』‘’\n]{1,40})[”」』’]")
_SEPARATORS = re.compile(r"[、，,\s\"“”‘’「」『』]")
_NUMERAL = "一二三四五六七八九十两百千零0-9０-９"
_MAX_NAME = 24
_CACHED_NAMES = 8192

_HONOUR_NAME = re.compile(
    rf"^(?:全国|全省|全市|全区|全县|全盟|国家级|省级|市级)|模范|先进|优秀|标兵|十佳|典型案例|称号"
    rf"|^[{_NUMERAL}]星"
)
_HONOUR_BEFORE = re.compile(r"(?:获得|荣获|被评为|评为|授予|命名为|获评|入选|被命名为)$")
_REJECT_AFTER = re.compile(
    r"^(?:称号|荣誉|奖|类|等次|等级|级别|目标|局面|氛围|浓厚|良好|风气"
    r"|的(?:氛围|局面|目标|良好|社会|原则|理念))"
)
_COLUMN_AFTER = re.compile(
    r"^(?:(?:[“「][^”」\n]{1,12}[”」])|[、和及与])*等?(?:栏目|专栏|频道|版块|板块)"
)
_MECHANISM_HEAD = re.compile(
    r"^(?:改革|制度|机制|模式|工作法|工作机制|工作模式|工作流程|专项行动|专题行动|行动|活动|工程"
    r"|平台|建设|试点|体系|主题|品牌|创建|培养|抽查|监管|治理|执法|普法|事项|整改|应用|服务"
    r"|责任制|融合|测试|规范化|集中|决策)"
)
_MERGE_HEAD = re.compile(r"^(?:普法|工作法|治理|衔接|联动|共建)")
_SHORT_ABBREVIATION = re.compile(rf"^[{_NUMERAL}]+[^{_NUMERAL}]?$")
_SHAPES = (
    re.compile(rf"^[{_NUMERAL}]"),  # 三项制度, 一网通办, 321, 32证合一
    re.compile(r"谁.{1,4}谁"),  # 谁执法谁普法
    re.compile(r"^应(.{1,3})尽\1$"),  # 应公开尽公开
    re.compile(r"\+"),  # 互联网+监管, 1+N
    re.compile(r"一扇门|一窗|一网|一次|一站式|跑|不见面|马上办|就近办|掌上|秒批|免证|容缺"),
    re.compile(
        r"(?:经验|模式|工作法|机制|制度|行动|工程|办|通|责任制|工作室|信访室|调解室|说事点)$"
    ),
)
# Unquoted shapes: 谁执法谁普法, and numbered names found from their literal part with the
# numeral read back (a regex led by a character class scans ~10x slower than a literal).
_WHO_WHO = re.compile(r"谁([^谁\W\d_]{1,3})谁")
_NUMBERED = (
    (re.compile("五普法"), "一二三四五六七八", 1),  # 八五普法: one numeral
    (re.compile("证合一"), "0123456789", 2),  # 32证合一: one or two digits
)


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    written: str
    canonical: str


def canonical_name(written: str) -> str:
    """Enumeration commas, spaces and quotation marks removed.

    Example:
        >>> canonical_name("双随机、一公开")
        '双随机一公开'
    """
    return _SEPARATORS.sub("", written)


@cache
def load_lexicon(path: Path = LEXICON_FILE) -> dict[str, str]:
    """Written form → canonical name of well-known programmes (every canonical maps to itself).

    Example:
        >>> load_lexicon()["双随机"]
        '双随机一公开'
    """
    forms: dict[str, str] = {}
    for number, line in data_lines(path):
        fields = line.split("\t")
        if len(fields) > 2 or not fields[0]:
            raise ValueError(f"{path}:{number}: expected 'canonical<TAB>forms', got {line!r}")
        canonical = fields[0]
        forms[canonical] = canonical
        for form in fields[1].split("|") if len(fields) == 2 else ():
            forms[form] = canonical
    return forms


@cache
def load_exclusions(path: Path = EXCLUSIONS_FILE) -> frozenset[str]:
    """Canonical forms of quoted strings that are never programmes (四个意识, 信访不信法 …)."""
    return frozenset(canonical_name(line) for _, line in data_lines(path))


@cache
def _lexicon_scanner() -> tuple[ahocorasick_rs.AhoCorasick, tuple[tuple[str, str], ...]]:
    """An Aho–Corasick DFA over the written forms, and (form, canonical) by pattern index."""
    forms = tuple(load_lexicon().items())
    dfa = ahocorasick_rs.Implementation.DFA
    return ahocorasick_rs.AhoCorasick([form for form, _ in forms], implementation=dfa), forms


def extract_programs(text: str) -> tuple[ProgramRef, ...]:
    """Programmes named in the text, quoted or (when well known) unquoted.

    Example:
        >>> refs = extract_programs("落实“八五”普法规划，以谁执法谁普法为常态。")
        >>> [(p.canonical, p.name) for p in refs]
        [('八五普法', '八五'), ('谁执法谁普法', '谁执法谁普法')]
    """
    quotes = list(_QUOTED.finditer(text))
    quoted = list(_quoted_hits(text, quotes))
    covered = [match.span() for match in quotes]
    unquoted = [h for h in _unquoted_hits(text) if not _inside(h, covered)]
    return _collect(sorted([*quoted, *unquoted], key=lambda h: h.start))


def _inside(hit: _Hit, spans: list[tuple[int, int]]) -> bool:
    """Whether ``hit`` lies in one of the sorted, non-overlapping quoted ``spans``."""
    index = bisect.bisect_right(spans, (hit.start, sys.maxsize)) - 1
    return index >= 0 and spans[index][0] <= hit.start and hit.end <= spans[index][1]


def _quoted_hits(text: str, quotes: Iterable[re.Match[str]]) -> Iterable[_Hit]:
    for match in quotes:
        before = text[max(0, match.start() - 6) : match.start()]
        after = text[match.end() : match.end() + 40]
        canonical = classify_quoted(match.group(1), before=before, after=after)
        if canonical is not None:
            yield _Hit(match.start(1), match.end(1), match.group(1), canonical)


def classify_quoted(content: str, *, before: str = "", after: str = "") -> str | None:
    """The programme a quoted string names, or None for emphasis, honours, columns and slogans.

    Example:
        >>> classify_quoted("321", after="工作法进村")
        '321工作法'
        >>> classify_quoted("清洁", after="等次") is None
        True
    """
    name = canonical_name(content)
    if _rejected_name(name) or _rejected_context(before, after):
        return None
    known = load_lexicon().get(name)
    if known is not None:
        return known
    merge = _MERGE_HEAD.match(after)
    if merge and _SHORT_ABBREVIATION.match(name):
        return name + merge.group()
    if _has_programme_shape(content):
        return name
    return name if _MECHANISM_HEAD.match(after) else None


# The decisions that depend on the quoted string alone are cached: programme names recur.
@lru_cache(maxsize=_CACHED_NAMES)
def _has_programme_shape(content: str) -> bool:
    name = canonical_name(content)
    return any(shape.search(name) for shape in _SHAPES) or _is_parallel(content)


@lru_cache(maxsize=_CACHED_NAMES)
def _rejected_name(name: str) -> bool:
    """Emphasis, category labels, excluded slogans and honour titles, by the name alone."""
    if not name or len(name) > _MAX_NAME or "《" in name or "》" in name:
        return True
    if len(name) <= 2 and not re.search(rf"[{_NUMERAL}+]", name):
        return True  # emphasis quotes: “清洁” “红” “数字”
    if name.endswith("类"):
        return True  # category labels: “依申请6+1类”
    if name in load_exclusions():
        return True
    return _HONOUR_NAME.search(name) is not None


def _rejected_context(before: str, after: str) -> bool:
    """An honour verb before the quote, or a word after it that makes it a title or column."""
    return bool(
        _HONOUR_BEFORE.search(before) or _REJECT_AFTER.match(after) or _COLUMN_AFTER.match(after)
    )


def _is_parallel(content: str) -> bool:
    """一次申报、一窗办理、只跑一次: two or more clauses of equal length make a slogan."""
    parts = [p for p in re.split(r"[、，,]", content) if p]
    lengths = {len(p) for p in parts}
    return len(parts) >= 2 and len(lengths) == 1 and 2 <= lengths.pop() <= 6


def _unquoted_hits(text: str) -> Iterable[_Hit]:
    yield from _lexicon_hits(text)
    yield from _who_who_hits(text)
    for anchor, numerals, most in _NUMBERED:
        yield from _numbered_hits(text, anchor, numerals, most)


def _who_who_hits(text: str) -> Iterable[_Hit]:
    for match in _WHO_WHO.finditer(text):
        start = match.start()
        end = match.end() + len(match.group(1))  # 谁执法谁普法: the verbs are equally long
        if end <= len(text) and text[start:end].isalnum():
            yield _shape_hit(text, start, end)


def _numbered_hits(text: str, anchor: re.Pattern[str], numerals: str, most: int) -> Iterable[_Hit]:
    """``anchor`` with one to ``most`` of ``numerals`` right before it (the leftmost taken)."""
    for match in anchor.finditer(text):
        start = match.start()
        while match.start() - start < most and start > 0 and text[start - 1] in numerals:
            start -= 1
        if start < match.start():
            yield _shape_hit(text, start, match.end())


def _shape_hit(text: str, start: int, end: int) -> _Hit:
    written = text[start:end]
    return _Hit(start, end, written, load_lexicon().get(written, written))


def _lexicon_hits(text: str) -> Iterable[_Hit]:
    """Leftmost-longest lexicon matches (双随机、一公开 before its short form 双随机)."""
    scanner, forms = _lexicon_scanner()
    found = sorted(
        (start, end, *forms[index])
        for index, start, end in scanner.find_matches_as_indexes(text, overlapping=True)
    )
    last_end = -1
    for index, (start, end, form, canonical) in enumerate(found):
        longer = any(s == start and e > end for s, e, _, _ in found[index + 1 : index + 4])
        if start >= last_end and not longer:
            hit = _extend_parallel(text, _Hit(start, end, form, canonical))
            last_end = hit.end
            yield hit


def _extend_parallel(text: str, hit: _Hit) -> _Hit:
    """一窗受理、分类审批、统一出件: a four-character slogan continued by clauses of its length."""
    if len(hit.written) != 4:
        return hit
    end = hit.end
    while re.match(r"[、，,][^\W\d_]{4}", text[end : end + 5]) and _ends_word(text, end + 5):
        end += 5
    if end == hit.end:
        return hit
    written = text[hit.start : end]
    return _Hit(hit.start, end, written, canonical_name(written))


def _ends_word(text: str, position: int) -> bool:
    following = text[position : position + 6]
    return not re.match(r"[^\W\d_]", following) or bool(_MECHANISM_HEAD.match(following))


def _collect(hits: list[_Hit]) -> tuple[ProgramRef, ...]:
    spellings: dict[str, list[str]] = {}
    mentions: dict[str, list[Mention]] = {}
    seen: set[tuple[int, int]] = set()
    for hit in hits:
        if (hit.start, hit.end) in seen:
            continue
        seen.add((hit.start, hit.end))
        names = spellings.setdefault(hit.canonical, [])
        if hit.written not in names:
            names.append(hit.written)
        mentions.setdefault(hit.canonical, []).append(Mention(hit.start, hit.end))
    return tuple(
        ProgramRef(
            canonical=canonical,
            name=names[0],
            mentions=tuple(mentions[canonical]),
            variants=tuple(names[1:]),
        )
        for canonical, names in spellings.items()
    )
