"""Rule-of-law figures: 受理行政复议案件30件, 出庭应诉率100%, 聘用法律顾问5人, 近2万件次.

A figure is a number with a counting unit (件, 人次, %, 场(次) …), read with its approximations
(80余 → 80, 近2万 → 20000, 5.5万 → 55000). Its subject is the noun phrase of the same clause
before the number, with leading time words and deictics (全年, 我县, 累计 …) and trailing
verbs (达到, 为 …) trimmed. Only figures whose clause speaks of rule-of-law work (the keyword
list in ``ingest/data/metric_keywords.txt``) are kept.

Example:
    >>> m = extract_metrics("2023年,我县累计受理行政复议案件30件,出庭应诉率达100%。")
    >>> [(x.subject, x.value, x.unit) for x in m]
    [('受理行政复议案件', 30.0, '件'), ('出庭应诉率', 100.0, '%')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ingest.datafiles import data_lines, data_path
from ingest.model import Metric

KEYWORDS_FILE = data_path("metric_keywords.txt")

_UNITS = (
    "件/次|件次|人次|场次|批次|班次|场\\(次\\)|册\\(本\\)|%|％|件|人|名|场|次|份|家|个|起|本|期|条"
    "|项|册|宗|户|班"
)


# What follows a figure's digits: an approximation (80余), a scale (2万) and a counting unit.
_AFTER_DIGITS = rf"(?P<more>余|多)?(?P<scale>万|亿)?(?:余|多)?(?P<unit>{_UNITS})"
# A figure read from where it starts: a digit after neither a digit nor a point (never the 23
# of 2023, the 5 of 1.5; see _figure_starts). The digits are taken possessively.
_FIGURE = re.compile(rf"(?P<number>\d++(?:\.\d+)?){_AFTER_DIGITS}")
_CLAUSE_BREAKS = "\n,，;；、:：。!！?？(（)）"
_SENTENCE_BREAKS = "\n。!！?？"  # each one a clause break too
# What each BMP code point is to the figure reader, as bits: one table lookup a character
# tells the digits (what ``\d`` matches), what may follow them and the breaks that bound a
# figure's sentence and clause.
_DIGIT, _FOLLOWER, _POINT, _CLAUSE_BREAK, _SENTENCE_BREAK = 1, 2, 4, 8, 16
# a point, an approximation, a scale or the first character of a unit may follow the digits
_FOLLOWERS = ".余多万亿" + "".join(unit[0] for unit in _UNITS.split("|"))
_BMP_END = 0xFFFF  # what a character beyond the BMP is looked up as (then told apart)


def _char_class_table() -> npt.NDArray[np.uint8]:
    """:data:`_CHAR_CLASS`: the bits of each BMP code point."""
    table = np.array([char.isdecimal() for char in map(chr, range(_BMP_END + 1))], np.uint8)
    for chars, bit in (
        (_FOLLOWERS, _FOLLOWER),
        (".", _POINT),
        (_CLAUSE_BREAKS, _CLAUSE_BREAK),
        (_SENTENCE_BREAKS, _SENTENCE_BREAK),
    ):
        table[[ord(char) for char in chars]] |= bit
    return table


_CHAR_CLASS = _char_class_table()
_APPROXIMATIONS = ("超过", "近", "约", "逾")
_APPROXIMATION_ENDS = frozenset(word[-1] for word in _APPROXIMATIONS)
_LOOKBACK = 120  # characters of the sentence read before a figure
_SCALES = {"万": 10_000.0, "亿": 100_000_000.0}
_LEADING = re.compile(
    r"^(?:其中|全年|一年来|今年以来|年内|截至\S{0,6}|共计|共|累计|总计|先后|全区|全县|全市|全盟|全旗"
    r"|我县|我区|我市|我盟|我旗|各级|各类|同比|\d{4}年度?)+"
)
_TRAILING_WORDS = "均达到|分别达到|分别为|达到|均为|达|为|至|共计|共|累计|约|近|超过|逾"
_TRAILING = re.compile(f"(?:{_TRAILING_WORDS})+$")
# A clause ends in a linking verb only if its last character ends one: most do not, and a
# pattern anchored at the end is still tried at every position of the clause.
_TRAILING_ENDS = frozenset(word[-1] for word in _TRAILING_WORDS.split("|"))


@cache
def load_keywords(path: Path = KEYWORDS_FILE) -> tuple[frozenset[str], frozenset[str]]:
    """(rule-of-law keywords, excluded keywords) read from a two-section data file.

    Example:
        >>> "复议" in load_keywords()[0]
        True
    """
    sections: dict[str, set[str]] = {"[keep]": set(), "[skip]": set()}
    current: set[str] | None = None
    for number, line in data_lines(path):
        word = line.strip()
        if word.startswith("["):
            if word not in sections:
                raise ValueError(f"{path}:{number}: unknown section {word!r}")
            current = sections[word]
        elif current is None:
            raise ValueError(f"{path}:{number}: keyword {word!r} before any [keep]/[skip] section")
        else:
            current.add(word)
    return frozenset(sections["[keep]"]), frozenset(sections["[skip]"])


def parse_value(number: str, scale: str | None) -> float:
    """近2万 → 20000; 5.5万 → 55000; 80(余) → 80.

    Example:
        >>> parse_value("5.5", "万")
        55000.0
    """
    value = float(number) * _SCALES.get(scale or "", 1.0)
    # Most figures are whole numbers, which round() (a decimal conversion, ~2,500 instructions)
    # gives back unchanged.
    return value if value.is_integer() else round(value, 4)


def extract_metrics(text: str) -> tuple[Metric, ...]:
    """Rule-of-law figures with their subject, value, unit and the figure's offsets.

    Example:
        >>> [m.value for m in extract_metrics("调解纠纷近2万件次，刑事立案1129件。")]
        [20000.0]
    """
    keep, skip, longest_keep = _keyword_patterns()
    keywords = _KeywordsBefore(text, keep, longest_keep)
    metrics: list[Metric] = []
    for digits, after_sentence_break, after_clause_break in _figure_bounds(text):
        metric = _metric(text, digits, after_sentence_break, after_clause_break, keywords, skip)
        if metric is not None:
            metrics.append(metric)
    return tuple(metrics)


def _figure_bounds(text: str) -> Iterable[tuple[int, int, int]]:
    """Where a figure may start in ``text``, each with where the text after the last sentence
    break and after the last clause break before it starts (0: none).

    numpy reads every character's class in one table lookup (~30 instructions a character,
    where a regex scan for digits took ~120) and finds the breaks before each figure by a
    binary search: per figure, a Python loop over the breaks read back from it took longer.
    """
    classes = _char_classes(text)
    starts = _figure_starts(classes)
    if not len(starts):
        return ()
    classes[0] = _CLAUSE_BREAK | _SENTENCE_BREAK  # the text start: where the first ones begin
    # The position of a break in ``classes`` (padded by one) is where the text after it starts.
    # Every sentence break is a clause break, and theirs are the highest bits: a comparison
    # makes a boolean array, whose nonzero() is ~4x as fast as a uint8 one's.
    clause_breaks = (classes >= _CLAUSE_BREAK).nonzero()[0]
    sentence_breaks = clause_breaks[(classes.take(clause_breaks) & _SENTENCE_BREAK) != 0]
    return zip(
        starts.tolist(),
        _after_last(sentence_breaks, starts).tolist(),
        _after_last(clause_breaks, starts).tolist(),
        strict=True,
    )


def _char_classes(text: str) -> npt.NDArray[np.uint8]:
    """The :data:`_CHAR_CLASS` bits of each character of ``text``, between a NUL each side
    (then every run of digits has both ends in the array)."""
    code_points = np.array([f"\0{text}\0"]).view(np.uint32)
    classes = _CHAR_CLASS.take(code_points, mode="clip")  # beyond the BMP: read as U+FFFF
    if code_points.max() > _BMP_END:  # a digit beyond the BMP is a digit still (𝟓, U+1D7D3)
        for position in np.flatnonzero(code_points > _BMP_END).tolist():
            classes[position] = _DIGIT if text[position - 1].isdecimal() else 0
    return classes


def _figure_starts(classes: npt.NDArray[np.uint8]) -> npt.NDArray[np.intp]:
    """Where a figure may start in the text whose character classes ``classes`` holds between
    two NULs: a run of digits after no point, followed by a character that may follow a
    figure's digits (most runs that are not figures are years: 2023年)."""
    digit = classes & _DIGIT
    edges = (digit[1:] != digit[:-1]).nonzero()[0]
    starts, ends = edges[0::2], edges[1::2]  # each run of digits: text[start:end]
    # the character before a run is classes[start], the one after it classes[end + 1]
    followed = (classes.take(ends + 1) & _FOLLOWER) != 0
    after_point = (classes.take(starts) & _POINT) != 0
    figure_starts: npt.NDArray[np.intp] = starts[followed > after_point]
    return figure_starts


