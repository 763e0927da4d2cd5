"""Region extraction: the traps of the language, and F1 against the gold samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.clean import clean_text
from ingest.extract.regions import extract_regions
from ingest.gazetteer import Gazetteer, load_gazetteer
from ingest.model import RegionRef

SAMPLES = sorted(Path("samples/reports").glob("*.txt"))
SCORED = {"province", "prefecture", "county"}


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def names(refs: tuple[RegionRef, ...]) -> list[tuple[str, str | None]]:
    return [(r.canonical, r.code) for r in refs]


@pytest.mark.parametrize(
    "text",
    [
        "全区、我县、本市、盟本级，落实省、市决策，自治区要求",  # deictic references
        "全体市民积极参与，规范市场秩序",  # 市 inside other words
        "中华人民共和国和中国特色社会主义",  # the country is not a region
        "他穿着中山装走过黄河南岸",  # 中山 in 中山装, 河南 in 河南岸
        "各乡镇和县直部门加强城区道路建设",  # 和县 and 城区 as ordinary words
        "推进平安建设、文明创建，保障人民安康",  # short names that are common words
        "和平司法所、马山司法所、凤山镇",  # townships named like counties elsewhere
    ],
)
def test_no_region_where_there_is_none(text: str, gaz: Gazetteer) -> None:
    assert extract_regions(text, gazetteer=gaz) == ()


def test_full_names_and_mentions(gaz: Gazetteer) -> None:
    (ref,) = extract_regions("通江县政府；通江县司法局", gazetteer=gaz)
    assert (ref.name, ref.canonical, ref.level, ref.code) == (
        "通江县",
        "通江县",
        "county",
        "511921",
    )
    assert [(m.start, m.end) for m in ref.mentions] == [(0, 3), (6, 9)]
    assert ref.parent_codes == ("510000", "511900")


def test_short_name_of_a_named_region_is_that_region(gaz: Gazetteer) -> None:
    (ref,) = extract_regions("通江县坚持依法行政，通江法治政府建设迈上新台阶", gazetteer=gaz)
    assert len(ref.mentions) == 2
    assert ref.name == "通江县"


def test_short_name_alone_is_not_trusted(gaz: Gazetteer) -> None:
    assert extract_regions("通江法治政府建设", gazetteer=gaz) == ()


def test_short_name_of_the_report_region_from_context(gaz: Gazetteer) -> None:
    refs = extract_regions("建设法治锡林郭勒", gazetteer=gaz, context_codes=["152500"])
    assert names(refs) == [("锡林郭勒盟", "152500")]


def test_chain_of_short_names(gaz: Gazetteer) -> None:
    refs = extract_regions("广西柳州柳城县政府网站", gazetteer=gaz)
    assert names(refs) == [
        ("广西壮族自治区", "450000"),
        ("柳州市", "450200"),
        ("柳城县", "450222"),
    ]


def test_banner_abbreviation(gaz: Gazetteer) -> None:
    refs = extract_regions("东乌旗、西乌旗开展试点", gazetteer=gaz)
    assert names(refs) == [("东乌珠穆沁旗", "152525"), ("西乌珠穆沁旗", "152526")]


def test_shared_name_stays_ambiguous_without_evidence(gaz: Gazetteer) -> None:
    (ref,) = extract_regions("海州区法治政府建设", gazetteer=gaz)
    assert ref.code is None
    assert set(ref.candidates) == {"210902", "320706"}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("海州区落实阜新市部署", "210902"),  # an ancestor named elsewhere in the text
        ("连云港市海州区", "320706"),
        ("海州区与辽宁其他地区", "210902"),  # a province short name
        ("长春市朝阳区", "220104"),
        ("南关区、朝阳区", "220104"),  # a sibling's parent
    ],
)
def test_shared_name_decided_by_relatives(text: str, code: str, gaz: Gazetteer) -> None:
    shared = [
        r for r in extract_regions(text, gazetteer=gaz) if r.canonical in {"海州区", "朝阳区"}
    ]
    assert [r.code for r in shared] == [code]


def test_shared_name_decided_by_context_codes(gaz: Gazetteer) -> None:
    refs = extract_regions("海州区", gazetteer=gaz, context_codes=["210000", "210900"])
    assert names(refs) == [("海州区", "210902")]


def test_year_gives_the_historical_spelling(gaz: Gazetteer) -> None:
    refs = extract_regions("郧县人民政府", gazetteer=gaz, year=2013)
    assert names(refs) == [("郧县", "420321")]


def test_single_character_name_after_its_parent(gaz: Gazetteer) -> None:
    refs = extract_regions("马鞍山市和县", gazetteer=gaz)
    assert names(refs) == [("马鞍山市", "340500"), ("和县", "340523")]


def _gold_regions(sample: Path) -> set[str]:
    gold = json.loads((Path("tests/gold") / f"{sample.stem}.json").read_text(encoding="utf-8"))
    return {r["canonical"] for r in gold["regions_mentioned"] if r["level"] in SCORED}


def test_region_f1_on_the_samples(gaz: Gazetteer) -> None:
    true_positives = predicted = expected = 0
    for sample in SAMPLES:
        body = clean_text(sample.read_text(encoding="utf-8")).body
        found = {r.canonical for r in extract_regions(body, gazetteer=gaz) if r.level in SCORED}
        gold = _gold_regions(sample)
        true_positives += len(found & gold)
        predicted += len(found)
        expected += len(gold)
    precision, recall = true_positives / predicted, true_positives / expected
    assert len(SAMPLES) == 5
    assert 2 * precision * recall / (precision + recall) >= 0.9
