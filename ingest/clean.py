"""Drop the web-site boilerplate around a report, keeping every line of the report itself.

Chinese government pages wrap a post in the same furniture: navigation and breadcrumbs
(当前位置：首页 > …), a header line of fields (发布时间：… 来源：… 浏览次数：…), widgets
(【字体：大 中 小】, 打印本页 关闭窗口, 分享到), and a footer of fields (主办单位, 版权所有, 地址,
邮编, 电话, ICP备…号, …公网安备…号, 网站标识码, 建议使用…分辨率). Classification is per line
and conservative: a line goes only when it is field-like or made of such tokens, never when
it reads as a sentence (a report line that merely mentions 热线 or 地址 stays).

Example:
    >>> c = clean_text("当前位置：首页 > 政务公开\\n发布时间：2021-03-05 来源：县司法局\\n正文。")
    >>> (c.body, c.page.date, c.page.source)
    ('正文。', '2021-03-05', '县司法局')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from ingest.model import PageMeta
from ingest.normalize import iso_date


@dataclass(frozen=True, slots=True)
class CleanText:
    """The report text without boilerplate, the page-header fields, and what was dropped."""

    body: str
    page: PageMeta = field(default_factory=PageMeta)
    dropped: tuple[str, ...] = ()


# --- vocabulary of government web pages --------------------------------------------------------

_COLON = r"\s*[:：]"
# Metadata tables write 发文字号 | 某政发〔2020〕1号 | or [ 发文字号 ] 某政发〔2020〕1号.
_SEPARATOR = r"\s*[:：|｜\t\]】]"
# Some tables separate key and value by spaces only (发布机构 区司法局): read as a field where the
# key opens the line or follows a space, never inside running text.
_SPACED_SEPARATOR = rf"(?:{_SEPARATOR}|(?<=\S)[ \u3000]+(?=\S))"
# Every header field has one of these after its key: a line without any holds no field.
_SEPARATOR_MARK = re.compile(r"[:：|｜\t\]】 \u3000]")
_SENTENCE_END = re.compile(r"[。！？!?；;]")
_FIELD_LINE_MAX = 160  # footer/header lines are short; prose paragraphs are long


# Fields of the header line above a post, and of the metadata table of 信息公开 pages.
_DATE_KEYS = "发布时间|发布日期|更新时间|更新日期|成文日期|发文日期|生成日期|时间|日期"
_SOURCE_KEYS = "信息来源|文章来源|稿件来源|来源"
_PUBLISHER_KEYS = "发布机构|发文机关|制发机构|发布机关|发文单位|发布单位|成文单位"
_DOC_NUMBER_KEYS = "发文字号|文号"
_TITLE_KEYS = "标题|名称|文件名称"
_HEADER_KEYS = (
    f"{_DATE_KEYS}|生效日期|{_SOURCE_KEYS}|"
    "浏览量|浏览次数|阅读量|阅读次数|阅读数|点击量|点击数|点击率|访问量|访问次数|阅读|浏览|点击|"
    f"责任编辑|编辑|作者|撰稿|供稿|审核|发布人|发布者|{_PUBLISHER_KEYS}|"
    f"字体|字号|文字大小|索引号|信息分类|主题分类|体裁分类|组配分类|主题词|{_DOC_NUMBER_KEYS}|"
    f"有效性|公开方式|公开范围|公开时限|{_TITLE_KEYS}"
)
# Tables letter-space their keys (索 引 号, 标  题, 文　号): read with the spaces taken out.
_LETTER_SPACED_KEY = re.compile(
    "|".join(
        r"[ \t\u3000]{0,4}".join(key)
        for key in sorted(set(_HEADER_KEYS.split("|")), key=len, reverse=True)
        if len(key) > 1
    )
)
_KEY_SPACES = re.compile(r"[ \t\u3000]+")
# A space inside a key follows a character of the key other than its last: a line without
# one has no letter-spaced key, and the keys the substitution would find stay as written.
# This scan is several times as fast as the substitution's, which tries its sixty keys at
# every common character of a line (发, 日, 文, 主 …).
_KEY_CHAR_BEFORE_SPACE = re.compile(
    "["
    + "".join(sorted({re.escape(c) for key in _HEADER_KEYS.split("|") for c in key[:-1]}))
    + r"][ \t\u3000]"
)


def compact_keys(line: str) -> str:
    """``line`` with the spaces inside its field keys taken out.

    Example:
        >>> compact_keys("索 引 号：0001/2020-01 标    题：某县报告")
        '索引号：0001/2020-01 标题：某县报告'
    """
    if " " not in line and "\u3000" not in line and "\t" not in line:
        return line
    if _KEY_CHAR_BEFORE_SPACE.search(line) is None:
        return line
    return _LETTER_SPACED_KEY.sub(lambda m: _KEY_SPACES.sub("", m.group(0)), line)


_LINE_LEAD = r"^[\s【\[(（|｜\-·•*]*"
# A key at the line's start or after a space or a bar. Each key checks that behind its first
# character, so that the pattern opens with literals: a search skips to where a key's first
# character stands instead of trying the sixty keys at every character of the line.
_HEADER_KEY = re.compile(
    "(?:"
    + "|".join(rf"{key[0]}(?<![^\s|｜].){key[1:]}" for key in _HEADER_KEYS.split("|"))
    + rf"){_SPACED_SEPARATOR}"
)
_HEADER_AT_START = re.compile(rf"{_LINE_LEAD}(?:{_HEADER_KEYS}){_SPACED_SEPARATOR}")
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d)"
)
_KEYED_DATE = re.compile(rf"(?:{_DATE_KEYS}){_SEPARATOR}\s*{_DATE.pattern}")


def _field(keys: str) -> re.Pattern[str]:
    """A field's value: what follows its key up to the next key, a separator or the line end."""
    return re.compile(
        rf"(?:{keys}){_SPACED_SEPARATOR}\s*(?!(?:{_HEADER_KEYS}){_SPACED_SEPARATOR})"
        rf"(?P<v>[^\s【】\[\]|｜\t]+?)(?=\s|(?:{_HEADER_KEYS}){_SEPARATOR}|[【】\[\]|｜\t]|$)"
    )


