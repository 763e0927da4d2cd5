"""Sentence boundaries as the reports use them: 。！？!? and line breaks (not semicolons).

Example:
    >>> sentence_bounds("甲。乙丙。丁", 3, 4)
    (2, 5)
"""

from __future__ import annotations

import re

_TERMINATORS = "。！？!?"
_BREAKS = "\n\r"
_SENTENCE = re.compile(r"[^。！？!?\r\n]*(?:[。！？!?]+[”’」』)）]*|(?=[\r\n])|$)")


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Start and end of the sentence(s) holding ``text[start:end]``, whitespace trimmed."""
    left = start
    while left > 0 and text[left - 1] not in _TERMINATORS and text[left - 1] not in _BREAKS:
        left -= 1
    right = max(end, start)
    while right < len(text) and text[right] not in _BREAKS:
        right += 1
        if text[right - 1] in _TERMINATORS:
            right = _skip_closers(text, right)
            break
    while left < right and text[left].isspace():
        left += 1
    while right > left and text[right - 1].isspace():
        right -= 1
    return left, right


def _skip_closers(text: str, pos: int) -> int:
    """Keep closing quotes and brackets that follow a terminator inside the sentence."""
    while pos < len(text) and text[pos] in "”’」』)）":
        pos += 1
    return pos


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
