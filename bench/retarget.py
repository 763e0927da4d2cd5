"""Derive a full-size synthetic corpus from a few thousand extracted reports.

Extracting 100,000 reports takes hours; the graph a benchmark stores depends on who reports
what, not on the prose. So a few thousand reports are extracted (:func:`bench.corpus.generate`)
and each report of the full corpus is one of them re-targeted to a slot of the plan a real
corpus follows (:func:`plan`): every current county-level region reports each year of
:data:`YEARS`, and its departments (:data:`DEPARTMENTS`) fill the rest. Re-targeting rewrites
the report's region chain (county, prefecture, province: names in titles, institutions and
regions mentioned), year, author, its local document's 文号 and the report id; the text (and
so the evidence sentences) stays the base report's, shared, which keeps the corpus small.

Example:
    >>> slots = plan(5, [("110101", "东城区")], seed=1)
    >>> [(s.region_code, s.department) for s in slots][:2]
    [('110101', None), ('110101', None)]
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.gazetteer import Gazetteer, load_gazetteer
from ingest.model import (
    DocNumberRef,
    Extraction,
    InstitutionRef,
    PolicyRef,
    RegionInfo,
    RegionRef,
    ReportMeta,
)
from ingest.vocabulary import RegionLevel

YEARS = range(2015, 2025)
DEPARTMENTS = (
    "司法局",
    "公安局",
    "市场监督管理局",
    "生态环境局",
    "自然资源局",
    "人力资源和社会保障局",
    "住房和城乡建设局",
    "交通运输局",
    "应急管理局",
    "教育局",
)


@dataclass(frozen=True, slots=True)
class Slot:
    """Who reports on which year: a county government (department None) or one department."""

    region_code: str
    year: int
    department: str | None


def plan(count: int, counties: Sequence[tuple[str, str]], *, seed: int = 2019) -> list[Slot]:
    """``count`` slots: every county's government report for every year first (shuffled),
    then department reports of random counties and years, without repeats."""
    rng = random.Random(seed)
    governments = [Slot(code, year, None) for code, _ in counties for year in YEARS]
    rng.shuffle(governments)
    slots = governments[:count]
    taken: set[Slot] = set()
    while len(slots) < count:
        code, _ = rng.choice(counties)
        slot = Slot(code, rng.choice(YEARS), rng.choice(DEPARTMENTS))
        if slot not in taken:
            taken.add(slot)
            slots.append(slot)
    return slots


def derive_corpus(bases: Sequence[Extraction], count: int, *, seed: int = 2019) -> list[Extraction]:
    """``count`` reports, the i-th being ``bases[i % len(bases)]`` re-targeted to slot i."""
    return [derived for _, derived, _ in derivations(bases, count, seed=seed)]


def derivations(
    bases: Sequence[Extraction], count: int, *, seed: int = 2019
) -> Iterator[tuple[Extraction, Extraction, Renamer]]:
    """(base, derived report, the renamer that made it) for each of the ``count`` slots."""
    gazetteer = load_gazetteer()
    counties = [
        (r.code, r.full_name)
        for r in gazetteer.valid_in(max(YEARS), RegionLevel.COUNTY)
        if r.parent_code
    ]
    chains: dict[str | None, list[RegionInfo]] = {}
    for index, slot in enumerate(plan(count, counties, seed=seed)):
        base = bases[index % len(bases)]
        old = _chain(gazetteer, chains, base.report.region_code)
        new = _chain(gazetteer, chains, slot.region_code)
        if not new:
            raise ValueError(f"no region chain for the planned region {slot.region_code}")
        rename = Renamer(old, new, slot.year)
        yield base, retarget(base, slot, index, rename, new), rename


def _chain(
    gazetteer: Gazetteer, chains: dict[str | None, list[RegionInfo]], code: str | None
) -> list[RegionInfo]:
    """The region and its ancestors, province first (memoised in ``chains``)."""
    if code not in chains:
        found = gazetteer.get(code or "")
        chains[code] = [*gazetteer.ancestors(found.code), found] if found else []
    return chains[code]


def retarget(
    x: Extraction, slot: Slot, index: int, rename: Renamer, new: list[RegionInfo]
) -> Extraction:
    """``x`` written by ``slot``'s author about its region and year."""
    report_id = hashlib.sha256(f"{x.report_id}|{slot}".encode()).hexdigest()[:32]
    return replace(
        x,
        source=f"synthetic/{index:06d}_{slot.region_code}.txt",
        report_id=report_id,
        report=_meta(x.report, new, slot),
        policies=tuple(rename.policy(p) for p in x.policies),
        doc_numbers=tuple(rename.doc_number(d) for d in x.doc_numbers),
        regions=tuple(rename.region(r) for r in x.regions),
        institutions=tuple(rename.institution(i) for i in x.institutions),
        region_info=tuple(rename.info(i) for i in x.region_info),
    )


