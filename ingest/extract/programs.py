"""Named programmes, reforms, campaigns and mechanisms (放管服, 双随机一公开, 八五普法 …).

Reports put programme names in quotation marks, but they quote just as often for emphasis
(“清洁”), honour titles (“全国模范人民调解员”称号), website columns (“在线访谈”), goals
(“定纷止争、案结事了”目标), planning periods (“十四五”), priorities (“一优两高”, “五大战略”)
and political formulas (增强“四个意识”, “三股势力”). What tells a mechanism apart is how the
sentence uses the quoted name:

- a mechanism head right after it: “放管服”改革, “日报告、周统筹、月总结”工作机制, “晋企通”品牌;
- a name shaped like a mechanism: 谁X谁Y, 应X尽X, X+Y, 一X一Y, service words (一网, 一窗, 跑,
  马上办), a mechanism noun at its end (枫桥经验, 四全工作法);
- a count (“五个到位”) or parallel slogan (“守底线、查隐患、保安全”) only as the object of a
  mechanism verb (推行, 实行, 开展 …), since formulas are what one 增强, 坚定, 做到 or 打好,
  and goals what one 实现 or 形成;
- a bare count, label or code (三率, 四区, 十四五, 两厂(场), 1+4+X) only with the head it
  names: “八五”普法 → 八五普法, “1+4+X”学法清单 → 1+4+X学法清单.

Goal, layout and strategy nouns after the quote (目标, 格局, 布局, 战略) reject it; long quotes
are themes and event titles unless shaped like a mechanism; political formulas are also in a
stop list (``ingest/data/program_exclusions.txt``). Known national programmes
(``ingest/data/program_lexicon.tsv``) are found unquoted too, for pages whose quotes were lost.

Example:
    >>> [p.canonical for p in extract_programs("深化“放管服”改革，推行“双随机、一公开”监管。")]
    ['放管服', '双随机一公开']
    >>> extract_programs("不断增强“四个意识”，编制“十四五”规划，打好“三场硬仗”。")
    ()
"""

from __future__ import annotations

import bisect
import operator
import re
import sys
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

from ingest.datafiles import data_lines, data_path
from ingest.extract.dictionaries import DictionaryMatches, scan_dictionaries
from ingest.gazetteer import load_gazetteer
from ingest.model import Mention, ProgramRef

LEXICON_FILE = data_path("program_lexicon.tsv")
EXCLUSIONS_FILE = data_path("program_exclusions.txt")

# One pattern per opening mark: a pattern led by a literal scans ~5x faster than one led by a
# class of marks. No mark can stand inside a quote, so quotes never overlap and the matches of
# the four merge by position into what one pattern over all marks finds.
_QUOTED_BY_MARK = tuple(
    (mark, re.compile(mark + r"([^“”「」『』‘’\n]{1,40})[”」』’]")) for mark in "“「『‘"
)
_SEPARATORS = re.compile(r"[、，,\s\"“”‘’「」『』]")
_NUMERAL = "一二三四五六七八九十两百千零0-9０-９"
_COUNT = "一二三四五六七八九十两0-9０-９"  # numerals that count items (百分百 is a rate)
_MAX_NAME = 24
_CACHED_NAMES = 8192
_BEFORE_CHARS = 40  # the clause before a quote, past quotes listed before it: 开展了“…”和“…”
_AFTER_CHARS = 40
_LONGEST_HEAD = 4  # 改革, 审批, 一次办: what completes a quoted short name to a known one

_HONOUR_NAME = re.compile(
    rf"^(?:全国|全省|全市|全区|全县|全盟|国家级|省级|市级)|模范|先进|优秀|标兵|十佳|典型案例|称号"
    rf"|^[{_NUMERAL}]星"
)
_HONOUR_VERBS = "获得|荣获|被评为|评为|授予|命名为|获评|入选|被命名为|推荐为"
_HONOUR_VERB = rf"(?:{_HONOUR_VERBS})"


