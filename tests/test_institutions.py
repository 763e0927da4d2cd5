"""Institution extractor: unit traps and the five gold samples (with the real region extractor)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.extract.institutions import extract_institutions, load_bodies
from ingest.extract.regions import extract_regions
from ingest.gazetteer import load_gazetteer
from ingest.model import Mention, RegionRef, ReportMeta

ROOT = Path(__file__).resolve().parent.parent
GOLD = sorted((ROOT / "tests" / "gold").glob("*.json"))
COUNTY = ReportMeta(
    region="通江县", region_code="511921", region_path=("四川省", "巴中市", "通江县")
)
DISTRICT = ReportMeta(
    region="郧阳区", region_code="420304", region_path=("湖北省", "十堰市", "郧阳区")
)
LEAGUE = ReportMeta(
    region="锡林郭勒盟", region_code="152500", region_path=("内蒙古自治区", "锡林郭勒盟")
)


def canonicals(text: str, report: ReportMeta, regions: tuple[RegionRef, ...] = ()) -> list[str]:
    return [ref.canonical for ref in extract_institutions(text, report=report, regions=regions)]


def test_short_names_get_the_report_region() -> None:
    assert canonicals("区司法局牵头,区人大常委会听取报告。", DISTRICT) == [
        "郧阳区司法局",
        "郧阳区人民代表大会常务委员会",
    ]


def test_synonyms_share_one_canonical_and_keep_variants() -> None:
    refs = extract_institutions("县政府部署,通江县人民政府印发。", report=COUNTY, regions=())
    assert [(r.canonical, r.name, r.variants) for r in refs] == [
        ("通江县人民政府", "县政府", ("县人民政府",))
    ]
    assert refs[0].kind == "government"
    assert refs[0].region_code == "511921"


def test_city_party_committee_in_a_county_report_is_the_prefecture() -> None:
    refs = extract_institutions("贯彻市委市政府部署。", report=COUNTY, regions=())
    assert [(r.canonical, r.region_code) for r in refs] == [
        ("中共巴中市委员会", "511900"),
        ("巴中市人民政府", "511900"),
    ]


def test_two_offices_are_two_institutions() -> None:
    assert canonicals("两办印发通知。", LEAGUE) == [
        "中共锡林郭勒盟委员会办公室",
        "锡林郭勒盟行政公署办公室",
    ]


def test_league_bodies_and_abbreviations() -> None:
    text = "盟委、行署研究,盟交通局、民政局、市场监管局参加。"
    assert canonicals(text, LEAGUE) == [
        "中共锡林郭勒盟委员会",
        "锡林郭勒盟行政公署",
        "锡林郭勒盟交通运输局",
        "锡林郭勒盟民政局",
        "锡林郭勒盟市场监督管理局",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "坚持党中央集中统一领导,落实国务院部署。",
        "各部门和乡镇政府要配合。",
        "全盟70个苏木乡镇统一设立了综合行政执法局。",
        "进入政务服务大厅办理。",
        "发挥乡镇调委会和县医调委作用。",
        "主办单位:十堰市郧阳区人民政府办公室",
        "社区委员会和城市政府。",
    ],
)
def test_generic_plural_central_and_footer_bodies_are_excluded(text: str) -> None:
    assert canonicals(text, DISTRICT) == []


def test_a_region_mention_before_the_body_is_its_prefix() -> None:
    text = "柳城县信访局和马山司法所。"
    county = ReportMeta(
        region="柳城县", region_code="450222", region_path=("广西壮族自治区", "柳州市", "柳城县")
    )
    region = RegionRef("柳城县", "柳城县", "county", (Mention(0, 3),), code="450222")
    assert canonicals(text, county, (region,)) == ["柳城县信访局", "柳城县马山司法所"]


def test_leading_group_keeps_its_modifier() -> None:
    assert canonicals("成立区政府推进法治政府工作领导小组。", DISTRICT) == [
        "郧阳区推进法治政府工作领导小组"
    ]


def test_body_inside_a_longer_body_is_not_a_mention_of_its_own() -> None:
    region = RegionRef("郧阳区", "郧阳区", "county", (Mention(0, 3),), code="420304")
    assert canonicals("郧阳区人民政府办公室印发", DISTRICT, (region,)) == ["郧阳区人民政府办公室"]


def test_bad_data_file_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bodies.tsv"
    bad.write_text("司法局\t{R}司法局\tbureau\tbare\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bodies.tsv:1: unknown institution kind 'bureau'"):
        load_bodies(bad)


def _gold_scores() -> tuple[int, int, int]:
    gazetteer = load_gazetteer()
    true_positives = found = expected = 0
    for path in GOLD:
        gold = json.loads(path.read_text(encoding="utf-8"))
        text = (ROOT / "samples" / "reports" / gold["file"]).read_text(encoding="utf-8")
        meta = gold["report"]
        code = meta["adcode"]
        report = ReportMeta(
            region=meta["region"], region_code=code, region_path=tuple(meta["region_path"])
        )
        context = [code, code[:4] + "00", code[:2] + "0000"]
        regions = extract_regions(
            text, gazetteer=gazetteer, year=meta["year"], context_codes=context
        )
        got = {r.canonical for r in extract_institutions(text, report=report, regions=regions)}
        want = {i["canonical"] for i in gold["institutions"]}
        true_positives += len(got & want)
        found += len(got)
        expected += len(want)
    return true_positives, found, expected


def test_gold_institutions_f1() -> None:
    true_positives, found, expected = _gold_scores()
    precision, recall = true_positives / found, true_positives / expected
    f1 = 2 * precision * recall / (precision + recall)
    print(f"institutions P={precision:.3f} R={recall:.3f} F1={f1:.3f}")
    assert f1 >= 0.8