_SOURCE = _field(_SOURCE_KEYS)
_PUBLISHER = _field(_PUBLISHER_KEYS)
_DOC_NUMBER = _field(_DOC_NUMBER_KEYS)
_TITLE_AT_START = re.compile(rf"{_LINE_LEAD}(?:{_TITLE_KEYS}){_SEPARATOR}")
_TITLE_FIELD = re.compile(
    rf"(?:{_TITLE_KEYS}){_SEPARATOR}\s*(?P<v>[^|｜\t]{{6,}}?)\s*(?:[|｜\t]|$)"
)
_MIN_TITLE_PREFIX = 6  # text before a header field this long is a title sharing the line

# Footer: markers that only boilerplate carries, and keys of footer fields.
# Every marker opens with a literal Han character (or ©): a search then skips to where one
# of them stands instead of trying every marker at every character of the line.
_FOOTER_MARKER = re.compile(
    r"公网安备\s*\d|网站(?:标识|识别)码|版权所有|©|建议使用.{0,40}(?:分辨率|浏览器)|"
    r"分辨率.{0,20}浏览|浏览器.{0,20}浏览|技术支持\s*[:：]|您是(?:本站)?第\s*\d+\s*位"
)
# Markers in Latin letters, read case-blind (?i:…) but for the first letter: a case-blind
# pattern compares every character through its lower case, several times as slowly, and
# Han characters have none. Led by one class of the first letters in every case they take
# ([Iiİı] is what (?i:I) matches), the search skips to where one stands.
_LATIN_FOOTER_MARKER = re.compile(
    r"[IiİıCcAa](?:(?<=[Iiİı])(?i:CP)[备证]\s*[:：]?\s*\d|(?<=[Cc])(?i:opyright)|"
    r"(?<=[Aa])(?i:ll\s+Rights\s+Reserved))"
)
_FOOTER_KEYS = (
    "主办单位|承办单位|协办单位|主办|承办|协办|维护单位|运维单位|运行维护|技术支持|"
    "地址|通讯地址|联系地址|邮编|邮政编码|电话|联系电话|咨询电话|热线|传真|"
    "(?i:E-?mail)|邮箱|电子邮箱|网址|投稿|联系方式|备案号|版权"
)
# A field key may carry a short qualifier in front: 网站监督举报热线：, 投稿及商务合作电话：
_FOOTER_FIELD_AT_START = re.compile(rf"^\s*[^\s:：。，,]{{0,12}}?(?:{_FOOTER_KEYS}){_COLON}")
# In the trailing block of a page, these mark the remaining site furniture.
# Each word opens with a literal (a case-blind one is written with its first letter in either
# case): a search skips to where a first character stands, not trying every word everywhere.
_TRAILING_FURNITURE = re.compile(
    r"W(?i:ww\.)|w(?i:ww\.)|H(?i:ttps?://)|h(?i:ttps?://)|\.(?i:gov\.cn|com\b)|"
    r"公众号|手机版|客户端|访问量|访客|网站地图|联系我们|关于我们|扫一扫|二维码"
)

