"""Sentence boundaries as the reports use them: 。！？!? and line breaks (not semicolons).

Example:
    >>> sentence_bounds("甲。乙丙。丁", 3, 4)
    (2, 5)
"""

from __future__ import annotations

import re
from bisect import bisect_left

_TERMINATORS = "。！？!?"
_BREAKS = "\n\r"
# one terminator (with the closing quotes after it) ends a sentence; a line break ends it before
_SENTENCE_END = re.compile(r"[。！？!?][”’」』)）]*|[\r\n]")
_MARK = re.compile(r"[。！？!?\r\n]")  # what may end the sentence before a mention
_SENTENCE = re.compile(r"[^。！？!?\r\n]*(?:[。！？!?]+[”’」』)）]*|(?=[\r\n])|$)")


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Start and end of the sentence(s) holding ``text[start:end]``, whitespace trimmed."""
    left = max(text.rfind(mark, 0, start) for mark in _TERMINATORS + _BREAKS) + 1
    return _trimmed(text, left, _sentence_end(text, max(end, start)))


class SentenceIndex:
    """:func:`sentence_bounds` for many mentions of one text: its sentence marks are found
    once, and each mention's sentence start is a bisection (each ``rfind`` of
    :func:`sentence_bounds` scans back to the text's start for a mark it does not hold).

    Example:
        >>> SentenceIndex("甲。乙丙。丁").bounds(3, 4)
        (2, 5)
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._marks = [match.start() for match in _MARK.finditer(text)]

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        """What ``sentence_bounds(text, start, end)`` answers."""
        before = bisect_left(self._marks, start)  # the marks before ``start``
        left = self._marks[before - 1] + 1 if before else 0
        return _trimmed(self.text, left, _sentence_end(self.text, max(end, start)))


def _trimmed(text: str, left: int, right: int) -> tuple[int, int]:
    while left < right and text[left].isspace():
        left += 1
    while right > left and text[right - 1].isspace():
        right -= 1
    return left, right


def _sentence_end(text: str, pos: int) -> int:
    stop = _SENTENCE_END.search(text, pos)
    if stop is None:
        return len(text)
    return stop.start() if stop.group() in _BREAKS else stop.end()


def iter_sentences(text: str) -> list[tuple[int, int]]:
    """All non-empty sentences of ``text`` as (start, end) offsets.

    Example:
        >>> iter_sentences("甲。\\n乙")
        [(0, 2), (3, 4)]
    """
    spans: list[tuple[int, int]] = []
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans
