"""Programme extractor: quote classification traps, unquoted known programmes, gold recall."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ingest.extract import programs
from ingest.extract.programs import classify_quoted, extract_programs, load_lexicon
from ingest.pipeline import extract_text

ROOT = Path(__file__).resolve().parent.parent
GOLD = sorted((ROOT / "tests" / "gold").glob("*.json"))


def canonicals(text: str) -> list[str]:
    return [ref.canonical for ref in extract_programs(text)]


def test_enumeration_commas_are_removed_and_written_forms_kept() -> None:
    refs = extract_programs("推行“双随机、一公开”监管,实现“双随机一公开”全覆盖。")
    assert [(r.canonical, r.name, r.variants) for r in refs] == [
        ("双随机一公开", "双随机、一公开", ("双随机一公开",))
    ]


def test_known_short_form_joins_its_programme() -> None:
    assert canonicals("开展“双随机”抽查。") == ["双随机一公开"]


@pytest.mark.parametrize(
    ("quoted", "after", "expected"),
    [
        ("八五", "普法规划", "八五普法"),
        ("321", "工作法进村", "321工作法"),
        ("五河", "治理", "五河治理"),
        ("1+N", "标准化体系", "1+N"),
        ("谁执法谁负责", "", "谁执法谁负责"),
        ("应公开尽公开", "", "应公开尽公开"),
        ("一次申报、一窗办理、只跑一次", "", "一次申报一窗办理只跑一次"),
        ("提质效促落实", "专题行动", "提质效促落实"),
    ],
)
def test_programme_shapes_and_heads(quoted: str, after: str, expected: str) -> None:
    assert classify_quoted(quoted, after=after) == expected


@pytest.mark.parametrize(
    ("quoted", "before", "after"),
    [
        ("清洁", "", "等次"),
        ("数字", "", "法治政府"),
        ("全国法治政府建设示范县", "荣获", ""),
        ("全区模范商会人民调解员", "", "称号"),
        ("定纷止争、案结事了", "", "目标"),
        ("信访不信法", "", "局面"),
        ("四个意识", "", ""),
        ("关键少数", "", "作用"),
        ("清风辽宁政务窗口", "扎实开展", "评选活动"),
        ("征集调查", "", "“互动交流”等栏目"),
        ("依申请6+1类", "", "政务服务"),
        ("法治故事", "", "等"),
        ("《法治政府建设实施纲要》任务完成情况", "", "等专项督察"),
    ],
)
def test_emphasis_honours_columns_and_formulations_are_not_programmes(
    quoted: str, before: str, after: str
) -> None:
    assert classify_quoted(quoted, before=before, after=after) is None


@pytest.mark.parametrize(
    "text",
    [
        "不断增强“四个意识”、坚定“四个自信”、做到“两个维护”,深刻领悟“两个确立”的决定性意义。",
        "压实党政“一把手”第一责任,抓住领导干部这个“关键少数”。",
        "统筹推进“五位一体”总体布局,协调推进“四个全面”战略布局。",
    ],
)
def test_political_formulas_are_not_programmes(text: str) -> None:
    assert canonicals(text) == []


def test_security_formulas_and_their_counts_are_not_programmes() -> None:
    text = "打好“三场硬仗”、打赢“一场人民战争”,做到“三个联动”,使“三股势力”无机可乘。"
    assert canonicals(text) == []


def test_planning_periods_are_not_programmes() -> None:
    assert canonicals("编制“十四五”法治政府建设规划,完成“十三五”时期目标任务。") == []


def test_bare_counts_and_labels_are_not_programmes() -> None:
    assert canonicals("行政复议案件“三率”稳步提升,扎实开展“两厂(场)”整治。") == []


@pytest.mark.parametrize(
    "text",
    [
        "构建“一城两区三带”发展格局。",
        "深入实施“强省会”战略。",
        "奋力推进“一优两高”,支持“一府一委两院”依法依规开展工作。",
        "围绕法治政府建设“六大工程”工作任务,服务市委“三大战略、八大行动”。",
        "为实现“五个现代化天津”建设提供法治保障。",
        "认真落实省委、省政府“建设法治中国示范区”决策部署。",
    ],
)
def test_local_development_strategies_and_priorities_are_not_programmes(text: str) -> None:
    assert canonicals(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "形成“党委统筹领导、政府具体负责、部门协同联动、社会广泛参与”的工作格局。",
        "锚定“职能科学、权责法定、执法严明、公开公正、廉洁高效、守法诚信”的法治政府建设目标。",
        "实现矛盾纠纷“发现在早、防范在先、处置在小”。",
        "形成“书记抓、抓书记”的局面。",
    ],
)
def test_goal_and_pattern_slogans_are_not_programmes(text: str) -> None:
    assert canonicals(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "绘就法治政府建设“施工图”,打好“组合拳”,当好“护城河”。",
        "开展“12·4”国家宪法日集中宣传。",
        "成功打造“红色公安”主题馆。",
    ],
)
def test_metaphors_commemorative_days_and_places_are_not_programmes(text: str) -> None:
    assert canonicals(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "开展“在法治轨道上推动民营经济持续健康高质量发展”专题学法。",
        "组织开展“深入学习习近平法治思想”主题培训。",
    ],
)
def test_themes_of_study_sessions_are_not_programmes(text: str) -> None:
    assert canonicals(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("对重大决策事项严格实行“五个到位”。", ["五个到位"]),
        ("在行政复议中探索推行“四个百分百”。", ["四个百分百"]),
        ("各级干部要做到“五个到位”。", []),
        ("扎实推进“四个创建”。", []),
    ],
)
def test_a_count_is_a_programme_only_as_what_a_mechanism_verb_puts_in_place(
    text: str, expected: list[str]
) -> None:
    assert canonicals(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("开展食品安全“守底线、查隐患、保安全”专项行动。", ["守底线查隐患保安全"]),
        ("建立“日报告、周统筹、月总结”工作机制。", ["日报告周统筹月总结"]),
        ("严格落实执法人员“持证上岗、亮证执法”管理制度。", ["持证上岗亮证执法"]),
        ("对新制发的规范性文件实行“统一登记、统一编号、统一发布”。", ["统一登记统一编号统一发布"]),
    ],
)
def test_parallel_slogans_with_a_mechanism_head_or_verb_are_programmes(
    text: str, expected: list[str]
) -> None:
    assert canonicals(text) == expected


def test_quoted_names_listed_together_share_the_head_after_the_last() -> None:
    text = "“先照后证”“五证合一”“一照一码”等商事制度改革不断深化;率先推行“码上诚信”“信用代证”改革。"
    assert canonicals(text) == ["先照后证", "五证合一", "一照一码", "码上诚信", "信用代证"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("建立领导干部“1+4+X”学法清单。", "1+4+X学法清单"),
        ("深入开展法治“八进”活动。", "八进活动"),
        ("建立“两山”生态观察员制度。", "两山生态观察员制度"),
        ("与“五五”依法治省规划共同构成规划体系。", "五五依法治省"),
        ("建成“1+N”标准化四级政务服务体系。", "1+N"),
    ],
)
def test_a_bare_code_or_label_takes_the_head_it_names(text: str, expected: str) -> None:
    assert canonicals(text) == [expected]


def test_a_quoted_short_name_with_the_word_after_it_is_the_known_programme() -> None:
    assert canonicals("实现了企业开办“不见面”审批。") == ["不见面审批"]


def test_hundred_thousand_campaigns_are_programmes() -> None:
    text = "全县“百名律师进千企”成效明显,组织“百名讲师上讲台、千堂党课下基层”。"
    assert canonicals(text) == ["百名律师进千企", "百名讲师上讲台千堂党课下基层"]


def test_quotes_listed_before_do_not_hide_the_verb_before_them() -> None:
    text = "组织政法系统开展了“青年普法志愿者法治文化基层行”和“法治宣传进万家”。"
    assert canonicals(text) == ["法治宣传进万家"]


def test_one_for_each_is_a_mechanism_shape() -> None:
    text = "执法案卷做到“一案一档”,重点企业“一企一策”。"
    assert canonicals(text) == ["一案一档", "一企一策"]


def test_brand_and_slogan_joined_by_a_middle_dot_name_a_programme() -> None:
    assert canonicals("参加自治区“法治讲堂·逢九必讲”专题讲座。") == ["法治讲堂·逢九必讲"]


def test_a_traditional_page_gives_simplified_canonicals_and_keeps_the_written_names() -> None:
    refs = extract_text("深化“放管服”改革。開展“權力瘦身”“審批提速”行動。").programs
    assert [(r.canonical, r.name) for r in refs] == [
        ("放管服", "放管服"),
        ("权力瘦身", "權力瘦身"),
        ("审批提速", "審批提速"),
    ]


def test_a_known_name_after_an_honour_verb_is_a_title() -> None:
    assert canonicals("大源村拟入选第九批全国民主法治示范村。") == []
    assert canonicals("深入开展民主法治示范村创建。") == ["民主法治示范村"]


def test_a_comma_ends_an_unquoted_slogan() -> None:
    assert canonicals("实行一窗受理,办件量达12万件。") == ["一窗受理"]


def test_unquoted_known_programmes_are_found() -> None:
    text = (
        "深化放管服改革,实行一窗受理、分类审批、统一出件工作模式,"
        "以谁执法谁普法为常态,落实七五普法。"
    )
    assert canonicals(text) == ["放管服", "一窗受理分类审批统一出件", "谁执法谁普法", "七五普法"]


def test_mentions_point_at_the_name() -> None:
    text = "深化“放管服”改革"
    (ref,) = extract_programs(text)
    assert [text[m.start : m.end] for m in ref.mentions] == ["放管服"]


def test_bad_lexicon_line_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "lexicon.tsv"
    bad.write_text("放管服\ta\tb\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"lexicon.tsv:1: expected"):
        load_lexicon(bad)


def test_gold_programme_recall() -> None:
    found = expected = true_positives = 0
    for path in GOLD:
        gold = json.loads(path.read_text(encoding="utf-8"))
        text = (ROOT / "samples" / "reports" / gold["file"]).read_text(encoding="utf-8")
        got = {ref.canonical for ref in extract_programs(text)}
        want = {p["canonical"] for p in gold["programs"]}
        true_positives += len(got & want)
        found += len(got)
        expected += len(want)
    print(f"programs P={true_positives / found:.3f} R={true_positives / expected:.3f}")
    assert true_positives / expected >= 0.8


def test_paired_modes_and_bare_sums_are_not_programmes() -> None:
    assert canonicals("坚持“线上+线下”相结合，采取“书面+现场”方式，形成“3+3”格局。") == []
    assert canonicals("推行“互联网+监管”，建成“1+N”标准化体系。") == ["互联网+监管", "1+N"]


def test_a_bare_service_adjective_is_not_a_programme() -> None:
    assert canonicals("提供“一站式”服务。推行“一站式审批”。") == ["一站式审批"]


@pytest.mark.parametrize(
    ("pattern", "starts", "words"),
    [
        (
            programs._REJECT_AFTER,
            programs._REJECT_AFTER_STARTS,
            "称号 荣誉 奖 类 等次 等级 级别 评选 评比 表彰 目标 局面 氛围 浓厚 良好 风气"
            " 的氛围 主题馆 公园 广场 长廊 街区 展厅",
        ),
        (programs._COLUMN_AFTER, programs._COLUMN_AFTER_STARTS, "等栏目 专栏 频道 版块 板块"),
        (programs._LISTED_QUOTES, programs._LIST_STARTS, "“放管服” 「一网通办」 、 和 及 与"),
    ],
)
def test_a_prefiltered_pattern_matches_only_after_its_listed_starts(
    pattern: re.Pattern[str], starts: str, words: str
) -> None:
    """The quick test of the first character before each of these patterns drops no match."""
    for word in words.split():
        assert word[0] in starts
        assert pattern.match(word + "后")
        for other in "改革工作制度中国法治一二三":  # any start not listed: never a match
            found = pattern.match(other + word[1:])
            assert other in starts or found is None or found.end() == 0


def test_an_honour_verb_is_found_only_before_what_can_end_it() -> None:
    for clause in ("荣获", "被评为全国", "入选第九批", "获评省级", "授予市"):
        assert programs._HONOUR_CLAUSE.search(clause)
        assert clause[-1] in programs._HONOUR_CLAUSE_ENDS