def _after_last(breaks: npt.NDArray[np.intp], starts: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """For each of ``starts``, the greatest of ``breaks`` not above it (``breaks[0]`` is 0)."""
    after: npt.NDArray[np.intp] = breaks[breaks.searchsorted(starts, side="right") - 1]
    return after


class _KeywordsBefore:
    """Whether a rule-of-law keyword stands in a figure's sentence before the figure.

    The figures of one sentence ask in turn, each about a longer stretch of it: a keyword the
    one before found answers the next, and where none was found, only what follows is read.
    """

    __slots__ = ("found", "longest", "pattern", "read_to", "sentence_start", "text")

    def __init__(self, text: str, pattern: re.Pattern[str], longest: int) -> None:
        self.text, self.pattern, self.longest = text, pattern, longest
        self.sentence_start, self.found, self.read_to = -1, False, 0

    def before(self, sentence_start: int, start: int) -> bool:
        """Whether a keyword lies in ``text[sentence_start:start]`` (``start`` above the last
        one asked)."""
        position = sentence_start
        if sentence_start == self.sentence_start:
            if self.found:
                return True
            # none lies before read_to: one found now ends after it
            position = self.read_to - self.longest + 1
            if position < sentence_start:
                position = sentence_start
        self.sentence_start, self.read_to = sentence_start, start
        self.found = self.pattern.search(self.text, position, start) is not None
        return self.found


def _figure_start(text: str, digits: int) -> int:
    """Where the figure starts: at an approximation word (近, 约, 逾, 超过) right before it."""
    if digits == 0 or text[digits - 1] not in _APPROXIMATION_ENDS:  # the usual case, decided fast
        return digits
    for word in _APPROXIMATIONS:
        if text.startswith(word, max(0, digits - len(word)), digits):
            return digits - len(word)
    return digits


def _metric(
    text: str,
    digits: int,
    after_sentence_break: int,
    after_clause_break: int,
    keywords: _KeywordsBefore,
    skip: re.Pattern[str],
) -> Metric | None:
    """The figure whose digits start at ``digits``, if it is one and its sentence speaks of
    rule-of-law work (``keywords``) and its clause not of crime or money (``skip``); the
    breaks are the last ones before the digits (an approximation word before them holds none).

    The figure is read last: ~40% of the places tried fail a keyword test first.
    """
    start = digits
    if digits and text[digits - 1] in _APPROXIMATION_ENDS:  # rare: the call is saved otherwise
        start = _figure_start(text, digits)
        before = text[start - 1] if start else ""
        # the digits follow no digit and no point (see _figure_starts); the word before them may
        if before.isdigit() or before == ".":
            return None
    # Conditionals, not max(): it takes a call through its generic machinery (~1 µs here),
    # for every figure of every report.
    sentence_start = start - _LOOKBACK if start > _LOOKBACK else 0
    if after_sentence_break > sentence_start:
        sentence_start = after_sentence_break
    if not keywords.before(sentence_start, start):
        return None
    clause_start = after_clause_break if after_clause_break > sentence_start else sentence_start
    clause = text[clause_start:start]
    if skip.search(clause) is not None:  # about crime or money
        return None
    subject = subject_of(clause)
    match = _FIGURE.match(text, digits) if subject else None
    if match is None:
        return None
    number, scale, unit = match.group("number", "scale", "unit")
    # positional: called with keywords, a class gets them in a dict (~1,500 instructions more)
    return Metric(
        subject, parse_value(number, scale), "%" if unit == "％" else unit, start, match.end()
    )


def subject_of(clause: str) -> str:
    """The noun phrase a figure counts: time words, deictics and linking verbs trimmed.

    Example:
        >>> subject_of("2023年我县累计受理行政复议案件")
        '受理行政复议案件'
    """
    subject = clause.strip()
    # match, not sub: sub would go on to try every later position, where ^ cannot match
    leading = _LEADING.match(subject)
    if leading is not None:
        subject = subject[leading.end() :]
    if subject[-1:] not in _TRAILING_ENDS:
        return subject
    return _TRAILING.sub("", subject)


@cache
def _keyword_patterns() -> tuple[re.Pattern[str], re.Pattern[str], int]:
    """The keyword sets as alternations (one regex search instead of a loop over the words),
    and the length of the longest rule-of-law keyword."""
    keep, skip = load_keywords()
    return _any_of(keep), _any_of(skip), max(map(len, keep), default=0)


def _any_of(words: frozenset[str]) -> re.Pattern[str]:
    if not words:
        return re.compile(r"(?!)")  # no keyword: never matches
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