# Navigation.
_LOCATION_WORDS = (
    "您现在的位置|您所在的位置|您所在位置|您的位置|你的位置|当前位置|当前所在位置|所在位置|现在位置"
)
_BREADCRUMB = re.compile(rf"^[\s【\[]*(?:{_LOCATION_WORDS})")
# Site greetings and the date widget (今天是：2019年10月31日 星期三), never a date of the post.
_GREETING_WORDS = "今天是|今日是|欢迎访问|欢迎来到|欢迎您"
_SITE_GREETING = re.compile(rf"^[\s【\[]*(?:{_GREETING_WORDS})")
_GREETING_FIRST = "【[今欢"  # what a stripped line that _SITE_GREETING matches starts with
_CRUMB_SEPARATORS = re.compile(r"[>＞»›→/]|&gt;")
_HOME_FIRST = ("首页", "网站首页")  # what a breadcrumb trail starts with
_MENU_WORDS = (
    "网站首页|首页|政府信息公开|信息公开|政务公开|政务服务|办事服务|网上办事|互动交流|政民互动|"
    "公众参与|新闻中心|新闻动态|政务动态|工作动态|通知公告|专题专栏|政策文件|政策解读|数据开放|"
    "网站地图|联系我们|关于我们|使用帮助|无障碍浏览|无障碍|长者模式|关怀版|繁體|繁体|简体|(?i:English)|"
    "登录|注册|个人中心|设为首页|加入收藏|返回首页|返回顶部|相关链接|友情链接|网站导航|站内搜索|"
    "高级搜索|搜索|智能问答|手机版|移动版|政务微博|政务微信|客户端"
)
_MENU_LINE = re.compile(rf"^(?:\s*(?:{_MENU_WORDS})\s*[|｜·•/]?)+$")
_PREV_NEXT_WORDS = "上一篇|下一篇|上一条|下一条"
_PREV_NEXT = re.compile(rf"^\s*(?:{_PREV_NEXT_WORDS}){_COLON}")

# Widgets: print, close, share, font size.
_WIDGET_WORDS = (
    "打印本页|打印此页|打印本文|打印文章|打印|关闭窗口|关闭本页|关闭|返回顶部|返回|加入收藏|收藏|"
    "分享到|分享|字体|字号|文字大小|默认|保存本页|"
    "新浪微博|腾讯微博|微博|微信|(?i:QQ)空间|朋友圈|扫一扫|大|中|小"
)
_WIDGET_LINE = re.compile(rf"^(?:(?:{_WIDGET_WORDS})|[\s\[\]【】()（）<>《》:：|｜/·•,，、]+)+$")
_NO_WORDS = re.compile(r"^[\W_]+$")  # a line of only punctuation or symbols (>, |, 】)


