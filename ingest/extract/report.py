"""What a report says about itself: title, region, year reported on, author, publication date.

Annual rule-of-law reports follow one shape: an optional title line (…法治政府建设…报告), an
opening that names the year and the region ("2020年，某盟认真贯彻…", "现将我区2019年法治政府
建设情况报告如下"), the body, and sometimes a signature block at the end: the issuing body on
one line and the date on the next. The page header's 来源 is who posted the page, never the
author; the page date stands in for the publication date only when the signature date is
missing or illegible (e.g. "2020312", where 年/月/日 were lost).

Example:
    >>> from ingest.gazetteer import load_gazetteer
    >>> from ingest.model import PageMeta
    >>> gaz = load_gazetteer()
    >>> text = "通江县2019年度法治政府建设工作情况报告\\n2019年，我县……\\n"
    >>> text += "通江县人民政府\\n2020年3月12日"
    >>> meta = extract_report_meta(text, page=PageMeta(), regions=(), gazetteer=gaz)
    >>> (meta.region, meta.region_code, meta.year, meta.author, meta.published)
    ('通江县', '511921', 2019, '通江县人民政府', '2020-03-12')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ingest.extract.regions import extract_regions
from ingest.gazetteer import COUNTY_OR_ABOVE, LEVEL_RANK, Gazetteer
from ingest.model import PageMeta, RegionRef, ReportMeta
from ingest.normalize import iso_date

_TITLE = re.compile(r"^[^。！？!?，,；;：:]{6,60}报告$")
_YEAR = r"((?:19|20)\d{2})\s*年"
_YEAR_IN_TITLE = re.compile(_YEAR)
_YEAR_OPENING = re.compile(r"^\s*" + _YEAR + r"(?:度)?(?:以来)?\s*[，,、]")
_YEAR_TO_REPORT = re.compile(r"现将[^。！？\n]{0,30}?" + _YEAR + r"[^。！？\n]{0,40}?报告如下")
_SELF_REFERENCE = re.compile(r"[我本全](省|市|州|盟|区|县|旗)")
_SIGNATORY = re.compile(
    r"^[\u4e00-\u9fff（）()]{3,40}(人民政府|政府|行政公署|委员会|办公室|局|委)$"
)
_DATE_LINE = re.compile(r"^(\S{2,4})年(\S{1,2})月(\S{1,3})日$")
_DAMAGED_DATE_LINE = re.compile(r"^(?:19|20)\d{4,6}$")
_CHINESE_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "O": 0, "○": 0}
_SIGNATURE_LINES = 4  # the signature block: body name, date, and maybe a blank or a seal note


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
        >>> (meta.region, meta.region_path, meta.year)
        ('锡林郭勒盟', ('内蒙古自治区', '锡林郭勒盟'), 2020)
    """
    head = head or read_head(text, page)
    tail = _signature_block(head.lines)
    author = _signatory(tail)
    ref = _report_region(text, head, author, page, regions, gazetteer)
    return ReportMeta(
        title=head.title,
        region=ref.canonical if ref else None,
        region_code=ref.code if ref else None,
        region_path=_region_path(ref.code if ref else None, gazetteer),
        year=head.year,
        author=author,
        published=_signature_date(tail) or page.date,
    )


@dataclass(frozen=True, slots=True)
class ReportHead:
    """What a report says about itself before any region is known: lines, title, year."""

    lines: tuple[str, ...]  # stripped, non-blank
    title: str | None
    year: int | None


def read_head(text: str, page: PageMeta) -> ReportHead:
    """The report's non-blank lines, its title and the year it reports on, read once.

    Example:
        >>> head = read_head("  \\n某县2019年法治政府建设工作报告\\n2019年，我县……", PageMeta())
        >>> head.title, head.year
        ('某县2019年法治政府建设工作报告', 2019)
    """
    lines = tuple(stripped for line in text.splitlines() if (stripped := line.strip()))
    title = report_title(lines, page)
    return ReportHead(lines, title, report_year(lines, title))


def report_title(lines: Sequence[str], page: PageMeta) -> str | None:
    """The first line when it reads as a report title, else a page title that does.

    Example:
        >>> report_title(["柳城县2023年法治政府建设年度报告", "2023年，…"], PageMeta())
        '柳城县2023年法治政府建设年度报告'
        >>> report_title(["2019年，…"], PageMeta(title="某县2019年法治政府建设情况报告_某县政府"))
        '某县2019年法治政府建设情况报告'
    """
    if lines and _TITLE.match(lines[0]):
        return lines[0]
    for part in re.split(r"\s*[-_|｜—]+\s*", page.title or ""):
        if _TITLE.match(part.strip()):
            return part.strip()
    return None