class _Endings(NamedTuple):
    """Strings a text may end with, and their last characters.

    ``str.endswith`` with these reads a few characters, a regex search for them every
    character of the text; most texts end in none of them, which a look-up of their last
    character tells before ``endswith`` tries each string (~100 instructions apiece).
    """

    strings: tuple[str, ...]
    last_characters: frozenset[str]

    def end(self, text: str) -> bool:
        """Whether ``text`` ends with one of the strings."""
        return text[-1:] in self.last_characters and text.endswith(self.strings)


def _ending_with(strings: Iterable[str]) -> _Endings:
    """The endings ``strings``, with their last characters."""
    found = tuple(strings)
    return _Endings(found, frozenset(string[-1] for string in found))


def _endings(words: str, *, optional: str = "") -> _Endings:
    """What a text ends with where ``(?:words)optional?$`` matches at its end ($ also matches
    before a final newline)."""
    return _ending_with(
        word + extra + newline
        for word in words.split("|")
        for extra in dict.fromkeys(("", optional))
        for newline in ("", "\n")
    )


_HONOUR_BEFORE = _endings(_HONOUR_VERBS)
# Unquoted, a known name after an honour verb is the title: 入选第九批全国民主法治示范村.
_HONOUR_CLAUSE = re.compile(
    rf"{_HONOUR_VERB}(?:第[一二三四五六七八九十\d]+批|首批|全国|国家级|[省市县区州盟]级?)*$"
)
# What _HONOUR_CLAUSE can end with: a verb's or a qualifier's last character ($ also matches
# before a final newline). Most known names follow none: the search is saved.
_HONOUR_CLAUSE_ENDS = frozenset(
    ["批", "国", "级", *"省市县区州盟", "\n", *(verb[-1] for verb in _HONOUR_VERBS.split("|"))]
)
_HONOUR_CLAUSE_REACH = 16  # characters before a known name read for an honour verb
_COMMEMORATIVE_DAY = re.compile(r"^\d{1,2}[·.．•]\d{1,2}$")  # “12·4”国家宪法日, “3·15”
_STRATEGY_NAME = re.compile(r"战略|习近平")  # “五大战略”, “深入学习习近平法治思想”主题
_REJECT_AFTER = re.compile(
    r"^(?:称号|荣誉|奖|类|等次|等级|级别|评选|评比|表彰|目标|局面|氛围|浓厚|良好|风气"
    r"|的(?:氛围|局面|目标|良好|社会|原则|理念)"
    r"|(?:主题)?(?:馆|公园|广场|长廊|街区|展厅))"  # places: “红色公安”主题馆
)
_COLUMN_AFTER = re.compile(r"^等?(?:栏目|专栏|频道|版块|板块)")
# The characters these two can start with: most quotes are followed by none (the call is saved).
_REJECT_AFTER_STARTS = "称荣奖类等级评表目局氛浓良风的主馆公广长街展"
_COLUMN_AFTER_STARTS = "等栏专频版板"
# Quoted names listed together share what follows the last: “放管服”“一次办好”改革, and
# “先照后证”“五证合一”等商事制度改革.
_LISTED_QUOTES = re.compile(r"^(?:[“「][^”」\n]{1,24}[”」]|[、和及与])*")
_LIST_STARTS = "“「、和及与"  # what _LISTED_QUOTES can start with: else it matches nothing
_KIND_OF_LIST = re.compile(r"^等[^\W\d_的]{0,6}?(?=改革|制度|机制|模式)")
# Heads that name a mechanism by themselves, and the weaker ones that also follow goals,
# and items (“五个现代化天津”建设, “政府投资项目初步设计审批”事项).
_STRONG_HEAD = re.compile(
    r"^(?:改革|(?:[^\W\d_的]{2})?(?:制度|机制|模式)|工作流程|工作法|专项行动|专题行动|行动|活动|工程"
    r"|平台|试点|品牌|责任制)"
)
_WEAK_HEAD = re.compile(
    r"^(?:建设|体系|清单|主题|创建|培养|抽查|监管|治理|执法|普法|事项|整改|应用"
    r"|服务|融合|测试|规范化|集中|决策(?!部署))"
)
# The name a bare count, label or code stands for, its head joined: “八五”普法 → 八五普法,
# “八进”活动, “1+4+X”学法清单, “两山”生态观察员制度; “三率”, “十四五” have none.
_NAME_TAIL = re.compile(
    r"^(?:普法|工作法|治理|衔接|联动|共建|依法治[省市县区州旗])"
    r"|^[^\W\d_的]{0,5}?(?:改革|制度|机制|模式|活动|行动|工程|平台|试点|清单)"
)
_BARE_CODE = re.compile(r"^[0-9０-９A-Za-z+＋·]*[0-9０-９][0-9０-９A-Za-z+＋·]*$")  # 321, 1+4+X
# What a goal, a layout or a strategy is called: “一城两区三带”发展格局, 的法治政府建设目标;
# and a mode of working: “书面+现场”方式, “线上+线下”相结合.
_GOAL_AFTER = re.compile(
    r"^(?!改革|制度|机制|模式|工作法|行动|工程|平台)"
    r"(?:的?[^\W\d_]{0,8}?(?:目标|格局|布局|战略|局面|氛围|意义|理念|方针|愿景)"
    r"|的?(?:方式|形式|方法|相结合|结合))"
)
# Numerals with at most one other character: 三率, 十四五, 六个一, 两厂(场).
_COUNT_LABEL = re.compile(
    rf"^[{_NUMERAL}]+(?:[^\W{_NUMERAL}_][{_NUMERAL}]*(?:[(（][^)）]{{1,2}}[)）])?)?$"
)
_HUNDREDS = "[百千万][名场堂家户个所村企]"  # 百名, 千企, 万家 (not 百分百)
_LONGEST_THEMELESS = 10  # longer quotes are themes and titles unless shaped like a mechanism
_STRONG_SHAPES = (
    re.compile(r"谁.{1,4}谁"),  # 谁执法谁普法
    re.compile(r"^应(.{1,3})尽\1$"),  # 应公开尽公开
    # 互联网+监管, 1+N; not modes paired (线上+线下, 书面+现场) nor bare sums (3+3, 1+10+30)
    re.compile(r"^(?![^\W\d_]{2}\+[^\W\d_]{2}$)(?![\d+]+$).*\+"),
    re.compile(rf"^(?:一[^{_NUMERAL}]{{1,4}}){{2,}}$"),  # 一企一策, 一照一码: one Y for each X
    re.compile(r"[证照]合一"),  # 五证合一, 三证合一
    re.compile(rf"{_HUNDREDS}[^\W\d_]{{1,6}}{_HUNDREDS}"),  # 百名律师进千企: a campaign
    re.compile(r"[^\W\d_]{2}·[^\W\d_]{2}"),  # brand·slogan: 法治讲堂·逢九必讲, 蒙速办·帮您办
    re.compile(r"一扇门|一窗|一网|一次|一件事|跑|不见面|马上办|就近办|掌上|秒批|免证|容缺"),
)
_MECHANISM_END = re.compile(
    r"(?:经验|模式|工作法|机制|制度|行动|工程|平台|办|通|责任制|工作室|信访室|调解室|说事点)$"
)
_COUNT_FORMULA = re.compile(rf"^(?!\d{{4}}年)[{_NUMERAL}]")  # 五个到位, 一户式; not 2021年…
# 一优两高, 一城两区三带, 三大战略: several counts or 大 counts sum up priorities.
_PRIORITY_FORMULA = re.compile(
    rf"^[{_NUMERAL}]+大|^[{_NUMERAL}]+[^{_NUMERAL}]{{1,3}}[{_COUNT}]+[^{_NUMERAL}]"
)
# Verbs whose object is a mechanism. Formulas take 增强/坚定/做到/打好, goals 实现/形成/锚定,
# priorities and strategies the generic 推进/推动, which count only right before a plain name.
_MECHANISM_VERB = (
    r"推行|实行|深化|开展|实施|试行|推广|推出|启动|建立|构建|健全|完善|打造|搭建"
    r"|探索|创新|首创|引入|运用|执行|采取|采用"
)
_VERB_IN_CLAUSE = re.compile(_MECHANISM_VERB)
_VERB_RIGHT_BEFORE = _endings(f"{_MECHANISM_VERB}|推进|推动", optional="了")
_CLAUSE_BREAK = re.compile(r"[，。；：！？、,;:!?（(\n]")
_QUOTES_AT_END = re.compile(r"(?:[“「][^”」\n]{1,24}[”」][、和及与]?)+$")
# What a text must end with for _QUOTES_AT_END to match ($ also matches before a final \n).
_QUOTE_LIST_ENDS = _ending_with(
    mark + link + newline
    for mark in "”」"
    for link in ("", "、", "和", "及", "与")
    for newline in ("", "\n")
)
# Unquoted shapes: 谁执法谁普法, and numbered names found from their literal part (by the
# dictionaries' scan) with the numeral read back.
_PARALLEL_PART = re.compile(r"、[^\W\d_]{4}")  # 一窗受理、分类审批: one more part of a slogan
_LETTER = re.compile(r"[^\W\d_]")
_WHO_WHO = re.compile(r"谁([^谁\W\d_]{1,3})谁")
_NUMBERED = (
    ("五普法", "一二三四五六七八", 1),  # 八五普法: one numeral
    ("证合一", "0123456789", 2),  # 32证合一: one or two digits
)


