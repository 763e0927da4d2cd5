"""The acceptance thresholds of extraction, measured on the five gold reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ingest.evaluate import Evaluation, evaluate, load_gold
from ingest.model import Extraction
from ingest.pipeline import extract_file

GOLD = Path(__file__).parent / "gold"
REPORTS = Path(__file__).parent.parent / "samples" / "reports"


Pairs = list[tuple[Extraction, dict[str, Any]]]


@pytest.fixture(scope="module")
def pairs() -> Pairs:
    gold = load_gold(GOLD)
    assert len(gold) == 5
    return [(extract_file(REPORTS / g["file"]), g) for g in gold.values()]


@pytest.fixture(scope="module")
def evaluation(pairs: Pairs) -> Evaluation:
    return evaluate(pairs)


@pytest.mark.parametrize("field", ["region", "code", "year"])
def test_report_region_code_and_year_right_for_all(evaluation: Evaluation, field: str) -> None:
    assert evaluation.ratio(f"report.{field}") == (5, 5), _misses(evaluation, "report")


def test_policies_f1(evaluation: Evaluation) -> None:
    assert evaluation.score("policies").f1 >= 0.97, _misses(evaluation, "policies")


def test_policy_canonical_titles_and_kinds(evaluation: Evaluation) -> None:
    right, total = evaluation.ratio("policies.canonical")
    assert right / total >= 0.95, _misses(evaluation, "policies.canonical")
    right, total = evaluation.ratio("policies.kind")
    assert right / total >= 0.90, _misses(evaluation, "policies.kind")


def test_no_alias_or_cut_off_title_taken_for_a_policy(pairs: Pairs) -> None:
    """An extra title that is only part of a real one is an alias (《纲要》) or was cut off."""
    partial = []
    for x, gold in pairs:
        titles = [t for g in gold["policies"] for t in (g["title"], g["canonical"])]
        extra = {p.title for p in x.policies} - set(titles)
        partial += [e for e in extra if any(e in t for t in titles)]
    assert partial == []


def test_document_numbers_exact_and_no_boilerplate(evaluation: Evaluation) -> None:
    assert evaluation.score("doc_numbers").f1 == 1.0, _misses(evaluation, "doc_numbers")
    right, total = evaluation.ratio("negatives_avoided")
    assert right == total, _misses(evaluation, "negatives")


def test_regions_f1(evaluation: Evaluation) -> None:
    assert evaluation.score("regions").f1 >= 0.9, _misses(evaluation, "regions")


def test_institutions_f1(evaluation: Evaluation) -> None:
    assert evaluation.score("institutions").f1 >= 0.8, _misses(evaluation, "institutions")


def test_programmes_recall(evaluation: Evaluation) -> None:
    assert evaluation.score("programs").recall >= 0.8, _misses(evaluation, "programs")


def _misses(evaluation: Evaluation, category: str) -> str:
    return "\n".join(f"{f.file}: {m}" for f in evaluation.files for m in f.misses.get(category, []))
