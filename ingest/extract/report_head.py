"""The head of a report, read before any region is known: lines, title, salutation, opening.

Real pages rarely start with their title. Site navigation, breadcrumbs and metadata tables
(索引号 / 发布机构 / 标题) stand before it; the issuer and the title may take two lines
(某县人民政府 / 关于2024年法治政府建设情况的报告); a salutation (县人大常委会：) may stand
between the title and the opening; some pages give the title only in a metadata field or the
HTML <title>. So the title is looked for among the first lines of the text, then in the
page's fields.

Example:
    >>> from ingest.model import PageMeta
    >>> head = read_head("首页 > 政务公开\\n某县人民政府\\n关于2024年法治政府建设情况的报告\\n"
    ...                  "县人大常委会：\\n2024年，我县坚持依法行政，成效明显。", PageMeta())
    >>> head.title.text, head.salutation.text, head.opening.text[:5]
    ('某县人民政府关于2024年法治政府建设情况的报告', '县人大常委会：', '2024年')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Generic, NamedTuple, TypeVar

from ingest.model import Attribution, AttributionSource, PageMeta

T = TypeVar("T")

HEAD_LINES = 20  # titles, salutations and openings stand within the first lines of a page
BODY_SPAN = 4000  # characters of the body, from its start, in which years are counted
TAIL_LINES = 4  # the signature block: body name, date, and maybe a blank or a seal note
_TITLE_SHAPE = re.compile(
    r"^[^。！？!?；;，,：:]{6,90}(?:报告|总结|报告书)(?:\s*[（(][^）)]{1,16}[）)])?$"
)
_TITLE_TOPIC = re.compile(r"法治|依法行政|法制|依法治")
_NOT_A_REPORT = re.compile(r"关于印发|的通知$|的决定$|的意见$|的批复$|述法")
_SECTION_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}\s*[、.．])"
)
_ISSUER_LINE = re.compile(r"^[\u4e00-\u9fff（）()]{2,30}$")
_SALUTATION = re.compile(
    r"^[\u4e00-\u9fff、（）()]{2,40}(?:委员会|常委会|人大|政府|党委|[省市州县区旗盟]委|领导)[:：]\s*"
)
_SUBJECTLESS = re.compile(r"^(?:关于|(?:19|20)\d{2}\s*年)")  # the issuer stands on the line above
_OPENING_MIN = 16  # an opening is a sentence, not a heading
_CLAUSE_MARK = re.compile(r"[，,。；;]")
_PAGE_TITLE_SEPARATORS = re.compile(r"\s*[-_|｜—]+\s*")


@dataclass(frozen=True, slots=True)
class Candidate(Generic[T]):
    """One reading of a fact about the report, with the evidence it comes from."""

    value: T
    attribution: Attribution


def candidate(value: T, source: AttributionSource, confidence: float, **kw: bool) -> Candidate[T]:
    """Shorthand for a :class:`Candidate`.

    Example:
        >>> candidate(2023, "title", 0.95).attribution.source
        'title'
    """
    return Candidate(value, Attribution(source, confidence, **kw))


Source = tuple[Callable[[], "Candidate[T] | None"], float]  # a reader, the surest it can give


def read_in_order(
    sources: Sequence[Source[T]], *, settles: Callable[[Candidate[T]], bool] = lambda _: True
) -> list[Candidate[T]]:
    """The candidates ``sources`` give, read in order of trust until one found that ``settles``
    is as sure as any later source can be: ``best`` of them is then what reading every source
    gives (it keeps the first of equals), and the costly late sources are rarely read.

    Example:
        >>> sources = [(lambda: candidate(1, "title", 0.9), 0.95), (lambda: 1 / 0, 0.8)]
        >>> [c.value for c in read_in_order(sources)]
        [1]
    """
    found: list[Candidate[T]] = []
    surest: Candidate[T] | None = None  # best(found), kept as found grows
    for (read, _), later in zip(sources, _ceilings_from(sources), strict=True):
        if surest and settles(surest) and surest.attribution.confidence >= later:
            break
        if (found_here := read()) is not None:
            found.append(found_here)
            if surest is None or found_here.attribution.confidence > surest.attribution.confidence:
                surest = found_here
    return found


def _ceilings_from(sources: Sequence[Source[T]]) -> list[float]:
    """The surest any source from each one on can give (a loop: ``max()`` is a slow call)."""
    ceilings: list[float] = []
    surest = float("-inf")
    for _, ceiling in reversed(sources):
        surest = ceiling if ceiling > surest else surest
        ceilings.append(surest)
    ceilings.reverse()
    return ceilings


def best(candidates: Sequence[Candidate[T]]) -> Candidate[T] | None:
    """The most confident candidate; the first given wins a tie.

    Example:
        >>> best([candidate(1, "body", 0.4), candidate(2, "title", 0.9)]).value
        2
    """
    return max(candidates, key=lambda c: c.attribution.confidence, default=None)


class Line(NamedTuple):
    """A stripped, non-blank line and where it starts in the text.

    A named tuple: every line of every report is one, and a frozen dataclass took ~10x as long
    to make.
    """

    text: str
    start: int

    @property
    def end(self) -> int:
        """Offset just past the line's last character."""
        return self.start + len(self.text)


