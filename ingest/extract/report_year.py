"""The year a report covers, chosen from every place that can say it, with its evidence.

In order of trust: the title (某县2023年法治政府建设年度报告), the opening sentence
("2023年，某县…", "2023年以来", "2023年是…", "现将我区2023年…情况报告如下"), and the years the
body names most. When nothing states it ("一年来", "今年以来"), the publication date decides
and the year is marked inferred: reports are due by 1 April, so one published January–April
covers the year before, and "今年以来" in one published in the last quarter covers that year.
A year is never later than the publication, and never part of a range (2021—2025年) or of a
cited title (《2023年度…计划》 names the plan's year, not the report's).

Example:
    >>> from ingest.extract.report_head import read_head
    >>> from ingest.model import PageMeta
    >>> head = read_head("一年来，我县坚持依法行政，成效明显。", PageMeta(date="2024-02-08"))
    >>> c = report_year(head, published="2024-02-08")
    >>> c.value, c.attribution.source, c.attribution.inferred
    (2023, 'publication_date', True)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import partial

from ingest.extract.report_head import (
    HEAD_LINES,
    Candidate,
    ReportHead,
    best,
    candidate,
    read_in_order,
)

_YEAR = r"((?:19|20)\d{2})\s*年"
# A year not ending a range (2021—2025年): the check looks back from after its first two
# digits, since a pattern led by a lookbehind has no prefix to scan for and runs ~4x slower.
_YEAR_NOT_A_RANGE_END = r"((?:19|20)(?<![-—–－~～至到\d](?:19|20))\d{2})\s*年"
_YEAR_ALONE = re.compile(_YEAR_NOT_A_RANGE_END + r"(?![-—–－~～至到]\s*(?:19|20)?\d{2})")
_LEADING_CIRCUMSTANCE = r"(?:在[^，,。]{0,80}?下\s*[，,]\s*)?"
_YEAR_OPENING = re.compile(
    r"^\s*" + _LEADING_CIRCUMSTANCE + _YEAR + r"\s*(?:度)?\s*(?:以来|是|[，,、])"
)
_YEAR_TO_REPORT = re.compile(r"现将[^。！？\n]{0,40}?" + _YEAR + r"[^。！？\n]{0,40}?报告如下")
_YEAR_IN_SENTENCE = re.compile(_YEAR_NOT_A_RANGE_END + r"\s*(?:度)?\s*(?:以来|[，,])")
_YEAR_HEADING = re.compile(r"^[一二三四五六七八九十]{1,3}\s*[、.．]\s*" + _YEAR + r"(?:度)?")
_THIS_YEAR = re.compile(r"今年以来|本年度|今年")
_OVER_THE_YEAR = re.compile(r"一年来|过去一年|年度内|今年以来|本年度")
_QUOTED = re.compile(r"《[^》]*》|“[^”]*”")
_DUE_MONTH = 4  # reports are due by 1 April; late ones still come out in spring
_BODY_MIN_COUNT = 2
# How surely each source states the year, by the way it states it.
_TITLE_LINE, _TITLE_FIELD = 0.95, 0.9
_OPENING_STATES, _OPENING_SENTENCE = 0.85, 0.75
_BODY_REPORTS, _BODY_HEADING, _BODY_MOST = 0.8, 0.7, 0.45
_PUBLISHED_LATE, _PUBLISHED_EARLY_STATED, _PUBLISHED_EARLY = 0.55, 0.6, 0.5
# The surest candidate each source can give: title, opening, body, publication.
_CEILINGS = (
    max(_TITLE_LINE, _TITLE_FIELD),
    max(_OPENING_STATES, _OPENING_SENTENCE),
    max(_BODY_REPORTS, _BODY_HEADING, _BODY_MOST),
    max(_PUBLISHED_LATE, _PUBLISHED_EARLY_STATED, _PUBLISHED_EARLY),
)


def report_year(head: ReportHead, *, published: str | None) -> Candidate[int] | None:
    """The year the report covers, from the most trusted evidence that states one.

    Example:
        >>> from ingest.extract.report_head import read_head
        >>> from ingest.model import PageMeta
        >>> head = read_head("某县2019年法治政府建设报告\\n正文。", PageMeta())
        >>> report_year(head, published=None).value
        2019
    """
    if published not in head.years:
        head.years[published] = _report_year(head, published)
    return head.years[published]


def _report_year(head: ReportHead, published: str | None) -> Candidate[int] | None:
    """The best candidate of the sources in order of trust (so the body's years are rarely
    counted); never a year after the publication."""
    latest = int(published[:4]) if published else None
    readers: tuple[Callable[[ReportHead], Candidate[int] | None], ...] = (
        _from_title,
        _from_opening,
        _from_body,
        partial(_from_publication, published=published),
    )
    sources = [
        (partial(_not_after, latest, read, head), ceiling)
        for read, ceiling in zip(readers, _CEILINGS, strict=True)
    ]
    return best(read_in_order(sources))


def _not_after(
    latest: int | None, read: Callable[[ReportHead], Candidate[int] | None], head: ReportHead
) -> Candidate[int] | None:
    found = read(head)
    return found if found is None or latest is None or found.value <= latest else None


def _first_year(text: str) -> int | None:
    match = _YEAR_ALONE.search(_QUOTED.sub(_blank, text))
    return int(match.group(1)) if match else None


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def _from_title(head: ReportHead) -> Candidate[int] | None:
    if head.title is None:
        return None
    year = _first_year(head.title.text)
    confidence = _TITLE_LINE if head.title.source == "title" else _TITLE_FIELD
    return candidate(year, head.title.source, confidence) if year else None


def _from_opening(head: ReportHead) -> Candidate[int] | None:
    """ "2023年，…", "现将…2023年…报告如下" in the opening; any "2023年，" in its first sentence."""
    if head.opening is None:
        return None
    text = _QUOTED.sub(_blank, head.opening.text)
    for pattern, confidence in (
        (_YEAR_OPENING, _OPENING_STATES),
        (_YEAR_TO_REPORT, _OPENING_STATES),
    ):
        if match := pattern.search(text):
            return candidate(int(match.group(1)), "opening", confidence)
    first_sentence = re.split(r"[。！？]", text, maxsplit=1)[0]
    if match := _YEAR_IN_SENTENCE.search(first_sentence):
        return candidate(int(match.group(1)), "opening", _OPENING_SENTENCE)
    return None


def _from_body(head: ReportHead) -> Candidate[int] | None:
    """A self-statement or a dated first heading in the head; else the year the body names most."""
    body = head.body
    counts = Counter(int(m.group(1)) for m in _YEAR_ALONE.finditer(_QUOTED.sub(_blank, body)))
    if match := _YEAR_TO_REPORT.search(body):
        return candidate(int(match.group(1)), "opening", _BODY_REPORTS)
    headings = (_YEAR_HEADING.match(line.text) for line in head.lines[:HEAD_LINES])
    if match := next((m for m in headings if m), None):
        return candidate(
            int(match.group(1)), "body", _BODY_HEADING
        )  # 一、2022年法治政府建设主要举措
    if not counts:
        return None
    year, count = max(counts.items(), key=lambda item: (item[1], item[0]))
    return candidate(year, "body", _BODY_MOST) if count >= _BODY_MIN_COUNT else None


def _from_publication(head: ReportHead, published: str | None) -> Candidate[int] | None:
    """Inferred: published January–April covers the year before; "今年以来" late in the year,
    that year."""
    if published is None:
        return None
    year, month = int(published[:4]), int(published[5:7])
    opening = head.opening.text if head.opening else ""
    if month >= 10 and _THIS_YEAR.search(opening):
        return candidate(year, "publication_date", _PUBLISHED_LATE, inferred=True)
    if month <= _DUE_MONTH:
        stated = bool(_OVER_THE_YEAR.search(opening))
        confidence = _PUBLISHED_EARLY_STATED if stated else _PUBLISHED_EARLY
        return candidate(year - 1, "publication_date", confidence, inferred=True)
    return None
