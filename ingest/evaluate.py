"""Score extractions against gold annotations (schema: tests/gold/README.md).

Every category is scored as sets of canonical keys per file, summed over files (micro average).

Example:
    >>> Score(tp=9, fp=1, fn=0).f1
    0.947...
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.gazetteer import COUNTY_OR_ABOVE
from ingest.model import Extraction, Mention

SCORED_REGION_LEVELS = COUNTY_OR_ABOVE
METRIC_SENTENCE_PREFIX = 20


@dataclass(frozen=True, slots=True)
class Score:
    """True positives, false positives and false negatives of one category."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """Share of extracted items that are right (1.0 when nothing was extracted)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of gold items that were extracted (1.0 when gold is empty)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


@dataclass(slots=True)
class FileReport:
    """What went right and wrong in one file, category by category."""

    file: str
    scores: dict[str, Score] = field(default_factory=dict)
    ratios: dict[str, tuple[int, int]] = field(default_factory=dict)  # name → (right, total)
    misses: dict[str, list[str]] = field(default_factory=dict)  # name → readable differences


@dataclass(slots=True)
class Evaluation:
    """The whole evaluation: per-file reports and their totals."""

    files: list[FileReport]

    def score(self, category: str) -> Score:
        """Summed score of ``category`` over all files."""
        return sum((f.scores.get(category, Score()) for f in self.files), Score())

    def ratio(self, name: str) -> tuple[int, int]:
        """Summed (right, total) of ``name`` over all files."""
        right = sum(f.ratios.get(name, (0, 0))[0] for f in self.files)
        return right, sum(f.ratios.get(name, (0, 0))[1] for f in self.files)

    def categories(self) -> list[str]:
        """Score categories in first-seen order."""
        return list(dict.fromkeys(c for f in self.files for c in f.scores))

    def ratio_names(self) -> list[str]:
        """Ratio names in first-seen order."""
        return list(dict.fromkeys(r for f in self.files for r in f.ratios))


