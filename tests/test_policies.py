"""Policy titles in 《》: nesting, variants, traps (aliases, cut-off titles, media), 文号, issuers;
scored against the five gold reports with the thresholds extraction must meet."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from ingest.extract.doc_numbers import extract_doc_numbers
from ingest.extract.policies import extract_policies
from ingest.model import Mention, PolicyRef, RegionLevel, RegionRef, ReportMeta
from ingest.normalize import canonical_title

GOLD = Path(__file__).parent / "gold"
REPORTS = Path(__file__).parent.parent / "samples" / "reports"

COUNTY_REPORT = ReportMeta(region="郧阳区", region_path=("湖北省", "十堰市", "郧阳区"), year=2019)
LEAGUE_REPORT = ReportMeta(region="锡林郭勒盟", region_path=("内蒙古自治区", "锡林郭勒盟"))


def _regions(text: str, names: Sequence[tuple[str, str, RegionLevel]]) -> tuple[RegionRef, ...]:
    """RegionRefs for ``names`` with every occurrence in ``text`` as a mention."""
    return tuple(
        RegionRef(
            name=name,
            canonical=canonical,
            level=level,
            mentions=tuple(Mention(*m.span()) for m in re.finditer(re.escape(name), text)),
        )
        for name, canonical, level in names
    )


def _extract(
    text: str,
    report: ReportMeta = COUNTY_REPORT,
    regions: Sequence[tuple[str, str, RegionLevel]] = (),
) -> dict[str, PolicyRef]:
    refs = extract_policies(
        text,
        regions=_regions(text, regions),
        report=report,
        doc_numbers=extract_doc_numbers(text),
    )
    return {ref.canonical: ref for ref in refs}


def test_mentions_span_the_title_inside_the_brackets() -> None:
    text = "学习《宪法》和《行政处罚法》,再学《宪法》。"
    refs = _extract(text)
    constitution = refs["中华人民共和国宪法"]
    assert [text[m.start : m.end] for m in constitution.mentions] == ["宪法", "宪法"]
    assert constitution.title == "宪法"
    assert constitution.kind == "law"
    assert constitution.issuer_region == "national"


def test_nested_title_is_its_own_policy_and_the_outer_implements_it() -> None:
    text = (
        "落实《柳州市落实〈广西法治政府建设实施方案(2021—2025年)〉工作方案》;"
        "推进《柳州市落实<广西法治政府建设实施方案(2021—2025年)>工作方案》。"
    )
    regions: list[tuple[str, str, RegionLevel]] = [
        ("柳州市", "柳州市", RegionLevel.PREFECTURE),
        ("广西", "广西壮族自治区", RegionLevel.PROVINCE),
    ]
    refs = _extract(text, regions=regions)
    outer = refs["柳州市落实〈广西法治政府建设实施方案(2021-2025年)〉工作方案"]
    inner = refs["广西法治政府建设实施方案(2021-2025年)"]
    assert outer.title == "柳州市落实〈广西法治政府建设实施方案(2021—2025年)〉工作方案"
    assert outer.variants == ("柳州市落实<广西法治政府建设实施方案(2021—2025年)>工作方案",)
    assert outer.implements == (inner.canonical,)
    assert (outer.issuer_region, inner.issuer_region) == ("柳州市", "广西")
    assert len(inner.mentions) == 2
    assert inner.variants == ()


def test_dash_and_bracket_spellings_are_variants_of_one_document() -> None:
    text = (
        "贯彻《法治政府建设实施纲要(2015—2020年)》,"
        "完成“《法治政府建设实施纲要（2015-2020年）》任务”。"
    )
    (ref,) = _extract(text).values()
    assert ref.title == "法治政府建设实施纲要(2015—2020年)"
    assert ref.variants == ("法治政府建设实施纲要（2015-2020年）",)
    assert ref.issuer_region == "national"


@pytest.mark.parametrize(
    "alias", ["纲要", "条例", "规定", "办法", "意见", "实施方案", "该办法", "上述规定", "方案"]
)
def test_alias_titles_that_point_back_are_not_policies(alias: str) -> None:
    assert _extract(f"按照《{alias}》要求,落实《{alias}》任务。") == {}


@pytest.mark.parametrize(
    "text",
    [
        "印发《郧阳区行政执法公示\n办法》,",
        "印发了《郧阳区行政执法公示办法",
        "《郧阳区行政执法公示办法\n",
    ],
)
def test_cut_off_titles_are_not_policies(text: str) -> None:
    assert _extract(text) == {}


def test_a_cut_off_title_does_not_swallow_the_next_line() -> None:
    refs = _extract("印发《郧阳区办法\n按照《郧阳区行政执法公示办法》执行。")
    assert list(refs) == ["郧阳区行政执法公示办法"]


@pytest.mark.parametrize(
    "text",
    [
        "在《人民日报》刊发经验",
        "《湖北日报》报道了",
        "做客《今日说法》栏目",
        "在《法治日报》上发表",
    ],
)
def test_newspapers_and_programmes_are_not_documents(text: str) -> None:
    assert _extract(text) == {}


@pytest.mark.parametrize(
    "written",
    [
        "(郧政办电〔2019〕21号)",
        "（郧政办电[2019]21号）",
        "郧政办电【2019】21号",
        " (郧政办电(2019)21号)",
    ],
)
def test_doc_number_right_after_the_title_is_attached(written: str) -> None:
    text = f"制定了《郧阳区人民政府办公室关于做好法治政府建设工作的通知》{written},"
    (ref,) = _extract(text, regions=[("郧阳区", "郧阳区", RegionLevel.COUNTY)]).values()
    assert ref.doc_number == "郧政办电〔2019〕21号"


def test_doc_number_elsewhere_in_the_sentence_is_not_attached() -> None:
    text = "制定了《郧阳区行政执法公示办法》,并按郧政办电〔2019〕21号执行。"
    (ref,) = _extract(text).values()
    assert ref.doc_number is None


def test_short_title_of_the_regions_own_plan_refers_to_the_full_title() -> None:
    text = (
        "依据《郧阳区法治政府建设实施方案(2016-2020年)》,开展工作。"
        "坚持以《法治政府建设实施方案(2016—2020年)》为主线。"
    )
    refs = _extract(text, regions=[("郧阳区", "郧阳区", RegionLevel.COUNTY)])
    short = refs["法治政府建设实施方案(2016-2020年)"]
    assert short.refers_to == "郧阳区法治政府建设实施方案(2016-2020年)"
    assert short.issuer_region == "郧阳区"
    assert refs["郧阳区法治政府建设实施方案(2016-2020年)"].refers_to is None


def test_issuing_verb_before_a_list_of_titles_makes_them_the_reports_own() -> None:
    text = "审议通过《关于提高法治水平的意见》《权责清单》、《行政调解工作实施方案》等文件。"
    refs = _extract(text, report=LEAGUE_REPORT)
    assert {r.issuer_region for r in refs.values()} == {"锡林郭勒盟"}


def test_forwarded_and_merely_implemented_titles_have_no_issuer() -> None:
    text = "转发《推进民法典实施意见》,严格落实《关于发展枫桥经验的工作方案》。"
    refs = _extract(text, report=LEAGUE_REPORT)
    assert {r.issuer_region for r in refs.values()} == {None}


def test_deictic_level_words_name_the_report_region_or_its_province() -> None:
    text = "贯彻《自治区2020年度法治政府建设工作计划》,落实《依法治盟委员会2020年工作要点》。"
    refs = _extract(text, report=LEAGUE_REPORT)
    assert refs["自治区2020年度法治政府建设工作计划"].issuer_region == "内蒙古"
    assert refs["依法治盟委员会2020年工作要点"].issuer_region == "锡林郭勒盟"


def test_region_chain_in_a_title_gives_the_lowest_level_that_issues() -> None:
    text = "编制《阜新市海州区韩家店镇权责清单》。"
    regions: list[tuple[str, str, RegionLevel]] = [
        ("阜新市", "阜新市", RegionLevel.PREFECTURE),
        ("海州区", "海州区", RegionLevel.COUNTY),
        ("韩家店镇", "韩家店镇", RegionLevel.TOWNSHIP),
    ]
    (ref,) = _extract(text, regions=regions).values()
    assert ref.issuer_region == "海州区"


def test_local_and_national_regulations_are_told_apart() -> None:
    text = "落实《阜新市优化营商环境条例》和《优化营商环境条例》。"
    refs = _extract(text, regions=[("阜新市", "阜新市", RegionLevel.PREFECTURE)])
    assert refs["阜新市优化营商环境条例"].kind == "local_regulation"
    assert refs["阜新市优化营商环境条例"].issuer_region == "阜新市"
    assert refs["优化营商环境条例"].kind == "administrative_regulation"
    assert refs["优化营商环境条例"].issuer_region == "national"


# --- the five gold reports -------------------------------------------------------------------


def _gold_files() -> list[dict[str, Any]]:
    files = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*.json"))]
    assert len(files) == 5
    return files


def _gold_extraction(gold: dict[str, Any]) -> tuple[PolicyRef, ...]:
    """Policies of one raw sample (《》 never occur in its boilerplate), regions from gold."""
    text = (REPORTS / gold["file"]).read_text(encoding="utf-8")
    assert "《" in text
    names = [(r["name"], r["canonical"], r["level"]) for r in gold["regions_mentioned"]]
    meta = gold["report"]
    report = ReportMeta(
        region=meta["region"], region_path=tuple(meta["region_path"]), year=meta["year"]
    )
    return extract_policies(
        text,
        regions=_regions(text, names),
        report=report,
        doc_numbers=extract_doc_numbers(text),
    )


Pairs = list[tuple[dict[str, Any], tuple[PolicyRef, ...]]]


@pytest.fixture(scope="module")
def pairs() -> Pairs:
    return [(gold, _gold_extraction(gold)) for gold in _gold_files()]


def _matched(pairs: Pairs) -> list[tuple[PolicyRef | None, dict[str, Any]]]:
    """Every gold policy with the extracted one whose title or variant is its title."""
    rows: list[tuple[PolicyRef | None, dict[str, Any]]] = []
    for gold, refs in pairs:
        by_title = {t: ref for ref in refs for t in (ref.title, *ref.variants)}
        rows += [(by_title.get(g["title"]), g) for g in gold["policies"]]
    return rows


def test_gold_policies_f1_by_canonical(pairs: Pairs) -> None:
    tp = fp = fn = 0
    for gold, refs in pairs:
        found = {ref.canonical for ref in refs}
        expected = {p["canonical"] for p in gold["policies"]}
        tp, fp, fn = (
            tp + len(found & expected),
            fp + len(found - expected),
            fn + len(expected - found),
        )
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= 0.97, (tp, fp, fn)


@pytest.mark.parametrize(
    ("field", "threshold"),
    [("canonical", 0.95), ("kind", 0.90), ("doc_number", 1.0), ("issuer_region", 0.90)],
)
def test_gold_policy_fields(pairs: Pairs, field: str, threshold: float) -> None:
    rows = _matched(pairs)
    wrong = [
        (g["title"], getattr(ref, field) if ref else None, g[field])
        for ref, g in rows
        if ref is None or getattr(ref, field) != g[field]
    ]
    assert 1 - len(wrong) / len(rows) >= threshold, wrong


def test_gold_variants_and_short_title_resolution(pairs: Pairs) -> None:
    for ref, g in _matched(pairs):
        assert ref is not None
        assert ref.variants == tuple(g["variants"]), g["title"]
        assert (ref.refers_to is not None) == g["refers_to_local_plan_of_report_region"]


def test_no_gold_negative_is_extracted_as_a_policy(pairs: Pairs) -> None:
    for gold, refs in pairs:
        # A variant may sit inside a negative (《纲要》任务完成情况); a first spelling may not.
        hits = [r.title for r in refs for n in gold["negatives"] if r.title in n or n in r.title]
        hits += [v for r in refs for v in r.variants for n in gold["negatives"] if n in v]
        assert hits == [], gold["file"]


def test_a_title_followed_by_a_video_or_programme_is_media() -> None:
    text = "推出4期《执法者说法》普法视频节目，开设《法治时空》专栏。落实《行政复议法》。"
    refs = extract_policies(text, regions=(), report=ReportMeta(), doc_numbers=())
    assert [r.canonical for r in refs] == ["中华人民共和国行政复议法"]


def test_a_period_with_nian_after_both_years_is_one_period() -> None:
    written = "法治政府建设实施纲要（2021年—2025年）"
    assert canonical_title(written) == "法治政府建设实施纲要(2021-2025年)"