class _Hit(NamedTuple):  # made for every quote and lexicon match: a tuple is made fastest
    start: int
    end: int
    written: str
    canonical: str


_START = operator.attrgetter("start")  # read in C when hits are sorted: no Python call each


@lru_cache(maxsize=_CACHED_NAMES)  # asked for every quote and lexicon match: names recur
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


def numbered_anchors() -> tuple[str, ...]:
    """The literal parts of numbered names, in the order
    :func:`ingest.extract.dictionaries.scan_dictionaries` numbers them.

    Example:
        >>> numbered_anchors()
        ('五普法', '证合一')
    """
    return tuple(anchor for anchor, _, _ in _NUMBERED)


@cache
def lexicon_forms() -> tuple[tuple[str, str], ...]:
    """(written form, canonical) of the lexicon, in the order
    :func:`ingest.extract.dictionaries.scan_dictionaries` numbers them."""
    return tuple(load_lexicon().items())


def extract_programs(
    text: str, *, dictionary_matches: DictionaryMatches | None = None
) -> tuple[ProgramRef, ...]:
    """Programmes named in the text, quoted or (when well known) unquoted.

    ``dictionary_matches`` is ``scan_dictionaries(text, gazetteer)`` when the caller has it.

    Example:
        >>> refs = extract_programs("落实“八五”普法规划，以谁执法谁普法为常态。")
        >>> [(p.canonical, p.name) for p in refs]
        [('八五普法', '八五'), ('谁执法谁普法', '谁执法谁普法')]
    """
    quotes = _quotes(text)
    quoted = list(_quoted_hits(text, quotes))
    covered = [match.span() for match in quotes]
    found = dictionary_matches or scan_dictionaries(text, load_gazetteer())
    unquoted = [h for h in _unquoted_hits(text, found) if not _inside(h, covered)]
    return _collect(sorted([*quoted, *unquoted], key=_START))