def load_gold(gold_dir: Path) -> dict[str, dict[str, Any]]:
    """Gold annotations by the report file's stem (``000_f81b65d6a8d0adf5``)."""
    gold: dict[str, dict[str, Any]] = {}
    for path in sorted(gold_dir.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        gold[Path(data["file"]).stem] = data
    return gold


def evaluate(pairs: Iterable[tuple[Extraction, Mapping[str, Any]]]) -> Evaluation:
    """Score each (extraction, gold) pair.

    Example:
        >>> evaluate([]).score("policies")
        Score(tp=0, fp=0, fn=0)
    """
    return Evaluation([evaluate_file(x, gold) for x, gold in pairs])


def evaluate_file(x: Extraction, gold: Mapping[str, Any]) -> FileReport:
    """Score one extraction against its gold annotation."""
    report = FileReport(file=str(gold.get("file", x.source)))
    _score_report(report, x, gold["report"])
    score_policies(report, x, gold["policies"])
    score_set(
        report,
        "doc_numbers",
        {d.canonical for d in x.doc_numbers},
        {d["canonical"] for d in gold["doc_numbers"]},
    )
    _score_negatives(report, x, gold.get("negatives", []))
    score_set(report, "regions", _scored_regions(x), _gold_regions(gold["regions_mentioned"]))
    score_set(
        report,
        "institutions",
        {i.canonical for i in x.institutions},
        {i["canonical"] for i in gold["institutions"]},
    )
    score_set(
        report,
        "programs",
        {p.canonical for p in x.programs},
        {p["canonical"] for p in gold["programs"]},
    )
    score_set(report, "metrics", _metric_keys(x), _gold_metric_keys(gold["metrics"]))
    return report


def score_set(report: FileReport, name: str, found: set[str], gold: set[str]) -> None:
    """Score ``found`` against ``gold`` as sets into ``report``, listing the differences.

    Example:
        >>> r = FileReport("f")
        >>> score_set(r, "programs", {"放管服", "十四五"}, {"放管服"})
        >>> r.scores["programs"], r.misses["programs"]
        (Score(tp=1, fp=1, fn=0), ['+ 十四五'])
    """
    report.scores[name] = Score(tp=len(found & gold), fp=len(found - gold), fn=len(gold - found))
    misses = [f"+ {item}" for item in sorted(found - gold)]
    misses += [f"- {item}" for item in sorted(gold - found)]
    if misses:
        report.misses[name] = misses


def _score_report(report: FileReport, x: Extraction, gold: Mapping[str, Any]) -> None:
    found = {
        "region": x.report.region,
        "code": x.report.region_code,
        "year": x.report.year,
        "path": list(x.report.region_path),
        "author": x.report.author,
        "published": x.report.published,
        "title": x.report.title,
    }
    expected = {
        "region": gold["region"],
        "code": gold["adcode"],
        "year": gold["year"],
        "path": gold["region_path"],
        "author": gold["author"],
        "published": gold["published"],
        "title": gold["title"],
    }
    for name, value in found.items():
        right = value == expected[name]
        report.ratios[f"report.{name}"] = (int(right), 1)
        if not right:
            report.misses.setdefault("report", []).append(
                f"{name}: got {value!r}, gold {expected[name]!r}"
            )


POLICY_FIELDS = ("canonical", "kind", "doc_number", "issuer_region")


def score_policies(
    report: FileReport,
    x: Extraction,
    gold: Sequence[Mapping[str, Any]],
    fields: Sequence[str] = POLICY_FIELDS,
) -> None:
    """Policies as a set of canonical titles, and each gold ``field`` of the policies matched by
    their written title (``policies.<field>`` ratios over all gold policies).

    Example:
        >>> from ingest.model import PolicyRef, ReportMeta
        >>> ref = PolicyRef("宪法", "中华人民共和国宪法", "law", ())
        >>> r = FileReport("f")
        >>> gold = [{"title": "宪法", "canonical": "中华人民共和国宪法", "kind": "law"}]
        >>> score_policies(r, Extraction("f", "i", "", ReportMeta(), (ref,)), gold, ["kind"])
        >>> r.ratios["policies.kind"]
        (1, 1)
    """
    score_set(report, "policies", {p.canonical for p in x.policies}, {g["canonical"] for g in gold})
    by_title = {t: p for p in x.policies for t in (p.title, *p.variants)}
    matched = [(by_title[g["title"]], g) for g in gold if g["title"] in by_title]
    for name in fields:
        wrong = [
            f"{g['title']}: got {getattr(p, name)!r}, gold {g[name]!r}"
            for p, g in matched
            if getattr(p, name) != g[name]
        ]
        report.ratios[f"policies.{name}"] = (len(matched) - len(wrong), len(gold))
        if wrong:
            report.misses[f"policies.{name}"] = wrong


def _score_negatives(report: FileReport, x: Extraction, negatives: Sequence[str]) -> None:
    """Any extracted policy or 文号 that is one of gold's negatives is a hard error."""
    extracted = [p.title for p in x.policies] + [d.text for d in x.doc_numbers]
    hits = sorted({e for e in extracted for n in negatives if e and (e in n or n in e)})
    report.ratios["negatives_avoided"] = (len(negatives) - len(hits), len(negatives))
    if hits:
        report.misses["negatives"] = hits


def _scored_regions(x: Extraction) -> set[str]:
    return {r.canonical for r in x.regions if r.level in SCORED_REGION_LEVELS}


def _gold_regions(regions: Sequence[Mapping[str, Any]]) -> set[str]:
    return {r["canonical"] for r in regions if r["level"] in SCORED_REGION_LEVELS}


def _metric_keys(x: Extraction) -> set[str]:
    keys = set()
    for metric in x.metrics:
        sentence = x.evidence(Mention(metric.start, metric.end)).text
        keys.add(f"{sentence[:METRIC_SENTENCE_PREFIX]}|{metric.value:g}")
    return keys


def _gold_metric_keys(metrics: Sequence[Mapping[str, Any]]) -> set[str]:
    return {f"{m['sentence_start']}|{float(m['value']):g}" for m in metrics}
