"""A synthetic corpus of realistic reports for the store and API benchmarks.

Each report is written for a county-level region drawn from the gazetteer and a year in 2019–2024,
from sentences of the bundled samples whose own region names are swapped for the drawn region's,
plus one local document with a 文号 of its own, so local entities grow with the corpus while
national policies are shared, as in a real corpus.

Run: ``uv run python -m bench.corpus --reports 10000`` (writes bench/out/corpus-10000.pkl: the
extractions, so benchmarks measure storing, not extracting).
"""

from __future__ import annotations

import argparse
import pickle
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.clean import clean_text
from ingest.gazetteer import Gazetteer, load_gazetteer
from ingest.model import Extraction, RegionInfo
from ingest.pipeline import extract_text
from ingest.sentences import iter_sentences
from ingest.vocabulary import RegionLevel

SAMPLES = Path("samples/reports")
OUT = Path("bench/out")
YEARS = range(2019, 2025)
TOPICS = (
    "行政规范性文件管理",
    "重大行政决策程序",
    "行政执法公示",
    "法律顾问工作",
    "行政复议工作",
    "矛盾纠纷多元化解",
    "证明事项告知承诺制",
    "政务公开工作",
)


@dataclass(frozen=True, slots=True)
class SampleSentences:
    """The sentences of one sample report and the region names they are written with."""

    sentences: tuple[str, ...]
    names: tuple[tuple[str, int], ...]  # (name, depth: 0 = province …) longest first


def sample_sentences(gazetteer: Gazetteer) -> list[SampleSentences]:
    """Body sentences of each bundled sample, without 文号 (each report gets its own)."""
    samples = []
    for path in sorted(SAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        body = clean_text(text).body
        x = extract_text(text, source=str(path))
        spans = iter_sentences(body)[1:-2]  # title and signature lines are generated anew
        sentences = tuple(body[s:e] for s, e in spans if "〔" not in body[s:e])
        samples.append(SampleSentences(sentences, _region_names(gazetteer, x)))
    return samples


def _region_names(gazetteer: Gazetteer, x: Extraction) -> tuple[tuple[str, int], ...]:
    code = x.report.region_code or ""
    chain = [*gazetteer.ancestors(code), *filter(None, [gazetteer.get(code)])]
    names = [(n, depth) for depth, r in enumerate(chain) for n in (r.full_name, r.name)]
    return tuple(sorted(set(names), key=lambda item: -len(item[0])))


def synthetic_report(
    rng: random.Random, region: RegionInfo, chain: list[RegionInfo], sample: SampleSentences
) -> str:
    """One report about ``region`` built from ``sample``'s sentences."""
    year = rng.choice(YEARS)
    count = rng.randint(30, min(90, len(sample.sentences)))
    body = [_swap(s, sample.names, chain) for s in rng.sample(sample.sentences, count)]
    code = f"{region.name[:1]}{chain[-2].name[:1] if len(chain) > 1 else ''}政办发"
    topic = rng.choice(TOPICS)
    local = (
        f"{region.full_name}人民政府办公室印发了《{region.full_name}{topic}实施办法》"
        f"({code}〔{year}〕{rng.randint(1, 80)}号)。"
    )
    paragraphs = ["".join(body[i : i + 4]) for i in range(0, len(body), 4)]
    return "\n".join(
        [
            f"{region.full_name}{year}年法治政府建设年度报告",
            f"{year}年，{region.full_name}深入贯彻落实党中央、国务院关于法治政府建设的决策部署。{local}",
            *paragraphs,
            f"{region.full_name}人民政府",
            f"{year + 1}年3月{rng.randint(1, 28)}日",
        ]
    )


def _swap(sentence: str, names: tuple[tuple[str, int], ...], chain: list[RegionInfo]) -> str:
    """Replace the sample's own region names, level by level, with the drawn region's."""
    offset = len(chain) - 1 - max((depth for _, depth in names), default=0)
    for name, depth in names:
        target = chain[min(max(depth + offset, 0), len(chain) - 1)]
        sentence = sentence.replace(name, target.full_name if len(name) > 2 else target.name)
    return sentence


def generate(count: int, *, seed: int = 2019) -> Iterator[tuple[str, str]]:
    """(source name, text) of ``count`` synthetic reports, deterministic for a seed."""
    gazetteer = load_gazetteer()
    rng = random.Random(seed)
    counties = [r for r in gazetteer.regions(RegionLevel.COUNTY) if r.parent_code]
    samples = sample_sentences(gazetteer)
    for index in range(count):
        region = rng.choice(counties)
        chain = [*gazetteer.ancestors(region.code), region]
        text = synthetic_report(rng, region, chain, samples[index % len(samples)])
        yield f"synthetic/{index:06d}_{region.code}.txt", text


def build_extractions(count: int) -> list[Extraction]:
    """Extractions of the synthetic corpus, cached in bench/out."""
    cache = OUT / f"corpus-{count}.pkl"
    if cache.exists():
        with cache.open("rb") as f:
            cached: list[Extraction] = pickle.load(f)
            return cached
    started = time.perf_counter()
    extractions = [extract_text(text, source=source) for source, text in generate(count)]
    print(f"extracted {count} synthetic reports in {time.perf_counter() - started:.1f} s")
    OUT.mkdir(parents=True, exist_ok=True)
    with cache.open("wb") as f:
        pickle.dump(extractions, f, protocol=pickle.HIGHEST_PROTOCOL)
    return extractions


def main() -> None:
    """Build (or load) the corpus and print its size and entity counts."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=10_000)
    args = parser.parse_args()
    extractions = build_extractions(args.reports)
    print(f"reports: {len(extractions)}")
    print(f"characters: {sum(len(x.text) for x in extractions):,}")
    for kind in ("policies", "institutions", "programs", "regions", "doc_numbers"):
        distinct = {item.canonical for x in extractions for item in getattr(x, kind)}
        print(f"distinct {kind}: {len(distinct):,}")


if __name__ == "__main__":
    main()