def _quotes(text: str) -> list[re.Match[str]]:
    """Quoted strings (group 1: the content), in text order."""
    found = [m for mark, quoted in _QUOTED_BY_MARK if mark in text for m in quoted.finditer(text)]
    return sorted(found, key=re.Match.start)  # a C method: no Python call per quote


def _inside(hit: _Hit, spans: list[tuple[int, int]]) -> bool:
    """Whether ``hit`` lies in one of the sorted, non-overlapping quoted ``spans``."""
    index = bisect.bisect_right(spans, (hit.start, sys.maxsize)) - 1
    return index >= 0 and spans[index][0] <= hit.start and hit.end <= spans[index][1]


def _quoted_hits(text: str, quotes: Iterable[re.Match[str]]) -> Iterable[_Hit]:
    for match in quotes:
        start, end = match.span()
        content = match.group(1)
        # A conditional, not max(): a slow call, for every quote.
        before = text[start - _BEFORE_CHARS if start > _BEFORE_CHARS else 0 : start]
        canonical = classify_quoted(content, before=before, after=text[end : end + _AFTER_CHARS])
        if canonical is not None:
            yield _Hit(start + 1, end - 1, content, canonical)  # within the quotation marks


def classify_quoted(content: str, *, before: str = "", after: str = "") -> str | None:
    """The programme a quoted string names, or None for emphasis, titles, goals and formulas.

    ``before`` and ``after`` are the text around the quotation marks.

    Example:
        >>> classify_quoted("321", after="工作法进村")
        '321工作法'
        >>> classify_quoted("五个到位", before="严格实行")
        '五个到位'
        >>> classify_quoted("三个联动", before="做到") is None
        True
    """
    name = canonical_name(content)
    if _rejected_name(name):
        return None
    # “A”“B”改革: what follows the last one (most quotes stand alone: the call is saved)
    after_list = _past(_LISTED_QUOTES, after) if after[:1] in _LIST_STARTS else after
    if _rejected_context(before, after, after_list):
        return None
    known = _known_programme(name, after)
    if known is not None:
        return known
    shape = _shape(name)
    if shape.count_label or shape.bare_code:
        headed = _with_its_head(name, after)
        if headed is not None or shape.count_label:
            return headed  # 三率, 四区, 十四五, 两厂(场) alone are counts and periods
    # 等 starts what _KIND_OF_LIST matches: most quotes are followed by something else.
    head = _past(_KIND_OF_LIST, after_list) if after_list[:1] == "等" else after_list
    return name if _names_a_mechanism(content, name, shape, before, head) else None


