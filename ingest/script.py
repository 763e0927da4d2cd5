"""Reports in traditional characters: read in simplified ones, evidence kept as written.

Some report pages are in traditional characters (法治政府建設年度報告, 縣人民政府,
《中華人民共和國行政處罰法》): a site's 繁體 version, a mirror, a quoted document. The gazetteer,
the lexicons and the canonical names are simplified, so extraction reads a simplified copy of
the text made one character for one: an offset into the copy is an offset into the page, and
what the page wrote (the evidence, the spellings of a name) is read back from the page.

The copy is OpenCC's phrase-level t2s conversion (the ``opencc`` package, dictionaries
included), which keeps 乾縣 as 乾县 where a character table says 干县; a line it would make
longer or shorter is converted character by character instead. Only traditional lines are
converted: simplified text uses some characters t2s would change (乾县 would become 干县).
A line is traditional when the characters t2s changes (國, 縣) outnumber those s2t changes
(国, 县), and it has three such marks or the text as a whole is traditional. Telling them
apart needs no OpenCC: the two sets of characters are read from OpenCC's tables once per
OpenCC version and kept in ``~/.cache/fazhi``; a simplified text never loads OpenCC.

``Extraction.text`` is the page as written (cleaned): evidence is what the report says, in
its own characters. Canonical forms, the report's title, region and author, and the page
fields are simplified, as the graph's keys and searches are. The report id hashes the
simplified reading, so a page and its 繁體 version that read the same are one report.

Example:
    >>> read_in_simplified("某縣2023年法治政府建設年度報告")
    '某县2023年法治政府建设年度报告'
    >>> text = "乾县人民政府，成效显著。"
    >>> read_in_simplified(text) is text
    True
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from ingest.model import (
    DocNumberRef,
    Extraction,
    InstitutionRef,
    Mention,
    PageMeta,
    PolicyRef,
    ProgramRef,
    RegionRef,
)

# Characters OpenCC's tables are read for: the CJK unified ideographs (base block and
# extensions A–F) and the compatibility ideographs.
_CJK_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x2EBF0))
# A line decides its own script from this many marked characters; one with fewer is
# converted only in a traditional text (乾县 alone reads as a name, not as 乾縣).
_EVIDENCE = 3


@dataclass(frozen=True, slots=True)
class ScriptMarks:
    """Characters only traditional text uses (t2s changes them), and only simplified text
    uses (s2t changes them)."""

    traditional: frozenset[str]
    simplified: frozenset[str]

    def votes(self, line: str) -> tuple[int, int]:
        """(traditional, simplified) marked characters in ``line``.

        Example:
            >>> load_script_marks().votes("某縣国")
            (1, 1)
        """
        return sum(map(self.traditional.__contains__, line)), sum(
            map(self.simplified.__contains__, line)
        )


def read_in_simplified(text: str) -> str:
    """``text`` with its traditional lines in simplified characters, one character for one;
    ``text`` itself (the same object) when it has none.

    Example:
        >>> read_in_simplified("认真贯彻《中華人民共和國行政處罰法》")
        '认真贯彻《中华人民共和国行政处罚法》'
    """
    marks = load_script_marks()
    if not _has_traditional(text):
        return text
    lines = text.split("\n")
    chosen = traditional_lines(lines, marks)
    if not any(chosen):
        return text
    converted = iter(_converted([line for line, pick in zip(lines, chosen, strict=True) if pick]))
    return "\n".join(
        next(converted) if pick else line for line, pick in zip(lines, chosen, strict=True)
    )


def _has_traditional(text: str) -> bool:
    """Whether ``text`` holds a character only traditional text uses.

    numpy looks each code point up in a table of the marks: ~23 instructions a character
    where a class of the ~2,500 marks took ~70 (sre tests its big set on every character),
    itself ~5x faster than ``frozenset.isdisjoint``, which makes a string object of every
    character. A one-string array holds the code points as UCS-4, copied from the string in
    ~3 instructions a character (encoding it in UTF-16 took ~10).
    """
    code_points = np.array([text]).view(np.uint32)  # (NULs at the end are pad: no mark)
    return bool(_mark_table().take(code_points).any())


def beyond_bmp(text: str) -> bool:
    """Whether ``text`` holds a character beyond the BMP: it takes two UTF-16 units.

    Encoding runs ~10x faster than a character-class search (a lone surrogate, which is in
    the BMP, is passed through as one unit).
    """
    return len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)


@functools.cache
def _mark_table() -> npt.NDArray[np.bool_]:
    """For each Unicode code point, whether it is a traditional mark."""
    table = np.zeros(sys.maxunicode + 1, dtype=np.bool_)
    table[[ord(char) for char in load_script_marks().traditional]] = True
    return table


def traditional_lines(lines: Sequence[str], marks: ScriptMarks) -> list[bool]:
    """Which lines to convert: those with more traditional marks than simplified ones, when
    they have enough marks to tell or the text as a whole is traditional.

    Example:
        >>> traditional_lines(["法治政府建設年度報告", "乾县", "乾縣"], load_script_marks())
        [True, False, True]
    """
    votes = [marks.votes(line) for line in lines]
    text_is_traditional = sum(t for t, _ in votes) > sum(s for _, s in votes)
    return [
        trad > simp and (trad + simp >= _EVIDENCE or text_is_traditional) for trad, simp in votes
    ]


def _converted(lines: list[str]) -> list[str]:
    """OpenCC t2s of each line; character by character where a phrase changed the length."""
    phrased = str(_opencc("t2s").convert("\n".join(lines))).split("\n")
    if len(phrased) != len(lines):  # a line break came or went: no line can be trusted
        return [line.translate(_character_table(line)) for line in lines]
    return [
        new if len(new) == len(old) else old.translate(_character_table(old))
        for old, new in zip(lines, phrased, strict=True)
    ]


def _character_table(text: str) -> dict[int, str]:
    """t2s of each character of ``text`` on its own, where that is one other character."""
    chars = sorted(set(text) - {"\n"})
    singles = _one_by_one(_opencc("t2s"), chars)
    return {ord(old): new for old, new in zip(chars, singles, strict=True) if old != new}


def _one_by_one(converter: Any, chars: Sequence[str]) -> list[str]:
    """Each character converted alone (a line break between them keeps phrases out); a
    character that does not come out as one character stays itself."""
    out = str(converter.convert("\n".join(chars))).split("\n")
    if len(out) != len(chars):
        out = [str(converter.convert(char)) for char in chars]
    return [new if len(new) == 1 else old for old, new in zip(chars, out, strict=True)]


@functools.cache
def _opencc(config: str) -> Any:
    import opencc  # only for text that has traditional characters (~0.1 s with a config)

    return opencc.OpenCC(config)


def page_in_simplified(page: PageMeta | None) -> PageMeta | None:
    """The fields a reader found (an HTML title …) in simplified characters, like the text.

    Example:
        >>> page_in_simplified(PageMeta(title="某縣法治政府建設年度報告")).title
        '某县法治政府建设年度报告'
    """
    if page is None:
        return None
    changes = {
        f.name: read_in_simplified(value)
        for f in fields(page)
        if isinstance(value := getattr(page, f.name), str)
    }
    return replace(page, **changes)


# --- which characters mark a script -----------------------------------------------------------


@functools.cache
def load_script_marks() -> ScriptMarks:
    """The marks, from the cache; read from OpenCC (~0.3 s) when the cache has none.

    Example:
        >>> marks = load_script_marks()
        >>> ("國" in marks.traditional, "国" in marks.simplified, "人" in marks.traditional)
        (True, True, False)
    """
    path = _cache_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return ScriptMarks(frozenset(data["traditional"]), frozenset(data["simplified"]))
    except (OSError, ValueError, KeyError, TypeError):
        marks = marks_from_opencc()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        data = {k: "".join(sorted(getattr(marks, k))) for k in ("traditional", "simplified")}
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        temporary.replace(path)
    except OSError:
        pass  # a read-only home only costs reading OpenCC's tables again next time
    return marks


def marks_from_opencc() -> ScriptMarks:
    """Every ideograph OpenCC's t2s changes on its own, and every one its s2t changes."""
    chars = [chr(code) for start, stop in _CJK_RANGES for code in range(start, stop)]
    return ScriptMarks(
        frozenset(_changed(chars, _one_by_one(_opencc("t2s"), chars))),
        frozenset(_changed(chars, _one_by_one(_opencc("s2t"), chars))),
    )


