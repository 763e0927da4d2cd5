"""Metric extractor: value parsing traps, subject trimming, and P/R against the gold samples."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from ingest.extract.metrics import extract_metrics, load_keywords
from ingest.sentences import sentence_bounds

ROOT = Path(__file__).resolve().parent.parent
GOLD = sorted((ROOT / "tests" / "gold").glob("*.json"))


def figures(text: str) -> list[tuple[str, float, str]]:
    return [(m.subject, m.value, m.unit) for m in extract_metrics(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("通过合法性审查的文件80余件。", ("通过合法性审查的文件", 80.0, "件")),
        ("依法化解各类矛盾纠纷近2万件次。", ("依法化解各类矛盾纠纷", 20000.0, "件次")),
        ("网络在线学法覆盖5.5万名公职人员。", ("网络在线学法覆盖", 55000.0, "名")),
        ("矛盾纠纷调解成功率99.13%。", ("矛盾纠纷调解成功率", 99.13, "%")),
        ("行政负责人出庭应诉率达100%。", ("行政负责人出庭应诉率", 100.0, "%")),
        ("开展法治宣传500余场(次)。", ("开展法治宣传", 500.0, "场(次)")),
        ("法律顾问参与审查149件/次。", ("法律顾问参与审查", 149.0, "件/次")),
    ],
)
def test_values_units_and_subjects(text: str, expected: tuple[str, float, str]) -> None:
    assert figures(text) == [expected]


def test_every_figure_of_a_sentence_with_its_offsets() -> None:
    text = "2023年,我县累计受理行政复议案件30件,结案24件。"
    metrics = extract_metrics(text)
    assert [(m.subject, m.value) for m in metrics] == [("受理行政复议案件", 30.0), ("结案", 24.0)]
    assert [text[m.start : m.end] for m in metrics] == ["30件", "24件"]


@pytest.mark.parametrize(
    "text",
    [
        "一年来共立案治安案件3376件,刑事立案1129件。",
        "新登记市场主体11502个。",
        "城区环境空气质量达标率87.5%。",
        "现将2019年工作报告如下。",
    ],
)
def test_figures_outside_rule_of_law_work_are_skipped(text: str) -> None:
    assert figures(text) == []


def test_figure_at_the_text_start_does_not_read_a_word_from_the_text_end() -> None:
    """An approximation word is looked for before the digits, never wrapped round to the end."""
    assert extract_metrics("5件行政复议案件调解近") == ()
    assert [(m.start, m.value) for m in extract_metrics("调解纠纷近2万件")] == [(4, 20000.0)]


@pytest.mark.parametrize(
    "text",
    [
        "复议案件2023件,复议1.5件,复议１２件,复议٣件,法律顾问.5件,应诉12.3.4件,复议近2万件次。",
        "",
        "5件",
        "复议5",
    ],
)
def test_a_text_beyond_the_bmp_gives_the_same_figures(text: str) -> None:
    """A text beyond the BMP is read through the same table, its code points clipped to it."""
    shifted = [replace(m, start=m.start + 2, end=m.end + 2) for m in extract_metrics(text)]
    assert list(extract_metrics("\N{CJK UNIFIED IDEOGRAPH-20000}。" + text)) == shifted


def test_a_digit_beyond_the_bmp_is_a_digit() -> None:
    """𝟓 (U+1D7D3) is a decimal digit, alone or after a digit of the BMP."""
    assert figures("复议𝟓件,复议1𝟓件") == [("复议", 5.0, "件"), ("复议", 15.0, "件")]


def test_each_figure_of_a_sentence_reads_the_keywords_before_it() -> None:
    """The figures of one sentence share what was read for the one before them."""
    text = "开展活动3场,受理复议案件5件,应诉2件。培训4次"
    assert figures(text) == [("受理复议案件", 5.0, "件"), ("应诉", 2.0, "件"), ("培训", 4.0, "次")]


def test_figures_start_at_any_digit_after_no_digit_and_no_point() -> None:
    assert figures("复议案件2023件,复议1.5件,复议１２件,复议٣件,复议.5件") == [
        ("复议案件", 2023.0, "件"),
        ("复议", 1.5, "件"),
        ("复议", 12.0, "件"),
        ("复议", 3.0, "件"),
    ]


def test_keyword_file_without_section_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "keywords.txt"
    bad.write_text("复议\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"keywords.txt:1: keyword '复议' before any"):
        load_keywords(bad)


def test_gold_metrics_precision_recall() -> None:
    """A match: same value and same first 20 characters from the figure's sentence start."""
    found = expected = true_positives = 0
    for path in GOLD:
        gold = json.loads(path.read_text(encoding="utf-8"))
        text = (ROOT / "samples" / "reports" / gold["file"]).read_text(encoding="utf-8")
        want = {(m["sentence_start"], float(m["value"])) for m in gold["metrics"]}
        got = set()
        for metric in extract_metrics(text):
            start, _ = sentence_bounds(text, metric.start, metric.end)
            got.add((text[start : start + 20], metric.value))
        true_positives += len(got & want)
        found += len(got)
        expected += len(want)
    precision, recall = true_positives / found, true_positives / expected
    print(f"metrics P={precision:.3f} R={recall:.3f} (gold keeps at most 15 per file)")
    assert recall >= 0.8