@dataclass(frozen=True, slots=True)
class Title:
    """The report's title, and where it stands in the text (None: only in the page's fields)."""

    text: str
    source: AttributionSource  # "title" (a line of the text or the page title) or "metadata"
    spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class ReportHead:
    """What a report says about itself before any region is known.

    ``lines`` are the first ``HEAD_LINES`` lines (stripped, blank ones left out), ``tail`` the
    last ``TAIL_LINES`` and ``body`` the first ``BODY_SPAN`` characters of all of them joined.
    """

    lines: tuple[Line, ...]
    tail: tuple[str, ...]
    body: str
    title: Title | None
    salutation: Line | None
    opening: Line | None
    page: PageMeta
    # The year read from this head, by publication date: it is asked before the regions are
    # read and again with them (see report_year.report_year).
    years: dict[str | None, Candidate[int] | None] = field(
        default_factory=dict, compare=False, repr=False
    )


def read_head(text: str, page: PageMeta) -> ReportHead:
    """The report's lines, title, salutation and opening sentence line.

    Example:
        >>> read_head("  \\n某县2019年法治政府建设工作报告\\n2019年，我县……", PageMeta()).title.text
        '某县2019年法治政府建设工作报告'
    """
    raw_lines = text.split("\n")
    head = tuple(_first_lines(raw_lines))
    title = _title_in_lines(head) or _title_in_page(page)
    after_title = _after(head, title)
    salutation, opening = _salutation_and_opening(after_title)
    # Only the head needs where its lines stand: the others are only read, stripped in C.
    texts = [line for line in map(str.strip, raw_lines) if line]
    tail = tuple(texts[-TAIL_LINES:])
    return ReportHead(head, tail, "\n".join(texts)[:BODY_SPAN], title, salutation, opening, page)


def is_report_title(line: str) -> bool:
    """Whether a line reads as the title of a rule-of-law report.

    Example:
        >>> is_report_title("柳城县2023年法治政府建设年度报告"), is_report_title("工作报告")
        (True, False)
        >>> is_report_title("关于印发《某县法治政府建设实施方案》的通知")
        False
        >>> is_report_title("一、2023年法治政府建设工作总结")
        False
    """
    if "报告" not in line and "总结" not in line:  # what a title must end in: most lines fail here
        return False
    return bool(
        _TITLE_SHAPE.match(line)
        and _TITLE_TOPIC.search(line)
        and not _NOT_A_REPORT.search(line)
        and not _SECTION_HEADING.match(line)
    )


def _first_lines(raw_lines: Sequence[str]) -> list[Line]:
    """The first ``HEAD_LINES`` of the lines of a text that are not blank, stripped."""
    found: list[Line] = []
    offset = 0
    for raw in raw_lines:
        stripped = raw.strip()
        if stripped:  # it starts where the leading whitespace ends
            found.append(Line(stripped, offset + len(raw) - len(raw.lstrip())))
            if len(found) == HEAD_LINES:
                break
        offset += len(raw) + 1
    return found


def _title_in_lines(lines: Sequence[Line]) -> Title | None:
    """The first title line, joined with the issuer line above it (某县人民政府 / 关于…的报告)
    or with the line that completes it when the title wraps. A page that shows the bare
    title first and the issuer with the title further down gets the fuller one."""
    found = list(_titles_in_lines(lines))
    bare = found[0] if found else None
    fuller = next(
        (t for t in found if len(t.spans) > 1 and bare and t.text.endswith(bare.text)), None
    )
    return fuller or bare


def _titles_in_lines(lines: Sequence[Line]) -> Iterator[Title]:
    titles = [is_report_title(line.text) for line in lines]  # each line is asked twice
    for index, line in enumerate(lines):
        previous = lines[index - 1] if index else None
        if titles[index]:
            if previous and _is_issuer_line(previous.text) and _SUBJECTLESS.match(line.text):
                yield _joined(previous, line)
            else:
                yield Title(line.text, "title", ((line.start, line.end),))
            continue
        following = lines[index + 1] if index + 1 < len(lines) else None
        wraps = following and not titles[index + 1] and len(line.text) <= 40
        if following and wraps and is_report_title(line.text + following.text):
            yield _joined(line, following)


def _is_issuer_line(text: str) -> bool:
    return bool(_ISSUER_LINE.match(text)) and not is_report_title(text)


def _joined(first: Line, second: Line) -> Title:
    return Title(
        first.text + second.text, "title", ((first.start, first.end), (second.start, second.end))
    )


def _title_in_page(page: PageMeta) -> Title | None:
    """A 标题/名称 field or the HTML title (site suffix cut off) that reads as a report title."""
    for part in _PAGE_TITLE_SEPARATORS.split(page.title or ""):
        if is_report_title(part.strip()):
            return Title(part.strip(), "metadata")
    return None


def _after(lines: Sequence[Line], title: Title | None) -> Sequence[Line]:
    if title is None or not title.spans:
        return lines
    title_end = title.spans[-1][1]
    return [line for line in lines if line.start >= title_end]


def _salutation_and_opening(lines: Sequence[Line]) -> tuple[Line | None, Line | None]:
    """The addressee line (县人大常委会：) and the first sentence line after it; pages that lost
    their line breaks run both together (中共某市委、某市人民政府：2020年，某县…)."""
    salutation: Line | None = None
    for index, line in enumerate(lines):
        match = _SALUTATION.match(line.text) if index < 3 and salutation is None else None
        if match:
            salutation = Line(match.group(0).strip(), line.start)
            rest = line.text[match.end() :]
            line = Line(rest, line.start + match.end())
        if _is_opening(line.text):
            return salutation, line
    return salutation, None


def _is_opening(text: str) -> bool:
    return len(text) >= _OPENING_MIN and bool(_CLAUSE_MARK.search(text))
