"""Programme extractor: quote classification traps, unquoted known programmes, gold recall."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.extract.programs import classify_quoted, extract_programs, load_lexicon

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