def _any_matches(*patterns: re.Pattern[str]) -> re.Pattern[str]:
    """One pattern that matches where any of ``patterns`` does (each keeps its flags): one
    regex call per line instead of one per pattern, on every line of every page."""
    case_blind = re.IGNORECASE
    return re.compile(
        "|".join(f"(?{'i' if p.flags & case_blind else ''}:{p.pattern})" for p in patterns)
    )


_NAVIGATION_LINE = _any_matches(_BREADCRUMB, _PREV_NEXT, _MENU_LINE)
_WIDGET_OR_SYMBOLS = _any_matches(_WIDGET_LINE, _NO_WORDS)
# What a line holding 。 can be furniture as: a menu or widget line has no 。 (it is not in
# their words or marks), a header or footer no sentence end, a short breadcrumb none either.
# One call decides the prose lines that are most of a report, instead of about eight.
_PROSE_FURNITURE = _any_matches(_BREADCRUMB, _PREV_NEXT, _NO_WORDS)
_GREETING_MAX = 60


def first_characters(*alternations: str) -> frozenset[str]:
    """The characters the words of ``alternations`` (``甲|乙``) open with; a case-blind word
    (``(?i:QQ)空间``) opens with its first letter in either case.

    Example:
        >>> sorted(first_characters("首页|网站首页", "(?i:QQ)空间"))
        ['Q', 'q', '网', '首']
    """
    firsts: set[str] = set()
    for word in "|".join(alternations).split("|"):
        if word.startswith("(?i:"):
            firsts.update((word[4].lower(), word[4].upper()))
        else:
            firsts.add(word[0])
    return frozenset(firsts)


# A stripped line that navigation, a greeting or a widget line matches opens with one of their
# words or with a mark (a character that is no letter or digit): most report lines do not.
_FURNITURE_WORD_FIRST = first_characters(
    _LOCATION_WORDS,
    _GREETING_WORDS,
    "|".join(_HOME_FIRST),
    _MENU_WORDS,
    _PREV_NEXT_WORDS,
    _WIDGET_WORDS,
)
# Of those, the words prose furniture (a breadcrumb, a 上一篇 link, a greeting) opens with.
_PROSE_FURNITURE_WORD_FIRST = first_characters(_LOCATION_WORDS, _PREV_NEXT_WORDS, _GREETING_WORDS)


# --- classification ----------------------------------------------------------------------------


# The classifiers below take a stripped line: is_boilerplate strips once for all of them.


def _is_navigation(stripped: str) -> bool:
    if _NAVIGATION_LINE.match(stripped):
        return True
    if _is_greeting(stripped):
        return True
    if not stripped.startswith(_HOME_FIRST):  # most lines: no search for a sentence end
        return False
    is_short = len(stripped) <= 80 and not _SENTENCE_END.search(stripped)
    return is_short and _CRUMB_SEPARATORS.search(stripped) is not None


def _is_greeting(stripped: str) -> bool:
    return len(stripped) <= _GREETING_MAX and _SITE_GREETING.match(stripped) is not None


def _is_widget(stripped: str) -> bool:
    return _WIDGET_OR_SYMBOLS.match(stripped) is not None


def _header_keys(line: str) -> int:
    return len({match.group(0).rstrip(":： ") for match in _HEADER_KEY.finditer(line)})


def _is_header(stripped: str) -> bool:
    if len(stripped) > _FIELD_LINE_MAX or "。" in stripped:
        return False
    if _SEPARATOR_MARK.search(stripped) is None:  # a heading or a signature
        return False
    if _header_keys(stripped) >= 2:
        return True
    if _TITLE_AT_START.match(stripped):  # a metadata table's 标题 row holds a whole title
        return True
    return bool(_HEADER_AT_START.match(stripped)) and len(stripped) <= 60


def _is_footer(stripped: str) -> bool:
    if len(stripped) > _FIELD_LINE_MAX or _SENTENCE_END.search(stripped):
        return False
    if _FOOTER_MARKER.search(stripped) or _LATIN_FOOTER_MARKER.search(stripped):
        return True
    has_colon = ":" in stripped or "：" in stripped  # every footer field's key is followed by one
    return has_colon and _FOOTER_FIELD_AT_START.match(stripped) is not None