class _Shape(NamedTuple):
    """What a quoted name's own shape tells (see :func:`_shape`)."""

    count_label: bool  # numerals with at most one other character: 三率, 十四五, 两厂(场)
    bare_code: bool  # 321, 1+4+X
    priority: bool  # 一优两高, 三大战略: priorities summed up (not shaped like a mechanism)
    strong: bool  # 谁X谁Y, 应X尽X, X+Y, 一X一Y, service words
    count_formula: bool  # 五个到位, 一户式 (not 2021年…)
    mechanism_end: bool  # a mechanism noun at its end: 枫桥经验, 四全工作法


# The decisions that depend on the quoted string alone are cached: programme names recur.
@lru_cache(maxsize=_CACHED_NAMES)
def _shape(name: str) -> _Shape:
    """The shapes of a quote's canonical name that classify it.

    Example:
        >>> _shape("谁执法谁普法").strong, _shape("十四五").count_label
        (True, True)
    """
    strong = _has_strong_shape(name)
    return _Shape(
        count_label=_COUNT_LABEL.match(name) is not None,
        bare_code=_BARE_CODE.match(name) is not None,
        priority=_PRIORITY_FORMULA.match(name) is not None and not strong,
        strong=strong,
        count_formula=_COUNT_FORMULA.match(name) is not None,
        mechanism_end=_MECHANISM_END.search(name) is not None,
    )


def _known_programme(name: str, after: str) -> str | None:
    """The lexicon's programme the name is, alone or with the words after it (“不见面”审批)."""
    lexicon = load_lexicon()
    if name not in _lexicon_stems():  # no longer form starts with it: only the name can match
        return lexicon.get(name)
    for length in range(_LONGEST_HEAD, 0, -1):
        known = lexicon.get(name + after[:length])
        if known is not None:
            return known
    return lexicon.get(name)


@cache
def _lexicon_stems() -> frozenset[str]:
    """Every proper prefix of a lexicon form: the names some words after them may complete."""
    return frozenset(form[:end] for form in load_lexicon() for end in range(1, len(form)))


def _with_its_head(label: str, after: str) -> str | None:
    """八五 → 八五普法, 1+4+X → 1+4+X学法清单: a bare count, label or code joined to its head."""
    tail = _NAME_TAIL.match(after)
    if tail is None or _rejected_name(label + tail.group()):
        return None
    return label + tail.group()


