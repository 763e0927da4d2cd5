"""The real-world development set: its committed annotations are well formed and agree with the
gazetteer, and the scorer and ``fazhi eval --realworld`` work on texts of our own writing.

The set's texts are third-party pages kept on the collecting machine only, so nothing here needs
them; ``fazhi eval --realworld tests/realworld`` scores them where they are present.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli import app
from devtools.manifest import manifest_rows
from ingest.evaluate import Evaluation
from ingest.evaluate_realworld import evaluate_realworld_file, load_realworld
from ingest.gazetteer import Gazetteer, load_gazetteer
from ingest.model import PolicyKind
from ingest.pipeline import extract_text

ROOT = Path(__file__).parent / "realworld"
ANNOTATIONS = sorted((ROOT / "annotations").glob("*.json"))
KINDS = {kind.value for kind in PolicyKind}


def annotation(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_the_set_is_wide() -> None:
    provinces = {annotation(p)["report"]["region_path"][0] for p in ANNOTATIONS}
    years = {annotation(p)["report"]["year"] for p in ANNOTATIONS}
    assert len(ANNOTATIONS) >= 150
    assert len(provinces) >= 28
    assert years >= set(range(2016, 2026))


def test_the_manifest_lists_every_annotated_page() -> None:
    lines = (ROOT / "manifest.tsv").read_text(encoding="utf-8").splitlines()
    listed = [tuple(line.split("\t")) for line in lines[1:]]
    assert listed == manifest_rows(ROOT)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


@pytest.mark.parametrize("path", ANNOTATIONS, ids=lambda p: p.stem)
def test_annotation_is_well_formed(path: Path, gaz: Gazetteer) -> None:
    data = annotation(path)
    assert data["id"] == path.stem
    assert data["url"].startswith("http")
    report = data["report"]
    info = gaz.get(report["adcode"])
    assert info is not None, f"unknown adcode {report['adcode']}"
    path_names = [a.full_name for a in gaz.ancestors(info.code)] + [info.full_name]
    assert path_names == report["region_path"]
    assert 2016 <= report["year"] <= 2025
    assert {p["kind"] for p in data["policies"]} <= KINDS
    assert all("〔" in number for number in data["doc_numbers"])


TEXT = (
    "平利县人民政府关于2020年法治政府建设情况的报告\n"
    "2020年，平利县深入贯彻《法治政府建设实施纲要（2015—2020年）》，"
    "推进“放管服”改革，县司法局……\n"
)
ANNOTATION = {
    "id": "x001",
    "url": "https://example.org/x001",
    "query": "test",
    "report": {
        "region_path": ["陕西省", "安康市", "平利县"],
        "adcode": "610926",
        "year": 2020,
        "author": "平利县人民政府",
    },
    "policies": [
        {
            "title": "法治政府建设实施纲要（2015—2020年）",
            "canonical": "法治政府建设实施纲要(2015-2020年)",
            "kind": "normative_document",
        }
    ],
    "doc_numbers": [],
    "institutions": [
        {"name": "平利县人民政府", "canonical": "平利县人民政府"},
        {"name": "县司法局", "canonical": "平利县司法局"},
    ],
    "programs": [{"name": "放管服", "canonical": "放管服"}],
}


def test_scorer_on_a_page_of_our_own() -> None:
    result = Evaluation([evaluate_realworld_file(extract_text(TEXT), ANNOTATION)])
    assert result.ratio("report.region_code_year") == (1, 1)
    assert result.ratio("report.author") == (1, 1)
    assert result.score("policies").f1 == 1.0
    assert result.ratio("policies.kind") == (1, 1)
    assert result.score("programs").precision == 1.0


def test_scorer_counts_a_wrong_year() -> None:
    wrong = {**ANNOTATION, "report": {**ANNOTATION["report"], "year": 2019}}  # type: ignore[dict-item]
    report = evaluate_realworld_file(extract_text(TEXT), wrong)
    assert report.ratios["report.region_code_year"] == (0, 1)
    assert report.misses["report"] == ["year: got 2020, gold 2019"]


def test_eval_command_scores_local_texts_and_names_missing_ones(tmp_path: Path) -> None:
    (tmp_path / "annotations").mkdir()
    for page_id in ("x001", "x002"):
        data = {**ANNOTATION, "id": page_id}
        (tmp_path / "annotations" / f"{page_id}.json").write_text(
            json.dumps(data, ensure_ascii=False), encoding="utf-8"
        )
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "x001.txt").write_text(TEXT, encoding="utf-8")
    pages, missing = load_realworld(tmp_path, texts)
    assert ([p.id for p in pages], missing) == (["x001"], ["x002"])
    result = CliRunner().invoke(
        app, ["eval", "--realworld", str(tmp_path), "--texts", str(texts), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert "1 annotated pages have no local text: x002" in result.output
    scores = json.loads(result.output[result.output.index("{") :])
    assert scores["ratios"]["report.region_code_year"] == {"right": 1, "total": 1}


def test_eval_command_without_texts_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "--realworld", str(ROOT), "--texts", str(tmp_path)])
    assert result.exit_code == 1
    assert "annotated pages missing" in result.output
