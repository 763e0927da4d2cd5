"""Normalising what reports write differently: policy titles, 文号, policy kinds, issuer levels.

The rules follow ``tests/gold/README.md``: full-width （） become ASCII (), every dash in a year
range becomes ``-``, nested titles use 〈〉, and short names of national laws get their full
official name. Knowledge of the legal system (laws, State Council regulations, central party
regulations and central documents) lives in ``ingest/data/law*.txt`` and ``policy*.txt``.

Example:
    >>> canonical_title("《行政处罚法》")
    '中华人民共和国行政处罚法'
    >>> canonical_doc_number("郧政办发[2019]29号")
    '郧政办发〔2019〕29号'
    >>> classify_policy_kind("阜新市优化营商环境条例")
    <PolicyKind.LOCAL_REGULATION: 'local_regulation'>
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache, lru_cache

from ingest.datafiles import data_lines, data_path
from ingest.model import PolicyKind

NATIONAL = "national"
_CACHED_TITLES = 16384  # titles repeat across reports; normalising is pure

_CJK = "\u4e00-\u9fff"
_DASHES = "-—–－─―‐‑‒﹣～~〜"
_YEAR_RANGE = re.compile(rf"(\d{{4}})年?\s*[{_DASHES}]+\s*(\d{{4}})")  # 2021年—2025年 → 2021-2025年
_FULL_WIDTH = str.maketrans(
    {
        "（": "(",
        "）": ")",
        "<": "〈",
        ">": "〉",
        "＜": "〈",
        "＞": "〉",
        "‹": "〈",
        "›": "〉",
        "《": "〈",
        "》": "〉",
        **{chr(0xFF10 + i): str(i) for i in range(10)},
    }
)
# Scraping loses the dash of a period (纲要(20212025年)); some write the period without 年.
_RUN_TOGETHER_PERIOD = re.compile(r"\((20\d{2})(20\d{2})(年?)\)")
_PERIOD_WITHOUT_NIAN = re.compile(r"\((\d{4})-(\d{4})\)")
_SPACE_NEAR_CJK = re.compile(rf"\s+(?=[{_CJK}(（〈《“‘”’])|(?<=[{_CJK})）〉》“‘”’])\s+")
_SPACES = re.compile(r"\s+")
_TRAILING_PAREN = re.compile(r"^(.+?)(\([^()]*\))?$")

# The 文号 grammar (GB/T 9704-2012 §7.2.5), shared by the extractor and by what users type.
DOC_NUMBER_YEARS = range(1949, 2101)
MAX_ISSUER_CODE_CHARS = 10
DOC_NUMBER_TAIL = re.compile(
    r"[〔\[［【(（]\s*(?P<year>\d{4})\s*[〕\]］】)）]\s*(?:第\s*)?(?P<serial>\d{1,6})\s*号"
)
_DOC_NUMBER = re.compile(
    rf"^\s*(?P<code>[{_CJK}]{{1,{MAX_ISSUER_CODE_CHARS}}})\s*{DOC_NUMBER_TAIL.pattern}\s*$"
)

_LAW_SUFFIX = re.compile(r"(?<![办方做说写])法$")
_NPC_DECISION = re.compile(r"^全国人民代表大会(?:常务委员会)?关于.+的决定$")
_PARTY_PREFIX = re.compile(r"^(?:中国共产党|中共中央|党政|党委|党组|党内|党员|中国共产主义青年团)")
_PARTY_SUFFIX = re.compile(r"(?:条例|规定|准则|规则|办法|细则|章程)$")
_CENTRAL_ADMIN_PREFIX = re.compile(r"^(?:中华人民共和国|国务院)")
_REGULATION_SUFFIX = re.compile(r"(?:条例|实施细则|规定)$")
_YEAR_PREFIX = re.compile(r"^\d{4}年度?")
_REGION_PREFIX = re.compile(
    rf"^(?P<name>[{_CJK}]{{2,10}}?(?:特别行政区|自治区|自治州|自治县|自治旗|省|市|盟|州|县|旗|区))"
)
# Words that end like a region name but are not one (城市供水条例, 自然保护区条例 …).
_NOT_REGION_NAME = re.compile(
    r"(?:城市|都市|超市|上市|社区|园区|景区|小区|山区|林区|牧区|矿区|保护区|名胜区|开发区|示范区|"
    r"自贸区|试验区|功能区|辖区|城区|街区|片区|流域区|库区|地区|民族区|自治区|自治州|自治县)$"
)
_NORMATIVE_SUFFIX = re.compile(
    r"(?:通知|意见|方案|办法|规则|规程|预案|清单|计划|要点|纲要|举措|措施|细则|制度|决定|规划|目录|"
    r"指引|指南|规范|标准|批复|通报|公告|通告|决议|机制|规定|守则|导则|指标|程序|流程|任务分工|"
    r"安排|部署|实施意见|若干意见|工作规则|重点任务|任务分解|责任分工|分工|指标体系|流程表|任务清单|"
    r"台账|实施细则)$"
)
# Study outlines and readers (《习近平法治思想学习纲要》) teach; they regulate nothing.
_STUDY_MATERIAL = re.compile(r"(?:学习纲要|学习问答|学习读本|读本|问答|汇编|教材|讲义|选编)$")
_QUALIFIER = re.compile(r"\((?:试行|暂行|修订|修正|草案|征求意见稿|\d{4}[^()]*)\)$")
_CENTRAL_ISSUER = re.compile(
    r"^(?:中共中央|中央|国务院|中办|国办|全国人民代表大会|全国人大|最高人民法院|最高人民检察院|"
    r"国家[\u4e00-\u9fff]{1,12}?(?:局|委员会|委|部|署|院)(?:办公厅|办公室)?关于|"
    r"(?:外交|国防|教育|科学技术|科技|工业和信息化|民政|司法|财政|人力资源和?社会保障|自然资源|"
    r"生态环境|住房和?城乡建设|交通运输|水利|农业农村|商务|文化和旅游|应急管理|公安|"
    r"退役军人事务)部(?:办公厅)?关于)"
)
_AUTONOMOUS_REGION = re.compile(r"(?:壮族|回族|维吾尔)?自治区$")


@lru_cache(maxsize=_CACHED_TITLES)
def canonical_title(raw: str) -> str:
    """The canonical form of a policy title, per the gold annotation rules.

    Example:
        >>> canonical_title("《柳州市落实<广西法治政府建设实施方案（2021—2025年）>工作方案》")
        '柳州市落实〈广西法治政府建设实施方案(2021-2025年)〉工作方案'
        >>> canonical_title("宪法")
        '中华人民共和国宪法'
    """
    title = raw.strip()
    if title.startswith("《") and title.endswith("》"):
        title = title[1:-1]
    title = title.translate(_FULL_WIDTH)
    title = _YEAR_RANGE.sub(r"\1-\2", title)
    title = _SPACES.sub(" ", _SPACE_NEAR_CJK.sub("", title)).strip()
    return expand_law_name(_repaired_period(title))


def _repaired_period(title: str) -> str:
    """A planning period written as the genre writes it: (2021-2025年), parentheses closed.

    Example:
        >>> _repaired_period("法治政府建设实施纲要(20212025年)")
        '法治政府建设实施纲要(2021-2025年)'
        >>> _repaired_period("法治清河建设规划(2021-2025")
        '法治清河建设规划(2021-2025年)'
    """
    if title.count("(") == title.count(")") + 1 and title.rfind("(") > title.rfind(")"):
        title += ")"  # the closing parenthesis fell off: 规划(2021-2025年
    title = _RUN_TOGETHER_PERIOD.sub(_joined_period, title)
    return _PERIOD_WITHOUT_NIAN.sub(r"(\1-\2年)", title)


def _joined_period(match: re.Match[str]) -> str:
    first, last = match.group(1), match.group(2)
    return f"({first}-{last}年)" if first < last else match.group(0)


def expand_law_name(title: str) -> str:
    """The full official name of a national law written by its short name, else ``title``.

    A trailing parenthesis such as ``(2021年修订)`` is kept after the expanded name.

    Example:
        >>> expand_law_name("民法典")
        '中华人民共和国民法典'
        >>> expand_law_name("郧阳区矿产资源管理办法")
        '郧阳区矿产资源管理办法'
    """
    match = _TRAILING_PAREN.match(title)
    if match is None:
        return title
    base, paren = match.group(1), match.group(2) or ""
    full = _law_names().get(base)
    if full is None:
        return _law_names().get(title, title)
    return full + paren


def canonical_doc_number(raw: str) -> str:
    """A 文号 with its year brackets normalised to 〔〕 and the serial without leading zeros.

    Raises ``ValueError`` naming the input when it is not ``<code>〔year〕serial号`` with an
    issuer code of at most :data:`MAX_ISSUER_CODE_CHARS` characters and a year in
    :data:`DOC_NUMBER_YEARS` (the limits the extractor applies).

    Example:
        >>> canonical_doc_number("郧政办电（2019）021号")
        '郧政办电〔2019〕21号'
    """
    match = _DOC_NUMBER.match(raw)
    if match is None or int(match["year"]) not in DOC_NUMBER_YEARS:
        raise ValueError(f"not a document number (<code>〔year〕serial号): {raw!r}")
    return format_doc_number(match["code"], int(match["year"]), int(match["serial"]))


def format_doc_number(code: str, year: int, serial: int) -> str:
    """The canonical spelling of a 文号 from its parts.

    Example:
        >>> format_doc_number("国发", 2015, 7)
        '国发〔2015〕7号'
    """
    return f"{code}〔{year}〕{serial}号"


def iso_date(year: int, month: int, day: int) -> str | None:
    """``YYYY-MM-DD`` for a date that exists, else None (a misread 2月31日 is no date).

    Example:
        >>> iso_date(2020, 3, 12), iso_date(2019, 2, 31)
        ('2020-03-12', None)
    """
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


@lru_cache(maxsize=_CACHED_TITLES)
def classify_policy_kind(canonical: str, *, has_region: bool | None = None) -> PolicyKind:
    """The kind of a document from how its canonical title is formed.

    ``has_region`` says whether the title names an issuing region (the extractor knows this
    from the gazetteer); when None, a leading ``<name>省/市/县/区…`` is taken as one.

    Example:
        >>> classify_policy_kind("中华人民共和国行政复议法")
        <PolicyKind.LAW: 'law'>
        >>> classify_policy_kind("重大行政决策程序暂行条例")
        <PolicyKind.ADMINISTRATIVE_REGULATION: 'administrative_regulation'>
        >>> classify_policy_kind("党政主要负责人履行推进法治建设第一责任人职责规定")
        <PolicyKind.PARTY_REGULATION: 'party_regulation'>
        >>> classify_policy_kind("柳城县突发事件总体应急预案")
        <PolicyKind.NORMATIVE_DOCUMENT: 'normative_document'>
        >>> classify_policy_kind("习近平法治思想学习纲要")
        <PolicyKind.OTHER: 'other'>
    """
    regional = _looks_regional(canonical) if has_region is None else has_region
    if is_law(canonical):
        return PolicyKind.LAW
    if _is_party_regulation(canonical, regional):
        return PolicyKind.PARTY_REGULATION
    if _is_administrative_regulation(canonical, regional):
        return PolicyKind.ADMINISTRATIVE_REGULATION
    base = _strip_qualifiers(canonical)
    if base.endswith("条例"):
        return PolicyKind.LOCAL_REGULATION
    if _STUDY_MATERIAL.search(base):
        return PolicyKind.OTHER
    if _NORMATIVE_SUFFIX.search(base):
        return PolicyKind.NORMATIVE_DOCUMENT
    return PolicyKind.OTHER


def is_law(canonical: str) -> bool:
    """Whether the title names a national law (an NPC/NPCSC law or legal decision).

    Example:
        >>> is_law("中华人民共和国民法典"), is_law("新时代枫桥工作法")
        (True, False)
    """
    base = _strip_qualifiers(canonical)
    if base in _laws() or _NPC_DECISION.match(base):
        return True
    return base.startswith("中华人民共和国") and bool(_LAW_SUFFIX.search(base))


@lru_cache(maxsize=_CACHED_TITLES)
def is_central_title(canonical: str) -> bool:
    """Whether a title names a central (national) document by its issuer or by being well known.

    Example:
        >>> is_central_title("法治政府建设实施纲要(2015-2020年)")
        True
        >>> is_central_title("国务院办公厅关于全面推行行政规范性文件合法性审核机制的指导意见")
        True
        >>> is_central_title("柳城县推行法律顾问制度工作方案")
        False
    """
    return canonical in _central_documents() or bool(_CENTRAL_ISSUER.match(canonical))


def region_short_name(full_name: str, level: str) -> str:
    """How issuer regions are named: autonomous regions by their common short form.

    Example:
        >>> region_short_name("广西壮族自治区", "province")
        '广西'
        >>> region_short_name("柳州市", "prefecture")
        '柳州市'
    """
    if level == "province" and _AUTONOMOUS_REGION.search(full_name):
        return _AUTONOMOUS_REGION.sub("", full_name)
    return full_name


def _is_party_regulation(canonical: str, regional: bool) -> bool:
    base = _strip_qualifiers(canonical)
    if canonical in _party_regulations() or base in _party_regulations():
        return True
    if regional or not _PARTY_SUFFIX.search(base):
        return False
    return bool(_PARTY_PREFIX.match(base)) or base.endswith("准则")


def _is_administrative_regulation(canonical: str, regional: bool) -> bool:
    base = _strip_qualifiers(canonical)
    if base in _regulations():
        return True
    if _CENTRAL_ADMIN_PREFIX.match(base) and _REGULATION_SUFFIX.search(base):
        return True
    return not regional and base.endswith("条例")


def _looks_regional(canonical: str) -> bool:
    """A leading region-like name (``阜新市…``), not a common word ending like one (城市…)."""
    match = _REGION_PREFIX.match(_YEAR_PREFIX.sub("", canonical))
    if match is None:
        return False
    name = match["name"]
    return name.endswith(("省", "自治区", "特别行政区")) or not _NOT_REGION_NAME.search(name)


def _strip_qualifiers(canonical: str) -> str:
    """``…办法(试行)`` and ``…纲要(2015-2020年)`` are judged by the words before the bracket."""
    base = canonical
    while (stripped := _QUALIFIER.sub("", base)) != base:
        base = stripped
    return base


def _entries(name: str) -> list[str]:
    """The entries of a one-entry-a-line data file, without surrounding spaces."""
    return [line.strip() for _, line in data_lines(name)]


@cache
def _laws() -> frozenset[str]:
    return frozenset(_entries("laws.txt"))


@cache
def _law_names() -> dict[str, str]:
    """Short name → full official name for every national law, plus common aliases."""
    names: dict[str, str] = {}
    for full in _entries("laws.txt"):
        names[full] = full
        if full.startswith("中华人民共和国"):
            names.setdefault(full.removeprefix("中华人民共和国"), full)
    for number, line in data_lines("law_aliases.txt"):
        short, _, full = line.strip().partition("\t")
        if full not in _laws():
            where = f"{data_path('law_aliases.txt')}:{number}"
            raise ValueError(f"{where}: {full!r} is not in laws.txt")
        names[short.strip()] = full
    return names


@cache
def _regulations() -> frozenset[str]:
    names = set(_entries("policy_regulations.txt"))
    return frozenset(names | {n.removeprefix("中华人民共和国") for n in names})


@cache
def _party_regulations() -> frozenset[str]:
    return frozenset(_entries("policy_party.txt"))


@cache
def _central_documents() -> frozenset[str]:
    return frozenset(_entries("policy_central.txt"))
