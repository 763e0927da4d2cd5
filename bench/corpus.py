"""A synthetic corpus of realistic reports for the store and API benchmarks.

Each report is written for a county-level region drawn from the gazetteer and a year in 2019–2024,
from sentences of the bundled samples whose own region names are swapped for the drawn region's,
plus one local document with a 文号 of its own, so local entities grow with the corpus while
national policies are shared, as in a real corpus.

Run: ``uv run python -m bench.corpus --reports 10000`` (writes bench/out/corpus-10000.pkl: the
extractions, so benchmarks measure storing, not extracting).

A full corpus (``--reports 100000 --distinct 3000``) extracts only ``distinct`` reports and
derives the rest from them (:mod:`bench.retarget`): every report is re-targeted to a slot of
the plan a real corpus follows — each current county-level region (~2,800) reports every
year of ten, and departments of the same counties (司法局, 公安局 …) fill the rest — its
region, year, author, local document and 文号 rewritten, its text shared with its base
(cached as ``corpus-<n>-d<distinct>.pkl``). ``--text DIR`` writes the reports as text files too.
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


def corpus_path(count: int, distinct: int | None = None) -> Path:
    """Where the corpus of ``count`` reports (``distinct`` of them extracted) is cached."""
    derived = distinct is not None and distinct < count
    return OUT / (f"corpus-{count}-d{distinct}.pkl" if derived else f"corpus-{count}.pkl")


def build_extractions(count: int, distinct: int | None = None) -> list[Extraction]:
    """Extractions of the synthetic corpus, cached in bench/out; ``distinct``: extract only so
    many reports and derive the others (:func:`bench.retarget.derive_corpus`)."""
    cache = corpus_path(count, distinct)
    if cache.exists():
        with cache.open("rb") as f:
            cached: list[Extraction] = pickle.load(f)
            return cached
    if distinct is not None and distinct < count:
        from bench.retarget import derive_corpus

        extractions = derive_corpus(extracted(distinct), count)
    else:
        started = time.perf_counter()
        extractions = [extract_text(text, source=source) for source, text in generate(count)]
        print(f"extracted {count} synthetic reports in {time.perf_counter() - started:.1f} s")
    OUT.mkdir(parents=True, exist_ok=True)
    with cache.open("wb") as f:
        pickle.dump(extractions, f, protocol=pickle.HIGHEST_PROTOCOL)
    return extractions


def write_generated(count: int, directory: Path) -> int:
    """Write the :func:`generate` reports as text files in ``directory``; how many."""
    directory.mkdir(parents=True, exist_ok=True)
    for source, text in generate(count):
        (directory / Path(source).name).write_text(text, encoding="utf-8")
    return count


def extracted(count: int) -> list[Extraction]:
    """The first ``count`` extracted reports, from a larger cached corpus when there is one
    (:func:`generate` is deterministic: a larger corpus starts with the smaller one)."""
    larger = sorted(
        (int(path.stem.split("-")[1]), path)
        for path in OUT.glob("corpus-*.pkl")
        if path.stem.split("-")[1].isdigit() and "-d" not in path.stem
    )
    for size, path in larger:
        if size >= count:
            with path.open("rb") as f:
                cached: list[Extraction] = pickle.load(f)
            return cached[:count]
    return build_extractions(count)


def main() -> None:
    """Build (or load) the corpus and print its size and entity counts."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--distinct", type=int, default=None, help="extract only so many")
    parser.add_argument("--text", type=Path, default=None, help="also write the reports here")
    args = parser.parse_args()
    started = time.perf_counter()
    extractions = build_extractions(args.reports, args.distinct)
    print(f"corpus ready in {time.perf_counter() - started:.1f} s")
    if args.text is not None:
        from bench.retarget import write_texts

        if args.distinct is not None and args.distinct < args.reports:
            written = write_texts(extracted(args.distinct), args.reports, args.text)
        else:
            written = write_generated(args.reports, args.text)
        print(f"wrote {written} text files to {args.text}")
    print(f"reports: {len(extractions)}")
    print(f"characters: {sum(len(x.text) for x in extractions):,}")
    for kind in ("policies", "institutions", "programs", "regions", "doc_numbers"):
        distinct = {item.canonical for x in extractions for item in getattr(x, kind)}
        print(f"distinct {kind}: {len(distinct):,}")


if __name__ == "__main__":
    main()
