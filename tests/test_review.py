"""Reports that need review, end to end on both stores: a real report file is extracted (it
names no region, so extraction flags it), ingested, found through GraphQL
``reports(needsReview: true)``, corrected with the line ``fazhi review`` offers, and
re-ingested: the correction is in the graph and stays there on the next ingest.
Also the ``fazhi review`` / ``fazhi ingest --corrections`` commands and the notebook client.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner, Result

from api.app import create_app
from cli import app as cli_app
from client import Fazhi
from config.settings import Settings, get_settings
from graph.memory import MemoryStore
from graph.store import GraphStore
from ingest.pipeline import extract_file
from services.ingesting import ingest_files
from services.reviewing import REPORT_COLUMNS, correction_template, reviews
from tests.api_support import post_graphql
from tests.store_fixtures import report_a

# A report as many counties post it: the title says the year, nothing says whose report it is.
UNSIGNED_REPORT = (
    "关于2019年度法治政府建设工作情况的报告\n\n"
    "2019年，我们认真贯彻落实《法治政府建设实施纲要(2015—2020年)》，"
    "严格执行《重大行政决策程序暂行条例》，深入推进“放管服”改革。\n"
    "一、加强组织领导。司法局牵头推进依法行政工作。\n"
    "二、规范行政执法。全面推行行政执法公示制度。\n"
)
YUNYANG = "420304"

REPORTS_QUERY = """query ($review: Boolean) { reports(needsReview: $review) { totalCount
  nodes { id source year needsReview region { code fullName }
          regionAttribution { source confidence inferred }
          yearAttribution { source confidence inferred } } } }"""


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    path = tmp_path / "corpus" / "fzbg-2019.txt"
    path.parent.mkdir()
    path.write_text(UNSIGNED_REPORT, encoding="utf-8")
    return path


@pytest.fixture(params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store_and_settings(
    request: pytest.FixtureRequest,
) -> Iterator[tuple[GraphStore, Settings]]:
    """An empty store of each kind, and the settings that ingest into it."""
    if request.param == "memory":
        yield MemoryStore(None), get_settings(store="memory", data_dir=None)
        return
    from graph.neo4j_store import Neo4jStore

    settings: Settings = request.getfixturevalue("neo4j_settings")
    with Neo4jStore(settings) as neo4j:
        neo4j.clear()
        yield neo4j, settings
        neo4j.clear()


async def graphql(store: GraphStore, query: str, **variables: Any) -> dict[str, Any]:
    app = create_app(get_settings(api_graphiql=False), store=store)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        status, body = await post_graphql(http, query, variables)
    assert status == 200, body
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def filled_in(template: str, **cells: str) -> str:
    """The correction template with ``cells`` set on every line."""
    lines = list(csv.DictReader(io.StringIO(template)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(lines[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows({**line, **cells} for line in lines)
    return out.getvalue()


async def test_a_flagged_report_is_found_corrected_and_stays_corrected(
    store_and_settings: tuple[GraphStore, Settings], report_file: Path, tmp_path: Path
) -> None:
    store, settings = store_and_settings
    first = ingest_files(store, [report_file], settings=settings)
    [outcome] = first.files
    assert outcome.status == "new"

    flagged = (await graphql(store, REPORTS_QUERY, review=True))["reports"]
    assert flagged["totalCount"] == 1
    [report] = flagged["nodes"]
    assert (report["id"], report["needsReview"], report["region"]) == (
        outcome.report_id,
        True,
        None,
    )
    assert report["regionAttribution"] is None  # nothing in the text attests a region

    corrections = tmp_path / "corrections.csv"
    corrections.write_text(filled_in(correction_template(reviews(store)), region_code=YUNYANG))
    corrected = settings.model_copy(update={"corrections": corrections})
    second = ingest_files(store, [report_file], settings=corrected)
    assert [f.status for f in second.files] == ["replaced"]
    assert [w for w in second.warnings if str(corrections) in w] == []  # every line applied

    assert (await graphql(store, REPORTS_QUERY, review=True))["reports"]["totalCount"] == 0
    [settled] = (await graphql(store, REPORTS_QUERY, review=False))["reports"]["nodes"]
    assert settled["id"] == outcome.report_id
    assert settled["region"] == {"code": YUNYANG, "fullName": "湖北省十堰市郧阳区"}
    assert settled["regionAttribution"] == {
        "source": "correction",
        "confidence": 1.0,
        "inferred": False,
    }
    assert settled["year"] == 2019

    third = ingest_files(store, [report_file], settings=corrected)
    assert [f.status for f in third.files] == ["unchanged"]
    again = (await graphql(store, REPORTS_QUERY, review=False))["reports"]["nodes"]
    assert again == [settled]


# --- the commands --------------------------------------------------------------------------------
def fazhi(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli_app, list(args), env=env)


def test_review_lists_the_evidence_and_its_csv_settles_the_corpus(
    report_file: Path, tmp_path: Path
) -> None:
    data_dir = str(tmp_path / "data")
    assert fazhi("ingest", str(report_file.parent), "--data-dir", data_dir).exit_code == 0

    listed = fazhi("review", "--data-dir", data_dir, "--json")
    assert listed.exit_code == 0, listed.output
    [item] = json.loads(listed.stdout)
    assert (item["source"], item["region_code"], item["year"]) == (str(report_file), None, 2019)
    assert item["correction"]["report"] == str(report_file)
    table = fazhi("review", "--data-dir", data_dir)
    assert "1 reports need review" in table.stdout
    assert f"{report_file},,2019," in table.stdout  # the line to fill, ready to paste

    template = tmp_path / "review.csv"
    assert fazhi("review", "--data-dir", data_dir, "--csv", str(template)).exit_code == 0
    template.write_text(
        filled_in(template.read_text(), region_code=YUNYANG, author="郧阳区人民政府")
    )
    fixed = fazhi(
        "ingest", str(report_file), "--data-dir", data_dir, "--corrections", str(template)
    )
    assert fixed.exit_code == 0, fixed.output
    assert "1 replaced" in fixed.stdout
    assert json.loads(fazhi("review", "--data-dir", data_dir, "--json").stdout) == []


def test_bad_correction_lines_are_named_and_the_rest_applies(
    report_file: Path, tmp_path: Path
) -> None:
    data_dir = str(tmp_path / "data")
    corrections = tmp_path / "fix.csv"
    corrections.write_text(
        "report,region_code,year,colour\n"
        f"{report_file},999999,2018,red\n"
        "elsewhere/gone.txt,420304,,\n",
        encoding="utf-8",
    )
    env = {"FAZHI_CORRECTIONS": str(corrections)}  # the setting, instead of --corrections
    result = fazhi("ingest", str(report_file), "--data-dir", data_dir, env=env)
    assert result.exit_code == 0, result.output
    assert f"{corrections}:1: colour: unknown column" in result.stderr
    assert f"{corrections}:2: region_code: unknown region code '999999'" in result.stderr
    assert f"{corrections}:3: report: no report 'elsewhere/gone.txt' in this batch" in (
        result.stderr
    )
    with Fazhi.open(store="memory", data_dir=data_dir) as fz:
        [year] = fz.reports()["year"]
    assert year == 2018  # the good cell of the bad line


def test_a_missing_corrections_file_stops_the_ingest_with_its_name(
    report_file: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "nothere.csv"
    data_dir = str(tmp_path / "data")
    result = fazhi(
        "ingest", str(report_file), "--data-dir", data_dir, "--corrections", str(missing)
    )
    assert result.exit_code == 2
    assert f"{missing}: cannot read the corrections file" in result.stderr


# --- the notebook client ----------------------------------------------------------------------
def test_the_client_filters_reports_on_needs_review(report_file: Path) -> None:
    store = MemoryStore(None)
    store.upsert_report(extract_file(report_file))
    store.upsert_report(report_a())  # region and year stated: nothing to review
    with Fazhi(get_settings(), store=store) as fz:
        flagged = fz.reports(needs_review=True)
        settled = fz.reports(needs_review=False)
    assert list(flagged.columns) == list(REPORT_COLUMNS)
    assert list(flagged["source"]) == [str(report_file)]
    assert list(settled["id"]) == [report_a().report_id]