def _changed(chars: Iterable[str], converted: Iterable[str]) -> Iterable[str]:
    return (old for old, new in zip(chars, converted, strict=True) if old != new)


def _cache_path() -> Path:
    version = importlib.metadata.version("opencc")
    # The code that reads the tables is part of the key: editing it invalidates old caches.
    source = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "fazhi" / f"script-marks-{version}-{source}.json"


# --- back to the text as written --------------------------------------------------------------


def as_written(extraction: Extraction, *, written: str, plain: str) -> Extraction:
    """``extraction`` of the simplified reading ``plain`` of ``written``, with the text and the
    spellings of names as ``written`` has them; canonical forms stay simplified.

    Offsets stay as they are: the reading is one character for one.

    Example:
        >>> from ingest.model import ReportMeta
        >>> page = "落實《行政處罰法》"
        >>> x = Extraction("s", "id", read_in_simplified(page), ReportMeta())
        >>> as_written(x, written=page, plain=read_in_simplified(page)).text
        '落實《行政處罰法》'
    """
    if plain is written:
        return extraction
    body = written_body(extraction.text, plain=plain, written=written)
    if body is extraction.text:
        return extraction
    spell = _Speller(plain=extraction.text, written=body)
    return replace(
        extraction,
        text=body,
        policies=tuple(_respelled(ref, spell, "title") for ref in extraction.policies),
        doc_numbers=tuple(_respelled(ref, spell, "text") for ref in extraction.doc_numbers),
        regions=tuple(_respelled(ref, spell, "name") for ref in extraction.regions),
        institutions=tuple(_respelled(ref, spell, "name") for ref in extraction.institutions),
        programs=tuple(_respelled(ref, spell, "name") for ref in extraction.programs),
    )