def _meta(meta: ReportMeta, new: list[RegionInfo], slot: Slot) -> ReportMeta:
    county = new[-1]
    author = f"{county.full_name}{slot.department or '人民政府'}"
    return replace(
        meta,
        title=f"{author}{slot.year}年法治政府建设年度报告",
        region=county.full_name,
        region_code=county.code,
        region_path=tuple(r.full_name for r in new),
        year=slot.year,
        author=author,
        author_institution="".join(r.full_name for r in new[1:-1]) + author,
        published=f"{slot.year + 1}-03-{int(county.code) % 28 + 1:02d}",
    )


class Renamer:
    """Maps the names, codes and 文号 of one region chain onto another's."""

    def __init__(self, old: list[RegionInfo], new: list[RegionInfo], year: int) -> None:
        pairs = [(o, new[max(len(new) - len(old) + i, 0)]) for i, o in enumerate(old)]
        self.codes = {o.code: n.code for o, n in pairs}
        self.infos = {o.code: n for o, n in pairs}
        names = {o.full_name: n.full_name for o, n in pairs} | {o.name: n.name for o, n in pairs}
        ordered = sorted(names, key=len, reverse=True)
        self._names = names
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        self.year = year
        self.issuer = f"{new[-1].name[:1]}{new[-2].name[:1] if len(new) > 1 else ''}政办发"
        self.numbers: dict[str, str] = {}

    def text(self, value: str) -> str:
        """``value`` with the old chain's names replaced by the new chain's."""
        if self._pattern is None:
            return value
        return self._pattern.sub(lambda m: self._names[m.group(0)], value)

    def maybe(self, value: str | None, how: Callable[[str], str]) -> str | None:
        return None if value is None else how(value)

    def number(self, canonical: str) -> str:
        """The new 文号 of a local document (its serial kept, its issuer and year new)."""
        if canonical not in self.numbers:
            serial = canonical.rsplit("〕", 1)[-1]
            self.numbers[canonical] = f"{self.issuer}〔{self.year}〕{serial}"
        return self.numbers[canonical]

    def doc_number(self, ref: DocNumberRef) -> DocNumberRef:
        number = self.number(ref.canonical)
        return replace(ref, text=number, canonical=number, issuer_code=self.issuer, year=self.year)

    def policy(self, ref: PolicyRef) -> PolicyRef:
        return replace(
            ref,
            title=self.text(ref.title),
            canonical=self.text(ref.canonical),
            variants=tuple(map(self.text, ref.variants)),
            doc_number=self.maybe(ref.doc_number, self.number),
            issuer_region=self.maybe(ref.issuer_region, self.text),
            issuer_region_code=self.maybe(ref.issuer_region_code, self.code),
            implements=tuple(map(self.text, ref.implements)),
            refers_to=self.maybe(ref.refers_to, self.text),
            issuer=self.maybe(ref.issuer, self.text),
        )

    def code(self, code: str) -> str:
        return self.codes.get(code, code)

    def region(self, ref: RegionRef) -> RegionRef:
        if ref.code not in self.codes:
            return ref
        info = self.infos[ref.code]
        return replace(
            ref,
            name=self.text(ref.name),
            canonical=info.full_name,
            level=info.level,
            code=info.code,
            candidates=(),
            parent_codes=tuple(map(self.code, ref.parent_codes)),
        )

    def institution(self, ref: InstitutionRef) -> InstitutionRef:
        return replace(
            ref,
            canonical=self.text(ref.canonical),
            name=self.text(ref.name),
            variants=tuple(map(self.text, ref.variants)),
            region_code=self.maybe(ref.region_code, self.code),
        )

    def info(self, info: RegionInfo) -> RegionInfo:
        return self.infos.get(info.code, info)


def write_texts(
    bases: Sequence[Extraction], count: int, directory: Path, *, seed: int = 2019
) -> int:
    """Write the derived reports as text files ``directory/<source name>`` (UTF-8): each base
    text with its own title, region names, 文号 and signature; the number written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = 0
    for base, derived, rename in derivations(bases, count, seed=seed):
        path = directory / Path(derived.source).name
        path.write_text(text_of(base, derived, rename), encoding="utf-8")
        written += 1
    return written


def text_of(base: Extraction, derived: Extraction, rename: Renamer) -> str:
    """The derived report's text: the base's body renamed, its title and signature lines."""
    body = rename.text(base.text.split("\n", 1)[-1].rsplit("\n", 2)[0])
    for old, new in zip(base.doc_numbers, derived.doc_numbers, strict=True):
        body = body.replace(rename.text(old.text), new.text).replace(old.text, new.text)
    meta = derived.report
    if base.report.year is not None:
        body = body.replace(f"{base.report.year}年", f"{meta.year}年", 1)  # the opening's
    return f"{meta.title}\n{body}\n{meta.author}\n{meta.published}\n"