def is_boilerplate(line: str) -> bool:
    """Whether one line is site furniture: navigation, header fields, widget or footer.

    Example:
        >>> is_boilerplate("辽ICP备2020013237号 网站标识码：2109020001")
        True
        >>> is_boilerplate("开通12345政务服务热线，受理群众来电1.2万件。")
        False
    """
    return _line_kind(line) != "report"


# What a line is: a line of the report, a header line, or other furniture, which is no header
# (a footer, or prose furniture: a header has no 。) or may be one too (navigation, widgets).
_LineKind = Literal["report", "header", "not_header", "furniture"]


def _line_kind(line: str) -> _LineKind:
    """What ``is_boilerplate`` reads ``line`` as, and whether it found a header there (which
    ``clean_text`` then need not ask again)."""
    stripped = line.strip()
    if not stripped:
        return "report"
    if "。" in stripped:  # prose, most lines of a report: see _PROSE_FURNITURE
        return "not_header" if _is_prose_furniture(stripped) else "report"
    # Headings and signatures, the other lines of a report, fail both tests below, which
    # are cheaper than the classifiers they spare.
    fields = _may_hold_fields(stripped)
    if fields:
        stripped = compact_keys(stripped)
    if _may_open_furniture(stripped) and (_is_navigation(stripped) or _is_widget(stripped)):
        return "furniture"
    if not fields:
        return "report"
    if _is_header(stripped):
        return "header"
    return "not_header" if _is_footer(stripped) else "report"


def _may_hold_fields(stripped: str) -> bool:
    """Whether a line may be a header or a footer: a field's key is followed by a separator
    (a colon, a bar, a space …), and a footer without fields holds one of its markers. A line
    whose keys ``compact_keys`` can change has a space, so this is true of it as written."""
    return bool(
        _SEPARATOR_MARK.search(stripped)
        or _FOOTER_MARKER.search(stripped)
        or _LATIN_FOOTER_MARKER.search(stripped)
    )


def _may_open_furniture(stripped: str) -> bool:
    """Whether a line may be navigation, a greeting or a widget line, by its first character
    (``compact_keys`` leaves that one): ``\\W`` is what is not ``isalnum``, and ``_``."""
    first = stripped[0]
    return first in _FURNITURE_WORD_FIRST or not first.isalnum()


def _is_prose_furniture(stripped: str) -> bool:
    """``is_boilerplate`` of a line holding 。, its keys left letter-spaced where they can
    change nothing: ``compact_keys`` scans the whole line, and most lines of a report are
    prose. Taking spaces out of keys changes neither a breadcrumb, a 上一篇 link nor a line
    of symbols; it can shorten a greeting, which keeps its first character."""
    first = stripped[0]
    if first not in _PROSE_FURNITURE_WORD_FIRST and first.isalnum():  # most prose
        return False
    if _PROSE_FURNITURE.match(stripped):
        return True
    return first in _GREETING_FIRST and _is_greeting(compact_keys(stripped))


# --- page header fields ------------------------------------------------------------------------


def parse_page_header(line: str) -> PageMeta:
    """The fields a page-header or metadata line states; fields not found are None.

    Example:
        >>> parse_page_header("时间:2020年06月01日来源:县司法局阅读:")
        PageMeta(date='2020-06-01', source='县司法局', title=None, publisher=None, doc_number=None)
        >>> parse_page_header("发文字号 | 某政发〔2021〕3号 | 发布机构 | 某县人民政府 |").publisher
        '某县人民政府'
    """
    date_match = _KEYED_DATE.search(line) or _DATE.search(line)
    return PageMeta(
        date=_iso_date(date_match),
        source=_value(_SOURCE, line),
        title=_value(_TITLE_FIELD, line),
        publisher=_value(_PUBLISHER, line),
        doc_number=_value(_DOC_NUMBER, line),
    )


def _value(pattern: re.Pattern[str], line: str) -> str | None:
    match = pattern.search(line)
    return (match.group("v").strip() or None) if match else None