Ref = TypeVar("Ref", PolicyRef, DocNumberRef, RegionRef, InstitutionRef, ProgramRef)


def _respelled(ref: Ref, spell: _Speller, field: str) -> Ref:
    """``ref`` with its first spelling (in ``field``) and its variants as written."""
    variants: tuple[str, ...] = getattr(ref, "variants", ())
    forms = spell(ref.mentions, (getattr(ref, field), *variants))
    changes: dict[str, Any] = {field: forms[0]}
    if hasattr(ref, "variants"):
        changes["variants"] = tuple(forms[1:])
    return replace(ref, **changes)


def written_body(body: str, *, plain: str, written: str) -> str:
    """The lines of ``body`` (cleaned from ``plain``) as ``written`` has them.

    Cleaning keeps lines (right-stripped) or the start of a line, in order; each is found in
    ``plain`` and taken from the same place in ``written``. ``body`` itself if one is not.

    Example:
        >>> written_body("某县报告", plain="导航\\n某县报告  ", written="導航\\n某縣報告  ")
        '某縣報告'
    """
    plain_lines, written_lines = plain.split("\n"), written.split("\n")
    out: list[str] = []
    index = 0
    for line in body.split("\n"):
        if not line:
            out.append(line)
            continue
        found = _find_line(line, plain_lines, index)
        if found is None:
            return body
        index, column = found
        out.append(written_lines[index][column : column + len(line)])
        index += 1
    return "\n".join(out)


def _find_line(line: str, lines: Sequence[str], start: int) -> tuple[int, int] | None:
    """(line index, column) of ``line`` in ``lines`` from ``start``: a whole line first."""
    for index in range(start, len(lines)):
        if lines[index].rstrip() == line:
            return index, 0
    for index in range(start, len(lines)):
        column = lines[index].find(line)
        if column >= 0:
            return index, column
    return None


@dataclass(frozen=True, slots=True)
class _Speller:
    """Spellings of a name as written, from the places it is mentioned."""

    plain: str
    written: str

    def __call__(self, mentions: Sequence[Mention], spellings: Sequence[str]) -> list[str]:
        """Each spelling as written where a mention reads it (several if it was written in
        several ways), else as given; the first stays first.

        Example:
            >>> spell = _Speller(plain="县与县", written="縣与县")
            >>> spell((Mention(0, 1), Mention(2, 3)), ("县",))
            ['縣', '县']
        """
        written_forms: dict[str, list[str]] = {}
        for mention in mentions:
            forms = written_forms.setdefault(self.plain[mention.start : mention.end], [])
            form = self.written[mention.start : mention.end]
            if form not in forms:
                forms.append(form)
        out: list[str] = []
        for spelling in spellings:
            for form in written_forms.get(spelling, [spelling]):
                if form not in out:
                    out.append(form)
        return out