def _names_a_mechanism(content: str, name: str, shape: _Shape, before: str, head: str) -> bool:
    """Whether the quote's shape, the head after it or the verb before it make it a mechanism
    (``name`` is the content's canonical name, ``shape`` its shape)."""
    if _GOAL_AFTER.match(head):
        return False
    if shape.priority:
        return _STRONG_HEAD.match(head) is not None  # “三重四创五优化”活动, not “一优两高”
    if shape.strong or _STRONG_HEAD.match(head):
        return True
    if len(name) > _LONGEST_THEMELESS and not _is_parallel(content):
        return shape.mechanism_end  # not a theme or an event's title
    clause = _clause_before(before)
    if shape.count_formula:
        return _VERB_IN_CLAUSE.search(clause) is not None
    if _is_parallel(content):
        return _VERB_IN_CLAUSE.search(clause) is not None or _WEAK_HEAD.match(head) is not None
    if shape.mechanism_end or _WEAK_HEAD.match(head):
        return True
    return _VERB_RIGHT_BEFORE.end(clause) and len(name) >= 3


def _clause_before(before: str) -> str:
    """The clause leading to a quote, past the quoted names listed before it (开展“A”“B”)."""
    if _QUOTE_LIST_ENDS.end(before):  # else the pattern, anchored at the end, cannot match
        before = _QUOTES_AT_END.sub("", before)
    found = _CLAUSE_BREAK.search(before[::-1])  # read backwards: the last break comes first
    return before if found is None else before[len(before) - found.start() :]


def _has_strong_shape(name: str) -> bool:
    """谁X谁Y, 应X尽X, X+Y, 一X一Y and service words: shapes only mechanisms have."""
    return any(shape.search(name) for shape in _STRONG_SHAPES)


# The decisions that depend on the quoted string alone are cached: programme names recur.
@lru_cache(maxsize=_CACHED_NAMES)
def _rejected_name(name: str) -> bool:
    """Emphasis, category labels, excluded formulas, commemorative days and honour titles."""
    if not name or len(name) > _MAX_NAME or "《" in name or "》" in name:
        return True
    if len(name) <= 2 and not re.search(rf"[{_NUMERAL}+]", name):
        return True  # emphasis quotes: “清洁” “红” “数字”
    if name.endswith("类"):
        return True  # category labels: “依申请6+1类”
    if name in load_exclusions() or _COMMEMORATIVE_DAY.match(name) or _STRATEGY_NAME.search(name):
        return True
    return _HONOUR_NAME.search(name) is not None


def _past(prefix: re.Pattern[str], text: str) -> str:
    """``text`` past what the ^-anchored ``prefix`` matches at its start (``sub`` with count=1
    would then try every other position, where ^ cannot match)."""
    found = prefix.match(text)
    return text[found.end() :] if found else text


def _rejected_context(before: str, after: str, after_list: str) -> bool:
    """An honour verb before the quote, or a word after it (or after the quotes listed with
    it: ``after_list``) that makes it a title or column."""
    return bool(
        _HONOUR_BEFORE.end(before)
        or (after[:1] in _REJECT_AFTER_STARTS and _REJECT_AFTER.match(after))
        or (after_list[:1] in _COLUMN_AFTER_STARTS and _COLUMN_AFTER.match(after_list))
    )


@lru_cache(maxsize=_CACHED_NAMES)
def _is_parallel(content: str) -> bool:
    """一次申报、一窗办理、只跑一次: two or more short clauses of (nearly) equal length."""
    lengths = [len(p) for p in re.split(r"[、，,]", content) if p]
    return len(lengths) >= 2 and min(lengths) >= 2 and max(lengths) <= min(lengths) + 1 <= 7


def _unquoted_hits(text: str, found: DictionaryMatches) -> Iterable[_Hit]:
    yield from _lexicon_hits(text, found.programmes)
    yield from _who_who_hits(text)
    for number, (anchor, numerals, most) in enumerate(_NUMBERED):
        # Every match, as str.find stepping past each would find them: no anchor overlaps itself.
        anchors = [start for index, start, _ in found.numbered_anchors if index == number]
        yield from _numbered_hits(text, anchors, anchor, numerals, most)