def _iso_date(match: re.Match[str] | None) -> str | None:
    if match is None:
        return None
    year, month, day = (int(match.group(key)) for key in ("y", "m", "d"))
    return iso_date(year, month, day)


def _merge_page(first: PageMeta, later: PageMeta) -> PageMeta:
    return PageMeta(
        date=first.date or later.date,
        source=first.source or later.source,
        title=first.title or later.title,
        publisher=first.publisher or later.publisher,
        doc_number=first.doc_number or later.doc_number,
    )


def _title_before_header(line: str) -> str | None:
    """A title sharing its line with the header fields (``标题 时间：… 来源：…``)."""
    first_key = _HEADER_KEY.search(line)
    if first_key is None:
        return None
    prefix = line[: first_key.start()].strip(" \t【[(（")
    return prefix if len(prefix) >= _MIN_TITLE_PREFIX else None


# --- the cleaner -------------------------------------------------------------------------------

# Mirror sites annotate characters with their pinyin: 規(guī)劃, 發(fā)〔2019〕. A gloss carries a
# tone mark, which no bracketed word of a report does.
_TONE_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# Led by the literal "(" (the character before it checked behind): a pattern led by a
# lookbehind gets no literal prefix to scan for and runs ~4x slower.
_PINYIN_GLOSS = re.compile(
    rf"\((?<=[\u4e00-\u9fff]\()(?=[a-z{_TONE_MARKS}]*[{_TONE_MARKS}])[a-z{_TONE_MARKS}ü]{{1,7}}\)"
)


def drop_pinyin_glosses(text: str) -> str:
    """``text`` without the pinyin a mirror site wrote after characters.

    Example:
        >>> drop_pinyin_glosses("吉林省干部教育培训规(guī)划(2024-2027年)")
        '吉林省干部教育培训规划(2024-2027年)'
    """
    return _PINYIN_GLOSS.sub("", text)


_BLANK_LINES = re.compile(r"\n\n+")


def clean_text(text: str) -> CleanText:
    """Drop boilerplate lines, keep the report, and read the page-header fields.

    Blank-line runs collapse to one blank line, trailing spaces go, paragraph breaks stay.

    Example:
        >>> c = clean_text("报告正文。\\n\\n\\n通江县人民政府\\n主办单位：某县政府办公室")
        >>> c.body
        '报告正文。\\n\\n通江县人民政府'
        >>> c.dropped
        ('主办单位：某县政府办公室',)
    """
    lines = [line.rstrip() for line in text.split("\n")]
    kinds = [_line_kind(line) for line in lines]
    drop = [kind != "report" for kind in kinds]
    _extend_trailing_block(lines, drop)
    kept: list[str] = []
    dropped: list[str] = []
    page = PageMeta()
    for line, kind, is_dropped in zip(lines, kinds, drop, strict=True):
        if not is_dropped:
            kept.append(line)
            continue
        dropped.append(line.strip())
        if kind == "not_header":
            continue
        fields = compact_keys(line.strip())
        if kind == "header" or _is_header(fields):
            page = _merge_page(page, parse_page_header(fields))
            title = _title_before_header(fields)
            if title:  # (one of spaces only is a blank line, as _collapse_blank_lines reads them)
                kept.append(title if title.strip() else "")
    return CleanText(body=_collapse_blank_lines(kept), page=page, dropped=tuple(dropped))


def _extend_trailing_block(lines: list[str], drop: list[bool]) -> None:
    """Below the last report line, also drop site furniture the line rules cannot name alone."""
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index].strip()
        if not line or drop[index]:
            continue
        if _TRAILING_FURNITURE.search(line) and not _SENTENCE_END.search(line):
            drop[index] = True
            continue
        return


def _collapse_blank_lines(lines: list[str]) -> str:
    """The lines joined, runs of blank lines made one and blank lines at either end dropped.

    The lines come without trailing spaces, so a blank one is empty: one regex over the
    joined text does what a loop over the lines did.
    """
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")


__all__ = ["CleanText", "clean_text", "drop_pinyin_glosses", "is_boilerplate", "parse_page_header"]