def report_year(lines: Sequence[str], title: str | None) -> int | None:
    """The year the report covers: from its title, "现将…2019年…报告如下", or "2023年，…".

    ``lines`` are the report's stripped non-blank lines (the first four are its opening).

    Example:
        >>> report_year(["为推进…，现将我区2019年法治政府建设情况报告如下："], None)
        2019
    """
    opening = "\n".join(lines[:4])
    for pattern, source in (
        (_YEAR_IN_TITLE, title or ""),
        (_YEAR_TO_REPORT, opening),
        (_YEAR_OPENING, _opening_body(opening, title)),
    ):
        match = pattern.search(source)
        if match:
            return int(match.group(1))
    return None


def _opening_body(opening: str, title: str | None) -> str:
    """The opening without the title line, so that "^2023年，" sees the first body line."""
    if title and opening.startswith(title):
        return opening[len(title) :].lstrip()
    return opening


def _report_region(
    text: str,
    head: ReportHead,
    author: str | None,
    page: PageMeta,
    regions: Sequence[RegionRef],
    gazetteer: Gazetteer,
) -> RegionRef | None:
    """The region the report is about: title, opening, self-reference, signature, 来源."""
    finders: tuple[Callable[[], RegionRef | None], ...] = (
        lambda: _region_in_title(text, head.title, regions, gazetteer),
        lambda: _region_in_opening(text, head.lines, regions),
        lambda: _region_by_self_reference(text, regions),
        lambda: _region_in_line(author, regions, gazetteer),
        lambda: _region_in_line(page.source, regions, gazetteer),
    )
    return next((ref for ref in (find() for find in finders) if ref is not None), None)


def _region_in_title(
    text: str, title: str | None, regions: Sequence[RegionRef], gazetteer: Gazetteer
) -> RegionRef | None:
    if not title:
        return None
    start = text.find(title)
    if start >= 0:
        return _most_specific(_mentioned_between(regions, start, start + len(title)))
    return _region_in_line(title, regions, gazetteer)


def _region_in_opening(
    text: str, lines: Sequence[str], regions: Sequence[RegionRef]
) -> RegionRef | None:
    """The region named in the opening sentence ("2020年，锡林郭勒盟认真贯彻…"), not in 《》."""
    first_body = next((line for line in lines[:3] if not _TITLE.match(line)), "")
    start = text.find(first_body)
    sentence_end = re.search(r"[。！？!?]", first_body)
    end = start + (sentence_end.end() if sentence_end else len(first_body))
    quoted = [m.span() for m in re.finditer(r"《[^》]*》", text[start:end])]
    found = [
        (mention.start, ref)
        for ref in regions
        for mention in ref.mentions
        if start <= mention.start < end
        and not any(a <= mention.start - start < b for a, b in quoted)
    ]
    return min(found, key=lambda item: item[0])[1] if start >= 0 and found else None


def _region_by_self_reference(text: str, regions: Sequence[RegionRef]) -> RegionRef | None:
    """我区/我县/全盟 + the most mentioned region whose name ends in that suffix."""
    suffixes = {m.group(1) for m in _SELF_REFERENCE.finditer(text[:2000])}
    fitting = [ref for ref in regions if ref.canonical[-1] in suffixes]
    return max(fitting, key=lambda ref: len(ref.mentions), default=None)


def _region_in_line(
    line: str | None, regions: Sequence[RegionRef], gazetteer: Gazetteer
) -> RegionRef | None:
    """Regions in a signature or 来源 line, decided with the text's own regions as context."""
    if not line:
        return None
    context = [ref.code for ref in regions if ref.code]
    found = extract_regions(line, gazetteer=gazetteer, context_codes=context)
    return _most_specific(found)


def _mentioned_between(regions: Sequence[RegionRef], start: int, end: int) -> list[RegionRef]:
    return [r for r in regions if any(start <= m.start < end for m in r.mentions)]


def _most_specific(regions: Sequence[RegionRef]) -> RegionRef | None:
    ranked = [r for r in regions if r.level in COUNTY_OR_ABOVE]
    return max(ranked, key=lambda r: LEVEL_RANK[r.level], default=None)


def _region_path(code: str | None, gazetteer: Gazetteer) -> tuple[str, ...]:
    info = gazetteer.get(code) if code else None
    if info is None:
        return ()
    return (*(a.full_name for a in gazetteer.ancestors(info.code)), info.full_name)


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


def _signature_block(lines: Sequence[str]) -> list[str]:
    return list(lines[-_SIGNATURE_LINES:])


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