def _who_who_hits(text: str) -> Iterable[_Hit]:
    for match in _WHO_WHO.finditer(text):
        start = match.start()
        end = match.end() + len(match.group(1))  # 谁执法谁普法: the verbs are equally long
        if end <= len(text) and text[start:end].isalnum():
            yield _shape_hit(text, start, end)


def _numbered_hits(
    text: str, starts: Iterable[int], anchor: str, numerals: str, most: int
) -> Iterable[_Hit]:
    """``anchor`` (standing at each of ``starts``) with one to ``most`` of ``numerals`` right
    before it (the leftmost taken)."""
    for found in starts:
        start = found
        while found - start < most and start > 0 and text[start - 1] in numerals:
            start -= 1
        if start < found:
            yield _shape_hit(text, start, found + len(anchor))


def _shape_hit(text: str, start: int, end: int) -> _Hit:
    written = text[start:end]
    return _Hit(start, end, written, load_lexicon().get(written, written))


def _lexicon_hits(text: str, matches: Iterable[tuple[int, int, int]]) -> Iterable[_Hit]:
    """Leftmost-longest lexicon matches (双随机、一公开 before its short form 双随机) among
    ``matches``, every (form index, start, end) in ``text``."""
    forms = lexicon_forms()
    found = sorted((start, end, *forms[index]) for index, start, end in matches)
    last_end = -1
    for index, (start, end, form, canonical) in enumerate(found, start=1):
        if start < last_end:  # the cheapest test first: the others are not needed then
            continue
        # By start, then end: a longer form from the same start comes next (forms are unique).
        longer = index < len(found) and found[index][0] == start and found[index][1] > end
        if not longer and not _after_honour_verb(text, start):
            hit = _extend_parallel(text, _Hit(start, end, form, canonical))
            last_end = hit.end
            yield hit


def _after_honour_verb(text: str, start: int) -> bool:
    """Whether an honour verb (and its qualifiers) stands right before ``start``."""
    if not start or text[start - 1] not in _HONOUR_CLAUSE_ENDS:
        return False
    # A conditional, not max(): a slow call.
    reach = start - _HONOUR_CLAUSE_REACH if start > _HONOUR_CLAUSE_REACH else 0
    return _HONOUR_CLAUSE.search(text, reach, start) is not None


def _extend_parallel(text: str, hit: _Hit) -> _Hit:
    """一窗受理、分类审批、统一出件: a four-character slogan continued by clauses of its length."""
    if len(hit.written) != 4:
        return hit
    end = hit.end
    # Only 、 lists the parts of one slogan; a comma starts the next clause (告知承诺,办件量达).
    while _PARALLEL_PART.match(text, end, end + 5) and _ends_word(text, end + 5):
        end += 5
    if end == hit.end:
        return hit
    written = text[hit.start : end]
    return _Hit(hit.start, end, written, canonical_name(written))


def _ends_word(text: str, position: int) -> bool:
    following = text[position : position + 6]
    if not _LETTER.match(following):
        return True
    return bool(_STRONG_HEAD.match(following) or _WEAK_HEAD.match(following))


def _collect(hits: list[_Hit]) -> tuple[ProgramRef, ...]:
    spellings: dict[str, list[str]] = {}
    mentions: dict[str, list[Mention]] = {}
    seen: set[tuple[int, int]] = set()
    for start, end, written, canonical in hits:  # unpacked once: read several times each
        span = (start, end)
        if span in seen:
            continue
        seen.add(span)
        names = spellings.setdefault(canonical, [])
        if written not in names:
            names.append(written)
        mentions.setdefault(canonical, []).append(Mention(start, end))
    # positional (canonical, name, mentions, variants): with keywords the class gets a dict
    return tuple(
        ProgramRef(canonical, names[0], tuple(mentions[canonical]), tuple(names[1:]))
        for canonical, names in spellings.items()
    )
