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
from collections.abc import Iterator
from functools import cache, partial
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
# The same figures found by a regex scan, for a text beyond the BMP. The lookbehind stands after
# the first digit: a regex led by a character class scans ~3x faster than one led by a group.
_FIGURE_SCAN = re.compile(rf"(?P<number>\d(?<![\d.]\d)\d*+(?:\.\d+)?){_AFTER_DIGITS}")
_POINT = ord(".")
# For each BMP code point, whether it is a digit (what ``\d`` matches).
_DIGIT_TABLE = np.array([char.isdecimal() for char in map(chr, range(0x10000))])
# For each BMP code point, whether it may follow a figure's digits: a point, an approximation,
# a scale or the first character of a unit.
_FIGURE_FOLLOWER = np.zeros(0x10000, dtype=np.bool_)
_FIGURE_FOLLOWERS = ".余多万亿" + "".join(unit[0] for unit in _UNITS.split("|"))
_FIGURE_FOLLOWER[[ord(char) for char in _FIGURE_FOLLOWERS]] = True
_APPROXIMATIONS = ("超过", "近", "约", "逾")
_APPROXIMATION_ENDS = frozenset(word[-1] for word in _APPROXIMATIONS)
_LOOKBACK = 120  # characters of the sentence read before a figure
_SCALES = {"万": 10_000.0, "亿": 100_000_000.0}
_CLAUSE_BREAK = re.compile(r"[\n,，;；、:：。!！?？(（)）]")
_SENTENCE_BREAKS = "\n。!！?？"  # each one a clause break too
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
    keep, skip = _keyword_patterns()
    marks: str | None = None  # found at the first figure: most texts have figures
    metrics: list[Metric] = []
    for match in _figures(text):
        marks = _sentence_marks(text) if marks is None else marks
        metric = _metric(text, match, marks, keep, skip)
        if metric is not None:
            metrics.append(metric)
    return tuple(metrics)


def _figures(text: str) -> Iterator[re.Match[str]]:
    """The figures of ``text``, in order.

    A regex scan for figures tests every character for a digit (~120 instructions a character);
    numpy looks the text's UTF-16 units up in a table of the digits (~30), and the figure regex
    is matched only where a figure can start. A text beyond the BMP is scanned by the regex.
    """
    # a character that is no digit, no point and no unit on each side: runs of digits end in it
    units = np.frombuffer(f"\0{text}\0".encode("utf-16-le", "surrogatepass"), dtype="<u2")
    if len(units) != len(text) + 2:  # beyond the BMP: a character takes two units
        return _FIGURE_SCAN.finditer(text)
    read_figure_at = partial(_FIGURE.match, text)
    return filter(None, map(read_figure_at, _figure_starts(units)))


def _figure_starts(padded: npt.NDArray[np.uint16]) -> list[int]:
    """Where a figure may start in the text ``padded`` holds between two NULs: a run of digits
    after no point, followed by a character that may follow a figure's digits (most runs that
    are not figures are years: 2023年)."""
    digit = _DIGIT_TABLE.take(padded)
    edges = np.flatnonzero(digit[1:] != digit[:-1])
    starts, ends = edges[0::2], edges[1::2]  # each run of digits: text[start:end]
    # the character before a run is padded[start], the one after it padded[end + 1]
    followed = _FIGURE_FOLLOWER.take(padded.take(ends + 1))
    figure_starts: list[int] = starts[followed > (padded.take(starts) == _POINT)].tolist()
    return figure_starts


def _sentence_marks(text: str) -> str:
    """The sentence breaks ``text`` holds (most texts hold two: 。 and the newline)."""
    return "".join(mark for mark in _SENTENCE_BREAKS if mark in text)


def _sentence_start(text: str, marks: str, start: int) -> int:
    """Where the sentence ``start`` stands in begins (at most ``_LOOKBACK`` characters back);
    ``marks``: the sentence breaks the text holds.

    ``rfind`` per break reads back from ``start`` in C: cheaper than listing every break of
    the text, a Python step each, to bisect them.
    """
    # Conditionals, not max(): it takes a call through its generic machinery (~1 µs here),
    # for every figure of every report.
    sentence_start = start - _LOOKBACK if start > _LOOKBACK else 0
    for mark in marks:
        after_break = text.rfind(mark, sentence_start, start) + 1
        if after_break > sentence_start:
            sentence_start = after_break
    return sentence_start


def _clause_ending(sentence: str) -> str:
    """The sentence's last clause: every sentence break is a clause break too."""
    found = _CLAUSE_BREAK.search(sentence[::-1])  # read backwards: the last break comes first
    return sentence if found is None else sentence[len(sentence) - found.start() :]


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
    match: re.Match[str],
    marks: str,
    keep: re.Pattern[str],
    skip: re.Pattern[str],
) -> Metric | None:
    """The figure ``match`` found, if its sentence speaks of rule-of-law work (``keep``) and
    its clause not of crime or money (``skip``)."""
    start = match.start()
    before = text[start - 1] if start else ""  # read once: each read makes a new string
    if before in _APPROXIMATION_ENDS:  # rare: the call is saved otherwise
        start = _figure_start(text, start)
        before = text[start - 1] if start else ""
        # the digits follow no digit and no point (see _figures); the word before them may
        if before.isdigit() or before == ".":
            return None
    # Cheapest test first: ~40% of figures stand in a sentence with no rule-of-law word.
    sentence_start = _sentence_start(text, marks, start)
    if keep.search(text, sentence_start, start) is None:  # the sentence is not copied for it
        return None
    clause = _clause_ending(text[sentence_start:start])
    if skip.search(clause) is not None:  # about crime or money
        return None
    subject = subject_of(clause)
    if not subject:
        return None
    number, scale, unit = match.group("number", "scale", "unit")
    value = parse_value(number, scale)
    unit = "%" if unit == "％" else unit
    # positional: called with keywords, a class gets them in a dict (~1,500 instructions more)
    return Metric(subject, value, unit, start, match.end())


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
def _keyword_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The keyword sets as alternations: one regex search instead of a loop over the words."""
    return _any_of(load_keywords()[0]), _any_of(load_keywords()[1])


def _any_of(words: frozenset[str]) -> re.Pattern[str]:
    if not words:
        return re.compile(r"(?!)")  # no keyword: never matches
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
