"""Score extractions against the real-world development set (schema: tests/realworld/README.md).

The set's texts are other people's pages, kept on the collecting machine only; its annotations are
ours and committed. ``load_realworld`` pairs the two where both are present.

Example:
    >>> from ingest.model import Extraction, ReportMeta
    >>> x = Extraction("a001.txt", "r", "", ReportMeta(region_code="130133", year=2025))
    >>> ann = {"report": {"adcode": "130133", "year": 2025, "region_path": [], "author": None}}
    >>> evaluate_realworld_file(x, ann).ratios["report.region_code_year"]
    (1, 1)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.evaluate import FileReport, score_policies, score_set
from ingest.model import Extraction

ANNOTATIONS = "annotations"


@dataclass(frozen=True, slots=True)
class RealworldPage:
    """One annotated page whose text is present on this machine."""

    id: str
    text_path: Path
    annotation: dict[str, Any]


def load_realworld(root: Path, texts: Path) -> tuple[list[RealworldPage], list[str]]:
    """Annotated pages whose text is in ``texts``, and the ids whose text is missing.

    Example:
        >>> pages, missing = load_realworld(Path("tests/realworld"), Path("/nonexistent"))
        >>> pages
        []
    """
    pages: list[RealworldPage] = []
    missing: list[str] = []
    for path in sorted((root / ANNOTATIONS).glob("*.json")):
        annotation = json.loads(path.read_text(encoding="utf-8"))
        text_path = texts / f"{path.stem}.txt"
        if text_path.is_file():
            pages.append(RealworldPage(path.stem, text_path, annotation))
        else:
            missing.append(path.stem)
    return pages, missing


def evaluate_realworld_file(x: Extraction, annotation: Mapping[str, Any]) -> FileReport:
    """Score one extraction against its real-world annotation."""
    report = FileReport(file=str(annotation.get("id", x.source)))
    _score_attribution(report, x, annotation["report"])
    score_policies(report, x, annotation.get("policies", []), ("canonical", "kind"))
    for name, found, gold in (
        ("doc_numbers", _doc_numbers(x), annotation.get("doc_numbers", [])),
        (
            "institutions",
            {i.canonical for i in x.institutions},
            _canonicals(annotation, "institutions"),
        ),
        ("programs", {p.canonical for p in x.programs}, _canonicals(annotation, "programs")),
    ):
        score_set(report, name, found, set(gold))
    return report


def _doc_numbers(x: Extraction) -> set[str]:
    """The 文号 the page states: those it cites and the report's own (发文字号 field)."""
    own = {x.report.doc_number} if x.report.doc_number else set()
    return {d.canonical for d in x.doc_numbers} | own


def _canonicals(annotation: Mapping[str, Any], key: str) -> list[str]:
    return [item["canonical"] for item in annotation.get(key, [])]


def _score_attribution(report: FileReport, x: Extraction, gold: Mapping[str, Any]) -> None:
    checks = {
        "region_code": (x.report.region_code, gold["adcode"]),
        "region_path": (list(x.report.region_path), gold["region_path"]),
        "year": (x.report.year, gold["year"]),
        "author": (x.report.author_institution or x.report.author, gold.get("author")),
    }
    for name, (found, expected) in checks.items():
        _ratio(
            report, f"report.{name}", found == expected, f"{name}: got {found!r}, gold {expected!r}"
        )
    both = checks["region_code"][0] == gold["adcode"] and checks["year"][0] == gold["year"]
    report.ratios["report.region_code_year"] = (int(both), 1)


def _ratio(report: FileReport, name: str, right: bool, miss: str) -> None:
    report.ratios[name] = (int(right), 1)
    if not right:
        report.misses.setdefault("report", []).append(miss)
